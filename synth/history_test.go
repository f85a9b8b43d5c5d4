package synth

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/geo"
)

// historyNow is the end of the test histories: midnight, as the demo
// uses, a month after the end of summer time.
var historyNow = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// demoLike is the demo's data set: Utrecht, 3,000 options, a year of
// 1,800 requests.
var demoLike = Config{Seed: 1, Options: 3000, Requests: 1800, Municipality: "GM0344", Now: historyNow}

func mustHistory(tb testing.TB, cfg Config, hc HistoryConfig) (Dataset, HistoryRecords) {
	tb.Helper()
	d := mustGenerate(tb, cfg)
	h, err := History(&d, hc)
	if err != nil {
		tb.Fatalf("History(%+v) error = %v", hc, err)
	}
	return d, h
}

func demoHistoryConfig() HistoryConfig {
	return HistoryConfig{Seed: 1, Now: historyNow, Months: 12, Team: "demo"}
}

// demoHistory is the demo-like history, made once for the tests that
// only read it.
var demoHistory = sync.OnceValues(func() (Dataset, HistoryRecords) {
	d, err := Generate(demoLike, loadOnceAreas())
	if err != nil {
		panic(err)
	}
	h, err := History(&d, demoHistoryConfig())
	if err != nil {
		panic(err)
	}
	return d, h
})

func loadOnceAreas() *geo.Areas {
	a, err := loadOnce()
	if err != nil {
		panic(err)
	}
	return a
}

func TestHistoryDeterministic(t *testing.T) {
	t.Parallel()
	cfg := Config{Seed: 5, Options: 500, Requests: 250, Municipality: "GM0344", Now: historyNow}
	hc := HistoryConfig{Seed: 9, Now: historyNow, Months: 12, Team: "demo"}
	d1, h1 := mustHistory(t, cfg, hc)
	d2, h2 := mustHistory(t, cfg, hc)
	if !reflect.DeepEqual(d1, d2) {
		t.Error("History twice gave different datasets")
	}
	if !reflect.DeepEqual(h1, h2) {
		t.Error("History twice gave different records")
	}
	hc.Seed = 10
	d3, h3 := mustHistory(t, cfg, hc)
	if reflect.DeepEqual(h1.Referrals, h3.Referrals) || d1.Requests[0].ID == d3.Requests[0].ID {
		t.Error("History seeds 9 and 10 gave the same referrals or request IDs; want different histories")
	}
}

func TestHistoryConfigErrors(t *testing.T) {
	t.Parallel()
	d := mustGenerate(t, Config{Seed: 1, Options: 20, Requests: 2, Municipality: "GM0344", Now: historyNow})
	for _, tt := range []struct {
		name string
		ds   *Dataset
		cfg  HistoryConfig
	}{
		{"nil dataset", nil, HistoryConfig{Now: historyNow, Months: 12}},
		{"zero now", &d, HistoryConfig{Months: 12}},
		{"no months", &d, HistoryConfig{Now: historyNow}},
		{"too many months", &d, HistoryConfig{Now: historyNow, Months: 37}},
	} {
		if _, err := History(tt.ds, tt.cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: History error = %v; want ErrConfig", tt.name, err)
		}
	}
}

// TestHistorySmall runs History on datasets too small for some kinds of
// option, or with no options at all.
func TestHistorySmall(t *testing.T) {
	t.Parallel()
	for _, o := range []int{0, 1, 9, 30} {
		cfg := Config{Seed: 6, Options: o, Requests: 5, Municipality: "GM0344", Now: historyNow}
		d, h := mustHistory(t, cfg, demoHistoryConfig())
		if o == 0 && len(h.Referrals) > 0 {
			t.Errorf("%d referrals without options", len(h.Referrals))
		}
		for _, p := range append(historyProblems(t, d, h, demoHistoryConfig()), lifecycleProblems(d, h, demoHistoryConfig())...) {
			t.Errorf("%d options: %s", o, p)
		}
	}
}

