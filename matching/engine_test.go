package matching

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

var (
	testNow = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	// utrecht is the resident's location in most cases: the Domtoren.
	utrecht = orb.Point{5.1214, 52.0907}
	types   = []HelpType{{"groceries", "Groceries"}, {"companionship", "Companionship"}, {"transport", "Transport"}, {"garden", "Garden"}, {"meals", "Meals"}}
)

func newEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(types, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// east returns the point m metres east of p (approximately, at 52°N).
func east(p orb.Point, m float64) orb.Point {
	return orb.Point{p[0] + m/(111320*0.6146), p[1]}
}

func week(day, start, end int) Week {
	var w Week
	w.AddDay(day, start*60, end*60)
	return w
}

func volunteer(id string, at orb.Point, travel float64, help ...string) Option {
	return Option{ID: id, Kind: KindVolunteer, Name: "V " + id, Location: at, HelpTypes: help, Active: true, Capacity: 3, TravelM: travel}
}

func request(needs ...string) Request {
	return Request{ID: "r1", Location: utrecht, Needs: needs, MaxDistanceM: 2000}
}

func mustUpsert(t testing.TB, e *Engine, opts ...Option) {
	t.Helper()
	for _, o := range opts {
		if err := e.Upsert(o); err != nil {
			t.Fatal(err)
		}
	}
}

func ids(cs []Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.OptionID
	}
	return out
}

func TestCoverageReasons(t *testing.T) {
	t.Parallel()
	tue := week(1, 9, 12)
	cases := []struct {
		name    string
		options []Option
		req     Request
		reason  string
	}{
		{"no options", nil, request("groceries"), "none_of_type"},
		{"only other types", []Option{volunteer("a", utrecht, 2000, "garden")}, request("groceries"), "none_of_type"},
		{"paused volunteer is no option", []Option{func() Option { o := volunteer("a", utrecht, 2000, "groceries"); o.Active = false; return o }()}, request("groceries"), "none_of_type"},
		{"volunteer does not travel that far", []Option{volunteer("a", east(utrecht, 1500), 1000, "groceries")}, request("groceries"), "none_in_reach"},
		{"provision beyond the resident's distance", []Option{{ID: "p", Kind: KindProvision, Location: east(utrecht, 3000), HelpTypes: []string{"meals"}, Active: true}}, request("meals"), "none_in_reach"},
		{"all full", []Option{func() Option { o := volunteer("a", utrecht, 2000, "groceries"); o.Used = 3; return o }()}, request("groceries"), "all_full"},
		{"no time overlap", []Option{func() Option { o := volunteer("a", utrecht, 2000, "groceries"); o.Week = week(3, 14, 16); return o }()},
			func() Request { r := request("groceries"); r.Windows = tue; return r }(), "no_time_overlap"},
		{"language", []Option{func() Option { o := volunteer("a", utrecht, 2000, "groceries"); o.Languages = []string{"nl"}; return o }()},
			func() Request { r := request("groceries"); r.Languages = []string{"ar"}; return r }(), "not_suitable"},
		{"homebound resident cannot reach a place", []Option{{ID: "p", Kind: KindProvision, Location: utrecht, HelpTypes: []string{"meals"}, Active: true}},
			func() Request { r := request("meals"); r.Mobility = "homebound"; return r }(), "not_suitable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEngine(t)
			mustUpsert(t, e, tc.options...)
			res := e.Match(tc.req, 0)
			n := res.Needs[0]
			if n.Coverage.Covered || n.Coverage.Reason != tc.reason || n.Coverage.Detail == "" {
				t.Fatalf("coverage = %+v; want uncovered because %s", n.Coverage, tc.reason)
			}
			if len(res.Uncovered) != 1 || res.Uncovered[0] != tc.req.Needs[0] {
				t.Errorf("Uncovered = %v; want [%s]", res.Uncovered, tc.req.Needs[0])
			}
			if !reflect.DeepEqual(res, e.MatchLinear(tc.req, 0)) {
				t.Errorf("Match and MatchLinear differ")
			}
		})
	}
}

