package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

// loadOnce parses the embedded boundaries once for all tests.
var loadOnce = sync.OnceValues(geo.LoadAreas)

func testAreas(tb testing.TB) *geo.Areas {
	tb.Helper()
	a, err := loadOnce()
	if err != nil {
		tb.Fatalf("LoadAreas() error = %v", err)
	}
	return a
}

func testMunicipalities(tb testing.TB) *geo.Municipalities {
	tb.Helper()
	return testAreas(tb).Municipalities()
}

// testNow is a Monday a week before the end of summer time, so schedules
// cross a DST change.
var testNow = time.Date(2025, 10, 20, 8, 30, 0, 0, time.UTC)

func mustGenerate(tb testing.TB, cfg Config) Dataset {
	tb.Helper()
	if cfg.Now.IsZero() {
		cfg.Now = testNow
	}
	d, err := Generate(cfg, testAreas(tb))
	if err != nil {
		tb.Fatalf("Generate(%+v) error = %v", cfg, err)
	}
	return d
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	m := testAreas(t)
	cfg := Config{Seed: 7, Options: 3000, Requests: 500, Now: testNow}
	a := mustGenerate(t, cfg)
	b := mustGenerate(t, cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("Generate(%+v) twice gave different datasets", cfg)
	}
	// The chunks, not the goroutines, own the random streams.
	for _, workers := range []int{1, 3} {
		c, err := generate(cfg, m, workers)
		if err != nil {
			t.Fatalf("generate(workers=%d) error = %v", workers, err)
		}
		if !reflect.DeepEqual(a, c) {
			t.Errorf("generate with %d workers differs from Generate", workers)
		}
	}

	cfg.Seed = 8
	other := mustGenerate(t, cfg)
	same := 0
	for i := range a.Volunteers {
		if *a.Volunteers[i].HomeLocation == *other.Volunteers[i].HomeLocation {
			same++
		}
	}
	if same > len(a.Volunteers)/20 {
		t.Errorf("seeds 7 and 8 put %d of %d volunteers at the same place; want different data", same, len(a.Volunteers))
	}
	if a.Volunteers[0].ID == other.Volunteers[0].ID {
		t.Errorf("seeds 7 and 8 both gave volunteer ID %s; want IDs that differ by seed", a.Volunteers[0].ID)
	}
}

func TestGenerateCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		options, requests          int
		wantVol, wantIni, wantProv int
		wantAct                    int
	}{
		{0, 0, 0, 0, 0, 0},
		{1, 1, 1, 0, 0, 0},
		{9, 0, 9, 0, 0, 0}, // too few for owners, so no activities
		{10, 3, 6, 1, 1, 2},
		{1234, 100, 742, 123, 123, 246},
		{20000, 0, 12000, 2000, 2000, 4000},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.options), func(t *testing.T) {
			d := mustGenerate(t, Config{Seed: 1, Options: tt.options, Requests: tt.requests})
			got := []int{len(d.Volunteers), len(d.Initiatives), len(d.Provisions), len(d.Activities), len(d.Requests)}
			want := []int{tt.wantVol, tt.wantIni, tt.wantProv, tt.wantAct, tt.requests}
			if !slices.Equal(got, want) {
				t.Errorf("counts (volunteers, initiatives, provisions, activities, requests) = %v; want %v", got, want)
			}
		})
	}
}

// share returns n/total as a fraction.
func share(n, total int) float64 { return float64(n) / float64(total) }

// inRange reports a failure unless lo <= got <= hi.
func inRange(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	t.Logf("%s = %.3f", what, got)
	if got < lo || got > hi {
		t.Errorf("%s = %.3f; want between %.3f and %.3f", what, got, lo, hi)
	}
}