// TestHistoryValid checks that every record passes the server's checks
// and points at records that exist, for the demo and for a small
// municipality and the whole country.
func TestHistoryValid(t *testing.T) {
	t.Parallel()
	d, h := demoHistory()
	for _, p := range checkProblems(t, d) {
		t.Error(p)
	}
	for _, p := range historyProblems(t, d, h, demoHistoryConfig()) {
		t.Error(p)
	}
	for _, p := range lifecycleProblems(d, h, demoHistoryConfig()) {
		t.Error(p)
	}
	for _, cfg := range []Config{
		{Seed: 2, Options: 300, Requests: 200, Municipality: "GM1978", Now: historyNow},
		{Seed: 3, Options: 1000, Requests: 300, Now: historyNow},
	} {
		t.Run(cmpOr(cfg.Municipality, "nl"), func(t *testing.T) {
			hc := HistoryConfig{Seed: cfg.Seed, Now: historyNow, Months: 6, Team: "t1"}
			d, h := mustHistory(t, cfg, hc)
			if len(h.Referrals) == 0 || len(h.Searches) == 0 {
				t.Fatalf("%d searches, %d referrals; want some", len(h.Searches), len(h.Referrals))
			}
			for _, p := range checkProblems(t, d) {
				t.Error(p)
			}
			for _, p := range historyProblems(t, d, h, hc) {
				t.Error(p)
			}
			for _, p := range lifecycleProblems(d, h, hc) {
				t.Error(p)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestHistoryChecksCatch shows that historyProblems and lifecycleProblems
// report broken histories, so that TestHistoryValid can fail.
func TestHistoryChecksCatch(t *testing.T) {
	t.Parallel()
	cfg := Config{Seed: 4, Options: 600, Requests: 300, Municipality: "GM0344", Now: historyNow}
	hc := HistoryConfig{Seed: 4, Now: historyNow, Months: 12, Team: "demo"}
	find := func(h HistoryRecords, ok func(care.Referral) bool) int {
		for i, r := range h.Referrals {
			if ok(r) {
				return i
			}
		}
		t.Fatal("no referral to spoil")
		return -1
	}
	closed := func(d Dataset) int {
		for i, r := range d.Requests {
			if r.Status == care.ReqClosed {
				return i
			}
		}
		t.Fatal("no closed request")
		return -1
	}
	tests := []struct {
		name  string
		spoil func(d *Dataset, h *HistoryRecords)
	}{
		{"unknown option", func(d *Dataset, h *HistoryRecords) { h.Referrals[0].OptionID = "0123456789abcdef01234567" }},
		{"option without the help", func(d *Dataset, h *HistoryRecords) {
			i := find(*h, func(r care.Referral) bool { return r.OptionKind == "volunteer" })
			h.Referrals[i].Need = "pet_care"
			for _, v := range d.Volunteers {
				if v.ID == h.Referrals[i].OptionID && slices.Contains(v.HelpTypes, "pet_care") {
					h.Referrals[i].Need = "play_and_youth"
				}
			}
		}},
		{"declined without reason", func(d *Dataset, h *HistoryRecords) {
			h.Referrals[find(*h, func(r care.Referral) bool { return r.State == care.RefDeclined })].Reason = ""
		}},
		{"illegal referral move", func(d *Dataset, h *HistoryRecords) {
			i := find(*h, func(r care.Referral) bool { return r.State == care.RefCompleted })
			h.Referrals[i].Steps = slices.Delete(h.Referrals[i].Steps, 1, 2) // proposed → started
		}},
		{"steps out of order", func(d *Dataset, h *HistoryRecords) {
			i := find(*h, func(r care.Referral) bool { return len(r.Steps) >= 3 })
			s := h.Referrals[i].Steps
			s[1].At = s[2].At.Add(time.Hour)
		}},
		{"first contact off", func(d *Dataset, h *HistoryRecords) {
			for i, r := range d.Requests {
				if r.FirstContactAt != nil {
					d.Requests[i].FirstContactAt = ptr(r.FirstContactAt.Add(-time.Hour))
					return
				}
			}
		}},
		{"closed without closure", func(d *Dataset, h *HistoryRecords) { d.Requests[closed(*d)].Closure = "" }},
		{"specialist closure without record", func(d *Dataset, h *HistoryRecords) {
			for i, r := range d.Requests {
				if r.Closure == care.ClosureSpecialist {
					for j := range h.Specialists {
						if h.Specialists[j].RequestID == r.ID {
							h.Specialists[j].RequestID = d.Requests[(i+1)%len(d.Requests)].ID
						}
					}
					return
				}
			}
		}},
		{"step-down not counted", func(d *Dataset, h *HistoryRecords) {
			for i, r := range d.Requests {
				if r.StepDowns > 0 && slices.ContainsFunc(r.Steps[1:], func(s care.Step) bool { return s.State == care.ReqOpen }) {
					d.Requests[i].StepDowns = 0
					return
				}
			}
		}},
		{"oversold", func(d *Dataset, h *HistoryRecords) {
			// An initiative that holds two places now gets one.
			holding := map[string]int{}
			for _, r := range h.Referrals {
				if r.OptionKind == "initiative" && care.HoldsPlace(r.State) {
					holding[r.OptionID]++
				}
			}
			for i, in := range d.Initiatives {
				if holding[in.ID] >= 2 {
					d.Initiatives[i].Capacity = 1
					return
				}
			}
			t.Fatal("no initiative holds two places")
		}},
		{"search before the needs", func(d *Dataset, h *HistoryRecords) {
			h.Searches[0].CreatedAt = h.Searches[0].CreatedAt.Add(-400 * 24 * time.Hour)
		}},
		{"bad occurrence", func(d *Dataset, h *HistoryRecords) {
			i := find(*h, func(r care.Referral) bool { return r.OptionKind == "activity" })
			at := h.Referrals[i].OccurrenceAt.Add(7 * time.Minute)
			h.Referrals[i].OccurrenceAt = &at
		}},
		{"wrong team", func(d *Dataset, h *HistoryRecords) { h.Specialists[0].Team = "noord" }},
	}
	d0, h0 := mustHistory(t, cfg, hc)
	if p := append(historyProblems(t, d0, h0, hc), lifecycleProblems(d0, h0, hc)...); len(p) > 0 {
		t.Fatalf("problems before spoiling: %v", p)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, h := mustHistory(t, cfg, hc) // as d0, h0: History is deterministic
			tt.spoil(&d, &h)
			p := append(historyProblems(t, d, h, hc), lifecycleProblems(d, h, hc)...)
			if len(p) == 0 {
				t.Error("no problem found; want one")
			}
		})
	}
}

// index is every record of a dataset and history by ID.
type index struct {
	requests    map[string]care.Request
	searches    map[string]care.Search
	specialists map[string][]care.Specialist // by request
	referrals   map[string][]care.Referral   // by request
	searchesOf  map[string][]care.Search     // by request
	options     map[string]optionInfo
}

// optionInfo is what a referral needs of its option.
type optionInfo struct {
	kind, municipality string
	created            time.Time
	help               []string
	capacity           int
	schedule           *care.Schedule
}

func newIndex(d Dataset, h HistoryRecords) index {
	x := index{requests: map[string]care.Request{}, searches: map[string]care.Search{}, specialists: map[string][]care.Specialist{},
		referrals: map[string][]care.Referral{}, searchesOf: map[string][]care.Search{}, options: map[string]optionInfo{}}
	for _, r := range d.Requests {
		x.requests[r.ID] = r
	}
	for _, s := range h.Searches {
		x.searches[s.ID] = s
		x.searchesOf[s.RequestID] = append(x.searchesOf[s.RequestID], s)
	}
	for _, s := range h.Specialists {
		x.specialists[s.RequestID] = append(x.specialists[s.RequestID], s)
	}
	for _, r := range h.Referrals {
		x.referrals[r.RequestID] = append(x.referrals[r.RequestID], r)
	}
	for _, v := range d.Volunteers {
		x.options[v.ID] = optionInfo{"volunteer", v.Area.MunicipalityCode, v.CreatedAt, v.HelpTypes, v.Capacity, nil}
	}
	for _, v := range d.Initiatives {
		x.options[v.ID] = optionInfo{"initiative", v.Area.MunicipalityCode, v.CreatedAt, v.HelpTypes, v.Capacity, nil}
	}
	for _, v := range d.Provisions {
		x.options[v.ID] = optionInfo{"provision", v.Area.MunicipalityCode, v.CreatedAt, v.HelpTypes, 0, nil}
	}
	for _, v := range d.Activities {
		x.options[v.ID] = optionInfo{"activity", v.Area.MunicipalityCode, v.CreatedAt, v.HelpTypes, v.SpotsPerOccurrence, v.Schedule}
	}
	return x
}

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

// problems collects at most 20 problems.
type problemList []string

func (p *problemList) add(format string, args ...any) {
	if len(*p) < 20 {
		*p = append(*p, fmt.Sprintf(format, args...))
	}
}

// historyProblems checks every record on its own and its references: as
// the server would have stored it, pointing at records that exist, in
// the request's municipality and team.
func historyProblems(tb testing.TB, d Dataset, h HistoryRecords, hc HistoryConfig) []string {
	tb.Helper()
	as := testAreas(tb)
	b, err := geo.ParseBounds("nl", as.Municipalities())
	if err != nil {
		tb.Fatal(err)
	}
	c := care.NewChecker(b, as)
	x := newIndex(d, h)
	var p problemList
	now := hc.Now.UTC()
	seen := map[string]bool{}
	// metas checks a slice's metadata: IDs ObjectID-shaped, unique,
	// starting with the creation second, in creation order; UTC times
	// before now.
	metas := func(kind string, ms []care.Meta) {
		for i, m := range ms {
			switch {
			case !hex24.MatchString(m.ID):
				p.add("%s %q: not a 24-hex id", kind, m.ID)
			case seen[m.ID]:
				p.add("%s %s: id used twice", kind, m.ID)
			case m.ID[:8] != fmt.Sprintf("%08x", m.CreatedAt.Unix()):
				p.add("%s %s: id does not start with its creation time %v", kind, m.ID, m.CreatedAt)
			case i > 0 && (m.ID <= ms[i-1].ID || m.CreatedAt.Before(ms[i-1].CreatedAt)):
				p.add("%s %s: not after %s in id and creation order", kind, m.ID, ms[i-1].ID)
			case m.Version < 1:
				p.add("%s %s: version %d", kind, m.ID, m.Version)
			case m.CreatedAt.Location() != time.UTC || m.UpdatedAt.Location() != time.UTC:
				p.add("%s %s: times not in UTC", kind, m.ID)
			case m.UpdatedAt.Before(m.CreatedAt) || m.UpdatedAt.After(now):
				p.add("%s %s: updated %v, created %v, now %v", kind, m.ID, m.UpdatedAt, m.CreatedAt, now)
			}
			seen[m.ID] = true
		}
	}
	metaOf := func(n int, f func(int) care.Meta) []care.Meta {
		out := make([]care.Meta, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	metas("volunteer", metaOf(len(d.Volunteers), func(i int) care.Meta { return d.Volunteers[i].Meta }))
	metas("initiative", metaOf(len(d.Initiatives), func(i int) care.Meta { return d.Initiatives[i].Meta }))
	metas("provision", metaOf(len(d.Provisions), func(i int) care.Meta { return d.Provisions[i].Meta }))
	metas("activity", metaOf(len(d.Activities), func(i int) care.Meta { return d.Activities[i].Meta }))
	metas("request", metaOf(len(d.Requests), func(i int) care.Meta { return d.Requests[i].Meta }))
	metas("search", metaOf(len(h.Searches), func(i int) care.Meta { return h.Searches[i].Meta }))
	metas("referral", metaOf(len(h.Referrals), func(i int) care.Meta { return h.Referrals[i].Meta }))
	metas("specialist", metaOf(len(h.Specialists), func(i int) care.Meta { return h.Specialists[i].Meta }))
	for _, a := range d.Activities {
		owner, ok := x.options[cmpOr(a.ProvisionID, a.InitiativeID)]
		if !ok || owner.created.After(a.CreatedAt) {
			p.add("activity %s: owner %s%s missing or created after it", a.ID, a.ProvisionID, a.InitiativeID)
		}
	}
	// team checks that a record belongs to its request's municipality and
	// to the team.
	team := func(kind string, m care.Meta, requestID string) (care.Request, bool) {
		r, ok := x.requests[requestID]
		switch {
		case !ok:
			p.add("%s %s: request %s does not exist", kind, m.ID, requestID)
		case m.Municipality != r.Area.MunicipalityCode || r.Municipality != r.Area.MunicipalityCode:
			p.add("%s %s: municipality %q; request's %q lies in %q", kind, m.ID, m.Municipality, r.Municipality, r.Area.MunicipalityCode)
		case m.Team != hc.Team:
			p.add("%s %s: team %q; want %q", kind, m.ID, m.Team, hc.Team)
		case m.CreatedAt.Before(r.CreatedAt):
			p.add("%s %s: created %v before its request %v", kind, m.ID, m.CreatedAt, r.CreatedAt)
		}
		return r, ok
	}
	for _, r := range d.Requests {
		team("request", r.Meta, r.ID)
		if len(r.LifeDomains) < 2 || len(r.LifeDomains) > 4 {
			p.add("request %s: %d life domains; want 2 to 4", r.ID, len(r.LifeDomains))
		}
		for _, ld := range r.LifeDomains {
			if ld.IntakeScore == nil || *ld.IntakeScore < 1 || *ld.IntakeScore > 4 {
				p.add("request %s: intake score of %s %v; want 1 to 4", r.ID, ld.Domain, ld.IntakeScore)
			}
		}
	}
	reasons := []string{"none_of_type", "none_in_reach", "all_full", "no_time_overlap", "not_suitable"}
	for _, s := range h.Searches {
		// Searches carry no municipality or team, as the Service
		// stores them: they belong to their request.
		r, ok := x.requests[s.RequestID]
		if !ok || s.CreatedAt.Before(r.CreatedAt) {
			p.add("search %s: request %s missing or created after it", s.ID, s.RequestID)
			continue
		}
		var needs []string
		for _, n := range s.Needs {
			needs = append(needs, n.Need)
			switch {
			case n.Covered && (len(n.OptionIDs) == 0 || n.Reason != ""):
				p.add("search %s: %s covered with %d options, reason %q", s.ID, n.Need, len(n.OptionIDs), n.Reason)
			case !n.Covered && (len(n.OptionIDs) > 0 || !slices.Contains(reasons, n.Reason) || n.Detail == ""):
				p.add("search %s: %s not covered with %d options, reason %q, detail %q", s.ID, n.Need, len(n.OptionIDs), n.Reason, n.Detail)
			}
			for _, id := range n.OptionIDs {
				o, ok := x.options[id]
				if !ok || !slices.Contains(o.help, n.Need) || o.created.After(s.CreatedAt) {
					p.add("search %s: option %s for %s missing, without the help, or created after the search", s.ID, id, n.Need)
				}
			}
		}
		if !care.SameNeeds(needs, r.Needs) {
			p.add("search %s: needs %v; request has %v", s.ID, needs, r.Needs)
		}
	}
	for _, ref := range h.Referrals {
		r, ok := team("referral", ref.Meta, ref.RequestID)
		f := ref.ReferralFields
		if err := c.CheckTags(&f); err != nil {
			p.add("referral %s: %v", ref.ID, err)
		}
		o, found := x.options[ref.OptionID]
		switch {
		case !ok:
		case !found:
			p.add("referral %s: option %s does not exist", ref.ID, ref.OptionID)
			continue
		case o.kind != ref.OptionKind || !slices.Contains(o.help, ref.Need) || !slices.Contains(r.Needs, ref.Need):
			p.add("referral %s: %s of a %s for %s; option is a %s offering %v, request needs %v", ref.ID, ref.Need, ref.OptionKind, ref.Need, o.kind, o.help, r.Needs)
		case o.municipality != r.Municipality || o.created.After(ref.CreatedAt):
			p.add("referral %s: option of %s created %v; request of %s, referral %v", ref.ID, o.municipality, o.created, r.Municipality, ref.CreatedAt)
		case !r.HasConsent(care.ConsentFor(ref.OptionKind)):
			p.add("referral %s: request %s has no consent %s", ref.ID, r.ID, care.ConsentFor(ref.OptionKind))
		}
		if ref.OptionKind == "activity" {
			var at time.Time
			loc, err := time.LoadLocation(o.schedule.Timezone)
			if err == nil {
				at, err = time.ParseInLocation(care.LocalTimeLayout, ref.Occurrence, loc)
			}
			occ, _ := o.schedule.Occurrences(at, at.Add(time.Minute))
			if err != nil || len(occ) != 1 || ref.OccurrenceAt == nil || !ref.OccurrenceAt.Equal(at) {
				p.add("referral %s: occurrence %q (%v) is not one of the activity's", ref.ID, ref.Occurrence, ref.OccurrenceAt)
			}
		} else if ref.Occurrence != "" || ref.OccurrenceAt != nil {
			p.add("referral %s: occurrence for a %s", ref.ID, ref.OptionKind)
		}
		if ref.State != care.RefProposed {
			m := care.Move{To: ref.State, Reason: ref.Reason, Outcome: ref.Outcome}
			if err := c.CheckMove(&m); err != nil {
				p.add("referral %s: %s: %v", ref.ID, ref.State, err)
			}
		}
		wantPlace := care.HoldsPlace(ref.State) && o.capacity > 0
		if (ref.Place != nil) != wantPlace || (ref.Place != nil && ref.Place.Pool != casework.Pool(ref)) {
			p.add("referral %s: %s with place %+v", ref.ID, ref.State, ref.Place)
		}
		for _, n := range ref.NoShows {
			if n.RecordedAt.Before(n.At) || n.RecordedAt.After(now) {
				p.add("referral %s: no-show at %v recorded %v", ref.ID, n.At, n.RecordedAt)
			}
		}
		if start, ok := ref.EnteredAt(care.RefStarted); ok != (len(ref.FollowUps) > 0) || (ok && !reflect.DeepEqual(stripDone(ref.FollowUps), care.FollowUpsFrom(start))) {
			p.add("referral %s: follow-ups %v for start %v", ref.ID, ref.FollowUps, start)
		}
		for _, fu := range ref.FollowUps {
			if fu.DoneAt != nil && (fu.DoneAt.Before(fu.Due) || fu.DoneAt.After(now)) {
				p.add("referral %s: follow-up due %v done %v", ref.ID, fu.Due, fu.DoneAt)
			}
		}
	}
	for _, sp := range h.Specialists {
		r, ok := team("specialist", sp.Meta, sp.RequestID)
		f := sp.SpecialistFields
		if err := c.CheckTags(&f); err != nil {
			p.add("specialist %s: %v", sp.ID, err)
		}
		if sp.SafetyOverride != (sp.Override != nil) {
			p.add("specialist %s: safety_override_used %v with override %v", sp.ID, sp.SafetyOverride, sp.Override)
		}
		for _, n := range sp.Needs {
			if ok && !slices.Contains(r.Needs, n) {
				p.add("specialist %s: need %s not of the request", sp.ID, n)
			}
			if sp.Override == nil && !slices.ContainsFunc(sp.Reasons, func(g care.GateReason) bool { return g.Need == n && g.Text != "" }) {
				p.add("specialist %s: no reason for %s", sp.ID, n)
			}
		}
		if s, found := x.searches[sp.SearchID]; sp.SearchID != "" && (!found || s.RequestID != sp.RequestID || s.CreatedAt.After(sp.CreatedAt)) {
			p.add("specialist %s: search %s missing, of another request, or later", sp.ID, sp.SearchID)
		} else if sp.SearchID == "" && sp.Override == nil {
			p.add("specialist %s: passed the gate without a search", sp.ID)
		}
		if (sp.EndedAt != nil) != (sp.Outcome != "") || (sp.EndedAt != nil && !reflect.DeepEqual(stripDone(sp.FollowUps), care.FollowUpsFrom(*sp.EndedAt))) {
			p.add("specialist %s: ended %v, outcome %q, follow-ups %v", sp.ID, sp.EndedAt, sp.Outcome, sp.FollowUps)
		}
	}
	return p
}

// stripDone returns follow-ups as they were set, before any was done.
func stripDone(fs []care.FollowUp) []care.FollowUp {
	out := make([]care.FollowUp, len(fs))
	for i, f := range fs {
		out[i] = care.FollowUp{Due: f.Due}
	}
	return out
}

// statusAt returns a request's status at t from its steps.
func statusAt(r care.Request, t time.Time) string {
	st := ""
	for _, s := range r.Steps {
		if !s.At.After(t) {
			st = s.State
		}
	}
	return st
}

// lifecycleProblems checks that the records tell one story: statuses and
// states in legal order with rising times, timeliness matching the
// referrals, closures with their records, step-downs counted, places
// never oversold, and nothing left that the server's maintenance would
// have moved by now.
func lifecycleProblems(d Dataset, h HistoryRecords, hc HistoryConfig) []string {
	x := newIndex(d, h)
	var p problemList
	now := hc.Now.UTC()
	steps := func(kind, id string, ss []care.Step, first string, created time.Time, legal func(a, b string) bool) {
		if len(ss) == 0 || ss[0].State != first || !ss[0].At.Equal(created) {
			p.add("%s %s: first step %v; want %s at %v", kind, id, ss, first, created)
			return
		}
		for i := 1; i < len(ss); i++ {
			if !legal(ss[i-1].State, ss[i].State) || !ss[i].At.After(ss[i-1].At) || ss[i].At.After(now) {
				p.add("%s %s: step %d %s at %v after %s at %v", kind, id, i, ss[i].State, ss[i].At, ss[i-1].State, ss[i-1].At)
			}
		}
	}
	for _, r := range d.Requests {
		steps("request", r.ID, r.Steps, care.ReqOpen, r.CreatedAt, care.CanMoveRequest)
		last := r.Steps[len(r.Steps)-1]
		if last.State != r.Status {
			p.add("request %s: status %s; last step %s", r.ID, r.Status, last.State)
		}
		closed := r.Status == care.ReqClosed
		if closed != (r.Closure != "") || (closed && !slices.Contains([]string{care.ClosureResolvedLocally, care.ClosureWithdrawn, care.ClosureSpecialist}, r.Closure)) {
			p.add("request %s: status %s with closure %q", r.ID, r.Status, r.Closure)
		}
		for _, ld := range r.LifeDomains {
			if (ld.ClosureScore != nil) != closed {
				p.add("request %s: %s closure score %v while %s", r.ID, ld.Domain, ld.ClosureScore, r.Status)
			}
		}
		// Timeliness from the referrals.
		var contact, match *time.Time
		for _, ref := range x.referrals[r.ID] {
			if at, ok := ref.EnteredAt(care.RefAccepted); ok && (contact == nil || at.Before(*contact)) {
				contact = &at
			}
			if at, ok := ref.EnteredAt(care.RefStarted); ok && (match == nil || at.Before(*match)) {
				match = &at
			}
			if st := statusAt(r, ref.CreatedAt); st == care.ReqClosed || st == "" {
				p.add("referral %s: made while its request was %q", ref.ID, st)
			}
			if !slices.ContainsFunc(x.searchesOf[r.ID], func(s care.Search) bool { return !s.CreatedAt.After(ref.CreatedAt) }) {
				p.add("referral %s: made before any search", ref.ID)
			}
			switch {
			case closed && slices.Contains([]string{care.RefProposed, care.RefWaitlisted, care.RefAccepted}, ref.State):
				p.add("referral %s: %s while its request is closed", ref.ID, ref.State)
			case closed && r.Closure == care.ClosureWithdrawn && ref.State == care.RefStarted:
				p.add("referral %s: started while its request was withdrawn", ref.ID)
			}
		}
		if !reflect.DeepEqual(contact, r.FirstContactAt) || !reflect.DeepEqual(match, r.MatchedAt) {
			p.add("request %s: first contact %v, matched %v; referrals say %v, %v", r.ID, r.FirstContactAt, r.MatchedAt, contact, match)
		}
		// The last search, after the needs last changed (unless the
		// request reopened and was not searched again yet).
		ss := x.searchesOf[r.ID]
		for _, s := range ss {
			if st := statusAt(r, s.CreatedAt); st == care.ReqClosed || st == "" {
				p.add("search %s: run while its request was %q", s.ID, st)
			}
		}
		switch {
		case len(ss) == 0 && r.LastSearch != nil, len(ss) > 0 && r.LastSearch == nil:
			p.add("request %s: last search %v; %d searches", r.ID, r.LastSearch, len(ss))
		case len(ss) > 0 && (r.LastSearch.ID != ss[len(ss)-1].ID || !r.LastSearch.At.Equal(ss[len(ss)-1].CreatedAt)):
			p.add("request %s: last search %v; the latest is %s at %v", r.ID, r.LastSearch, ss[len(ss)-1].ID, ss[len(ss)-1].CreatedAt)
		case len(ss) > 0 && ss[0].CreatedAt.Before(r.CreatedAt):
			p.add("request %s: searched at %v before it was created", r.ID, ss[0].CreatedAt)
		}
		// Specialist care: every closing by it has its record, every
		// record closed the request then, every end reopened it.
		sps := x.specialists[r.ID]
		reopened := 0
		for i := 1; i < len(r.Steps); i++ {
			if r.Steps[i-1].State == care.ReqClosed && r.Steps[i].State == care.ReqOpen {
				reopened++
			}
		}
		for _, sp := range sps {
			if sp.Override == nil {
				missing := care.Gate(care.Request{Meta: r.Meta, RequestFields: r.RequestFields,
					LastSearch: &care.SearchRef{ID: sp.SearchID, At: x.searches[sp.SearchID].CreatedAt}, NeedsChangedAt: needsChangedAt(r, sp.CreatedAt)}, sp.SpecialistFields)
				if len(missing) > 0 {
					p.add("specialist %s: the gate would have refused: %v", sp.ID, missing)
				}
			}
		}
		// Every reopening was a step-down (a step-down of a combined
		// arrangement counts without one).
		if r.StepDowns < reopened {
			p.add("request %s: %d step-downs; reopened %d times", r.ID, r.StepDowns, reopened)
		}
		if closed && r.Closure == care.ClosureSpecialist {
			at := last.At
			if !slices.ContainsFunc(sps, func(sp care.Specialist) bool { return sp.CreatedAt.Equal(at) && sp.EndedAt == nil }) {
				p.add("request %s: closed by specialist care at %v without an open specialist referral then", r.ID, at)
			}
		}
		if r.StepDowns > 0 && !r.NeedsChangedAt.After(r.CreatedAt) {
			p.add("request %s: stepped down but needs never changed", r.ID)
		}
	}
	// Referrals: legal states, nothing maintenance would have moved.
	held := map[string][]stint{}
	waiting := map[string]int{}
	for _, ref := range h.Referrals {
		steps("referral", ref.ID, ref.Steps, care.RefProposed, ref.CreatedAt, care.CanMove)
		if last := ref.Steps[len(ref.Steps)-1]; last.State != ref.State {
			p.add("referral %s: state %s; last step %s", ref.ID, ref.State, last.State)
		}
		at := ref.Steps[len(ref.Steps)-1].At
		switch {
		// The sweep runs every sweepEvery, so an expiry may be that late.
		case ref.State == care.RefProposed && now.Sub(at) > 14*24*time.Hour+sweepEvery:
			p.add("referral %s: proposed since %v, past the expiry", ref.ID, at)
		case ref.State == care.RefWaitlisted && ref.OccurrenceAt != nil && !ref.OccurrenceAt.After(now.Add(-sweepEvery)):
			p.add("referral %s: waiting for an occurrence that began", ref.ID)
		case ref.State == care.RefWaitlisted:
			waiting[casework.Pool(ref)]++
		}
		if x.options[ref.OptionID].capacity == 0 {
			continue
		}
		for i, s := range ref.Steps {
			if !care.HoldsPlace(s.State) || (i > 0 && care.HoldsPlace(ref.Steps[i-1].State)) {
				continue
			}
			end := now.Add(time.Hour)
			for _, t := range ref.Steps[i+1:] {
				if !care.HoldsPlace(t.State) {
					end = t.At
					break
				}
			}
			held[casework.Pool(ref)] = append(held[casework.Pool(ref)], stint{s.At, end})
		}
	}
	for pool, ss := range held {
		capacity := x.options[poolOption(pool)].capacity
		type mark struct {
			at time.Time
			d  int
		}
		var ms []mark
		for _, s := range ss {
			ms = append(ms, mark{s.from, 1}, mark{s.to, -1})
		}
		sort.Slice(ms, func(i, j int) bool {
			if !ms[i].at.Equal(ms[j].at) {
				return ms[i].at.Before(ms[j].at)
			}
			return ms[i].d < ms[j].d // a place freed at t can be taken at t
		})
		n, top := 0, 0
		for _, m := range ms {
			n += m.d
			top = max(top, n)
		}
		if top > capacity {
			p.add("pool %s: %d places held at once; capacity %d", pool, top, capacity)
		}
		if held := countAt(ss, now); waiting[pool] > 0 && held < capacity {
			p.add("pool %s: %d waiting while %d of %d places are held", pool, waiting[pool], held, capacity)
		}
	}
	return p
}

// stint is a time a place was held, [from, to).
type stint struct {
	from, to time.Time
}

// countAt returns how many stints hold a place at t.
func countAt(ss []stint, t time.Time) int {
	n := 0
	for _, s := range ss {
		if !s.from.After(t) && s.to.After(t) {
			n++
		}
	}
	return n
}

// poolOption returns the option id of a pool name.
func poolOption(pool string) string {
	_, id, _ := strings.Cut(pool, ":")
	id, _, _ = strings.Cut(id, "@")
	return id
}

// needsChangedAt is when the request's needs last changed before t: its
// creation, or the last step-down (reopening) before t.
func needsChangedAt(r care.Request, t time.Time) time.Time {
	at := r.CreatedAt
	for i, s := range r.Steps {
		if i > 0 && s.State == care.ReqOpen && !s.At.After(t) {
			at = s.At
		}
	}
	return at
}

// TestHistoryShares checks that the demo-like year looks like a
// municipality's: spread over the months, old requests closed and recent
// ones open, most closed requests resolved locally, some gaps where
// supply is thin, some overrides, step-downs and re-entries, and times
// to first contact of days with a tail.
func TestHistoryShares(t *testing.T) {
	t.Parallel()
	d, h := demoHistory()
	x := newIndex(d, h)
	start := historyNow.AddDate(0, -12, 0)
	months := map[string]int{}
	oldClosed, old, newClosed, recent, monitoring := 0, 0, 0, 0, 0
	closure := map[string]int{}
	var contact []float64
	improved, worsened, scored := 0, 0, 0
	for _, r := range d.Requests {
		if r.CreatedAt.Before(start) || !r.CreatedAt.Before(historyNow) {
			t.Fatalf("request %s created %v; want within the 12 months before %v", r.ID, r.CreatedAt, historyNow)
		}
		months[r.CreatedAt.Format("2006-01")]++
		closed := r.Status == care.ReqClosed
		switch age := historyNow.Sub(r.CreatedAt); {
		case age > 120*24*time.Hour:
			old++
			if closed {
				oldClosed++
			}
		case age < 14*24*time.Hour:
			recent++
			if closed {
				newClosed++
			}
		}
		closure[r.Closure]++
		if r.HasConsent(care.ConsentMonitoring) {
			monitoring++
		}
		if r.FirstContactAt != nil {
			contact = append(contact, r.FirstContactAt.Sub(r.CreatedAt).Hours()/24)
		}
		if r.Closure == care.ClosureResolvedLocally {
			for _, ld := range r.LifeDomains {
				scored++
				switch {
				case *ld.ClosureScore > *ld.IntakeScore:
					improved++
				case *ld.ClosureScore < *ld.IntakeScore:
					worsened++
				}
			}
		}
	}
	if len(months) < 12 {
		t.Errorf("requests in %d months; want every month of the year: %v", len(months), months)
	}
	closedAll := len(d.Requests) - closure[""]
	inRange(t, "closed share of requests older than 4 months", share(oldClosed, old), 0.85, 1)
	inRange(t, "closed share of requests of the last 2 weeks", share(newClosed, recent), 0, 0.4)
	inRange(t, "resolved locally of closed", share(closure[care.ClosureResolvedLocally], closedAll), 0.6, 0.85)
	inRange(t, "to specialist care of closed", share(closure[care.ClosureSpecialist], closedAll), 0.05, 0.3)
	inRange(t, "withdrawn of closed", share(closure[care.ClosureWithdrawn], closedAll), 0.02, 0.2)
	inRange(t, "consent to monitoring", share(monitoring, len(d.Requests)), 0.85, 0.95)
	inRange(t, "improved ZRM scores of locally resolved requests", share(improved, scored), 0.4, 0.75)
	inRange(t, "worsened ZRM scores of locally resolved requests", share(worsened, scored), 0.01, 0.15)
	slices.Sort(contact)
	median, p90 := contact[len(contact)/2], contact[len(contact)*9/10]
	t.Logf("days to first contact: median %.1f, p90 %.1f, max %.1f", median, p90, contact[len(contact)-1])
	if median < 1 || median > 10 || p90 < median+2 || p90 > 30 {
		t.Errorf("days to first contact: median %.1f, p90 %.1f; want a median of 1–10 days and a tail", median, p90)
	}

	// Gaps: some, of several kinds, more for scarce help types and far
	// from the centre, and fewer as supply grows.
	gapRequests, searched, gapReasons := 0, 0, map[string]int{}
	for _, r := range d.Requests {
		if r.LastSearch == nil {
			continue
		}
		searched++
		for _, n := range x.searches[r.LastSearch.ID].Needs {
			if !n.Covered {
				gapRequests++
				break
			}
		}
	}
	byNeed := map[string][2]int{} // uncovered, searched
	var nearGap, near, farGap, far, firstGap, first, lastGap, last int
	centre, _ := testMunicipalities(t).Lookup("GM0344")
	for _, s := range h.Searches {
		r := x.requests[s.RequestID]
		gap := false
		for _, n := range s.Needs {
			c := byNeed[n.Need]
			c[1]++
			if !n.Covered {
				c[0]++
				gap = true
				gapReasons[n.Reason]++
			}
			byNeed[n.Need] = c
		}
		g := map[bool]int{true: 1}[gap]
		if geo.Distance(r.Location.Point(), centre.Centre) < 3000 {
			near, nearGap = near+1, nearGap+g
		} else {
			far, farGap = far+1, farGap+g
		}
		if s.CreatedAt.Before(start.AddDate(0, 4, 0)) {
			first, firstGap = first+1, firstGap+g
		} else if s.CreatedAt.After(historyNow.AddDate(0, -4, 0)) {
			last, lastGap = last+1, lastGap+g
		}
	}
	inRange(t, "requests whose last search has a gap", share(gapRequests, searched), 0.02, 0.3)
	if len(gapReasons) < 3 {
		t.Errorf("gap reasons %v; want at least three kinds", gapReasons)
	}
	rate := func(needs ...string) float64 {
		u, n := 0, 0
		for _, need := range needs {
			u, n = u+byNeed[need][0], n+byNeed[need][1]
		}
		return share(u, n)
	}
	scarce, common := rate("debt_buddy", "respite_care", "parenting_support", "meals", "day_activities"), rate("groceries", "companionship", "transport", "odd_jobs")
	t.Logf("gaps: scarce help types %.3f, common %.3f; near the centre %.3f, farther %.3f; first 4 months %.3f, last 4 %.3f; reasons %v",
		scarce, common, share(nearGap, near), share(farGap, far), share(firstGap, first), share(lastGap, last), gapReasons)
	if scarce <= common || share(farGap, far) <= share(nearGap, near) || share(firstGap, first) <= share(lastGap, last) {
		t.Error("gaps do not cluster in scarce help types, far from the centre and early in the year")
	}

	// Referrals: every kind of outcome.
	states := map[string]int{}
	kinds := map[string]int{}
	waited, noShows := 0, 0
	for _, ref := range h.Referrals {
		states[ref.State]++
		kinds[ref.OptionKind]++
		if _, ok := ref.EnteredAt(care.RefWaitlisted); ok {
			waited++
		}
		noShows += len(ref.NoShows)
	}
	t.Logf("%d referrals: %v, by kind %v, %d waited, %d no-shows", len(h.Referrals), states, kinds, waited, noShows)
	for _, s := range []string{care.RefCompleted, care.RefStarted, care.RefDeclined, care.RefExpired, care.RefEnded, care.RefAccepted, care.RefProposed} {
		if states[s] == 0 {
			t.Errorf("no referral is %s", s)
		}
	}
	for _, k := range []string{"volunteer", "initiative", "provision", "activity"} {
		if kinds[k] == 0 {
			t.Errorf("no referral to a %s", k)
		}
	}
	inRange(t, "completed of referrals", share(states[care.RefCompleted], len(h.Referrals)), 0.25, 0.6)
	inRange(t, "declined of referrals", share(states[care.RefDeclined], len(h.Referrals)), 0.05, 0.25)
	if waited == 0 || noShows == 0 {
		t.Errorf("%d referrals waited, %d no-shows; want some of each", waited, noShows)
	}

	// Specialist care: overrides, step-downs, re-entries within six
	// months of a step-down.
	overrides, stepDowns, reentries := 0, 0, 0
	for _, sps := range x.specialists {
		for i, sp := range sps {
			if sp.SafetyOverride {
				overrides++
			}
			if i > 0 && sps[i-1].EndedAt != nil && sp.CreatedAt.Sub(*sps[i-1].EndedAt) < 183*24*time.Hour {
				reentries++
			}
		}
	}
	for _, r := range d.Requests {
		stepDowns += r.StepDowns
	}
	t.Logf("%d specialist referrals: %d overrides, %d step-downs, %d re-entries", len(h.Specialists), overrides, stepDowns, reentries)
	inRange(t, "safety overrides of specialist referrals", share(overrides, len(h.Specialists)), 0.03, 0.25)
	if stepDowns == 0 || reentries == 0 {
		t.Errorf("%d step-downs, %d re-entries; want some of each", stepDowns, reentries)
	}
	if math.IsNaN(share(overrides, len(h.Specialists))) {
		t.Error("no specialist referrals")
	}
}

// TestHistoryActivities checks that recurring activities took place over
// the whole year, after their owners registered.
func TestHistoryActivities(t *testing.T) {
	t.Parallel()
	d, _ := demoHistory()
	start := historyNow.AddDate(0, -12, 0)
	recurring, early := 0, 0
	for _, a := range d.Activities {
		if a.Schedule.RRule == "" {
			continue
		}
		recurring++
		occ, err := a.Schedule.Occurrences(start.AddDate(0, 0, -60), historyNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(occ) > 0 && occ[0].Before(start.AddDate(0, 1, 0)) {
			early++
		}
		if len(occ) > 0 && occ[0].Before(a.CreatedAt) {
			t.Errorf("activity %s first takes place %v, before it was created %v", a.ID, occ[0], a.CreatedAt)
		}
		if up, _ := a.Schedule.Occurrences(historyNow, historyNow.AddDate(0, 2, 0)); len(up) == 0 {
			t.Errorf("activity %s has no occurrence in the two months after now", a.ID)
		}
	}
	// Owners register over the year, so not all activities run from its start.
	inRange(t, "recurring activities taking place in the first month", share(early, recurring), 0.2, 0.9)
}
