package demo

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

var shared *storetest.Server

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, "dichtbij-demo-test", func(s *storetest.Server) { shared = s }))
}

// TestDemoFollowsTheWorkflow loads a demo and replays what it stored
// through the domain's rules: every step of every referral and request
// is a move the lifecycle allows, the places claimed are exactly those
// of the referrals holding one (none twice, never over capacity), every
// specialist referral passed the gate for its needs with the search the
// request had then, closing ended what the request held, and every
// record's version counts its changes, one write each.
func TestDemoFollowsTheWorkflow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := shared.Open(t, shared.DBName(t))
	areas, err := geo.LoadAreas()
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(ctx, st, areas, "GM0344", 500, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	reqs, err := st.Requests().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := st.Referrals().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sps, err := st.Specialists().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	searches, err := st.Searches().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 || len(refs) == 0 || len(sps) == 0 || len(searches) == 0 {
		t.Fatalf("%d requests, %d referrals, %d specialist referrals, %d searches; want some of each", len(reqs), len(refs), len(sps), len(searches))
	}
	fails := 0
	fail := func(format string, args ...any) {
		t.Helper()
		if fails++; fails <= 20 {
			t.Errorf(format, args...)
		}
	}
	steps := func(kind, id string, ss []care.Step, first string, created time.Time, state string, legal func(a, b string) bool) {
		if len(ss) == 0 || ss[0].State != first || !ss[0].At.Equal(created) || ss[len(ss)-1].State != state {
			fail("%s %s: steps %v, state %s; want from %s at %v to its state", kind, id, ss, state, first, created)
			return
		}
		for i := 1; i < len(ss); i++ {
			if !legal(ss[i-1].State, ss[i].State) || ss[i].At.Before(ss[i-1].At) {
				fail("%s %s: step %s at %v after %s at %v", kind, id, ss[i].State, ss[i].At, ss[i-1].State, ss[i-1].At)
			}
		}
	}
	byReq := map[string]care.Request{}
	for _, r := range reqs {
		byReq[r.ID] = r
		steps("request", r.ID, r.Steps, care.ReqOpen, r.CreatedAt, r.Status, care.CanMoveRequest)
	}

	// Referrals: their lifecycle, one version per change, what closing
	// their request left of them, and their places.
	capacity := map[string]int{}
	for _, opt := range options(t, st) {
		capacity[opt.kind+":"+opt.id] = opt.capacity
	}
	holding := map[string]string{} // place → referral
	for _, ref := range refs {
		steps("referral", ref.ID, ref.Steps, care.RefProposed, ref.CreatedAt, ref.State, care.CanMove)
		done := 0
		for _, f := range ref.FollowUps {
			if f.DoneAt != nil {
				done++
			}
		}
		if want := int64(len(ref.Steps) + len(ref.NoShows) + done); ref.Version != want {
			fail("referral %s: version %d; %d steps, %d no-shows and %d follow-ups done make %d", ref.ID, ref.Version, len(ref.Steps), len(ref.NoShows), done, want)
		}
		if start, ok := ref.EnteredAt(care.RefStarted); ok != (len(ref.FollowUps) > 0) || (ok && !ref.FollowUps[0].Due.Equal(care.FollowUpsFrom(start)[0].Due)) {
			fail("referral %s: follow-ups %v for a start at %v", ref.ID, ref.FollowUps, start)
		}
		req := byReq[ref.RequestID]
		if req.Status == care.ReqClosed && slices.Contains([]string{care.RefProposed, care.RefWaitlisted, care.RefAccepted}, ref.State) {
			fail("referral %s: %s while its request is closed (%s)", ref.ID, ref.State, req.Closure)
		}
		c := capacity[ref.OptionKind+":"+ref.OptionID]
		switch {
		case care.HoldsPlace(ref.State) && c > 0 && ref.Place == nil, ref.Place != nil && (!care.HoldsPlace(ref.State) || ref.Place.Pool != casework.Pool(ref)):
			fail("referral %s: %s with place %+v", ref.ID, ref.State, ref.Place)
		case ref.Place != nil:
			key := ref.Place.Pool + "#" + itoa(ref.Place.Number)
			if other, ok := holding[key]; ok {
				fail("place %s held by %s and %s", key, other, ref.ID)
			}
			holding[key] = ref.ID
			if ref.Place.Number < 1 || ref.Place.Number > c {
				fail("referral %s holds place %d of %d", ref.ID, ref.Place.Number, c)
			}
		}
	}
	counts, err := st.Places().Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	claimed := 0
	for pool, n := range counts {
		claimed += n
		taken, err := st.Places().Taken(ctx, pool, n+50)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range taken {
			if holding[p.ID] != p.Holder {
				fail("place %s claimed by %s; the referrals say %q", p.ID, p.Holder, holding[p.ID])
			}
		}
	}
	if claimed != len(holding) || claimed == 0 {
		t.Errorf("%d places claimed; %d referrals hold one", claimed, len(holding))
	}

	// Specialist referrals: through the gate for their needs, with the
	// request's last search then and its needs as last changed then.
	searchesOf := map[string][]care.Search{}
	for _, s := range searches {
		searchesOf[s.RequestID] = append(searchesOf[s.RequestID], s)
	}
	for _, sp := range sps {
		r, ok := byReq[sp.RequestID]
		if !ok {
			fail("specialist %s: no request %s", sp.ID, sp.RequestID)
			continue
		}
		then := r
		then.LastSearch, then.NeedsChangedAt = nil, r.CreatedAt
		for _, s := range searchesOf[r.ID] {
			if !s.CreatedAt.After(sp.CreatedAt) {
				then.LastSearch = &care.SearchRef{ID: s.ID, At: s.CreatedAt}
			}
		}
		for _, e := range sps {
			if e.RequestID == r.ID && e.EndedAt != nil && !e.EndedAt.After(sp.CreatedAt) && e.EndedAt.After(then.NeedsChangedAt) {
				then.NeedsChangedAt = *e.EndedAt
			}
		}
		if missing := care.Gate(then, sp.SpecialistFields); len(missing) > 0 {
			fail("specialist %s: the gate would have refused: %v", sp.ID, missing)
		}
		if sp.SafetyOverride != (sp.Override != nil) || (then.LastSearch != nil && sp.SearchID != then.LastSearch.ID) {
			fail("specialist %s: override %v, search %s; the request's last search then %v", sp.ID, sp.SafetyOverride, sp.SearchID, then.LastSearch)
		}
	}
	if r := byReq[reqs[0].ID]; r.Team != Team {
		t.Errorf("request team %q; want %q", r.Team, Team)
	}

	// The year went through no outbox: the event log is empty and
	// nothing waits to be relayed.
	if head, err := st.Events().Head(ctx); err != nil || head != 0 {
		t.Errorf("event log head %d, %v; want an empty log", head, err)
	}
	if pending, err := st.EventOutbox().Pending(ctx); err != nil || len(pending) != 0 {
		t.Errorf("%d outbox entries pending, %v; want none", len(pending), err)
	}
}

type optionCap struct {
	kind, id string
	capacity int
}

// options returns every option's places (per occurrence for activities).
func options(t *testing.T, st *store.Store) []optionCap {
	t.Helper()
	ctx := context.Background()
	var out []optionCap
	vs, err := st.Volunteers().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		out = append(out, optionCap{casework.KindVolunteer, v.ID, v.Capacity})
	}
	is, err := st.Initiatives().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range is {
		out = append(out, optionCap{casework.KindInitiative, i.ID, i.Capacity})
	}
	as, err := st.Activities().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		out = append(out, optionCap{casework.KindActivity, a.ID, a.SpotsPerOccurrence})
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
