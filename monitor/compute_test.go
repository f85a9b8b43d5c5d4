package monitor

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

var (
	jan = time.Date(2026, 1, 1, 0, 0, 0, 0, amsterdam)
	now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
)

func day(n int) time.Time { return jan.Add(time.Duration(n) * 24 * time.Hour) }

func year() Query {
	return Query{Municipality: "GM0001", From: jan, To: MonthStart(MonthIndex(jan) + 12), Level: LevelDistrict,
		Units: []string{"WK000101", "WK000102"}, TargetDays: 7, Now: now}
}

// request builds a consenting request in district WK000101 created on
// day n.
func request(id string, n int, edit func(*Request)) Request {
	r := Request{ID: id, Municipality: "GM0001", District: "WK000101", Neighbourhood: "BU00010101", Version: 1, Consent: true,
		CreatedAt: day(n), Needs: []string{"groceries"}, Status: care.ReqOpen}
	if edit != nil {
		edit(&r)
	}
	return r
}

func closed(closure string, at int, domains ...Domain) func(*Request) {
	return func(r *Request) {
		r.Status, r.Closure, r.ClosedAt, r.Domains = care.ReqClosed, closure, day(at), domains
	}
}

func TestComputeResults(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	// 6 resolved locally, 2 to specialist care, 1 withdrawn, 1 outside
	// the period, 1 without consent.
	for i := range 6 {
		x.PutRequest(request(fmt.Sprintf("loc%d", i), 10+i, closed(care.ClosureResolvedLocally, 40+i,
			Domain{Code: "finances", Intake: 2, Closure: int8(3 + i%2)})))
	}
	x.PutRequest(request("sp1", 20, closed(care.ClosureSpecialist, 30)))
	x.PutRequest(request("sp2", 21, closed(care.ClosureSpecialist, 31)))
	x.PutRequest(request("wd", 22, closed(care.ClosureWithdrawn, 32)))
	x.PutRequest(request("old", -60, closed(care.ClosureResolvedLocally, -30)))
	x.PutRequest(request("nocon", 23, func(r *Request) { r.Consent = false; closed(care.ClosureResolvedLocally, 33)(r) }))
	x.PutSpecialist(Specialist{ID: "s1", RequestID: "sp1", Municipality: "GM0001", CreatedAt: day(30), EndedAt: day(60)})
	x.PutSpecialist(Specialist{ID: "s1b", RequestID: "sp1", Municipality: "GM0001", CreatedAt: day(90)}) // re-entry
	x.PutSpecialist(Specialist{ID: "s2", RequestID: "sp2", Municipality: "GM0001", CreatedAt: day(31), Override: true})
	x.PutSpecialist(Specialist{ID: "s3", RequestID: "nocon", Municipality: "GM0001", CreatedAt: day(31)})

	res := x.Compute(year())
	r := res.Total.Results
	want := Results{Closed: 9, ResolvedLocally: 6, ReferredToSpecialist: 2, SafetyOverrides: 1, Withdrawn: 1, StepDowns: 1, ReEntries: 1}
	got := Results{Closed: r.Closed, ResolvedLocally: r.ResolvedLocally, ReferredToSpecialist: r.ReferredToSpecialist,
		SafetyOverrides: r.SafetyOverrides, Withdrawn: r.Withdrawn, StepDowns: r.StepDowns, ReEntries: r.ReEntries}
	if got != want {
		t.Errorf("results = %+v, want %+v", got, want)
	}
	// 6 of 8 resolved, but the 2 referred are fewer than 5, so the
	// share would reveal them.
	if r.ZeroLineShare != nil {
		t.Errorf("zero-line share = %v, want suppressed (2 specialist referrals)", *r.ZeroLineShare)
	}
	if got := res.Total.Demand.WithoutConsent; got != 1 {
		t.Errorf("without consent = %d, want 1", got)
	}
	o := res.Total.Outcomes
	if o.Requests != 6 || o.Improved != 6 || o.MeanChange == nil || *o.MeanChange != 1.5 {
		t.Errorf("outcomes = %+v (mean %v), want 6 improved by 1.5", o, o.MeanChange)
	}
	if d := o.ByDomain["finances"]; d.Requests != 6 || d.MeanChange == nil || *d.MeanChange != 1.5 {
		t.Errorf("finances = %+v", d)
	}
	// The two districts are listed, the empty one too.
	if len(res.Areas) != 2 || res.Areas[0].Code != "WK000101" || res.Areas[1].Code != "WK000102" || res.Areas[1].Indicators.Demand.Requests != 0 {
		t.Errorf("areas = %+v", res.Areas)
	}
}

