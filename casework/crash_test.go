package casework

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
	"github.com/dichtbij/dichtbij/store/storetest/storeproc"
)

// crashChildEnv makes the test binary a child that opens the store at a
// URI, ends a referral (whose place then goes to the one waiting) and
// dies at a named point between a write and its delivery:
// "<dir>|<uri>|<point>|<subscriber>|<event type>|<referral id>", dir
// being where the delivery counter keeps its file.
const crashChildEnv = "DICHTBIJ_TEST_CASEWORK_CRASH"

// crashed is the exit code of a child that died where it was told to.
const crashed = 3

func runCrashChild() int {
	parts := strings.Split(os.Getenv(crashChildEnv), "|")
	dir, uri, point, sub, typ, id := parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URI: uri, Database: "crash", Logger: storetest.Quiet()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	svc := newService(st, persisted(filepath.Join(dir, "deliveries")), clock())
	svc.bus.crash = func(p, s string, ev care.Event) {
		if p == point && s == sub && ev.Type == typ {
			os.Exit(crashed) // as if killed: no deferred cleanup, no flush
		}
	}
	ref, err := st.Referrals().Get(ctx, id)
	if err == nil {
		_, err = svc.Move(ctx, worker, ref, care.Move{To: care.RefEnded, Reason: "verhuisd"}, false)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0 // the crash point was never reached
}

// TestCrashBetweenWriteAndDelivery kills a process at each point between
// a change and its delivery, and the store's process with it (SIGKILL,
// synchronous=FULL, as the product runs), and shows, after a restart of
// both, that no event of a change that happened is lost and that the
// notifications it causes are written once, though the events may come
// twice.
func TestCrashBetweenWriteAndDelivery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		point, sub, event string
		// promoted says the promotion was written before the crash.
		promoted bool
		// deliveries is how often the promotion reaches the counter in
		// all, before and after the crash: the relay marks entries in
		// batches, so one relayed before the crash is relayed again at
		// the restart (a second copy in the log), and cursors are stored
		// in batches too, so what a subscriber handled before the crash
		// is handed over again.
		deliveries int
	}{
		{"after the end is written, before relay", "written", "", care.EvReferralEnded, false, 0},
		{"after the promotion is written, before relay", "written", "", care.EvReferralAccepted, true, 1},
		{"after the promotion is in the log, before it is marked relayed", "appended", "", care.EvReferralAccepted, true, 2},
		{"after the counter handled the promotion, before its cursor moved", "handled", "counter", care.EvReferralPromoted, true, 3},
		{"after the notifications were written, before their cursor moved", "handled", "notifications", care.EvReferralPromoted, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			ctx := context.Background()
			srv := startStore(t, filepath.Join(dir, "store"))
			st, err := store.Open(ctx, store.Options{URI: srv.URI, Database: "crash", Logger: storetest.Quiet()})
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, st)
			f.count = persisted(filepath.Join(dir, "deliveries"))
			f.svc = newService(st, f.count, clock())
			a := f.move(t, f.refer(t, f.request), care.RefAccepted, "")
			b := f.move(t, f.refer(t, f.newRequest(t)), care.RefWaitlisted, "")
			if err := st.Close(ctx); err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+strings.Join([]string{dir, srv.URI, tt.point, tt.sub, tt.event, a.ID}, "|"))
			out, err := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != crashed {
				t.Fatalf("child exited with %d (%v), not at the crash point: %s", code, err, out)
			}
			_ = srv.Kill()

			// The restart: the store comes back on its files, a new
			// process opens it, recovers the outbox and delivers.
			srv = startStore(t, filepath.Join(dir, "store"))
			st, err = store.Open(ctx, store.Options{URI: srv.URI, Database: "crash", Logger: storetest.Quiet()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close(context.Background()) })
			f.st = st
			c := persisted(filepath.Join(dir, "deliveries"))
			svc := newService(st, c, func() time.Time { return time.Now() })
			before, err := st.Cursor(ctx, "notifications")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.Bus().Recover(ctx, 0, time.Hour); err != nil {
				t.Fatal(err)
			}
			if err := svc.Bus().Deliver(ctx); err != nil {
				t.Fatal(err)
			}

			// Nothing lost: the counter now has every event of the changes
			// that happened, counting what it had before the crash.
			all := c.stored(t)
			ended := fmt.Sprintf("referrals:%s@%d/%s", a.ID, a.Version+1, care.EvReferralEnded)
			promoted := fmt.Sprintf("referrals:%s@%d/%s", b.ID, b.Version+1, care.EvReferralPromoted)
			if all[ended] == 0 {
				t.Errorf("event %s was lost", ended)
			}
			if got := f.referral(t, b.ID).State == care.RefAccepted; got != tt.promoted {
				t.Fatalf("promotion written = %v; want %v", got, tt.promoted)
			}
			if tt.promoted {
				if all[promoted] == 0 {
					t.Errorf("the promotion never reached the counter")
				}
				if got, want := all[promoted], tt.deliveries; got != want {
					t.Errorf("promotion delivered to the counter %d times in all; want %d", got, want)
				}
				notes, err := svc.Notifications(ctx, f.referral(t, b.ID))
				if err != nil {
					t.Fatal(err)
				}
				if len(notes) != 2 {
					t.Errorf("notifications of the promotion = %d; want 2 (applied once)", len(notes))
				}
				if tt.sub == "notifications" && before >= lastSeq(t, st) {
					t.Errorf("the notifications' cursor %d was past the promotion before the restart; the test proves nothing", before)
				}
			}
			if pending, err := st.EventOutbox().Pending(ctx); err != nil || len(pending) != 0 {
				t.Errorf("outbox pending after recovery = %d (%v); want 0", len(pending), err)
			}
		})
	}
}

// startStore runs the store on dir as the product does (synchronous=FULL)
// in a process of its own, stopped when the test ends unless killed first.
func startStore(t *testing.T, dir string) *storeproc.Server {
	t.Helper()
	srv, err := storetest.StartIn(dir, "full")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// lastSeq is the event log's head.
func lastSeq(t *testing.T, st *store.Store) int64 {
	t.Helper()
	h, err := st.Events().Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}
