package casework

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// desk is what TestBookAgreesWithTheService does to casework, once
// through the Service and once through a Book.
type desk interface {
	open(req care.Request) error
	search(id string) error
	refer(id, option string) (string, error)
	move(id string, m care.Move, asOwner bool) error
	noShow(id string) error
	followUp(id, n string) error
	close(id string, x care.Close) error
	specialist(id string, f care.SpecialistFields) (string, error)
	endSpecialist(id string) error
	expire(at time.Time) error
}

type serviceDesk struct {
	ctx context.Context
	st  *store.Store
	svc *Service
}

func (d serviceDesk) req(id string) care.Request  { r, _ := d.st.Requests().Get(d.ctx, id); return r }
func (d serviceDesk) ref(id string) care.Referral { r, _ := d.st.Referrals().Get(d.ctx, id); return r }
func (d serviceDesk) open(req care.Request) error {
	if err := d.svc.OpenRequest(d.ctx, worker, req); err != nil {
		return err
	}
	return nil
}
func (d serviceDesk) search(id string) error {
	_, err := d.svc.Search(d.ctx, worker, id, []care.SearchNeed{{Need: "groceries", Covered: true, OptionIDs: []string{}}})
	return err
}
func (d serviceDesk) refer(id, option string) (string, error) {
	ref, err := d.svc.Refer(d.ctx, worker, d.req(id), care.ReferralFields{Need: "groceries", OptionID: option})
	return ref.ID, err
}
func (d serviceDesk) move(id string, m care.Move, asOwner bool) error {
	_, err := d.svc.Move(d.ctx, worker, d.ref(id), m, asOwner)
	return err
}
func (d serviceDesk) noShow(id string) error {
	_, err := d.svc.NoShow(d.ctx, worker, d.ref(id), t0, "niet thuis")
	return err
}
func (d serviceDesk) followUp(id, n string) error {
	_, err := d.svc.FollowUpDone(d.ctx, worker, d.ref(id), n, "gaat goed")
	return err
}
func (d serviceDesk) close(id string, x care.Close) error {
	_, err := d.svc.Close(d.ctx, worker, id, x)
	return err
}
func (d serviceDesk) specialist(id string, f care.SpecialistFields) (string, error) {
	sp, err := d.svc.ReferSpecialist(d.ctx, worker, d.req(id), f)
	return sp.ID, err
}
func (d serviceDesk) endSpecialist(id string) error {
	sp, err := d.st.Specialists().Get(d.ctx, id)
	if err != nil {
		return err
	}
	_, err = d.svc.EndSpecialist(d.ctx, worker, sp, care.SpecialistEnd{Outcome: "afgeschaald"})
	return err
}
func (d serviceDesk) expire(time.Time) error { return d.svc.ExpireStale(d.ctx) }

type bookDesk struct {
	b   *Book
	now func() time.Time
}

func (d bookDesk) open(req care.Request) error { return d.b.OpenRequest(worker, req) }
func (d bookDesk) search(id string) error {
	_, err := d.b.Search(worker, id, []care.SearchNeed{{Need: "groceries", Covered: true, OptionIDs: []string{}}}, d.now())
	return err
}
func (d bookDesk) refer(id, option string) (string, error) {
	ref, err := d.b.Refer(worker, id, care.ReferralFields{Need: "groceries", OptionID: option}, d.now())
	return ref.ID, err
}
func (d bookDesk) move(id string, m care.Move, asOwner bool) error {
	_, err := d.b.Move(worker, id, m, asOwner, d.now())
	return err
}
func (d bookDesk) noShow(id string) error {
	_, err := d.b.NoShow(worker, id, t0, "niet thuis", d.now())
	return err
}
func (d bookDesk) followUp(id, n string) error {
	_, err := d.b.FollowUpDone(worker, id, n, "gaat goed", d.now())
	return err
}
func (d bookDesk) close(id string, x care.Close) error {
	_, err := d.b.Close(worker, id, x, d.now())
	return err
}
func (d bookDesk) specialist(id string, f care.SpecialistFields) (string, error) {
	sp, err := d.b.ReferSpecialist(worker, id, f, d.now())
	return sp.ID, err
}
func (d bookDesk) endSpecialist(id string) error {
	_, err := d.b.EndSpecialist(worker, id, care.SpecialistEnd{Outcome: "afgeschaald"}, d.now())
	return err
}
func (d bookDesk) expire(at time.Time) error { return d.b.ExpireStale(at) }

