package care_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

func validProvision() care.ProvisionFields {
	return care.ProvisionFields{
		Name:          "Buurthuis De Pijp",
		Organisation:  "Stichting Buurtwerk",
		Description:   "Coffee mornings,\nmeals on Thursday.",
		HelpTypes:     []string{"meeting_place", "meals"},
		Address:       &care.Address{Street: "Dam", HouseNumber: "1a", Postcode: "1012 JS", City: "Amsterdam"},
		Location:      loc(dam),
		OpeningHours:  []care.WeeklySlot{{Day: "mon", Start: "09:00", End: "17:00"}, {Day: "thu", Start: "17:00", End: "20:00"}},
		TargetGroups:  []string{"seniors", "lonely"},
		Cost:          &care.Cost{AmountEUR: 3.5, Unit: "per_visit", Notes: "Meals only."},
		Accessibility: &care.Accessibility{Wheelchair: true, Notes: "Ramp at the side."},
		Contact:       &care.Contact{Phone: "020-1234567"},
	}
}

func TestCheckProvision(t *testing.T) {
	t.Parallel()
	type p = care.ProvisionFields
	rows := []row[p]{
		{name: "valid"},
		{name: "minimal", edit: func(f *p) {
			f.Organisation, f.Description, f.OpeningHours, f.TargetGroups, f.Accessibility, f.Contact = "", "", nil, nil, nil, nil
		}},
		// name: required,max=120,safetext
		{name: "name missing", edit: func(f *p) { f.Name = "" }, want: fields("name"), why: "is required"},
		{name: "name 121 characters", edit: func(f *p) { f.Name = longWords }, want: fields("name"), why: "at most 120 characters"},
		{name: "name tab", edit: func(f *p) { f.Name = "a\tb" }, want: fields("name"), why: "plain text"},
		// organisation: max=120,safetext; description: max=2000,safelines
		{name: "organisation 121 characters", edit: func(f *p) { f.Organisation = longWords }, want: fields("organisation"), why: "at most 120 characters"},
		{name: "organisation operator", edit: func(f *p) { f.Organisation = "$or" }, want: fields("organisation"), why: "plain text"},
		{name: "description 2001 characters", edit: func(f *p) { f.Description = strings.Repeat("x", 2001) }, want: fields("description"), why: "at most 2000 characters"},
		{name: "description NUL", edit: func(f *p) { f.Description = "\x00" }, want: fields("description"), why: "plain text"},
		// help_types
		{name: "help_types missing", edit: func(f *p) { f.HelpTypes = nil }, want: fields("help_types"), why: "is required"},
		{name: "help_types unknown", edit: func(f *p) { f.HelpTypes = []string{"meals", "coffee"} }, want: fields("help_types[1]"), why: "help type"},
		// address: required; street, house_number, postcode, city
		{name: "address missing", edit: func(f *p) { f.Address = nil }, want: fields("address"), why: "is required"},
		{name: "address street missing", edit: func(f *p) { f.Address.Street = "" }, want: fields("address.street"), why: "is required"},
		{name: "address street 121 characters", edit: func(f *p) { f.Address.Street = longWords }, want: fields("address.street"), why: "at most 120"},
		{name: "address street operator", edit: func(f *p) { f.Address.Street = "$x" }, want: fields("address.street"), why: "plain text"},
		{name: "address house_number missing", edit: func(f *p) { f.Address.HouseNumber = "" }, want: fields("address.house_number"), why: "is required"},
		{name: "address house_number 12 characters", edit: func(f *p) { f.Address.HouseNumber = "1234-5 hs ab" }},
		{name: "address house_number 13 characters", edit: func(f *p) { f.Address.HouseNumber = "1234-5 hs abc" }, want: fields("address.house_number"), why: "at most 12"},
		{name: "address postcode missing", edit: func(f *p) { f.Address.Postcode = "" }, want: fields("address.postcode"), why: "is required"},
		{name: "address postcode without space", edit: func(f *p) { f.Address.Postcode = "1012JS" }},
		{name: "address postcode Belgian", edit: func(f *p) { f.Address.Postcode = "1000" }, want: fields("address.postcode"), why: "Dutch postcode"},
		{name: "address city missing", edit: func(f *p) { f.Address.City = "" }, want: fields("address.city"), why: "is required"},
		{name: "address city 81 characters", edit: func(f *p) { f.Address.City = strings.Repeat("a", 81) }, want: fields("address.city"), why: "at most 80"},
		// location: required, inside the bounds, stored exactly
		{name: "location missing", edit: func(f *p) { f.Location = nil }, want: fields("location"), why: "is required"},
		{name: "location at sea", edit: func(f *p) { f.Location = loc(northSea) }, want: fields("location"), why: "outside the allowed area"},
		{name: "location latitude 90.5", edit: func(f *p) { f.Location = &care.Location{Lat: 90.5, Lon: 5} }, want: fields("location.lat")},
		{name: "location longitude -180.5", edit: func(f *p) { f.Location = &care.Location{Lat: 52, Lon: -180.5} }, want: fields("location.lon")},
		// opening_hours: max=50, slots
		{name: "opening_hours 51", edit: func(f *p) { f.OpeningHours = slices.Repeat(f.OpeningHours[:1], 51) }, want: fields("opening_hours"), why: "at most 50 items"},
		{name: "opening_hours day", edit: func(f *p) { f.OpeningHours[1].Day = "do" }, want: fields("opening_hours[1].day")},
		{name: "opening_hours end", edit: func(f *p) { f.OpeningHours[1].End = "8pm" }, want: fields("opening_hours[1].end"), why: "HH:MM"},
		{name: "opening_hours overnight", edit: func(f *p) { f.OpeningHours[1].End = "02:00" }, want: fields("opening_hours[1].end"), why: "later than start (17:00)"},
		{name: "opening_hours until midnight", edit: func(f *p) { f.OpeningHours[1].End = "24:00" }},
		// target_groups
		{name: "target_groups unknown", edit: func(f *p) { f.TargetGroups = []string{"pets"} }, want: fields("target_groups[0]"), why: "target group"},
		{name: "target_groups duplicate", edit: func(f *p) { f.TargetGroups = []string{"youth", "youth"} }, want: fields("target_groups"), why: "duplicates"},
		// cost: required; amount 0..10000; unit; notes; free costs nothing
		{name: "cost missing", edit: func(f *p) { f.Cost = nil }, want: fields("cost"), why: "is required"},
		{name: "cost unit missing", edit: func(f *p) { f.Cost.Unit = "" }, want: fields("cost.unit"), why: "is required"},
		{name: "cost unit unknown", edit: func(f *p) { f.Cost.Unit = "per_hour" }, want: fields("cost.unit"), why: "free, per_visit, per_week, per_month, per_year"},
		{name: "cost per_year 10000", edit: func(f *p) { f.Cost.Unit, f.Cost.AmountEUR = "per_year", 10000 }},
		{name: "cost 10000.01", edit: func(f *p) { f.Cost.AmountEUR = 10000.01 }, want: fields("cost.amount_eur"), why: "at most 10000"},
		{name: "cost negative", edit: func(f *p) { f.Cost.AmountEUR = -0.5 }, want: fields("cost.amount_eur"), why: "at least 0"},
		{name: "cost free at 0", edit: func(f *p) { f.Cost = &care.Cost{Unit: "free"} }},
		{name: "cost free at 2.50", edit: func(f *p) { f.Cost = &care.Cost{Unit: "free", AmountEUR: 2.5} }, want: fields("cost.amount_eur"), why: `must be 0 when unit is "free"`},
		{name: "cost notes 501 characters", edit: func(f *p) { f.Cost.Notes = strings.Repeat("n", 501) }, want: fields("cost.notes"), why: "at most 500"},
		{name: "cost notes escape", edit: func(f *p) { f.Cost.Notes = "\x1b" }, want: fields("cost.notes"), why: "plain text"},
		// accessibility: notes max=500,safelines
		{name: "accessibility notes two lines", edit: func(f *p) { f.Accessibility.Notes = "Ramp.\nLift." }},
		{name: "accessibility notes 501 characters", edit: func(f *p) { f.Accessibility.Notes = strings.Repeat("n", 501) }, want: fields("accessibility.notes"), why: "at most 500"},
		{name: "accessibility notes NUL", edit: func(f *p) { f.Accessibility.Notes = "\x00" }, want: fields("accessibility.notes"), why: "plain text"},
		// contact: optional here, but checked when given
		{name: "contact empty", edit: func(f *p) { f.Contact = &care.Contact{} }},
		{name: "contact email invalid", edit: func(f *p) { f.Contact.Email = "@example.nl" }, want: fields("contact.email"), why: "email address"},
		{name: "contact website invalid", edit: func(f *p) { f.Contact.Website = "javascript:alert(1)" }, want: fields("contact.website"), why: "http(s) URL"},
	}
	runRows(t, "Check", validProvision, checkFields[p], rows)
}

