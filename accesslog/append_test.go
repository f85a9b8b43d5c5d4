package accesslog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAppendChainsEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := newDB(t)
	// A clock with nanoseconds, in another zone: At must come out UTC, to
	// the millisecond.
	start := time.Date(2026, 11, 23, 9, 0, 0, 123456789, time.FixedZone("CET", 3600))
	l := New(openStore(t, name), clock(start, time.Second))
	in := access("acct-1", "req-1")
	in.Subject, in.OnBehalfOf = "vol-7", "acct-9"
	// Whatever the caller puts in the assigned fields is overwritten.
	in.Seq, in.ID, in.Hash, in.PrevHash, in.At = 99, "acc-x", "forged", "forged", time.Unix(0, 0)
	var got []Entry
	for range 3 {
		e, err := l.Append(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	prev := ""
	for i, e := range got {
		seq := int64(i + 1)
		wantAt := time.Date(2026, 11, 23, 8, 0, i, 123000000, time.UTC)
		if e.Seq != seq || e.ID != fmt.Sprintf("acc-%016d", seq) || !e.At.Equal(wantAt) || e.At.Location() != time.UTC {
			t.Errorf("entry %d: seq %d id %s at %v; want %d, acc-%016d, %v UTC", i, e.Seq, e.ID, e.At, seq, seq, wantAt)
		}
		if e.PrevHash != prev || e.Hash != ComputeHash(e) || len(e.Hash) != 64 || e.HashVersion != 1 {
			t.Errorf("entry %d: prev %q hash %q version %d; want prev %q and its own hash", i, e.PrevHash, e.Hash, e.HashVersion, prev)
		}
		prev = e.Hash
		var stored Entry
		if !rawLog(t, name).Get(e.ID, &stored) {
			t.Fatalf("entry %s not stored", e.ID)
		}
		if !reflect.DeepEqual(stored, e) {
			t.Errorf("stored %+v; Append returned %+v", stored, e)
		}
	}
	// Another process (a fresh Log) continues the chain.
	l2 := New(openStore(t, name), nil)
	e, err := l2.Append(ctx, access("acct-2", "req-2"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 4 || e.PrevHash != got[2].Hash {
		t.Errorf("fresh Log appended seq %d after %q; want 4 after %q", e.Seq, e.PrevHash, got[2].Hash)
	}
	// And the first Log, whose cached head is now stale, chains onto it.
	e, err = l.Append(ctx, access("acct-1", "req-3"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 5 {
		t.Errorf("stale Log appended seq %d; want 5", e.Seq)
	}
	if r, err := l.Verify(ctx); err != nil || !r.Clean() || r.Checked != 5 {
		t.Errorf("Verify = %+v, %v; want 5 clean entries", r, err)
	}
}

func TestAppendRefusesInvalidEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := newDB(t)
	l := New(openStore(t, name), nil)
	tests := map[string]func(*Entry){
		"no actor":                 func(e *Entry) { e.Actor = "" },
		"e-mail as actor":          func(e *Entry) { e.Actor = "anna@example.org" },
		"name as subject":          func(e *Entry) { e.Subject = "Anna de Vries" },
		"role with space":          func(e *Entry) { e.ActorRole = "social worker" },
		"long request id":          func(e *Entry) { e.RequestID = strings.Repeat("a", 129) },
		"no municipality":          func(e *Entry) { e.Municipality = "" },
		"municipality by name":     func(e *Entry) { e.Municipality = "Amsterdam" },
		"no action":                func(e *Entry) { e.Action = "" },
		"action with capitals":     func(e *Entry) { e.Action = "Read" },
		"route with newline":       func(e *Entry) { e.Route = "GET /x\nPOST /y" },
		"reason with control char": func(e *Entry) { e.Reason = "urgent\x00" },
		"invalid utf-8 reason":     func(e *Entry) { e.Reason = "\xff" },
		"long reason":              func(e *Entry) { e.Reason = strings.Repeat("x", 1001) },
		"outside team, no reason":  func(e *Entry) { e.OutsideTeam, e.Reason = true, "  " },
	}
	for name, mutate := range tests {
		e := access("acct-1", "req-1")
		mutate(&e)
		if got, err := l.Append(ctx, e); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Append = %+v, %v; want ErrInvalid", name, got, err)
		}
	}
	if n := rawLog(t, name).Count(nil); n != 0 {
		t.Errorf("log holds %d entries; want none", n)
	}
	ok := access("acct-1", "req-1")
	ok.OutsideTeam, ok.Reason = true, "Dienstdoende collega ziek; spoed bij valpartij."
	if _, err := l.Append(ctx, ok); err != nil {
		t.Errorf("Append(break-the-glass with reason) = %v", err)
	}
}

// TestTwoLogsAppendWithoutGapsOrForks has two processes (two stores, two
// Logs) append 100 entries each at once, from two goroutines each: the
// numbers run 1..200, each given once, and the chain verifies.
//
// Each goroutine pauses up to 10 ms between appends, as request traffic
// would: a process appending back to back keeps the numbers to itself
// (see Append), and the two would hardly interleave. Measured without
// -race: the writer changes 30 to 70 times; with -race, reads slow down
// more than inserts and it may change only a few times, which still
// tests the numbering, but not much of the retry.
func TestTwoLogsAppendWithoutGapsOrForks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := newDB(t)
	logs := []*Log{New(openStore(t, name), nil), New(openStore(t, name), nil)}
	var (
		mu   sync.Mutex
		seqs = map[int64]Entry{}
		by   = map[int64]int{} // seq -> the Log that appended it
		wg   sync.WaitGroup
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := logs[w%2]
			for i := range 50 {
				e, err := l.Append(ctx, access(fmt.Sprintf("acct-%d", w), fmt.Sprintf("req-%d-%d", w, i)))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if prev, dup := seqs[e.Seq]; dup {
					t.Errorf("seq %d given to %s and %s", e.Seq, prev.RequestID, e.RequestID)
				}
				seqs[e.Seq], by[e.Seq] = e, w%2
				mu.Unlock()
				time.Sleep(time.Duration(rand.IntN(10_000)) * time.Microsecond)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	switches := 0
	for seq := int64(1); seq <= 200; seq++ {
		e, ok := seqs[seq]
		if !ok {
			t.Fatalf("seq %d missing among the 200 appends", seq)
		}
		if seq > 1 && e.PrevHash != seqs[seq-1].Hash {
			t.Errorf("seq %d chains onto %.8s; entry %d has %.8s", seq, e.PrevHash, seq-1, seqs[seq-1].Hash)
		}
		if seq > 1 && by[seq] != by[seq-1] {
			switches++
		}
	}
	// The processes must have met numbers the other took, or the test did
	// not test the retry.
	c0, c1 := logs[0].conflicts.Load(), logs[1].conflicts.Load()
	t.Logf("numbers found taken: %d and %d; the writer changed %d times", c0, c1, switches)
	if c0+c1 == 0 {
		t.Error("no append met a number taken by the other Log")
	}
	for i, l := range logs {
		r, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Clean() || r.Checked != 200 || r.Head != 200 || r.HeadHash != seqs[200].Hash {
			t.Errorf("log %d: Verify = %+v; want 200 clean entries up to %.8s", i, r, seqs[200].Hash)
		}
	}
}

// TestAppendChainsOntoRacingWriter makes another process take the
// number an Append is about to insert, up to three times in a row: the
// Append's clock, which it reads just before each insert, appends through
// a second Log. Each time the Append must move on to the next number and
// chain onto the entry that took its number.
func TestAppendChainsOntoRacingWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := newDB(t)
	other := New(openStore(t, name), nil)
	var (
		races int     // numbers the other process takes during this Append
		taken []Entry // the entries it appended
	)
	l := New(openStore(t, name), func() time.Time {
		if len(taken) < races {
			e, err := other.Append(ctx, access("acct-other", "req-other"))
			if err != nil {
				t.Fatal(err)
			}
			taken = append(taken, e)
		}
		return t0
	})
	want := int64(0)
	for round := range 12 {
		races, taken = round%4, nil
		before := l.conflicts.Load()
		e, err := l.Append(ctx, access("acct-1", fmt.Sprintf("req-%d", round)))
		if err != nil {
			t.Fatal(err)
		}
		want += int64(races) + 1
		if conflicts := l.conflicts.Load() - before; len(taken) != races || e.Seq != want || conflicts != int64(races) {
			t.Fatalf("round %d: other took %d, Append got seq %d after %d conflicts; want %d, %d, %d",
				round, len(taken), e.Seq, conflicts, races, want, races)
		}
		if races > 0 && e.PrevHash != taken[races-1].Hash {
			t.Errorf("round %d: seq %d chains onto %.8s; want the racing entry %d, %.8s", round, e.Seq, e.PrevHash, taken[races-1].Seq, taken[races-1].Hash)
		}
	}
	r, err := l.Verify(ctx)
	if err != nil || !r.Clean() || r.Checked != want {
		t.Errorf("Verify = %+v, %v; want %d clean entries", r, err, want)
	}
}

// TestHashCoversEveryField changes each field in turn, and moves a
// character from one field to the next: every change gives another hash.
// The golden value pins encoding version 1: stored hashes must keep
// verifying, so it may never change.
func TestHashCoversEveryField(t *testing.T) {
	t.Parallel()
	base := Entry{
		ID: EntryID(7), Seq: 7, At: time.Date(2026, 11, 23, 8, 0, 0, 5e6, time.UTC),
		Actor: "acct-1", ActorRole: "social_worker", ActorTeam: "noord", OnBehalfOf: "acct-2",
		Municipality: "GM0363", RequestID: "req-1", Subject: "vol-1", Action: "read",
		Route: "GET /api/v1/requests/{id}", Reason: "spoed", OutsideTeam: true,
		HashVersion: 1, PrevHash: strings.Repeat("ab", 32),
	}
	const golden = "ff2bd5f4a1ecd9c37d49e8787dfba3a707eee310a41b7441b8e4901e92cfcfe2"
	if got := ComputeHash(base); got != golden {
		t.Errorf("ComputeHash(base) = %s; want %s (encoding v1 changed?)", got, golden)
	}
	seen := map[string]string{ComputeHash(base): "base"}
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Name == "Hash" || f.Name == "HashVersion" {
			continue
		}
		e := base
		fv := reflect.ValueOf(&e).Elem().Field(i)
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(fv.String() + "x")
		case reflect.Int64:
			fv.SetInt(fv.Int() + 1)
		case reflect.Bool:
			fv.SetBool(!fv.Bool())
		default:
			e.At = e.At.Add(time.Millisecond)
		}
		h := ComputeHash(e)
		if other, dup := seen[h]; dup {
			t.Errorf("changing %s gives the hash of %s", f.Name, other)
		}
		seen[h] = f.Name
	}
	shifted := base
	shifted.Actor, shifted.ActorRole = "acct-1s", "ocial_worker"
	if ComputeHash(shifted) == ComputeHash(base) {
		t.Error("moving a character between actor and actor_role keeps the hash")
	}
	if e := base; func() bool { e.HashVersion = 2; return ComputeHash(e) != "" }() {
		t.Error("ComputeHash hashed an unknown version")
	}
}

// TestNoUpdateOrDelete: the log is append-only, so its API must offer no
// way to change or remove an entry.
func TestNoUpdateOrDelete(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[*Log]()
	var methods []string
	for i := range typ.NumMethod() {
		methods = append(methods, typ.Method(i).Name)
	}
	want := []string{"Append", "AppendAll", "ForRequest", "ForSubject", "List", "Unusual", "Verify"}
	if !slices.Equal(methods, want) {
		t.Errorf("*Log has methods %v; want exactly %v", methods, want)
	}
}

func TestEntryJSONNames(t *testing.T) {
	t.Parallel()
	e := access("acct-1", "req-1")
	e.OnBehalfOf, e.Subject, e.Reason = "acct-2", "vol-1", "r"
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "seq", "at", "actor", "actor_role", "actor_team", "on_behalf_of", "municipality",
		"request_id", "subject", "action", "route", "reason", "outside_team", "hash_version", "prev_hash", "hash"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON of an entry lacks %q: %s", k, b)
		}
	}
	if len(m) != 17 {
		t.Errorf("JSON of an entry has %d keys; want 17: %s", len(m), b)
	}
}
