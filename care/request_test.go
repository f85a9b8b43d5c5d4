package care_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

func validRequest() care.RequestFields {
	return care.RequestFields{
		ResidentAlias: "Mevrouw J.",
		Needs:         []string{"groceries", "companionship"},
		LifeDomains:   []care.DomainScore{{Domain: "social_network", IntakeScore: ptr(2)}, {Domain: "housing", IntakeScore: ptr(4), ClosureScore: ptr(5)}},
		Location:      loc(dam),
		Constraints: &care.Constraints{
			MaxDistanceM: 2000,
			TimeWindows:  []care.WeeklySlot{{Day: "mon", Start: "10:00", End: "12:00"}},
			Languages:    []string{"nl"},
			Mobility:     "walking_aid",
		},
		OwnStrength:     "Daughter visits on Sundays.\n\tCooks herself.",
		Network:         "Neighbour at no. 12",
		Urgency:         "normal",
		TargetGroups:    []string{"seniors"},
		ResidentAge:     ptr(81),
		HouseholdID:     "hh-0042",
		Consents:        []string{care.ConsentShareVolunteer, care.ConsentMonitoring},
		ResidentAccount: hexID,
	}
}

func TestCheckRequest(t *testing.T) {
	t.Parallel()
	type r = care.RequestFields
	rows := []row[r]{
		{name: "valid"},
		{name: "minimal", edit: func(f *r) {
			*f = care.RequestFields{Needs: []string{"meals"}, Location: loc(utrecht), Constraints: &care.Constraints{MaxDistanceM: 500, Mobility: "independent"}, Urgency: "low"}
		}},
		// resident_alias: max=60,safetext
		{name: "resident_alias 60 characters", edit: func(f *r) { f.ResidentAlias = strings.Repeat("ë", 60) }},
		{name: "resident_alias 61 characters", edit: func(f *r) { f.ResidentAlias = strings.Repeat("ë", 61) }, want: fields("resident_alias"), why: "at most 60 characters"},
		{name: "resident_alias two lines", edit: func(f *r) { f.ResidentAlias = "J.\nJansen" }, want: fields("resident_alias"), why: "plain text"},
		{name: "resident_alias operator", edit: func(f *r) { f.ResidentAlias = "$where" }, want: fields("resident_alias"), why: "plain text"},
		// needs: required,min=1,max=20,unique,dive,helptype
		{name: "needs nil", edit: func(f *r) { f.Needs = nil }, want: fields("needs"), why: "is required"},
		{name: "needs empty", edit: func(f *r) { f.Needs = []string{} }, want: fields("needs"), why: "at least 1 items"},
		{name: "needs 21", edit: func(f *r) { f.Needs = slices.Repeat([]string{"meals"}, 21) }, want: fields("needs"), why: "at most 20 items"},
		{name: "needs duplicate", edit: func(f *r) { f.Needs = []string{"meals", "meals"} }, want: fields("needs"), why: "duplicates"},
		{name: "needs unknown", edit: func(f *r) { f.Needs = []string{"meals", "housing"} }, want: fields("needs[1]"), why: "help type"},
		// life_domains: max=12, each domain once, scores 1..5
		{name: "life_domains all 12", edit: func(f *r) {
			f.LifeDomains = nil
			for _, d := range allLifeDomains {
				f.LifeDomains = append(f.LifeDomains, care.DomainScore{Domain: d})
			}
		}},
		{name: "life_domains 13 (one twice)", edit: func(f *r) {
			f.LifeDomains = nil
			for _, d := range append(slices.Clone(allLifeDomains), "housing") {
				f.LifeDomains = append(f.LifeDomains, care.DomainScore{Domain: d})
			}
		}, want: fields("life_domains", "life_domains[12].domain"), why: "at most 12 items"},
		{name: "life_domains domain missing", edit: func(f *r) { f.LifeDomains[1].Domain = "" }, want: fields("life_domains[1].domain"), why: "is required"},
		{name: "life_domains domain unknown", edit: func(f *r) { f.LifeDomains[0].Domain = "money" }, want: fields("life_domains[0].domain"), why: "ZRM life domain"},
		{name: "life_domains domain twice", edit: func(f *r) {
			f.LifeDomains = append(f.LifeDomains, care.DomainScore{Domain: "social_network", IntakeScore: ptr(3)})
		}, want: fields("life_domains[2].domain"), why: "listed twice"},
		{name: "life_domains scores 1 and 5", edit: func(f *r) { f.LifeDomains[0].IntakeScore, f.LifeDomains[0].ClosureScore = ptr(1), ptr(5) }},
		{name: "life_domains no scores", edit: func(f *r) { f.LifeDomains[1].IntakeScore, f.LifeDomains[1].ClosureScore = nil, nil }},
		{name: "life_domains intake score 0", edit: func(f *r) { f.LifeDomains[0].IntakeScore = ptr(0) }, want: fields("life_domains[0].intake_score"), why: "at least 1"},
		{name: "life_domains intake score 6", edit: func(f *r) { f.LifeDomains[1].IntakeScore = ptr(6) }, want: fields("life_domains[1].intake_score"), why: "at most 5"},
		{name: "life_domains closure score 0", edit: func(f *r) { f.LifeDomains[1].ClosureScore = ptr(0) }, want: fields("life_domains[1].closure_score"), why: "at least 1"},
		{name: "life_domains closure score 6", edit: func(f *r) { f.LifeDomains[1].ClosureScore = ptr(6) }, want: fields("life_domains[1].closure_score"), why: "at most 5"},
		// location: required, inside the bounds
		{name: "location missing", edit: func(f *r) { f.Location = nil }, want: fields("location"), why: "is required"},
		{name: "location in Belgium", edit: func(f *r) { f.Location = loc(brussels) }, want: fields("location"), why: "outside the allowed area"},
		{name: "location latitude -91", edit: func(f *r) { f.Location = &care.Location{Lat: -91, Lon: 5} }, want: fields("location.lat")},
		{name: "location longitude 200", edit: func(f *r) { f.Location = &care.Location{Lat: 52, Lon: 200} }, want: fields("location.lon")},
		// constraints: required; max_distance_m 100..50000; time windows; languages; mobility
		{name: "constraints missing", edit: func(f *r) { f.Constraints = nil }, want: fields("constraints"), why: "is required"},
		{name: "constraints max_distance_m 0", edit: func(f *r) { f.Constraints.MaxDistanceM = 0 }, want: fields("constraints.max_distance_m"), why: "is required"},
		{name: "constraints max_distance_m 99", edit: func(f *r) { f.Constraints.MaxDistanceM = 99 }, want: fields("constraints.max_distance_m"), why: "at least 100"},
		{name: "constraints max_distance_m 100", edit: func(f *r) { f.Constraints.MaxDistanceM = 100 }},
		{name: "constraints max_distance_m 50000", edit: func(f *r) { f.Constraints.MaxDistanceM = 50000 }},
		{name: "constraints max_distance_m 50001", edit: func(f *r) { f.Constraints.MaxDistanceM = 50001 }, want: fields("constraints.max_distance_m"), why: "at most 50000"},
		{name: "constraints time_windows 51", edit: func(f *r) {
			f.Constraints.TimeWindows = slices.Repeat(f.Constraints.TimeWindows, 51)
		}, want: fields("constraints.time_windows"), why: "at most 50 items"},
		{name: "constraints time_windows day unknown", edit: func(f *r) { f.Constraints.TimeWindows[0].Day = "weekend" }, want: fields("constraints.time_windows[0].day")},
		{name: "constraints time_windows start malformed", edit: func(f *r) { f.Constraints.TimeWindows[0].Start = "10h" }, want: fields("constraints.time_windows[0].start"), why: "HH:MM"},
		{name: "constraints time_windows end before start", edit: func(f *r) {
			f.Constraints.TimeWindows = append(f.Constraints.TimeWindows, care.WeeklySlot{Day: "fri", Start: "16:00", End: "15:59"})
		}, want: fields("constraints.time_windows[1].end"), why: "later than start (16:00)"},
		{name: "constraints languages 11", edit: func(f *r) { f.Constraints.Languages = slices.Clone(elevenLanguages) }, want: fields("constraints.languages"), why: "at most 10 items"},
		{name: "constraints languages duplicate", edit: func(f *r) { f.Constraints.Languages = []string{"ar", "ar"} }, want: fields("constraints.languages"), why: "duplicates"},
		{name: "constraints languages unknown", edit: func(f *r) { f.Constraints.Languages = []string{"dutch"} }, want: fields("constraints.languages[0]"), why: "ISO 639-1"},
		{name: "constraints mobility missing", edit: func(f *r) { f.Constraints.Mobility = "" }, want: fields("constraints.mobility"), why: "is required"},
		{name: "constraints mobility unknown", edit: func(f *r) { f.Constraints.Mobility = "car" }, want: fields("constraints.mobility"), why: "needs_transport"},
		// own_strength, network: max=4000,safelines
		{name: "own_strength 4000 characters", edit: func(f *r) { f.OwnStrength = strings.Repeat("a\n", 2000) }},
		{name: "own_strength 4001 characters", edit: func(f *r) { f.OwnStrength = strings.Repeat("a", 4001) }, want: fields("own_strength"), why: "at most 4000 characters"},
		{name: "own_strength NUL", edit: func(f *r) { f.OwnStrength = "a\x00" }, want: fields("own_strength"), why: "plain text"},
		{name: "network 4001 characters", edit: func(f *r) { f.Network = strings.Repeat("a", 4001) }, want: fields("network"), why: "at most 4000 characters"},
		{name: "network operator", edit: func(f *r) { f.Network = " $ne" }, want: fields("network"), why: "plain text"},
		// urgency: required,urgency
		{name: "urgency missing", edit: func(f *r) { f.Urgency = "" }, want: fields("urgency"), why: "is required"},
		{name: "urgency unknown", edit: func(f *r) { f.Urgency = "urgent" }, want: fields("urgency"), why: "low, normal, high, crisis"},
		// target_groups: max=10,unique,dive,targetgroup
		{name: "target_groups all 10", edit: func(f *r) { f.TargetGroups = slices.Clone(allTargetGroups) }},
		{name: "target_groups 11", edit: func(f *r) { f.TargetGroups = slices.Repeat([]string{"seniors"}, 11) }, want: fields("target_groups"), why: "at most 10 items"},
		{name: "target_groups duplicate", edit: func(f *r) { f.TargetGroups = []string{"carers", "carers"} }, want: fields("target_groups"), why: "duplicates"},
		{name: "target_groups unknown", edit: func(f *r) { f.TargetGroups = []string{"carers", "students"} }, want: fields("target_groups[1]"), why: "target group"},
		// resident_age: 0..120
		{name: "resident_age 0", edit: func(f *r) { f.ResidentAge = ptr(0) }},
		{name: "resident_age 120", edit: func(f *r) { f.ResidentAge = ptr(120) }},
		{name: "resident_age -1", edit: func(f *r) { f.ResidentAge = ptr(-1) }, want: fields("resident_age"), why: "at least 0"},
		{name: "resident_age 121", edit: func(f *r) { f.ResidentAge = ptr(121) }, want: fields("resident_age"), why: "at most 120"},
		// household_id: 3 to 40 of [a-z0-9-]
		{name: "household_id a record id", edit: func(f *r) { f.HouseholdID = hexID }},
		{name: "household_id 3 characters", edit: func(f *r) { f.HouseholdID = "h-1" }},
		{name: "household_id 40 characters", edit: func(f *r) { f.HouseholdID = strings.Repeat("h", 40) }},
		{name: "household_id 2 characters", edit: func(f *r) { f.HouseholdID = "hh" }, want: fields("household_id"), why: "3 to 40 lower-case"},
		{name: "household_id upper case", edit: func(f *r) { f.HouseholdID = "HH-0042" }, want: fields("household_id"), why: "3 to 40 lower-case"},
		{name: "household_id a name", edit: func(f *r) { f.HouseholdID = "de jong" }, want: fields("household_id"), why: "3 to 40 lower-case"},
		{name: "household_id 41 characters", edit: func(f *r) { f.HouseholdID = strings.Repeat("h", 41) },
			want: fields("household_id", "household_id"), why: "at most 40 characters"},
		// consents: max=3,unique,dive,oneof
		{name: "consents all three", edit: func(f *r) {
			f.Consents = []string{care.ConsentShareVolunteer, care.ConsentShareProvision, care.ConsentMonitoring}
		}},
		{name: "consents none", edit: func(f *r) { f.Consents = nil }},
		{name: "consents unknown purpose", edit: func(f *r) { f.Consents = []string{"monitoring", "marketing"} }, want: fields("consents[1]"), why: "share_volunteer, share_provision, monitoring"},
		{name: "consents duplicate", edit: func(f *r) { f.Consents = []string{"monitoring", "monitoring"} }, want: fields("consents"), why: "duplicates"},
		{name: "consents 4", edit: func(f *r) {
			f.Consents = []string{care.ConsentShareVolunteer, care.ConsentShareProvision, care.ConsentMonitoring, care.ConsentMonitoring}
		}, want: fields("consents"), why: "at most 3 items"},
		// resident_account: omitempty,len=24,hexadecimal
		{name: "resident_account absent", edit: func(f *r) { f.ResidentAccount = "" }},
		{name: "resident_account 23 digits", edit: func(f *r) { f.ResidentAccount = shortHex }, want: fields("resident_account")},
		{name: "resident_account not hex", edit: func(f *r) { f.ResidentAccount = hexIDBad }, want: fields("resident_account")},
	}
	runRows(t, "Check", validRequest, checkFields[r], rows)
}