// script plays a stretch of casework on d over a volunteer with one
// place and returns the outcome of each step, by the type of its error.
func script(t *testing.T, d desk, vol string) []string {
	t.Helper()
	var out []string
	note := func(step string, err error) {
		out = append(out, step+": "+kindOf(err))
	}
	reqs := make([]string, 3)
	for i := range reqs {
		req := care.Request{Meta: care.Meta{ID: fmt.Sprintf("%024x", i+1), Version: 1, CreatedAt: t0, UpdatedAt: t0, Municipality: "GM0363", Team: "noord"},
			RequestFields: care.RequestFields{Needs: []string{"groceries"}, Consents: []string{care.ConsentShareVolunteer}},
			Status:        care.ReqOpen, Steps: []care.Step{{State: care.ReqOpen, At: t0}}, NeedsChangedAt: t0}
		note("open", d.open(req))
		reqs[i] = req.ID
	}
	note("search 1", d.search(reqs[0]))
	a, err := d.refer(reqs[0], vol)
	note("refer 1", err)
	b, err := d.refer(reqs[1], vol)
	note("refer 2", err)
	c, err := d.refer(reqs[2], vol)
	note("refer 3", err)
	note("owner waitlists", d.move(b, care.Move{To: care.RefWaitlisted}, true))
	note("accept 1", d.move(a, care.Move{To: care.RefAccepted}, true))
	note("accept 2 when full", d.move(b, care.Move{To: care.RefAccepted}, false))
	note("waitlist 2", d.move(b, care.Move{To: care.RefWaitlisted}, false))
	note("waitlist 3", d.move(c, care.Move{To: care.RefWaitlisted}, false))
	note("accept 3 past the line", d.move(c, care.Move{To: care.RefAccepted}, false))
	note("no-show on a wait", d.noShow(b))
	note("start 1", d.move(a, care.Move{To: care.RefStarted}, true))
	note("follow-up 1", d.followUp(a, "1"))
	note("follow-up 1 again", d.followUp(a, "1"))
	note("end 1: 2 moves up", d.move(a, care.Move{To: care.RefEnded, Reason: "verhuisd"}, true))
	note("no-show 2", d.noShow(b))
	note("decline the accepted", d.move(b, care.Move{To: care.RefDeclined, Reason: "nee"}, true))
	note("close 2: its place goes to 3", d.close(reqs[1], care.Close{Closure: care.ClosureWithdrawn}))
	note("close 2 again", d.close(reqs[1], care.Close{Closure: care.ClosureWithdrawn}))
	gate := care.SpecialistFields{Needs: []string{"groceries"}, Reasons: []care.GateReason{{Need: "groceries", Code: "all_full", Text: "vol"}}}
	_, err = d.specialist(reqs[2], gate)
	note("gate without a search", err)
	note("search 3", d.search(reqs[2]))
	sp, err := d.specialist(reqs[2], gate)
	note("gate after the search", err)
	_, err = d.specialist(reqs[2], gate)
	note("gate when closed", err)
	note("step-down", d.endSpecialist(sp))
	note("step-down again", d.endSpecialist(sp))
	_, err = d.specialist(reqs[2], gate)
	note("gate after the step-down", err)
	note("sweep", d.expire(t0))
	return out
}

