package care_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

func validVolunteer() care.VolunteerFields {
	return care.VolunteerFields{
		DisplayName:  "Els",
		HelpTypes:    []string{"garden", "groceries"},
		HomeLocation: loc(dam),
		MaxTravelM:   1000,
		Availability: []care.WeeklySlot{{Day: "tue", Start: "09:00", End: "12:00"}},
		Languages:    []string{"nl", "en"},
		Capacity:     2,
		Status:       "active",
	}
}

// elevenLanguages are distinct valid codes, one over the limit.
var elevenLanguages = []string{"nl", "en", "de", "fr", "es", "it", "pt", "pl", "tr", "ar", "uk"}

func TestCheckVolunteer(t *testing.T) {
	t.Parallel()
	type v = care.VolunteerFields
	slot := func(day, start, end string) []care.WeeklySlot {
		return []care.WeeklySlot{{Day: day, Start: start, End: end}}
	}
	rows := []row[v]{
		{name: "valid"},
		{name: "minimal: no availability, languages or status", edit: func(f *v) { f.Availability, f.Languages, f.Status = nil, nil, "" }},
		// display_name: required,max=80,safetext
		{name: "display_name empty", edit: func(f *v) { f.DisplayName = "" }, want: fields("display_name"), why: "is required"},
		{name: "display_name 80 characters", edit: func(f *v) { f.DisplayName = strings.Repeat("é", 80) }},
		{name: "display_name 81 characters", edit: func(f *v) { f.DisplayName = strings.Repeat("é", 81) }, want: fields("display_name"), why: "at most 80 characters"},
		{name: "display_name operator", edit: func(f *v) { f.DisplayName = "$set" }, want: fields("display_name"), why: "plain text"},
		{name: "display_name newline", edit: func(f *v) { f.DisplayName = "Els\nJan" }, want: fields("display_name"), why: "plain text"},
		// help_types: required,min=1,max=20,unique,dive,helptype
		{name: "help_types nil", edit: func(f *v) { f.HelpTypes = nil }, want: fields("help_types"), why: "is required"},
		{name: "help_types empty", edit: func(f *v) { f.HelpTypes = []string{} }, want: fields("help_types"), why: "at least 1 items"},
		{name: "help_types 21 items", edit: func(f *v) { f.HelpTypes = slices.Repeat([]string{"garden"}, 21) }, want: fields("help_types"), why: "at most 20 items"},
		{name: "help_types all 20", edit: func(f *v) { f.HelpTypes = slices.Clone(allHelpTypes) }},
		{name: "help_types duplicate", edit: func(f *v) { f.HelpTypes = []string{"garden", "meals", "garden"} }, want: fields("help_types"), why: "duplicates"},
		{name: "help_types unknown second", edit: func(f *v) { f.HelpTypes = []string{"garden", "gardening"} }, want: fields("help_types[1]"), why: "help type"},
		// home_location: required, valid, inside the bounds
		{name: "home_location missing", edit: func(f *v) { f.HomeLocation = nil }, want: fields("home_location"), why: "is required"},
		{name: "home_location in Belgium", edit: func(f *v) { f.HomeLocation = loc(brussels) }, want: fields("home_location"), why: "outside the allowed area"},
		{name: "home_location at sea", edit: func(f *v) { f.HomeLocation = loc(northSea) }, want: fields("home_location"), why: "outside the allowed area"},
		{name: "home_location latitude 91", edit: func(f *v) { f.HomeLocation = &care.Location{Lat: 91, Lon: 5} }, want: fields("home_location.lat"), why: "latitude"},
		{name: "home_location latitude NaN", edit: func(f *v) { f.HomeLocation = &care.Location{Lat: math.NaN(), Lon: 5} }, want: fields("home_location.lat")},
		{name: "home_location longitude -181", edit: func(f *v) { f.HomeLocation = &care.Location{Lat: 52, Lon: -181} }, want: fields("home_location.lon"), why: "longitude"},
		{name: "home_location longitude +Inf", edit: func(f *v) { f.HomeLocation = &care.Location{Lat: 52, Lon: math.Inf(1)} }, want: fields("home_location.lon")},
		{name: "home_location zero (Gulf of Guinea)", edit: func(f *v) { f.HomeLocation = &care.Location{} }, want: fields("home_location")},
		// max_travel_m: required,min=100,max=50000
		{name: "max_travel_m 0", edit: func(f *v) { f.MaxTravelM = 0 }, want: fields("max_travel_m"), why: "is required"},
		{name: "max_travel_m 99", edit: func(f *v) { f.MaxTravelM = 99 }, want: fields("max_travel_m"), why: "at least 100"},
		{name: "max_travel_m 100", edit: func(f *v) { f.MaxTravelM = 100 }},
		{name: "max_travel_m 50000", edit: func(f *v) { f.MaxTravelM = 50000 }},
		{name: "max_travel_m 50001", edit: func(f *v) { f.MaxTravelM = 50001 }, want: fields("max_travel_m"), why: "at most 50000"},
		// availability: max=50, each a weekly slot that ends after it starts
		{name: "availability 50 slots", edit: func(f *v) { f.Availability = slices.Repeat(slot("mon", "09:00", "10:00"), 50) }},
		{name: "availability 51 slots", edit: func(f *v) { f.Availability = slices.Repeat(slot("mon", "09:00", "10:00"), 51) }, want: fields("availability"), why: "at most 50 items"},
		{name: "availability day missing", edit: func(f *v) { f.Availability = slot("", "09:00", "10:00") }, want: fields("availability[0].day"), why: "is required"},
		{name: "availability day unknown", edit: func(f *v) { f.Availability = slot("maandag", "09:00", "10:00") }, want: fields("availability[0].day"), why: "mon, tue"},
		{name: "availability start missing", edit: func(f *v) { f.Availability = slot("mon", "", "10:00") }, want: fields("availability[0].start"), why: "is required"},
		{name: "availability start malformed", edit: func(f *v) { f.Availability = slot("mon", "9:00", "10:00") }, want: fields("availability[0].start"), why: "HH:MM"},
		{name: "availability end malformed", edit: func(f *v) { f.Availability = slot("mon", "09:00", "25:00") }, want: fields("availability[0].end"), why: "HH:MM"},
		{name: "availability whole day", edit: func(f *v) { f.Availability = slot("sun", "00:00", "24:00") }},
		{name: "availability ends before it starts", edit: func(f *v) { f.Availability = slot("mon", "12:00", "09:00") }, want: fields("availability[0].end"), why: "later than start (12:00)"},
		{name: "availability ends when it starts", edit: func(f *v) {
			f.Availability = append(slot("mon", "09:00", "10:00"), slot("wed", "10:00", "10:00")...)
		}, want: fields("availability[1].end"), why: "later than start"},
		{name: "availability starts at 24:00", edit: func(f *v) { f.Availability = slot("mon", "24:00", "24:00") },
			want: fields("availability[0].start", "availability[0].end"), why: "before 24:00"},
		// languages: max=10,unique,dive,lang
		{name: "languages 10", edit: func(f *v) { f.Languages = slices.Clone(elevenLanguages[:10]) }},
		{name: "languages 11", edit: func(f *v) { f.Languages = slices.Clone(elevenLanguages) }, want: fields("languages"), why: "at most 10 items"},
		{name: "languages duplicate", edit: func(f *v) { f.Languages = []string{"nl", "nl"} }, want: fields("languages"), why: "duplicates"},
		{name: "languages upper case", edit: func(f *v) { f.Languages = []string{"nl", "EN"} }, want: fields("languages[1]"), why: "ISO 639-1"},
		// capacity: required,min=1,max=20
		{name: "capacity 0", edit: func(f *v) { f.Capacity = 0 }, want: fields("capacity"), why: "is required"},
		{name: "capacity 20", edit: func(f *v) { f.Capacity = 20 }},
		{name: "capacity 21", edit: func(f *v) { f.Capacity = 21 }, want: fields("capacity"), why: "at most 20"},
		{name: "capacity negative", edit: func(f *v) { f.Capacity = -1 }, want: fields("capacity"), why: "at least 1"},
		// status: oneof=active paused (empty becomes active)
		{name: "status paused", edit: func(f *v) { f.Status = "paused" }},
		{name: "status busy", edit: func(f *v) { f.Status = "busy" }, want: fields("status"), why: "active, paused"},
		// every problem is reported at once
		{name: "three problems at once", edit: func(f *v) { f.DisplayName, f.Capacity, f.HomeLocation = "", 0, nil },
			want: fields("display_name", "capacity", "home_location")},
	}
	runRows(t, "Check", validVolunteer, checkFields[v], rows)
}