func TestGenerateValues(t *testing.T) {
	t.Parallel()
	d := mustGenerate(t, Config{Seed: 3, Options: 20000, Requests: 5000})
	postcodeRE := regexp.MustCompile(`^[1-9][0-9]{3} [A-Z]{2}$`)

	helpSeen := map[string]int{}
	paused, midTravel, multiLang := 0, 0, 0
	for _, v := range d.Volunteers {
		if n := len(v.HelpTypes); n < 1 || n > 3 {
			t.Fatalf("volunteer %s has %d help types; want 1–3", v.ID, n)
		}
		for _, h := range v.HelpTypes {
			helpSeen[h]++
		}
		if v.MaxTravelM < 500 || v.MaxTravelM > 10000 {
			t.Fatalf("volunteer %s max_travel_m = %d; want 500–10,000", v.ID, v.MaxTravelM)
		}
		if v.MaxTravelM >= 1000 && v.MaxTravelM <= 5000 {
			midTravel++
		}
		if v.Capacity < 1 || v.Capacity > 3 {
			t.Fatalf("volunteer %s capacity = %d; want 1–3", v.ID, v.Capacity)
		}
		if n := len(v.Availability); n < 1 || n > 4 {
			t.Fatalf("volunteer %s has %d availability slots; want 1–4", v.ID, n)
		}
		for _, s := range v.Availability {
			if l := minutes(s.End) - minutes(s.Start); l < 120 || l > 240 {
				t.Fatalf("volunteer %s slot %+v lasts %d min; want 120–240", v.ID, s, l)
			}
		}
		if v.Status == "paused" {
			paused++
		}
		if len(v.Languages) > 1 {
			multiLang++
		}
		if p := v.HomeLocation.Point(); geo.Coarsen(p) != p {
			t.Fatalf("volunteer %s home %v is not coarse; want %v", v.ID, p, geo.Coarsen(p))
		}
	}
	nv := len(d.Volunteers)
	inRange(t, "paused share", share(paused, nv), 0.08, 0.12)
	inRange(t, "share of max_travel_m in 1–5 km", share(midTravel, nv), 0.6, 0.8)
	inRange(t, "share of volunteers with more than one language", share(multiLang, nv), 0.2, 0.5)
	for _, pair := range [][2]string{{"groceries", "debt_buddy"}, {"companionship", "respite_care"}, {"odd_jobs", "debt_buddy"}} {
		if helpSeen[pair[0]] < 4*helpSeen[pair[1]] {
			t.Errorf("volunteers offering %s = %d, %s = %d; want the first at least 4 times as common", pair[0], helpSeen[pair[0]], pair[1], helpSeen[pair[1]])
		}
	}

	polygons := 0
	for _, in := range d.Initiatives {
		sa := in.ServiceArea
		switch {
		case sa.Polygon != nil:
			polygons++
			ring := sa.Polygon.Coordinates[0]
			if len(ring) != 7 || !slices.Equal(ring[0], ring[6]) {
				t.Fatalf("initiative %s polygon ring %v; want a closed hexagon", in.ID, ring)
			}
		case sa.RadiusM < 1000 || sa.RadiusM > 5000:
			t.Fatalf("initiative %s radius_m = %d; want 1,000–5,000", in.ID, sa.RadiusM)
		}
		if in.Capacity < 5 || in.Capacity > 50 {
			t.Fatalf("initiative %s capacity = %d; want 5–50", in.ID, in.Capacity)
		}
		if in.Contact == nil || in.Contact.Email == "" {
			t.Fatalf("initiative %s contact = %+v; want an email", in.ID, in.Contact)
		}
	}
	inRange(t, "polygon share of initiatives", share(polygons, len(d.Initiatives)), 0.12, 0.22)

	free := 0
	for _, p := range d.Provisions {
		if !postcodeRE.MatchString(p.Address.Postcode) {
			t.Fatalf("provision %s postcode %q; want the pattern 1234 AB", p.ID, p.Address.Postcode)
		}
		if p.Address.City != p.Area.MunicipalityName {
			t.Fatalf("provision %s city %q; want its municipality %q", p.ID, p.Address.City, p.Area.MunicipalityName)
		}
		if len(p.OpeningHours) == 0 {
			t.Fatalf("provision %s has no opening hours", p.ID)
		}
		if p.Cost.Unit == "free" {
			free++
		} else if p.Cost.AmountEUR > 60 {
			t.Fatalf("provision %s cost %+v; want free or cheap", p.ID, *p.Cost)
		}
	}
	inRange(t, "free share of provisions", share(free, len(d.Provisions)), 0.55, 0.65)

	rules := map[string]int{}
	withAges := 0
	for _, a := range d.Activities {
		s := a.Schedule
		start, err := time.ParseInLocation(care.LocalTimeLayout, s.Start, amsterdam(t))
		if err != nil {
			t.Fatalf("activity %s start %q: %v", a.ID, s.Start, err)
		}
		if h := start.Hour()*60 + start.Minute(); h < 9*60 || h > 19*60 {
			t.Fatalf("activity %s starts at %s; want 09:00–19:00", a.ID, s.Start)
		}
		if !start.After(testNow) || start.After(testNow.AddDate(0, 0, 60)) {
			t.Fatalf("activity %s starts at %s; want within 60 days after %v", a.ID, s.Start, testNow)
		}
		// The start is the first occurrence, so the rule and the start
		// agree.
		occ, err := s.Occurrences(start, start.AddDate(0, 3, 0))
		if err != nil || len(occ) == 0 || !occ[0].Equal(start) {
			t.Fatalf("activity %s schedule %+v: first occurrences %v, %v; want %v first", a.ID, *s, occ, err, start)
		}
		if s.DurationMinutes < 60 || s.DurationMinutes > 180 {
			t.Fatalf("activity %s lasts %d min; want 60–180", a.ID, s.DurationMinutes)
		}
		if a.SpotsPerOccurrence < 5 || a.SpotsPerOccurrence > 30 {
			t.Fatalf("activity %s has %d spots; want 5–30", a.ID, a.SpotsPerOccurrence)
		}
		switch {
		case strings.Contains(s.RRule, "INTERVAL=2"):
			rules["fortnightly"]++
		case strings.HasPrefix(s.RRule, "FREQ=WEEKLY"):
			rules["weekly"]++
		case strings.HasPrefix(s.RRule, "FREQ=MONTHLY"):
			rules["monthly"]++
		case s.RRule == "":
			rules["once"]++
		default:
			t.Fatalf("activity %s rrule %q; want weekly, fortnightly, monthly or none", a.ID, s.RRule)
		}
		if a.AgeMin != nil || a.AgeMax != nil {
			withAges++
		}
	}
	na := len(d.Activities)
	inRange(t, "weekly share of activities", share(rules["weekly"], na), 0.45, 0.62)
	inRange(t, "fortnightly share of activities", share(rules["fortnightly"], na), 0.15, 0.27)
	inRange(t, "monthly share of activities", share(rules["monthly"], na), 0.10, 0.20)
	inRange(t, "one-off share of activities", share(rules["once"], na), 0.06, 0.14)
	inRange(t, "share of activities with an age range", share(withAges, na), 0.2, 0.6)

	urgencies := map[string]int{}
	withAge := 0
	for _, r := range d.Requests {
		if n := len(r.Needs); n < 1 || n > 3 {
			t.Fatalf("request %s has %d needs; want 1–3", r.ID, n)
		}
		if n := len(r.LifeDomains); n < 1 || n > 4 {
			t.Fatalf("request %s has %d life domains; want 1–4", r.ID, n)
		}
		if m := r.Constraints.MaxDistanceM; m < 500 || m > 5000 {
			t.Fatalf("request %s max_distance_m = %d; want 500–5,000", r.ID, m)
		}
		if r.Status != "open" || r.LocationPrecision != care.CoarsePrecision {
			t.Fatalf("request %s status %q, precision %q; want open, %s", r.ID, r.Status, r.LocationPrecision, care.CoarsePrecision)
		}
		if p := r.Location.Point(); geo.Coarsen(p) != p {
			t.Fatalf("request %s location %v is not coarse", r.ID, p)
		}
		if !r.NeedsChangedAt.Equal(r.CreatedAt) {
			t.Fatalf("request %s needs_changed_at %v; want created_at %v, as the server sets it", r.ID, r.NeedsChangedAt, r.CreatedAt)
		}
		if r.ResidentAge != nil {
			withAge++
		}
		urgencies[r.Urgency]++
	}
	inRange(t, "share of requests with the resident's age", share(withAge, len(d.Requests)), 0.8, 0.9)
	inRange(t, "normal share of requests", share(urgencies["normal"], len(d.Requests)), 0.5, 0.6)
	if urgencies["crisis"] == 0 || urgencies["crisis"] > urgencies["high"] {
		t.Errorf("urgencies %v; want some crises, fewer than high", urgencies)
	}
}

