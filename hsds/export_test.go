package hsds

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/care"
)

func TestPaginate(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	for _, tc := range []struct {
		number, per, size, pages int
		first, last              bool
	}{
		{1, 2, 2, 3, true, false},
		{3, 2, 1, 3, false, true},
		{4, 2, 0, 3, false, true},
		{1, 10, 5, 1, true, true},
	} {
		p := Paginate(items, tc.number, tc.per)
		if p.Size != tc.size || p.TotalPages != tc.pages || p.FirstPage != tc.first || p.LastPage != tc.last || p.TotalItems != 5 || p.Empty {
			t.Errorf("Paginate(5 items, %d, %d) = %+v", tc.number, tc.per, p)
		}
	}
	if p := Paginate([]int{}, 1, 10); !p.Empty || p.Contents == nil || p.TotalPages != 0 {
		t.Errorf("empty page = %+v", p)
	}
}

func TestIDsAreStableUUIDs(t *testing.T) {
	t.Parallel()
	a, b := ID("service", "provision:65f0"), ID("service", "provision:65f0")
	if a != b || len(a) != 36 || a[14] != '5' || ID("service", "provision:65f1") == a || ID("location", "provision:65f0") == a {
		t.Errorf("ids %s %s", a, b)
	}
}

// TestScheduleMapping checks what HSDS can hold of a rule and that notes
// keep the whole of it, for a monthly, a daily and a one-off schedule.
func TestScheduleMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rrule, freq, byday, bymonthday string
		interval                       int
	}{
		{"FREQ=MONTHLY;BYDAY=1TU", "MONTHLY", "1TU", "", 0},
		{"FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6", "MONTHLY", "", "15", 0},
		{"FREQ=DAILY;INTERVAL=3", "", "", "", 3},
		{"", "", "", "", 0},
	} {
		s := &care.Schedule{Start: "2026-07-07T10:00", Timezone: "Europe/Amsterdam", DurationMinutes: 90, RRule: tc.rrule, ExDates: []string{"2026-08-04T10:00"}}
		got := schedule("id", "svc", "loc", s, "https://x/cal.ics")
		interval := 0
		if got.Interval != nil {
			interval = *got.Interval
		}
		if got.Freq != tc.freq || got.ByDay != tc.byday || got.ByMonthDay != tc.bymonthday || interval != tc.interval ||
			got.OpensAt != "10:00" || got.ClosesAt != "11:30" || got.DTStart != "2026-07-07" || got.Timezone == nil || *got.Timezone != 2 {
			t.Errorf("%q: %+v", tc.rrule, got)
		}
		if tc.rrule != "" && !strings.Contains(got.Notes, "rrule="+tc.rrule) || !strings.Contains(got.Notes, "exdates=2026-08-04T10:00") ||
			!strings.Contains(got.Notes, "timezone=Europe/Amsterdam") {
			t.Errorf("%q: notes %q", tc.rrule, got.Notes)
		}
	}
}

// TestBuildLeavesPeopleOut builds a catalog from records with a contact
// person and checks that the name is nowhere in it.
func TestBuildLeavesPeopleOut(t *testing.T) {
	t.Parallel()
	active := true
	i := care.Initiative{Meta: care.Meta{ID: "i1", UpdatedAt: time.Now()}, InitiativeFields: care.InitiativeFields{Organisation: "Buurtkracht",
		Description: "Klussen", HelpTypes: []string{"odd_jobs"}, Capacity: 4, Active: &active,
		Contact:     &care.Contact{Name: "Piet Jansen", Email: "info@buurtkracht.nl"},
		ServiceArea: &care.ServiceArea{Center: &care.Location{Lat: 52.36, Lon: 4.91}, RadiusM: 3000}}}
	c := Build(Directory{Initiatives: []care.Initiative{i}, HelpTypes: care.Codes().HelpTypes})
	if len(c.Services) != 1 || len(c.Organizations) != 1 || c.Services[0].Organization != nil || len(c.Services[0].Attributes) != 1 {
		t.Fatalf("catalog = %+v", c)
	}
	if s := c.Services[0]; s.Email != "info@buurtkracht.nl" || !strings.Contains(s.ServiceAreas[0].Extent, `"radius_m":3000`) || *s.Capacity[0].Maximum != 4 {
		t.Errorf("service = %+v", s)
	}
	for _, v := range []any{c.Organizations, c.Services} {
		if strings.Contains(strings.ToLower(fmtAny(v)), "piet") {
			t.Errorf("the contact person is in %v", v)
		}
	}
}

func fmtAny(v any) string { return fmt.Sprintf("%+v", v) }