func TestEdgeCases(t *testing.T) {
	t.Parallel()
	t.Run("option exactly at the request point with zero reach", func(t *testing.T) {
		e := newEngine(t)
		mustUpsert(t, e, volunteer("a", utrecht, 0, "groceries"))
		if got := ids(e.Match(request("groceries"), 0).Needs[0].Options); !reflect.DeepEqual(got, []string{"a"}) {
			t.Errorf("options = %v; want [a] (distance 0 is within 0 m)", got)
		}
	})
	t.Run("request radius 0 finds a place exactly there", func(t *testing.T) {
		e := newEngine(t)
		mustUpsert(t, e, Option{ID: "p", Kind: KindProvision, Location: utrecht, HelpTypes: []string{"meals"}, Active: true},
			Option{ID: "q", Kind: KindProvision, Location: east(utrecht, 5), HelpTypes: []string{"meals"}, Active: true})
		r := request("meals")
		r.MaxDistanceM = 0
		if got := ids(e.Match(r, 0).Needs[0].Options); !reflect.DeepEqual(got, []string{"p"}) {
			t.Errorf("options = %v; want [p]", got)
		}
	})
	t.Run("resident on the edge of an initiative's polygon is served", func(t *testing.T) {
		e := newEngine(t)
		// A square whose western edge runs through the resident.
		sq := orb.Polygon{{utrecht, east(utrecht, 1000), orb.Point{east(utrecht, 1000)[0], utrecht[1] + 0.01}, orb.Point{utrecht[0], utrecht[1] + 0.01}, utrecht}}
		sq[0][0] = orb.Point{utrecht[0], utrecht[1] - 0.005}
		sq[0][1] = orb.Point{east(utrecht, 1000)[0], utrecht[1] - 0.005}
		sq[0][4] = sq[0][0]
		mustUpsert(t, e, Option{ID: "i", Kind: KindInitiative, Location: sq.Bound().Center(), ServiceArea: sq, HelpTypes: []string{"garden"}, Active: true, Capacity: 5})
		n := e.Match(request("garden"), 0).Needs[0]
		if !n.Coverage.Covered || n.Options[0].OptionID != "i" {
			t.Fatalf("edge point: %+v; want the initiative", n)
		}
		far := request("garden")
		far.Location = east(utrecht, -200)
		if n := e.Match(far, 0).Needs[0]; n.Coverage.Covered {
			t.Errorf("200 m outside the polygon: covered by %v; want none_in_reach", ids(n.Options))
		}
	})
	t.Run("updates and deletes between queries", func(t *testing.T) {
		e := newEngine(t)
		mustUpsert(t, e, volunteer("a", utrecht, 2000, "groceries"), volunteer("b", east(utrecht, 500), 2000, "groceries"))
		if got := ids(e.Match(request("groceries"), 0).Needs[0].Options); !reflect.DeepEqual(got, []string{"a", "b"}) {
			t.Fatalf("before: %v", got)
		}
		moved := volunteer("a", east(utrecht, 1900), 2000, "groceries")
		mustUpsert(t, e, moved)
		if got := ids(e.Match(request("groceries"), 0).Needs[0].Options); !reflect.DeepEqual(got, []string{"b", "a"}) {
			t.Errorf("after moving a away: %v; want [b a]", got)
		}
		e.Remove("b")
		retyped := volunteer("a", east(utrecht, 1900), 2000, "garden")
		mustUpsert(t, e, retyped)
		if n := e.Match(request("groceries"), 0).Needs[0]; n.Coverage.Covered {
			t.Errorf("after removing b and retyping a: %v; want none", ids(n.Options))
		}
		if e.Len() != 1 {
			t.Errorf("Len = %d; want 1", e.Len())
		}
	})
}

func TestRankingAndExplanation(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	v := volunteer("vol", east(utrecht, 1200), 3000, "groceries", "companionship")
	v.Used = 1
	v.Week = week(1, 9, 12)
	mustUpsert(t, e, v,
		Option{ID: "prov", Kind: KindProvision, Name: "Buurthuis", Location: east(utrecht, 1200), HelpTypes: []string{"groceries"}, Active: true},
		volunteer("near-garden", utrecht, 3000, "garden"))
	r := request("groceries", "companionship")
	r.Windows = week(1, 8, 11)
	res := e.Match(r, 0)
	g := res.Needs[0]
	if got := ids(g.Options); !reflect.DeepEqual(got, []string{"vol", "prov"}) {
		t.Fatalf("groceries: %v; want the volunteer (informal, two needs) before the provision", got)
	}
	want := "1.2 km · groceries and companionship · Tue morning overlaps · 2 of 3 places free"
	if got := g.Options[0].Explanation; got != want {
		t.Errorf("explanation = %q; want %q", got, want)
	}
	if g.Options[0].Location != nil {
		t.Errorf("a volunteer's home is shown: %v", g.Options[0].Location)
	}
	if g.Options[1].Location == nil || !strings.Contains(g.Options[1].Explanation, "open to all") {
		t.Errorf("provision candidate = %+v; want its location and 'open to all'", g.Options[1])
	}
}