func minutes(hhmm string) int {
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return h*60 + m
}

func amsterdam(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// copyOf returns a deep copy of v, so that Check, which normalises in
// place, cannot touch the generated record.
func copyOf[T any](tb testing.TB, v T) T {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// checkProblems runs every record's fields through a checker built as the
// server builds it: each must pass, yield the record's Area, and come back
// unchanged (the generator already writes the normalised form). It
// returns what went wrong, at most ten problems.
func checkProblems(tb testing.TB, d Dataset) []string {
	tb.Helper()
	as := testAreas(tb)
	b, err := geo.ParseBounds("nl", as.Municipalities())
	if err != nil {
		tb.Fatal(err)
	}
	c := care.NewChecker(b, as)
	var problems []string
	check := func(id string, f, orig care.Fields, want care.Area) {
		if len(problems) >= 10 {
			return
		}
		got, err := c.Check(f)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("Check(%s) error = %v", id, err))
		case got != want:
			problems = append(problems, fmt.Sprintf("Check(%s) area = %+v; record has %+v", id, got, want))
		case !reflect.DeepEqual(f, orig):
			problems = append(problems, fmt.Sprintf("Check(%s) changed the fields:\n got  %+v\n want %+v", id, f, orig))
		}
	}
	for _, v := range d.Volunteers {
		f := copyOf(tb, v.VolunteerFields)
		check(v.ID, &f, &v.VolunteerFields, v.Area)
	}
	for _, v := range d.Initiatives {
		f := copyOf(tb, v.InitiativeFields)
		check(v.ID, &f, &v.InitiativeFields, v.Area)
	}
	for _, v := range d.Provisions {
		f := copyOf(tb, v.ProvisionFields)
		check(v.ID, &f, &v.ProvisionFields, v.Area)
	}
	for _, v := range d.Activities {
		f := copyOf(tb, v.ActivityFields)
		check(v.ID, &f, &v.ActivityFields, v.Area)
	}
	for _, v := range d.Requests {
		f := copyOf(tb, v.RequestFields)
		check(v.ID, &f, &v.RequestFields, v.Area)
	}
	return problems
}