// TestCheckProvisionNormalises: defaults are filled in; a provision's
// location is public and kept exactly.
func TestCheckProvisionNormalises(t *testing.T) {
	t.Parallel()
	c := checker(t)
	f := validProvision()
	f.OpeningHours, f.TargetGroups, f.Accessibility, f.Active = nil, nil, nil, nil
	area, err := c.Check(&f)
	if err != nil {
		t.Fatalf("Check(provision) = %v; want no error", err)
	}
	if area.MunicipalityCode != "GM0363" {
		t.Errorf("Check(provision at the Dam) municipality = %q; want GM0363", area.MunicipalityCode)
	}
	if *f.Location != dam {
		t.Errorf("Location after Check = %v; want %v unchanged", *f.Location, dam)
	}
	if f.Active == nil || !*f.Active {
		t.Errorf("Active after Check = %v; want true", f.Active)
	}
	if !slices.Equal(f.TargetGroups, []string{"everyone"}) {
		t.Errorf("TargetGroups after Check = %q; want [everyone]", f.TargetGroups)
	}
	if f.OpeningHours == nil || len(f.OpeningHours) != 0 {
		t.Errorf("OpeningHours after Check = %#v; want empty, non-nil", f.OpeningHours)
	}
	if f.Accessibility == nil || *f.Accessibility != (care.Accessibility{}) {
		t.Errorf("Accessibility after Check = %#v; want a zero Accessibility", f.Accessibility)
	}
}