// TestCheckRequestNormalises: the location is stored coarse and empty
// lists become non-nil.
func TestCheckRequestNormalises(t *testing.T) {
	t.Parallel()
	c := checker(t)
	f := care.RequestFields{Needs: []string{"meals"}, Location: loc(utrecht), Constraints: &care.Constraints{MaxDistanceM: 500, Mobility: "independent"}, Urgency: "low"}
	area, err := c.Check(&f)
	if err != nil {
		t.Fatalf("Check(minimal request) = %v; want no error", err)
	}
	if area.MunicipalityCode != "GM0344" {
		t.Errorf("Check(request in Utrecht) municipality = %q; want GM0344", area.MunicipalityCode)
	}
	if want := geo.Coarsen(utrecht.Point()); f.Location.Point() != want {
		t.Errorf("Location after Check = %v; want the cell centre %v", f.Location.Point(), want)
	}
	if f.LifeDomains == nil || f.Constraints.TimeWindows == nil || f.Constraints.Languages == nil {
		t.Errorf("after Check life_domains, time_windows, languages = %#v, %#v, %#v; want non-nil", f.LifeDomains, f.Constraints.TimeWindows, f.Constraints.Languages)
	}
}

func TestIsHouseholdID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"hh-0042", true},
		{hexID, true},
		{"abc", true},
		{"---", true},
		{strings.Repeat("a", 40), true},
		{"ab", false},
		{strings.Repeat("a", 41), false},
		{"HH-0042", false},
		{"hh_0042", false},
		{"hh 0042", false},
		{"hh-0042\n", false},
		{"jansen, kerkstraat 1", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := care.IsHouseholdID(tc.in); got != tc.want {
				t.Errorf("IsHouseholdID(%q) = %v; want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestSameNeeds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a, b []string
		want bool
	}{
		{"equal", []string{"meals", "garden"}, []string{"meals", "garden"}, true},
		{"other order", []string{"meals", "garden"}, []string{"garden", "meals"}, true},
		{"both empty", nil, []string{}, true},
		{"one more", []string{"meals"}, []string{"meals", "garden"}, false},
		{"one swapped", []string{"meals", "garden"}, []string{"meals", "transport"}, false},
		{"repeats count", []string{"meals", "meals", "garden"}, []string{"meals", "garden", "garden"}, false},
		{"case matters", []string{"meals"}, []string{"Meals"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b := slices.Clone(tc.a), slices.Clone(tc.b)
			if got := care.SameNeeds(a, b); got != tc.want {
				t.Errorf("SameNeeds(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.want)
			}
			if !slices.Equal(a, tc.a) || !slices.Equal(b, tc.b) {
				t.Errorf("SameNeeds(%q, %q) reordered its arguments to %q, %q", tc.a, tc.b, a, b)
			}
		})
	}
}