func TestGenerateValid(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{Seed: 11, Options: 5000, Requests: 1000},
		{Seed: 12, Options: 1000, Requests: 200, Municipality: "GM0363"},
		{Seed: 13, Options: 500, Requests: 100, Municipality: "GM1978"},
	} {
		t.Run(cfg.Municipality, func(t *testing.T) {
			d := mustGenerate(t, cfg)
			for _, p := range checkProblems(t, d) {
				t.Error(p)
			}
			for _, v := range d.Volunteers {
				if v.LocationPrecision != care.CoarsePrecision {
					t.Fatalf("volunteer %s location_precision %q; want %q", v.ID, v.LocationPrecision, care.CoarsePrecision)
				}
			}
			// Every located record has a neighbourhood; a few on land the
			// 2014 districts miss (a moved coast) have no district.
			as, noDistrict := areas(d), 0
			for _, a := range as {
				if a.NeighbourhoodCode == "" || a.NeighbourhoodName == "" {
					t.Fatalf("record area %+v has no neighbourhood", a)
				}
				if a.DistrictCode == "" {
					noDistrict++
				}
			}
			if got := share(noDistrict, len(as)); got > 0.02 {
				t.Errorf("%d of %d records (%.3f) have no district; want at most 2%%", noDistrict, len(as), got)
			}
		})
	}
}

