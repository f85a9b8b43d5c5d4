package care_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

func validActivity() care.ActivityFields {
	return care.ActivityFields{
		ProvisionID:        hexID,
		Name:               "Samen koken",
		Description:        "Cook and eat together.\nBring nothing.",
		HelpTypes:          []string{"meals", "meeting_place"},
		Place:              &care.Place{Name: "Buurthuis", Address: &care.Address{Street: "Dam", HouseNumber: "1", Postcode: "1012 JS", City: "Amsterdam"}, Location: loc(dam)},
		Schedule:           &care.Schedule{Start: "2026-03-17T17:30", Timezone: "Europe/Amsterdam", DurationMinutes: 120, RRule: "FREQ=WEEKLY;BYDAY=TU", ExDates: []string{"2026-12-29T17:30"}},
		TargetGroups:       []string{"seniors"},
		AgeMin:             ptr(55),
		AgeMax:             ptr(120),
		SpotsPerOccurrence: 12,
	}
}

func TestCheckActivity(t *testing.T) {
	t.Parallel()
	type a = care.ActivityFields
	rows := []row[a]{
		{name: "valid"},
		// exactly one owner
		{name: "owned by an initiative", edit: func(f *a) { f.ProvisionID, f.InitiativeID = "", hexID }},
		{name: "no owner", edit: func(f *a) { f.ProvisionID = "" }, want: fields("provision_id"), why: "unless initiative_id is given"},
		{name: "two owners", edit: func(f *a) { f.InitiativeID = hexID }, want: fields("initiative_id"), why: "one owner"},
		{name: "provision_id 23 digits", edit: func(f *a) { f.ProvisionID = shortHex }, want: fields("provision_id")},
		{name: "provision_id not hex", edit: func(f *a) { f.ProvisionID = hexIDBad }, want: fields("provision_id")},
		{name: "initiative_id not hex", edit: func(f *a) { f.ProvisionID, f.InitiativeID = "", hexIDBad }, want: fields("initiative_id")},
		// name, description
		{name: "name missing", edit: func(f *a) { f.Name = "" }, want: fields("name"), why: "is required"},
		{name: "name 121 characters", edit: func(f *a) { f.Name = longWords }, want: fields("name"), why: "at most 120"},
		{name: "name newline", edit: func(f *a) { f.Name = "Samen\nkoken" }, want: fields("name"), why: "plain text"},
		{name: "description 2001 characters", edit: func(f *a) { f.Description = strings.Repeat("d", 2001) }, want: fields("description"), why: "at most 2000"},
		{name: "description operator", edit: func(f *a) { f.Description = "$expr" }, want: fields("description"), why: "plain text"},
		// help_types
		{name: "help_types empty", edit: func(f *a) { f.HelpTypes = []string{} }, want: fields("help_types"), why: "at least 1 items"},
		{name: "help_types unknown", edit: func(f *a) { f.HelpTypes = []string{"cooking"} }, want: fields("help_types[0]"), why: "help type"},
		// place: required; name; optional address; location in bounds
		{name: "place missing", edit: func(f *a) { f.Place = nil }, want: fields("place"), why: "is required"},
		{name: "place name missing", edit: func(f *a) { f.Place.Name = "" }, want: fields("place.name"), why: "is required"},
		{name: "place name 121 characters", edit: func(f *a) { f.Place.Name = longWords }, want: fields("place.name"), why: "at most 120"},
		{name: "place without address", edit: func(f *a) { f.Place.Address = nil }},
		{name: "place address postcode", edit: func(f *a) { f.Place.Address.Postcode = "1012" }, want: fields("place.address.postcode"), why: "Dutch postcode"},
		{name: "place address city missing", edit: func(f *a) { f.Place.Address.City = "" }, want: fields("place.address.city"), why: "is required"},
		{name: "place location missing", edit: func(f *a) { f.Place.Location = nil }, want: fields("place.location"), why: "is required"},
		{name: "place location in Belgium", edit: func(f *a) { f.Place.Location = loc(brussels) }, want: fields("place.location"), why: "outside the allowed area"},
		{name: "place location latitude", edit: func(f *a) { f.Place.Location = &care.Location{Lat: 100, Lon: 5} }, want: fields("place.location.lat")},
		{name: "place location longitude", edit: func(f *a) { f.Place.Location = &care.Location{Lat: 52, Lon: 190} }, want: fields("place.location.lon")},
		// spots_per_occurrence: required,min=1,max=10000
		{name: "spots 0", edit: func(f *a) { f.SpotsPerOccurrence = 0 }, want: fields("spots_per_occurrence"), why: "is required"},
		{name: "spots 1", edit: func(f *a) { f.SpotsPerOccurrence = 1 }},
		{name: "spots 10000", edit: func(f *a) { f.SpotsPerOccurrence = 10000 }},
		{name: "spots 10001", edit: func(f *a) { f.SpotsPerOccurrence = 10001 }, want: fields("spots_per_occurrence"), why: "at most 10000"},
		// target_groups
		{name: "target_groups 11", edit: func(f *a) { f.TargetGroups = slices.Repeat([]string{"youth"}, 11) }, want: fields("target_groups"), why: "at most 10 items"},
		{name: "target_groups unknown", edit: func(f *a) { f.TargetGroups = []string{"teens"} }, want: fields("target_groups[0]"), why: "target group"},
		// age_min, age_max: 0..120, min <= max
		{name: "ages absent", edit: func(f *a) { f.AgeMin, f.AgeMax = nil, nil }},
		{name: "only age_max", edit: func(f *a) { f.AgeMin, f.AgeMax = nil, ptr(12) }},
		{name: "ages equal", edit: func(f *a) { f.AgeMin, f.AgeMax = ptr(18), ptr(18) }},
		{name: "ages 0 to 120", edit: func(f *a) { f.AgeMin, f.AgeMax = ptr(0), ptr(120) }},
		{name: "age_min -1", edit: func(f *a) { f.AgeMin = ptr(-1) }, want: fields("age_min"), why: "at least 0"},
		{name: "age_min 121", edit: func(f *a) { f.AgeMin, f.AgeMax = ptr(121), nil }, want: fields("age_min"), why: "at most 120"},
		{name: "age_max 121", edit: func(f *a) { f.AgeMax = ptr(121) }, want: fields("age_max"), why: "at most 120"},
		{name: "age_min above age_max", edit: func(f *a) { f.AgeMin, f.AgeMax = ptr(65), ptr(64) }, want: fields("age_max"), why: "at least age_min (65)"},
		// schedule: required (its own rules are in TestCheckSchedule)
		{name: "schedule missing", edit: func(f *a) { f.Schedule = nil }, want: fields("schedule"), why: "is required"},
	}
	runRows(t, "Check", validActivity, checkFields[a], rows)
}