func TestLoadIsSpread(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	mustUpsert(t, e, volunteer("a", utrecht, 3000, "groceries"), volunteer("b", east(utrecht, 300), 3000, "groceries"))
	first := e.Match(request("groceries"), 0)
	if first.Needs[0].Options[0].OptionID != "a" {
		t.Fatalf("first = %v; want a first", ids(first.Needs[0].Options))
	}
	for i := 0; i < 3; i++ {
		e.RecordProposals(e.Match(request("groceries"), 0))
	}
	if got := ids(e.Match(request("groceries"), 0).Needs[0].Options); got[0] != "b" {
		t.Errorf("after a was proposed 3 times: %v; want b first", got)
	}
}

func TestActivities(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	start := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC) // a Tuesday
	act := Option{ID: "act", Kind: KindActivity, Name: "Speelkamer", Location: east(utrecht, 400), HelpTypes: []string{"companionship"}, Active: true,
		Capacity: 2, Occurrences: []time.Time{start, start.Add(14 * 24 * time.Hour)}, Duration: 2 * time.Hour, AgeMin: 4, AgeMax: 12,
		SpotsTaken: map[int64]int{start.Unix(): 2}}
	act.Week.AddTime(start, act.Duration)
	mustUpsert(t, e, act)
	r := request("companionship")
	r.Windows = week(1, 13, 17)
	r.Age = 8
	c := e.Match(r, 0).Needs[0].Options
	if len(c) != 1 || c[0].NextOccurrence == nil || !c[0].NextOccurrence.Equal(start.Add(14*24*time.Hour)) || c[0].PlacesFree != 2 {
		t.Fatalf("candidates = %+v; want the second occurrence (first is full) with 2 spots", c)
	}
	r.Age = 30
	if n := e.Match(r, 0).Needs[0]; n.Coverage.Covered {
		t.Errorf("age 30 for a 4-12 activity: covered")
	}
	act.SpotsTaken[start.Add(14*24*time.Hour).Unix()] = 2
	mustUpsert(t, e, act)
	r.Age = 8
	if n := e.Match(r, 0).Needs[0]; n.Coverage.Reason != "all_full" {
		t.Errorf("all occurrences full: coverage %+v; want all_full", n.Coverage)
	}
}

// TestMatchEqualsLinearScan is the property test: on random clustered data
// sets and random requests, the indexed search and the brute-force scan
// give identical results, ties included.
func TestMatchEqualsLinearScan(t *testing.T) {
	t.Parallel()
	seed := int64(20261122)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	codes := []string{"groceries", "companionship", "transport", "garden", "meals"}
	pick := func() []string {
		n := 1 + rng.Intn(2)
		out := []string{}
		for _, i := range rng.Perm(len(codes))[:n] {
			out = append(out, codes[i])
		}
		return out
	}
	around := func(c orb.Point, sigma float64) orb.Point {
		// Snap to a 100 m lattice so that exact distance ties happen.
		x := float64(int(rng.NormFloat64()*sigma/100)) * 100
		y := float64(int(rng.NormFloat64()*sigma/100)) * 100
		return orb.Point{c[0] + x/(111320*0.6146), c[1] + y/111320}
	}
	centres := []orb.Point{utrecht, {4.8924, 52.3731}, {5.4697, 51.4416}}
	for set := 0; set < 30; set++ {
		e := newEngine(t)
		n := 50 + rng.Intn(400)
		for i := 0; i < n; i++ {
			c := centres[rng.Intn(len(centres))]
			o := Option{ID: fmt.Sprintf("o%04d", i), Kind: Kind(rng.Intn(4)), Location: around(c, 3000), HelpTypes: pick(), Active: rng.Intn(10) > 0,
				Capacity: rng.Intn(4), Used: rng.Intn(3), TravelM: float64(500 + rng.Intn(5000)), Week: week(rng.Intn(7), 8+rng.Intn(6), 15+rng.Intn(6))}
			switch rng.Intn(4) {
			case 0:
				o.Languages = []string{"nl"}
			case 1:
				o.Languages = []string{"ar", "nl"}
			case 2:
				o.Languages = []string{"en", "tr"}
			}
			switch o.Kind {
			case KindInitiative:
				o.ServiceRadiusM = float64(500 + rng.Intn(4000))
			case KindActivity:
				o.Capacity = 1 + rng.Intn(3)
				o.Duration = time.Hour
				for k := 0; k < 3; k++ {
					o.Occurrences = append(o.Occurrences, testNow.Add(time.Duration(24*(1+rng.Intn(20)))*time.Hour))
				}
			}
			mustUpsert(t, e, o)
		}
		// Some churn, so handles are reused.
		for i := 0; i < n/10; i++ {
			e.Remove(fmt.Sprintf("o%04d", rng.Intn(n)))
		}
		for k := 0; k < 40; k++ {
			r := Request{ID: "r", Location: around(centres[rng.Intn(len(centres))], 4000), Needs: pick(), MaxDistanceM: float64(rng.Intn(6000))}
			if rng.Intn(2) == 0 {
				r.Windows = week(rng.Intn(7), 8, 20)
			}
			switch rng.Intn(4) {
			case 0:
				r.Languages = []string{"ar"}
			case 1:
				r.Languages = []string{"tr", "nl"}
			}
			got, want := e.Match(r, 5), e.MatchLinear(r, 5)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("set %d request %d (%+v):\nMatch       %+v\nMatchLinear %+v", set, k, r, got, want)
			}
			if k%10 == 0 {
				e.RecordProposals(got)
			}
		}
	}
}