// TestCheckProblemsCatches shows checkProblems reports broken records, so
// that TestGenerateValid can fail.
func TestCheckProblemsCatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spoil func(d *Dataset)
	}{
		{"unknown help type", func(d *Dataset) { d.Volunteers[0].HelpTypes = []string{"juggling"} }},
		{"wrong area", func(d *Dataset) { d.Provisions[0].Area.MunicipalityCode = "GM0000" }},
		{"wrong district", func(d *Dataset) { d.Initiatives[0].Area.DistrictCode = "WK000000" }},
		{"wrong neighbourhood", func(d *Dataset) { d.Volunteers[0].Area.NeighbourhoodCode = "BU00000000" }},
		{"not normalised", func(d *Dataset) { d.Activities[0].TargetGroups = nil }},
		{"exact home", func(d *Dataset) { d.Requests[0].Location.Lat += 0.0001 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustGenerate(t, Config{Seed: 1, Options: 20, Requests: 1})
			tt.spoil(&d)
			if p := checkProblems(t, d); len(p) == 0 {
				t.Errorf("checkProblems found nothing wrong; want a problem")
			}
		})
	}
}

// optionPoints returns where every option is: a volunteer's home, an
// initiative's centre (a polygon's first corner), a provision's address,
// an activity's place.
func optionPoints(d Dataset) []orb.Point {
	var ps []orb.Point
	for _, v := range d.Volunteers {
		ps = append(ps, v.HomeLocation.Point())
	}
	for _, in := range d.Initiatives {
		if c := in.ServiceArea.Center; c != nil {
			ps = append(ps, c.Point())
		} else {
			pos := in.ServiceArea.Polygon.Coordinates[0][0]
			ps = append(ps, orb.Point{pos[0], pos[1]})
		}
	}
	for _, p := range d.Provisions {
		ps = append(ps, p.Location.Point())
	}
	for _, a := range d.Activities {
		ps = append(ps, a.Place.Location.Point())
	}
	return ps
}

// nearCities returns the share of ps within maxM metres of one of the
// clusterCount largest municipalities' centres.
func nearCities(tb testing.TB, ps []orb.Point, maxM float64) float64 {
	all := testMunicipalities(tb).All()
	sort.SliceStable(all, func(i, j int) bool { return all[i].Population > all[j].Population })
	near := 0
	for _, p := range ps {
		for _, m := range all[:clusterCount] {
			if geo.Distance(p, m.Centre) <= maxM {
				near++
				break
			}
		}
	}
	return share(near, len(ps))
}

func TestGenerateShape(t *testing.T) {
	t.Parallel()
	munis := testMunicipalities(t)
	d := mustGenerate(t, Config{Seed: 5, Options: 20000, Requests: 5000})
	ps := optionPoints(d)
	var rs []orb.Point
	for _, r := range d.Requests {
		rs = append(rs, r.Location.Point())
	}

	// Data spread evenly over the land, which the shape must beat.
	s, err := newSpace(testAreas(t), "")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	uniform := make([]orb.Point, 5000)
	for i := range uniform {
		uniform[i], _, _ = s.onLand(r, nil)
	}

	tests := []struct {
		name  string
		ps    []orb.Point
		maxM  float64
		want  float64 // at least
		wantU float64 // the uniform points stay below this
	}{
		{"options within 15 km", ps, 15000, 0.60, 0.60},
		{"options within 5 km", ps, 5000, 0.35, 0.15},
		{"requests within 15 km", rs, 15000, 0.60, 0.60},
	}
	for _, tt := range tests {
		got, gotU := nearCities(t, tt.ps, tt.maxM), nearCities(t, uniform, tt.maxM)
		t.Logf("%s of a city centre: %.3f (uniform over land: %.3f)", tt.name, got, gotU)
		if got < tt.want {
			t.Errorf("%s of a city centre: share %.3f; want at least %.2f", tt.name, got, tt.want)
		}
		if gotU >= tt.wantU {
			t.Errorf("uniform points within %.0f m: share %.3f; want below %.2f, else the test cannot fail", tt.maxM, gotU, tt.wantU)
		}
	}

	// Nothing in the sea or abroad, and the biggest city is the busiest.
	perMuni := map[string]int{}
	for _, p := range append(ps, rs...) {
		m, ok := munis.Locate(p)
		if !ok {
			t.Fatalf("point %v is in no municipality", p)
		}
		perMuni[m.Code]++
	}
	busiest := ""
	for code, n := range perMuni {
		if busiest == "" || n > perMuni[busiest] || n == perMuni[busiest] && code < busiest {
			busiest = code
		}
	}
	if busiest != "GM0363" {
		t.Errorf("busiest municipality = %s with %d points (Amsterdam %d); want GM0363 Amsterdam", busiest, perMuni[busiest], perMuni["GM0363"])
	}
	t.Logf("points in %d of %d municipalities", len(perMuni), munis.Len())
	if len(perMuni) < munis.Len()*9/10 {
		t.Errorf("points fall in %d municipalities; want at least 90%% of %d", len(perMuni), munis.Len())
	}
}