// TestCheckSchedule covers every rule of an activity's schedule.
func TestCheckSchedule(t *testing.T) {
	t.Parallel()
	type a = care.ActivityFields
	sched := func(f func(s *care.Schedule)) func(*a) { return func(x *a) { f(x.Schedule) } }
	rows := []row[a]{
		{name: "one-off", edit: sched(func(s *care.Schedule) { s.RRule, s.ExDates = "", nil })},
		// start: required, local "YYYY-MM-DDTHH:MM"
		{name: "start missing", edit: sched(func(s *care.Schedule) { s.Start = "" }), want: fields("schedule.start", "schedule.start"), why: "is required"},
		{name: "start with seconds", edit: sched(func(s *care.Schedule) { s.Start = "2026-03-17T17:30:00" }), want: fields("schedule.start"), why: "YYYY-MM-DDTHH:MM"},
		{name: "start with offset", edit: sched(func(s *care.Schedule) { s.Start = "2026-03-17T17:30+01:00" }), want: fields("schedule.start")},
		{name: "start with a space", edit: sched(func(s *care.Schedule) { s.Start = "2026-03-17 17:30" }), want: fields("schedule.start")},
		{name: "start 30 February", edit: sched(func(s *care.Schedule) { s.Start = "2026-02-30T17:30" }), want: fields("schedule.start")},
		{name: "start in the spring-forward gap", edit: sched(func(s *care.Schedule) { s.Start, s.RRule, s.ExDates = "2026-03-29T02:30", "", nil })},
		// duration_minutes: required,min=5,max=1440
		{name: "duration 0", edit: sched(func(s *care.Schedule) { s.DurationMinutes = 0 }), want: fields("schedule.duration_minutes"), why: "is required"},
		{name: "duration 4", edit: sched(func(s *care.Schedule) { s.DurationMinutes = 4 }), want: fields("schedule.duration_minutes"), why: "at least 5"},
		{name: "duration 5", edit: sched(func(s *care.Schedule) { s.DurationMinutes = 5 })},
		{name: "duration 1440", edit: sched(func(s *care.Schedule) { s.DurationMinutes = 1440 })},
		{name: "duration 1441", edit: sched(func(s *care.Schedule) { s.DurationMinutes = 1441 }), want: fields("schedule.duration_minutes"), why: "at most 1440"},
		// timezone: IANA, defaulting to Europe/Amsterdam, never the server's own
		{name: "timezone empty", edit: sched(func(s *care.Schedule) { s.Timezone = "" })},
		{name: "timezone UTC", edit: sched(func(s *care.Schedule) { s.Timezone = "UTC" })},
		{name: "timezone Europe/Brussels", edit: sched(func(s *care.Schedule) { s.Timezone = "Europe/Brussels" })},
		{name: "timezone unknown", edit: sched(func(s *care.Schedule) { s.Timezone = "Europe/Dichtbij" }), want: fields("schedule.timezone"), why: "IANA time zone"},
		{name: "timezone Local", edit: sched(func(s *care.Schedule) { s.Timezone = "Local" }), want: fields("schedule.timezone"), why: "IANA time zone"},
		{name: "timezone path", edit: sched(func(s *care.Schedule) { s.Timezone = "../../etc/passwd" }), want: fields("schedule.timezone")},
		{name: "timezone offset", edit: sched(func(s *care.Schedule) { s.Timezone = "+01:00" }), want: fields("schedule.timezone")},
		// exdates: max=366, local times, only with a rule
		{name: "exdates 366", edit: sched(func(s *care.Schedule) { s.ExDates = slices.Repeat([]string{"2026-03-24T17:30"}, 366) })},
		{name: "exdates 367", edit: sched(func(s *care.Schedule) { s.ExDates = slices.Repeat([]string{"2026-03-24T17:30"}, 367) }), want: fields("schedule.exdates"), why: "at most 366 items"},
		{name: "exdate a date only", edit: sched(func(s *care.Schedule) { s.ExDates = []string{"2026-03-24T17:30", "2026-03-31"} }), want: fields("schedule.exdates[1]"), why: "YYYY-MM-DDTHH:MM"},
		{name: "exdate in UTC", edit: sched(func(s *care.Schedule) { s.ExDates = []string{"2026-03-24T16:30Z"} }), want: fields("schedule.exdates[0]")},
		{name: "exdates without a rule", edit: sched(func(s *care.Schedule) { s.RRule = "" }), want: fields("schedule.exdates"), why: "recurring schedule"},
		// rrule: max=500, a valid RFC 5545 rule that fires within five years
		{name: "rrule with prefix", edit: sched(func(s *care.Schedule) { s.RRule = "RRULE:FREQ=WEEKLY;BYDAY=TU" })},
		{name: "rrule every other week", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH" })},
		{name: "rrule first Monday", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=MONTHLY;BYDAY=1MO" })},
		{name: "rrule daily with count", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=DAILY;COUNT=10" })},
		{name: "rrule yearly", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=YEARLY" })},
		{name: "rrule 500 characters", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=WEEKLY;COUNT=" + strings.Repeat("0", 481) + "1" })},
		{name: "rrule 501 characters", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=WEEKLY;COUNT=" + strings.Repeat("0", 482) + "1" }),
			want: fields("schedule.rrule"), why: "at most 500"},
		{name: "rrule with DTSTART", edit: sched(func(s *care.Schedule) { s.RRule = "DTSTART:20260317T173000\nRRULE:FREQ=WEEKLY" }), want: fields("schedule.rrule"), why: "DTSTART"},
		{name: "rrule with dtstart in lower case", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=WEEKLY;dtstart=20260317T173000" }), want: fields("schedule.rrule"), why: "DTSTART"},
		{name: "rrule unknown frequency", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=SOMETIMES" }), want: fields("schedule.rrule"), why: "not a valid RFC 5545 RRULE"},
		{name: "rrule without frequency", edit: sched(func(s *care.Schedule) { s.RRule = "BYDAY=TU" }), want: fields("schedule.rrule"), why: "not a valid RFC 5545 RRULE"},
		{name: "rrule garbage", edit: sched(func(s *care.Schedule) { s.RRule = "every tuesday" }), want: fields("schedule.rrule"), why: "not a valid RFC 5545 RRULE"},
		{name: "rrule hourly", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=HOURLY" }), want: fields("schedule.rrule"), why: "DAILY, WEEKLY, MONTHLY or YEARLY"},
		{name: "rrule minutely", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=MINUTELY;INTERVAL=30" }), want: fields("schedule.rrule"), why: "DAILY, WEEKLY, MONTHLY or YEARLY"},
		{name: "rrule secondly", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=SECONDLY" }), want: fields("schedule.rrule"), why: "DAILY, WEEKLY, MONTHLY or YEARLY"},
		{name: "rrule daily with BYSETPOS", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=DAILY;BYSETPOS=1" }), want: fields("schedule.rrule"), why: "BYSETPOS cannot be combined with FREQ=DAILY"},
		{name: "rrule monthly with 4 BYSETPOS", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,2,3,-1" })},
		{name: "rrule monthly with 5 BYSETPOS", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,2,3,4,-1" }),
			want: fields("schedule.rrule"), why: "BYSETPOS lists too many values"},
		{name: "rrule 31 BYMONTHDAY", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=MONTHLY;BYMONTHDAY=" + seq(1, 31) })},
		{name: "rrule 32 BYMONTHDAY", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=MONTHLY;BYMONTHDAY=" + seq(1, 31) + ",-1" }),
			want: fields("schedule.rrule"), why: "BYMONTHDAY lists too many values"},
		{name: "rrule 32 BYYEARDAY", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=YEARLY;BYYEARDAY=" + seq(1, 32) }),
			want: fields("schedule.rrule"), why: "BYYEARDAY lists too many values"},
		{name: "rrule 32 BYWEEKNO", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=YEARLY;BYWEEKNO=" + seq(1, 32) }),
			want: fields("schedule.rrule"), why: "BYWEEKNO lists too many values"},
		{name: "rrule 24 BYHOUR of 60 minutes", edit: sched(func(s *care.Schedule) { s.RRule, s.DurationMinutes = "FREQ=DAILY;BYHOUR="+seq(0, 23), 60 })},
		{name: "rrule 48 starts of 60 minutes", edit: sched(func(s *care.Schedule) {
			s.RRule, s.DurationMinutes = "FREQ=DAILY;BYHOUR="+seq(0, 23)+";BYMINUTE=0,30", 60
		}),
			want: fields("schedule.rrule"), why: "starts 48 times a day"},
		{name: "rrule 48 starts of 30 minutes", edit: sched(func(s *care.Schedule) {
			s.RRule, s.DurationMinutes = "FREQ=DAILY;BYHOUR="+seq(0, 23)+";BYMINUTE=0,30", 30
		})},
		{name: "rrule every second", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=DAILY;BYMINUTE=" + seq(0, 30) + ";BYSECOND=" + seq(0, 30) }),
			want: fields("schedule.rrule"), why: "times a day"},
		{name: "rrule that never fires", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" }),
			want: fields("schedule.rrule"), why: "no occurrence within five years"},
		{name: "rrule that ended before the start", edit: sched(func(s *care.Schedule) { s.RRule = "FREQ=WEEKLY;UNTIL=20250101T000000Z" }),
			want: fields("schedule.rrule"), why: "no occurrence within five years"},
		{name: "rrule first firing within five years", edit: sched(func(s *care.Schedule) {
			s.Start, s.RRule, s.ExDates = "2029-03-01T10:00", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", nil // 29 February 2032
		})},
		{name: "rrule first firing after five years", edit: sched(func(s *care.Schedule) {
			s.Start, s.RRule, s.ExDates = "2097-03-01T10:00", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", nil // 2100 is no leap year: 2104
		}), want: fields("schedule.rrule"), why: "no occurrence within five years"},
		// a broken time zone stops the other schedule checks
		{name: "timezone and start both wrong", edit: sched(func(s *care.Schedule) { s.Timezone, s.Start = "Nowhere", "soon" }), want: fields("schedule.timezone")},
	}
	runRows(t, "Check", validActivity, checkFields[a], rows)
}

// seq returns "from,from+1,…,to".
func seq(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

// TestCheckActivityNormalises: Active and TargetGroups get defaults, the
// schedule its time zone; the place's location is kept exactly.
func TestCheckActivityNormalises(t *testing.T) {
	t.Parallel()
	c := checker(t)
	f := validActivity()
	f.Active, f.TargetGroups, f.Schedule.Timezone = nil, nil, ""
	area, err := c.Check(&f)
	if err != nil {
		t.Fatalf("Check(activity) = %v; want no error", err)
	}
	if area.MunicipalityCode != "GM0363" {
		t.Errorf("Check(activity at the Dam) municipality = %q; want GM0363", area.MunicipalityCode)
	}
	if f.Schedule.Timezone != "Europe/Amsterdam" {
		t.Errorf("Schedule.Timezone after Check = %q; want Europe/Amsterdam", f.Schedule.Timezone)
	}
	if f.Active == nil || !*f.Active {
		t.Errorf("Active after Check = %v; want true", f.Active)
	}
	if !slices.Equal(f.TargetGroups, []string{"everyone"}) {
		t.Errorf("TargetGroups after Check = %q; want [everyone]", f.TargetGroups)
	}
	if *f.Place.Location != dam {
		t.Errorf("Place.Location after Check = %v; want %v unchanged", *f.Place.Location, dam)
	}
}