func TestComputeSuppressesSmallNumbers(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	for i := range 3 {
		x.PutRequest(request(fmt.Sprint(i), 5+i, nil))
	}
	b, err := json.Marshal(x.Compute(year()).Total)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Demand struct {
			Requests any            `json:"requests"`
			ByNeed   map[string]any `json:"by_need"`
		} `json:"demand"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Demand.Requests != "<5" || got.Demand.ByNeed["groceries"] != "<5" {
		t.Errorf("3 requests are not shown as \"<5\": %+v", got.Demand)
	}
	if strings.Contains(string(b), `:3`) {
		t.Errorf("a 3 leaked: %s", b)
	}
}

func TestComputeTimeliness(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	// Contact after 1..10 days: 7 within the 7-day target.
	for i := 1; i <= 10; i++ {
		x.PutRequest(request(fmt.Sprint(i), 100, func(r *Request) { r.FirstContactAt = day(100 + i) }))
	}
	// Not reached and past its target: due, not within.
	x.PutRequest(request("late", 100, nil))
	// Closed before its target without contact: not due.
	x.PutRequest(request("gone", 100, closed(care.ClosureWithdrawn, 102)))
	// Created 2 days before now: not due yet.
	x.PutRequest(request("new", 0, func(r *Request) { r.CreatedAt = now.Add(-48 * time.Hour) }))
	q := year()
	q.To = MonthStart(MonthIndex(now) + 1)
	fc := x.Compute(q).Total.Timeliness.FirstContact
	if fc.Requests != 11 || fc.Reached != 10 || fc.WithinTarget != 7 {
		t.Errorf("first contact = %+v, want 11 due, 10 reached, 7 within", fc)
	}
	if fc.MedianDays == nil || *fc.MedianDays != 5.5 || fc.P90Days == nil || *fc.P90Days != 9.1 {
		t.Errorf("median %v p90 %v, want 5.5 and 9.1", fc.MedianDays, fc.P90Days)
	}
	if fc.WithinTargetShare != nil {
		t.Errorf("share = %v, want suppressed: 4 not within target", *fc.WithinTargetShare)
	}
}

func TestComputeSupplyAndGaps(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	for i := range 6 {
		x.PutOption(Option{ID: fmt.Sprint("v", i), Kind: KindVolunteer, Municipality: "GM0001", District: "WK000102", Active: true,
			HelpTypes: []string{"groceries", "garden"}, Capacity: 2, CreatedAt: day(1)})
	}
	x.PutOption(Option{ID: "paused", Kind: KindVolunteer, Municipality: "GM0001", District: "WK000102", Capacity: 2, CreatedAt: day(1)})
	x.PutOption(Option{ID: "act", Kind: KindActivity, Municipality: "GM0001", District: "WK000101", Active: true, HelpTypes: []string{"exercise"},
		Capacity: 10, CreatedAt: day(1), Occurrences: map[int32]int32{MonthIndex(jan): 4, MonthIndex(jan) + 1: 4, MonthIndex(jan) + 13: 4}})
	for i := range 5 {
		id := fmt.Sprint("g", i)
		x.PutRequest(request(id, 50, func(r *Request) {
			r.Needs = []string{"meals", "groceries"}
			r.Gaps = []Gap{{Need: "meals", Reason: "none_in_reach"}}
		}))
		// Each volunteer v0..v4 holds one place now, accepted in the period.
		x.PutReferral(Referral{ID: "r" + id, RequestID: id, Municipality: "GM0001", OptionID: fmt.Sprint("v", i), OptionKind: KindVolunteer,
			Need: "groceries", CreatedAt: day(51), State: care.RefStarted, Accepted: true, Started: true})
		x.PutReferral(Referral{ID: "a" + id, RequestID: id, Municipality: "GM0001", OptionID: "act", OptionKind: KindActivity,
			Need: "exercise", CreatedAt: day(20), State: care.RefCompleted, Accepted: true, Started: true, Completed: true, OccurrenceAt: day(30)})
	}
	tot := x.Compute(year()).Total
	s := tot.Supply
	if s.Options != 7 || s.ByKind[KindVolunteer] != 6 || s.ByHelpType["garden"] != 6 || s.ByLevel["collective"] != 0 && s.ByLevel["collective"] != 1 {
		t.Errorf("supply = %+v", s)
	}
	if s.Capacity != 12 || s.PlacesTaken != 5 || s.FreePlaces != 7 {
		t.Errorf("places: capacity %d taken %d free %d, want 12 5 7", s.Capacity, s.PlacesTaken, s.FreePlaces)
	}
	// 8 occurrences of 10 spots in the period (the one 13 months on is
	// outside), 5 taken.
	if s.ActivitySpots != 80 || s.ActivitySpotsTaken != 5 || s.ActivityOccupancy == nil || *s.ActivityOccupancy != 0.0625 {
		t.Errorf("activity: spots %d taken %d occupancy %v", s.ActivitySpots, s.ActivitySpotsTaken, s.ActivityOccupancy)
	}
	if s.VolunteersActive != 6 || s.VolunteersHelping != 5 || s.VolunteerUtilisation != nil {
		t.Errorf("volunteers: %d active, %d helping, utilisation %v (want nil: 1 idle is fewer than 5)", s.VolunteersActive, s.VolunteersHelping, s.VolunteerUtilisation)
	}
	g := tot.Gaps
	if g.RequestsWithGap != 5 || g.ByNeed["meals"] != 5 || g.ByNeed["groceries"] != 0 || g.ByReason["none_in_reach"] != 5 || g.Share == nil || *g.Share != 1 {
		t.Errorf("gaps = %+v", g)
	}
	// The area filter keeps only one district's facts.
	q := year()
	q.Area = "WK000102"
	if got := x.Compute(q).Total; got.Supply.Options != 6 || got.Demand.Requests != 0 {
		t.Errorf("filtered: %d options, %d requests; want 6 and 0", got.Supply.Options, got.Demand.Requests)
	}
}

func TestAvoidedCostsShowTheCalculation(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	for i := range 7 {
		x.PutRequest(request(fmt.Sprint("loc", i), 10, closed(care.ClosureResolvedLocally, 40)))
	}
	for i := range 5 {
		id := fmt.Sprint("open", i)
		x.PutRequest(request(id, 10, nil))
		x.PutReferral(Referral{ID: "v" + id, RequestID: id, Municipality: "GM0001", OptionKind: KindVolunteer, Need: "transport",
			CreatedAt: day(12), State: care.RefCompleted, Accepted: true, Started: true, Completed: true})
	}
	// A completed informal referral of a request counted as resolved
	// does not count again.
	x.PutReferral(Referral{ID: "dup", RequestID: "loc0", Municipality: "GM0001", OptionKind: KindVolunteer, Need: "groceries",
		CreatedAt: day(12), State: care.RefCompleted, Accepted: true, Started: true, Completed: true})
	q := year()
	if c := x.Compute(q).Total.AvoidedCosts; c.Configured || c.TotalEUR != nil || c.Lines[0].Count != 7 {
		t.Errorf("without prices: %+v", c)
	}
	q.Prices = &care.UnitPrices{SpecialistTrajectoryEUR: 4000, SupportHourEUR: 80, TransportRideEUR: 20, SupportHoursPerReferral: 10, RidesPerTransportReferral: 2}
	c := x.Compute(q).Total.AvoidedCosts
	amounts := map[string]float64{}
	for _, l := range c.Lines {
		if l.AmountEUR != nil {
			amounts[l.Item] = *l.AmountEUR
		}
	}
	want := map[string]float64{"zero_line_resolutions": 28000, "informal_support": 4000, "transport": 200}
	if !reflect.DeepEqual(amounts, want) || c.TotalEUR == nil || *c.TotalEUR != 32200 || c.ExcludesSuppressed {
		t.Errorf("costs = %v total %v, want %v = 32200", amounts, c.TotalEUR, want)
	}
}

// TestIncrementalAgreesWithRebuild applies a random history of writes
// and deletes, out of order and repeated, to one index, and checks its
// indicators against an index built once from the final records.
func TestIncrementalAgreesWithRebuild(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	final := map[string]Request{}
	finalRefs := map[string]Referral{}
	x := NewIndex()
	for step := range 4000 {
		id := fmt.Sprint("r", rng.IntN(300))
		switch k := rng.IntN(10); {
		case k == 0:
			x.Delete(Requests, id)
			delete(final, id)
		case k < 4:
			ref := Referral{ID: fmt.Sprint("f", rng.IntN(500)), RequestID: id, Municipality: "GM0001", OptionKind: KindVolunteer,
				Need: "garden", Version: int64(step), CreatedAt: day(rng.IntN(300)), State: care.RefAccepted, Accepted: true, Completed: rng.IntN(2) == 0}
			x.PutReferral(ref)
			finalRefs[ref.ID] = ref
		default:
			r := request(id, rng.IntN(330)-30, nil)
			r.Version = int64(step)
			r.District = fmt.Sprintf("WK00010%d", 1+rng.IntN(3))
			r.Consent = rng.IntN(8) != 0
			if rng.IntN(2) == 0 {
				closed([]string{care.ClosureResolvedLocally, care.ClosureWithdrawn}[rng.IntN(2)], rng.IntN(330), Domain{Code: "housing", Intake: 2, Closure: int8(1 + rng.IntN(5))})(&r)
			}
			if rng.IntN(3) == 0 {
				r.FirstContactAt = r.CreatedAt.Add(time.Duration(rng.IntN(400)) * time.Hour)
			}
			x.PutRequest(r)
			final[id] = r
			// A stale copy arriving late (a reload that read it before
			// this write) must not undo it.
			stale := r
			stale.Version--
			stale.Needs = []string{"pet_care"}
			x.PutRequest(stale)
		}
	}
	fresh := NewIndex()
	for _, r := range final {
		fresh.PutRequest(r)
	}
	for _, f := range finalRefs {
		fresh.PutReferral(f)
	}
	for _, level := range []string{LevelMunicipality, LevelDistrict} {
		q := year()
		q.Level = level
		q.Prices = &care.UnitPrices{SpecialistTrajectoryEUR: 1000, SupportHourEUR: 50, SupportHoursPerReferral: 3}
		a, b := x.Compute(q), fresh.Compute(q)
		if !reflect.DeepEqual(a, b) {
			ja, _ := json.Marshal(a.Total)
			jb, _ := json.Marshal(b.Total)
			t.Fatalf("level %s: incremental and rebuilt indicators differ:\n%s\n%s", level, ja, jb)
		}
		if a.Total.Demand.Requests == 0 || a.Total.Results.Completed == 0 {
			t.Fatalf("the history produced nothing to compare: %+v", a.Total.Demand)
		}
	}
}

func TestFlattenKeysAreStable(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	x.PutRequest(request("a", 1, nil))
	fs := x.Compute(year()).Total.Flatten()
	keys := map[string]any{}
	for _, f := range fs {
		if _, dup := keys[f.Key]; dup {
			t.Errorf("key %s twice", f.Key)
		}
		keys[f.Key] = f.Value
	}
	for k, want := range map[string]any{"demand.requests": "<5", "demand.by_need.groceries": "<5", "results.zero_line_share": nil,
		"avoided_costs.lines.transport.unit": "transport_ride", "supply.options": int64(0), "outcomes.by_domain.housing.requests": int64(0)} {
		if got, ok := keys[k]; !ok || got != want {
			t.Errorf("%s = %#v (present %v), want %#v", k, got, ok, want)
		}
	}
	if _, ok := keys["avoided_costs.lines.transport.item"]; ok {
		t.Error("the item is the key, not a field")
	}
}