func TestWeekDescribe(t *testing.T) {
	t.Parallel()
	w := week(1, 9, 12)
	w.AddDay(3, 13*60, 15*60)
	if got, want := w.Describe(3), "Tue morning, Thu afternoon"; got != want {
		t.Errorf("Describe = %q; want %q", got, want)
	}
	if got := w.Minutes(); got != 5*60 {
		t.Errorf("Minutes = %d; want 300", got)
	}
	var wrap Week
	wrap.AddSpan(7*24*60-30, 7*24*60+30) // Sunday 23:30 to Monday 00:30
	if got := wrap.Minutes(); got != 60 {
		t.Errorf("wrapping span Minutes = %d; want 60", got)
	}
}

// TestRequestOnAMunicipalBorder: the engine searches by distance, not by
// municipality, so a resident on the Amsterdam–Amstelveen border gets
// options from both sides, each labelled with its own municipality.
func TestRequestOnAMunicipalBorder(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	border := orb.Point{4.8790, 52.3275} // Amsterdamse Bos edge, between GM0363 and GM0362
	north, south := volunteer("ams", orb.Point{4.8790, 52.3330}, 2000, "groceries"), volunteer("amv", orb.Point{4.8790, 52.3220}, 2000, "groceries")
	north.Municipality, south.Municipality = "GM0363", "GM0362"
	mustUpsert(t, e, north, south)
	r := request("groceries")
	r.Location = border
	got := e.Match(r, 0).Needs[0].Options
	if len(got) != 2 || got[0].Municipality == got[1].Municipality {
		t.Fatalf("options = %+v; want one from each municipality", got)
	}
}

// TestMunicipalityKeepsForeignVolunteersOut checks that a search limited
// to a municipality shows no volunteer of another one, nor counts them in
// the diagnosis, while a provision across the border stays.
func TestMunicipalityKeepsForeignVolunteersOut(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	here := volunteer("here", east(utrecht, 500), 3000, "groceries")
	here.Municipality = "GM0344"
	there := volunteer("there", east(utrecht, 200), 3000, "groceries", "garden")
	there.Municipality = "GM0307"
	prov := Option{ID: "prov", Kind: KindProvision, Name: "Buurthuis", Location: east(utrecht, 300), HelpTypes: []string{"groceries"},
		Active: true, Municipality: "GM0307"}
	mustUpsert(t, e, here, there, prov)

	req := request("groceries", "garden")
	all := e.Match(req, 10)
	if got := ids(all.Needs[0].Options); strings.Join(got, ",") != "there,here,prov" {
		t.Fatalf("unlimited search = %v", got)
	}
	req.Municipality = "GM0344"
	res := e.Match(req, 10)
	if got := ids(res.Needs[0].Options); strings.Join(got, ",") != "here,prov" {
		t.Errorf("limited search = %v; want the provision across the border and our volunteer", got)
	}
	if g := res.Needs[1]; g.Coverage.Covered || g.Coverage.Reason != "none_of_type" {
		t.Errorf("garden, offered only by a foreign volunteer = %+v; want none_of_type, not counting them", g.Coverage)
	}
	near := e.Nearby(NearbyQuery{Location: utrecht, RadiusM: 2000, Limit: 10, Municipality: "GM0344"})
	if got := ids(near); strings.Join(got, ",") != "prov,here" {
		t.Errorf("limited nearby = %v", got)
	}
}