// allPoints returns every location in d, polygon corners included.
func allPoints(d Dataset) []orb.Point {
	ps := optionPoints(d)
	for _, in := range d.Initiatives {
		if pg := in.ServiceArea.Polygon; pg != nil {
			for _, pos := range pg.Coordinates[0] {
				ps = append(ps, orb.Point{pos[0], pos[1]})
			}
		}
	}
	for _, r := range d.Requests {
		ps = append(ps, r.Location.Point())
	}
	return ps
}

// areas returns every record's Area.
func areas(d Dataset) []care.Area {
	var as []care.Area
	for _, v := range d.Volunteers {
		as = append(as, v.Area)
	}
	for _, v := range d.Initiatives {
		as = append(as, v.Area)
	}
	for _, v := range d.Provisions {
		as = append(as, v.Area)
	}
	for _, v := range d.Activities {
		as = append(as, v.Area)
	}
	for _, v := range d.Requests {
		as = append(as, v.Area)
	}
	return as
}

func TestGenerateMunicipality(t *testing.T) {
	t.Parallel()
	munis := testMunicipalities(t)
	// predecessors are the 2014 municipalities whose districts cover a
	// 2024 one: Weesp joined Amsterdam in 2022, Giessenlanden and
	// Molenwaard formed Molenlanden in 2019.
	predecessors := map[string][]string{
		"GM0363": {"WK0363", "WK0457"},
		"GM1978": {"WK0689", "WK1927"},
	}
	for _, code := range []string{"GM0363", "GM1978"} {
		t.Run(code, func(t *testing.T) {
			d := mustGenerate(t, Config{Seed: 9, Options: 4000, Requests: 1000, Municipality: code})
			for _, p := range allPoints(d) {
				if m, ok := munis.Locate(p); !ok || m.Code != code {
					t.Fatalf("point %v lies in %q; want every point in %s", p, m.Code, code)
				}
			}
			inPredecessor := 0
			for _, a := range areas(d) {
				if a.MunicipalityCode != code {
					t.Fatalf("record area %+v; want %s", a, code)
				}
				if len(a.DistrictCode) >= 6 && slices.Contains(predecessors[code], a.DistrictCode[:6]) {
					inPredecessor++
				}
			}
			// Simplified borders of 2014 and 2024 differ a little, so a
			// few records near the edge get a neighbour's district.
			if got := share(inPredecessor, len(areas(d))); got < 0.95 {
				t.Errorf("share of records in a district of %v = %.3f; want at least 0.95", predecessors[code], got)
			}
			polygons := 0
			for _, in := range d.Initiatives {
				if in.ServiceArea.Polygon != nil {
					polygons++
				}
			}
			if polygons == 0 {
				t.Errorf("no initiative in %s has a polygon service area; want some", code)
			}

			// Denser near the centre than points spread evenly inside.
			mu, _ := munis.Lookup(code)
			s, err := newSpace(testAreas(t), code)
			if err != nil {
				t.Fatal(err)
			}
			inner := s.radiusM / 4
			r := rand.New(rand.NewPCG(3, 4))
			var uniform []orb.Point
			for len(uniform) < 2000 {
				d, a := s.radiusM*math.Sqrt(r.Float64()), 2*math.Pi*r.Float64()
				if p := offset(mu.Centre, d*math.Cos(a), d*math.Sin(a)); s.allowed(p) {
					uniform = append(uniform, p)
				}
			}
			got, gotU := within(optionPoints(d), mu.Centre, inner), within(uniform, mu.Centre, inner)
			t.Logf("%s: radius %.0f m; share within %.0f m of the centre %.3f (uniform %.3f)", code, s.radiusM, inner, got, gotU)
			if got < 1.5*gotU {
				t.Errorf("share of options within %.0f m of the centre of %s = %.3f; want at least 1.5 × the uniform %.3f", inner, code, got, gotU)
			}
		})
	}
}