// TestBuildWithMemoEqualsBuild: through a sequence of edits, additions
// and removals, a catalog built with the last build's memo equals one
// built from scratch; an edited record is converted again.
func TestBuildWithMemoEqualsBuild(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	ini := func(id string, v int64, name string) care.Initiative {
		return care.Initiative{Meta: care.Meta{ID: id, Version: v, UpdatedAt: at.Add(time.Duration(v) * time.Minute)},
			InitiativeFields: care.InitiativeFields{Organisation: name, Description: "Klussen", HelpTypes: []string{"odd_jobs"}, Capacity: 2,
				ServiceArea: &care.ServiceArea{Center: &care.Location{Lat: 52.36, Lon: 4.91}, RadiusM: 1000}}}
	}
	act := func(id, initiative string, v int64, name string) care.Activity {
		return care.Activity{Meta: care.Meta{ID: id, Version: v, UpdatedAt: at.Add(time.Duration(v) * time.Minute)},
			ActivityFields: care.ActivityFields{InitiativeID: initiative, Name: name, HelpTypes: []string{"meeting_place"},
				Place:    &care.Place{Name: "Buurthuis", Location: &care.Location{Lat: 52.37, Lon: 4.9}},
				Schedule: &care.Schedule{Start: "2026-12-01T14:00", Timezone: "Europe/Amsterdam", DurationMinutes: 60, RRule: "FREQ=WEEKLY"}}}
	}
	cal := func(id string) string { return "https://x/" + id + ".ics" }
	steps := []Directory{
		{Initiatives: []care.Initiative{ini("i1", 1, "Buurtkracht"), ini("i2", 1, "Klusteam")}, Activities: []care.Activity{act("a1", "i1", 1, "Koffie")}},
		{Initiatives: []care.Initiative{ini("i1", 2, "Buurtkracht Noord"), ini("i2", 1, "Klusteam")}, Activities: []care.Activity{act("a1", "i1", 1, "Koffie")}},
		{Initiatives: []care.Initiative{ini("i2", 1, "Klusteam")}, Activities: []care.Activity{act("a1", "i2", 2, "Koffie"), act("a2", "i2", 1, "Wandelen")}},
		{Initiatives: []care.Initiative{ini("i2", 1, "Klusteam"), ini("i3", 1, "Samen")}, Activities: []care.Activity{act("a2", "i2", 1, "Wandelen")}},
	}
	memo := &Memo{}
	for i, d := range steps {
		d.HelpTypes, d.CalendarURL = care.Codes().HelpTypes, cal
		got, want := BuildWith(d, memo), Build(d)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: built with the memo\n%+v\nfrom scratch\n%+v", i, got, want)
		}
		if len(memo.prev) != len(d.Initiatives)+len(d.Activities) {
			t.Errorf("step %d: the memo keeps %d records; want the %d there are", i, len(memo.prev), len(d.Initiatives)+len(d.Activities))
		}
	}
}

// TestFindServicesPageIsAPageOfFindServices: converting only a page's
// services gives the page Paginate cuts from every match, for queries
// with and without filters, flat and in full, past the last page too.
func TestFindServicesPageIsAPageOfFindServices(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	var inis []care.Initiative
	for i := range 7 {
		name := []string{"Klusteam", "Buurtkracht", "Samen koken"}[i%3]
		inis = append(inis, care.Initiative{Meta: care.Meta{ID: fmt.Sprintf("i%d", i), Version: 1, UpdatedAt: at.Add(time.Duration(i) * time.Hour)},
			InitiativeFields: care.InitiativeFields{Organisation: name, Description: "Hulp in de buurt", HelpTypes: []string{"odd_jobs"}, Capacity: 2,
				ServiceArea: &care.ServiceArea{Center: &care.Location{Lat: 52.36, Lon: 4.91}, RadiusM: 1000}}})
	}
	c := Build(Directory{Initiatives: inis, HelpTypes: care.Codes().HelpTypes})
	for qi, q := range []Query{{}, {Search: []string{"klus"}}, {Full: true}, {ModifiedAfter: at.Add(150 * time.Minute)}, {Search: []string{"niets"}}} {
		for _, per := range []int{1, 2, 3, 50} {
			for page := 1; page <= 9; page++ {
				got, want := c.FindServicesPage(q, page, per), Paginate(c.FindServices(q), page, per)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("query %d, page %d of %d: %+v; want %+v", qi, page, per, got, want)
				}
			}
		}
	}
}

// TestNearbyThroughTheGridEqualsTheScan: the services at locations a
// nearby query finds through the grid are those a scan of the whole
// list finds, in the same order, for random points and distances, a
// search word and full items.
func TestNearbyThroughTheGridEqualsTheScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 1))
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	var provs []care.Provision
	for i := range 400 {
		// Around Utrecht, some on the same spot.
		lat, lon := 52.09+rng.Float64()*0.03-0.015, 5.12+rng.Float64()*0.05-0.025
		if i%10 == 0 && i > 0 {
			lat, lon = provs[i-1].Location.Lat, provs[i-1].Location.Lon
		}
		provs = append(provs, care.Provision{Meta: care.Meta{ID: fmt.Sprintf("p%03d", i), Version: 1, UpdatedAt: at},
			ProvisionFields: care.ProvisionFields{Name: []string{"Buurthuis", "Inloop", "Eettafel"}[i%3], HelpTypes: []string{"meeting_place"},
				Address:  &care.Address{Street: "Straat", HouseNumber: "1", Postcode: "3511AA", City: "Utrecht"},
				Location: &care.Location{Lat: lat, Lon: lon}, Cost: &care.Cost{Unit: "free"}}})
	}
	c := Build(Directory{Provisions: provs, HelpTypes: care.Codes().HelpTypes})
	scan := c
	scan.salGrid = nil
	for round := range 60 {
		p := orb.Point{5.12 + rng.Float64()*0.08 - 0.04, 52.09 + rng.Float64()*0.05 - 0.025}
		q := Query{Near: &p, Proximity: []float64{50, 300, 1000, 2500, 8000}[round%5], Full: round%4 == 0}
		if round%3 == 0 {
			q.Search = []string{"inloop"}
		}
		got, want := c.FindServiceAtLocations(q), scan.FindServiceAtLocations(q)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d (%v, %.0f m): the grid found %d, the scan %d", round, p, q.Proximity, len(got), len(want))
		}
		for _, page := range []int{1, 2, 7} {
			if got, want := c.FindServiceAtLocationsPage(q, page, 5), Paginate(want, page, 5); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, page %d: %+v; want %+v", round, page, got, want)
			}
		}
		if _, ok := c.cellsNear(q); !ok && q.Proximity <= 2500 {
			t.Errorf("round %d: %.0f m did not go through the grid", round, q.Proximity)
		}
	}
}