// TestCheckVolunteerNormalises: Check fills in the defaults and replaces
// the home by the centre of its grid cell, without touching the
// caller's Location value.
func TestCheckVolunteerNormalises(t *testing.T) {
	t.Parallel()
	c := checker(t)
	home := care.Location{Lat: 52.37312, Lon: 4.89245}
	f := care.VolunteerFields{DisplayName: "Els", HelpTypes: []string{"garden"}, HomeLocation: &home, MaxTravelM: 1000, Capacity: 1}
	area, err := c.Check(&f)
	if err != nil {
		t.Fatalf("Check(minimal volunteer) = %v; want no error", err)
	}
	if area.MunicipalityCode != "GM0363" {
		t.Errorf("Check(volunteer at the Dam) area = %q; want GM0363", area.MunicipalityCode)
	}
	if f.Status != "active" {
		t.Errorf("Status after Check = %q; want %q", f.Status, "active")
	}
	if f.Availability == nil || len(f.Availability) != 0 || f.Languages == nil || len(f.Languages) != 0 {
		t.Errorf("Availability, Languages after Check = %#v, %#v; want empty, non-nil", f.Availability, f.Languages)
	}
	want := geo.Coarsen(home.Point())
	if got := f.HomeLocation.Point(); got != want {
		t.Errorf("HomeLocation after Check = %v; want the cell centre %v", got, want)
	}
	if f.HomeLocation.Point() == home.Point() {
		t.Errorf("HomeLocation after Check = %v is the exact home", f.HomeLocation)
	}
	if home != (care.Location{Lat: 52.37312, Lon: 4.89245}) {
		t.Errorf("Check changed the caller's Location to %v", home)
	}
}

// TestCheckBoxBounds: a Checker built with a box refuses a Dutch point
// outside the box, and names the box.
func TestCheckBoxBounds(t *testing.T) {
	t.Parallel()
	areas := checker(t).Areas()                           // the embedded areas, loaded once
	box, err := geo.ParseBounds("4.7,52.2,5.1,52.5", nil) // Amsterdam and around
	if err != nil {
		t.Fatal(err)
	}
	c := care.NewChecker(box, areas)
	for _, tc := range []struct {
		name string
		at   care.Location
		want []string
	}{
		{"the Dam, inside the box", dam, nil},
		{"Utrecht, outside the box", utrecht, fields("home_location")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := validVolunteer()
			f.HomeLocation = loc(tc.at)
			_, err := c.Check(&f)
			wantProblems(t, "Check(volunteer at "+tc.name+")", err, tc.want, "4.7,52.2,5.1,52.5")
		})
	}
}