func within(ps []orb.Point, c orb.Point, maxM float64) float64 {
	n := 0
	for _, p := range ps {
		if geo.Distance(p, c) <= maxM {
			n++
		}
	}
	return share(n, len(ps))
}

// TestGenerateEveryMunicipality checks that rejection sampling finds room
// in every municipality, the Wadden islands and the smallest included.
func TestGenerateEveryMunicipality(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates data for all 342 municipalities")
	}
	as := testAreas(t)
	munis := as.Municipalities()
	for _, m := range munis.All() {
		d, err := Generate(Config{Seed: 1, Options: 30, Requests: 5, Municipality: m.Code, Now: testNow}, as)
		if err != nil {
			t.Errorf("Generate(Municipality: %s %s) error = %v", m.Code, m.Name, err)
			continue
		}
		for _, p := range allPoints(d) {
			if got, ok := munis.Locate(p); !ok || got.Code != m.Code {
				t.Errorf("Generate(Municipality: %s %s): point %v lies in %q", m.Code, m.Name, p, got.Code)
				break
			}
		}
	}
}

func TestActivityOwners(t *testing.T) {
	t.Parallel()
	d := mustGenerate(t, Config{Seed: 2, Options: 10000})
	prov := map[string]care.Provision{}
	for _, p := range d.Provisions {
		prov[p.ID] = p
	}
	ini := map[string]care.Initiative{}
	for _, in := range d.Initiatives {
		ini[in.ID] = in
	}
	byProvision := 0
	for _, a := range d.Activities {
		var created time.Time
		switch {
		case a.ProvisionID != "" && a.InitiativeID != "":
			t.Fatalf("activity %s has two owners", a.ID)
		case a.ProvisionID != "":
			p, ok := prov[a.ProvisionID]
			if !ok {
				t.Fatalf("activity %s provision_id %s names no generated provision", a.ID, a.ProvisionID)
			}
			if dist := geo.Distance(a.Place.Location.Point(), p.Location.Point()); dist > 3000 {
				t.Errorf("activity %s is %.0f m from its provision; want near it", a.ID, dist)
			}
			created = p.CreatedAt
			byProvision++
		default:
			in, ok := ini[a.InitiativeID]
			if !ok {
				t.Fatalf("activity %s initiative_id %q names no generated initiative", a.ID, a.InitiativeID)
			}
			created = in.CreatedAt
		}
		if !a.CreatedAt.After(created) {
			t.Errorf("activity %s created %v, before its owner (%v)", a.ID, a.CreatedAt, created)
		}
	}
	inRange(t, "share of activities run by provisions", share(byProvision, len(d.Activities)), 0.6, 0.73)
}