// TestBookAgreesWithTheService plays one stretch of casework through the
// Service (with the store, the outbox and the bus) and through a Book,
// and finds the same answers, the same records (but for ids and times)
// and the same events: the Book is the Service's rules without the
// store.
func TestBookAgreesWithTheService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := shared.Open(t, shared.DBName(t))
	c := newCounter()
	svc := newService(st, c, func() time.Time { return t0 })
	vol := care.Volunteer{Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: t0, UpdatedAt: t0, Municipality: "GM0363", OwnerID: "acc-anna"},
		VolunteerFields: care.VolunteerFields{DisplayName: "Anna", HelpTypes: []string{"groceries"}, Capacity: 1, Status: "active"}}
	if err := st.Volunteers().Insert(ctx, vol); err != nil {
		t.Fatal(err)
	}
	var evs []care.Event
	book := NewBook(BookConfig{OnEvent: func(ev care.Event) { evs = append(evs, ev) }})
	book.AddOptions([]care.Volunteer{vol}, nil, nil, nil)

	viaService := script(t, serviceDesk{ctx, st, svc}, vol.ID)
	viaBook := script(t, bookDesk{book, func() time.Time { return t0 }}, vol.ID)
	t.Logf("answers: %v", viaBook)
	if !reflect.DeepEqual(viaService, viaBook) {
		t.Errorf("answers differ:\nservice %v\nbook    %v", viaService, viaBook)
	}

	// The records, without ids and times.
	type refShape struct {
		State, Reason, Outcome string
		Version                int64
		Steps                  []string
		Place                  *care.PlaceRef
		FollowUps, NoShows     int
	}
	type reqShape struct {
		Status, Closure          string
		Version                  int64
		Steps                    []string
		Contact, Match, Searched bool
		StepDowns                int
	}
	steps := func(ss []care.Step) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.State)
		}
		return out
	}
	shapeRef := func(r care.Referral) refShape {
		var p *care.PlaceRef
		if r.Place != nil {
			p = &care.PlaceRef{Pool: "", Number: r.Place.Number}
		}
		return refShape{r.State, r.Reason, r.Outcome, r.Version, steps(r.Steps), p, len(r.FollowUps), len(r.NoShows)}
	}
	shapeReq := func(r care.Request) reqShape {
		return reqShape{r.Status, r.Closure, r.Version, steps(r.Steps), r.FirstContactAt != nil, r.MatchedAt != nil, r.LastSearch != nil, r.StepDowns}
	}
	recs := book.Records()
	storedRefs, err := st.Referrals().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	storedReqs, err := st.Requests().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(storedRefs) != len(recs.Referrals) || len(storedReqs) != len(recs.Requests) {
		t.Fatalf("%d and %d referrals, %d and %d requests", len(storedRefs), len(recs.Referrals), len(storedReqs), len(recs.Requests))
	}
	for i := range storedRefs {
		if a, b := shapeRef(storedRefs[i]), shapeRef(recs.Referrals[i]); !reflect.DeepEqual(a, b) {
			t.Errorf("referral %d: service %+v; book %+v", i, a, b)
		}
	}
	for i := range storedReqs {
		if a, b := shapeReq(storedReqs[i]), shapeReq(recs.Requests[i]); !reflect.DeepEqual(a, b) {
			t.Errorf("request %d: service %+v; book %+v", i, a, b)
		}
	}
	sps, err := st.Specialists().All(ctx)
	if err != nil || len(sps) != len(recs.Specialists) || sps[0].Version != recs.Specialists[0].Version || len(sps[0].FollowUps) != len(recs.Specialists[0].FollowUps) {
		t.Errorf("specialist referrals: service %+v, %v; book %+v", sps, err, recs.Specialists)
	}
	counts, err := st.Places().Counts(ctx)
	if err != nil || len(recs.Places) != counts["volunteer:"+vol.ID] {
		t.Errorf("places: service %v, %v; book %+v", counts, err, recs.Places)
	}

	// The events, by type, in order.
	if err := svc.Bus().Sync(ctx); err != nil {
		t.Fatal(err)
	}
	types := func(evs []care.Event) []string {
		var out []string
		for _, ev := range evs {
			out = append(out, ev.Type+" "+ev.From+">"+ev.To+" "+ev.Code)
		}
		return out
	}
	if a, b := types(c.evs), types(evs); !reflect.DeepEqual(a, b) {
		t.Errorf("events differ:\nservice %v\nbook    %v", a, b)
	}
}

// TestBookNamesCollectionsAsTheStore holds the Book's collection names,
// which name its events, to the store's.
func TestBookNamesCollectionsAsTheStore(t *testing.T) {
	t.Parallel()
	st := shared.Open(t, shared.DBName(t))
	for got, want := range map[string]string{collRequests: st.Requests().Name(), collReferrals: st.Referrals().Name(),
		collSpecialists: st.Specialists().Name(), collSearches: st.Searches().Name()} {
		if got != want {
			t.Errorf("book names %q; the store %q", got, want)
		}
	}
}

// kindOf names the typed error err is, as callers tell them apart.
func kindOf(err error) string {
	for _, k := range []any{new(*MoveError), new(*FullError), new(*LineError), new(*GateError), new(*DoneError),
		new(*StateError), new(*FieldError), new(*NotFoundError), new(*ConsentError)} {
		if errors.As(err, k) {
			return fmt.Sprintf("%T", k)
		}
	}
	if errors.Is(err, ErrWorkerOnly) {
		return "worker only"
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return "ok"
}
