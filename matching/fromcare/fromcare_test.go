package fromcare

import (
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/matching"
)

func TestWeekFromSlots(t *testing.T) {
	t.Parallel()
	w := Week([]care.WeeklySlot{{Day: "tue", Start: "09:00", End: "12:00"}, {Day: "sun", Start: "23:00", End: "24:00"}, {Day: "xyz", Start: "09:00", End: "10:00"}})
	if got := w.Minutes(); got != 4*60 {
		t.Errorf("minutes = %d; want 240 (the bad day skipped)", got)
	}
	if got := w.Describe(5); got != "Tue morning, Sun evening" {
		t.Errorf("Describe = %q", got)
	}
}

func TestConversions(t *testing.T) {
	t.Parallel()
	off := false
	v := Volunteer(care.Volunteer{Meta: care.Meta{ID: "v"}, VolunteerFields: care.VolunteerFields{DisplayName: "Anna", Status: "paused",
		HomeLocation: &care.Location{Lat: 52, Lon: 5}, MaxTravelM: 1500, Capacity: 2, HelpTypes: []string{"garden"}}})
	if v.Active || v.Kind != matching.KindVolunteer || v.TravelM != 1500 || v.Location[0] != 5 {
		t.Errorf("paused volunteer = %+v", v)
	}
	poly := &care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{{{5, 52}, {5.1, 52}, {5.1, 52.1}, {5, 52}}}}
	i := Initiative(care.Initiative{Meta: care.Meta{ID: "i"}, InitiativeFields: care.InitiativeFields{Organisation: "X", Active: &off,
		ServiceArea: &care.ServiceArea{Polygon: poly}}})
	if i.Active || len(i.ServiceArea) != 1 || len(i.ServiceArea[0]) != 4 || i.ServiceRadiusM != 0 {
		t.Errorf("polygon initiative = %+v", i)
	}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	a, err := Activity(care.Activity{Meta: care.Meta{ID: "a"}, ActivityFields: care.ActivityFields{Name: "Koffie", SpotsPerOccurrence: 8,
		Place:    &care.Place{Location: &care.Location{Lat: 52, Lon: 5}},
		Schedule: &care.Schedule{Start: "2026-12-01T14:00", Timezone: "Europe/Amsterdam", DurationMinutes: 90, RRule: "FREQ=WEEKLY;BYDAY=TU", ExDates: []string{"2026-12-08T14:00"}}}},
		now, true)
	if err != nil {
		t.Fatal(err)
	}
	// Eight weeks from 23 Nov: Tuesdays 1 Dec … 12 Jan, less the exception.
	if len(a.Occurrences) != 6 || !a.Active || !a.WheelchairAccess || a.Capacity != 8 || a.Duration != 90*time.Minute {
		t.Errorf("activity = %d occurrences, %+v", len(a.Occurrences), a)
	}
	if !a.Occurrences[0].Equal(time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)) {
		t.Errorf("first occurrence = %v; want 1 Dec 14:00 Amsterdam time (13:00 UTC)", a.Occurrences[0])
	}
	age := 70
	r := Request(care.Request{Meta: care.Meta{ID: "r"}, RequestFields: care.RequestFields{Needs: []string{"meals"}, ResidentAge: &age,
		Location: &care.Location{Lat: 52, Lon: 5}, Constraints: &care.Constraints{MaxDistanceM: 800, Mobility: "wheelchair"}}})
	if r.Age != 70 || r.MaxDistanceM != 800 || r.Mobility != "wheelchair" || r.Windows != (matching.Week{}) {
		t.Errorf("request = %+v", r)
	}
	if len(HelpTypes()) != len(care.Codes().HelpTypes) {
		t.Error("HelpTypes does not cover the taxonomy")
	}
}