func TestIDs(t *testing.T) {
	t.Parallel()
	d := mustGenerate(t, Config{Seed: 4, Options: 5000, Requests: 3000})
	hexRE := regexp.MustCompile(`^[0-9a-f]{24}$`)
	seen := map[string]bool{}
	kinds := map[string][]care.Meta{}
	for _, v := range d.Volunteers {
		kinds["volunteers"] = append(kinds["volunteers"], v.Meta)
	}
	for _, v := range d.Initiatives {
		kinds["initiatives"] = append(kinds["initiatives"], v.Meta)
	}
	for _, v := range d.Provisions {
		kinds["provisions"] = append(kinds["provisions"], v.Meta)
	}
	for _, v := range d.Activities {
		kinds["activities"] = append(kinds["activities"], v.Meta)
	}
	for _, v := range d.Requests {
		kinds["requests"] = append(kinds["requests"], v.Meta)
	}
	for kind, metas := range kinds {
		for i, m := range metas {
			if !hexRE.MatchString(m.ID) {
				t.Fatalf("%s[%d].ID = %q; want 24 lower-case hex digits", kind, i, m.ID)
			}
			if seen[m.ID] {
				t.Fatalf("%s[%d].ID = %s is used twice", kind, i, m.ID)
			}
			seen[m.ID] = true
			if i > 0 && metas[i-1].ID >= m.ID {
				t.Fatalf("%s[%d].ID = %s does not sort after %s", kind, i, m.ID, metas[i-1].ID)
			}
			if i > 0 && m.CreatedAt.Before(metas[i-1].CreatedAt) {
				t.Fatalf("%s[%d] created %v, before the record before it", kind, i, m.CreatedAt)
			}
			if m.Version != 1 || !m.UpdatedAt.Equal(m.CreatedAt) || m.CreatedAt.Location() != time.UTC {
				t.Fatalf("%s[%d] meta %+v; want version 1, updated = created, UTC", kind, i, m)
			}
			if !m.CreatedAt.Before(testNow) || m.CreatedAt.Before(testNow.Add(-oldestAge)) {
				t.Fatalf("%s[%d] created %v; want within 3 years before %v", kind, i, m.CreatedAt, testNow)
			}
			if m.CreatedAt.Truncate(time.Millisecond) != m.CreatedAt {
				t.Fatalf("%s[%d] created %v; want whole milliseconds, as BSON stores", kind, i, m.CreatedAt)
			}
		}
	}
}

func TestGenerateConfigErrors(t *testing.T) {
	t.Parallel()
	as := testAreas(t)
	tests := []struct {
		name  string
		cfg   Config
		areas *geo.Areas
	}{
		{"nil areas", Config{Now: testNow}, nil},
		{"negative options", Config{Options: -1, Now: testNow}, as},
		{"negative requests", Config{Requests: -1, Now: testNow}, as},
		{"zero now", Config{Options: 1}, as},
		{"now before ObjectIDs", Config{Now: time.Date(1972, 1, 1, 0, 0, 0, 0, time.UTC)}, as},
		{"unknown municipality", Config{Municipality: "GM9999", Now: testNow}, as},
		{"abroad placeholder", Config{Municipality: "GM0998", Now: testNow}, as},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.cfg, tt.areas)
			if !errors.Is(err, ErrConfig) {
				t.Errorf("Generate(%+v) error = %v; want ErrConfig", tt.cfg, err)
			}
		})
	}
}

func ExampleGenerate() {
	areas, err := geo.LoadAreas()
	if err != nil {
		panic(err)
	}
	d, err := Generate(Config{
		Seed:         1,
		Options:      100,
		Requests:     10,
		Municipality: "GM0344", // Utrecht
		Now:          time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC),
	}, areas)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(d.Volunteers), len(d.Initiatives), len(d.Provisions), len(d.Activities), len(d.Requests))
	rq := d.Requests[0]
	fmt.Println(rq.Area.MunicipalityName, rq.Status)
	// The district and neighbourhood are CBS 2014 areas; see care.Area.
	fmt.Println(rq.Area.DistrictCode, rq.Area.DistrictName)
	fmt.Println(rq.Area.NeighbourhoodCode, rq.Area.NeighbourhoodName)
	// Output:
	// 60 10 10 20 10
	// Utrecht open
	// WK034403 Wijk 03 Overvecht
	// BU03440332 Vechtzoom-noord. Klopvaart
}

func benchmarkGenerate(b *testing.B, options int) {
	as := testAreas(b)
	cfg := Config{Seed: 1, Options: options, Now: testNow}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(cfg, as); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate100k(b *testing.B) { benchmarkGenerate(b, 100_000) }

// BenchmarkGenerate1M shows a national dataset stays quick to build; run
// it with -benchtime=1x.
func BenchmarkGenerate1M(b *testing.B) { benchmarkGenerate(b, 1_000_000) }
