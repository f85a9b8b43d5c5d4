package casework

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// shared is one embedded store for the package's tests; each test gets a
// database of its own on it.
var shared *storetest.Server

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		os.Exit(runCrashChild())
	}
	os.Exit(storetest.Run(m, "dichtbij-casework-test", func(s *storetest.Server) { shared = s }))
}

// worker is the social worker of the tests' requests.
var worker = Actor{ID: "acc-worker", Role: "social_worker", Team: "noord", Municipality: "GM0363"}

// t0 is the tests' clock start.
var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// clock returns a clock that starts at t0 and ticks 1 ms per reading.
func clock() func() time.Time {
	var ticks atomic.Int64
	return func() time.Time { return t0.Add(time.Duration(ticks.Add(1)) * time.Millisecond) }
}

// counter is a subscriber that records every delivery, without
// deduplication, so tests see how often each event came. With a file it
// also appends each delivery's event id there (synced before it
// returns), so that a restarted process sees what a killed one received.
type counter struct {
	mu   sync.Mutex
	seen map[string]int // event id -> deliveries
	evs  []care.Event
	file string
}

func newCounter() *counter { return &counter{seen: map[string]int{}} }

// persisted returns a counter that appends its deliveries to file.
func persisted(file string) *counter {
	c := newCounter()
	c.file = file
	return c
}

func (c *counter) handle(_ context.Context, ev care.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.file != "" {
		f, err := os.OpenFile(c.file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		_, err = f.WriteString(ev.ID + "\n")
		err = errors.Join(err, f.Sync(), f.Close())
		if err != nil {
			return err
		}
	}
	c.seen[ev.ID]++
	c.evs = append(c.evs, ev)
	return nil
}

// stored counts the deliveries in the file, by event id.
func (c *counter) stored(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(c.file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, id := range strings.Fields(string(b)) {
		out[id]++
	}
	return out
}

// types returns the types of the events delivered, in order.
func (c *counter) types() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, ev := range c.evs {
		out = append(out, ev.Type)
	}
	return out
}

// fixture is a service over a fresh database with a volunteer of one
// place and a request that may be referred to it.
type fixture struct {
	st      *store.Store
	svc     *Service
	count   *counter
	volID   string
	request care.Request
}

// newFixture builds the fixture in database st (a new one when nil).
func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	if st == nil {
		st = shared.Open(t, shared.DBName(t))
	}
	f := &fixture{st: st, count: newCounter()}
	f.svc = newService(st, f.count, clock())
	ctx := context.Background()
	vol := care.Volunteer{Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: t0, UpdatedAt: t0, Municipality: "GM0363", OwnerID: "acc-anna"},
		VolunteerFields: care.VolunteerFields{DisplayName: "Anna", HelpTypes: []string{"groceries"}, Capacity: 1, Status: "active"}}
	if err := st.Volunteers().Insert(ctx, vol); err != nil {
		t.Fatal(err)
	}
	f.volID = vol.ID
	f.request = f.newRequest(t)
	return f
}

// newService returns a service over st whose bus delivers to c (first)
// and to the notifications.
func newService(st *store.Store, c *counter, now func() time.Time) *Service {
	bus := NewBus(st, storetest.Quiet(), now)
	bus.Subscribe("counter", c.handle)
	return New(Deps{Store: st, Bus: bus, Log: storetest.Quiet(), Now: now})
}

// newRequest stores a request for groceries that may be shared with
// volunteers.
func (f *fixture) newRequest(t *testing.T) care.Request {
	t.Helper()
	req := care.Request{Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: t0, UpdatedAt: t0, Municipality: "GM0363", Team: "noord"},
		RequestFields: care.RequestFields{ResidentAlias: "Mevr. J.", Needs: []string{"groceries"}, Consents: []string{care.ConsentShareVolunteer}},
		Status:        care.ReqOpen, Steps: []care.Step{{State: care.ReqOpen, At: t0}}, NeedsChangedAt: t0}
	if err := f.st.Requests().Insert(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return req
}

// refer proposes the volunteer for the request's groceries.
func (f *fixture) refer(t *testing.T, req care.Request) care.Referral {
	t.Helper()
	ref, err := f.svc.Refer(context.Background(), worker, req, care.ReferralFields{Need: "groceries", OptionID: f.volID})
	if err != nil {
		t.Fatalf("Refer() error = %v", err)
	}
	return ref
}

// move moves ref as the worker and fails the test on an error.
func (f *fixture) move(t *testing.T, ref care.Referral, to, reason string) care.Referral {
	t.Helper()
	next, err := f.svc.Move(context.Background(), worker, ref, care.Move{To: to, Reason: reason}, false)
	if err != nil {
		t.Fatalf("Move(%s -> %s) error = %v", ref.State, to, err)
	}
	return next
}

// referral reads referral id.
func (f *fixture) referral(t *testing.T, id string) care.Referral {
	t.Helper()
	ref, err := f.st.Referrals().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}
