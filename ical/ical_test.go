package ical

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the host has

	goical "github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"

	"github.com/dichtbij/dichtbij/care"
)

// The feeds are written with arran4/golang-ical and read back here with
// emersion/go-ical, an independent parser, and rrule-go: what a calendar
// app would compute from them.

var testNow = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func parse(t *testing.T, feed string) *goical.Calendar {
	t.Helper()
	if !strings.HasSuffix(feed, "END:VCALENDAR\r\n") {
		t.Fatalf("feed does not end with END:VCALENDAR CRLF:\n%s", feed)
	}
	for i, line := range strings.Split(strings.TrimSuffix(feed, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, longer than 75: %q", i+1, len(line), line)
		}
	}
	cal, err := goical.NewDecoder(strings.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("the second parser refuses the feed: %v\n%s", err, feed)
	}
	return cal
}

func event(t *testing.T, cal *goical.Calendar, uid string) goical.Event {
	t.Helper()
	var uids []string
	for _, e := range cal.Events() {
		u, err := e.Props.Text(goical.PropUID)
		if err != nil {
			t.Fatal(err)
		}
		if u == uid {
			return e
		}
		uids = append(uids, u)
	}
	t.Fatalf("no event %s among %v", uid, uids)
	return goical.Event{}
}

// expand computes an event's occurrence starts in [from, to) from its
// parsed DTSTART, RRULE and EXDATEs, as a calendar app does.
func expand(t *testing.T, e goical.Event, from, to time.Time) []time.Time {
	t.Helper()
	start, err := e.Props.DateTime(goical.PropDateTimeStart, nil)
	if err != nil {
		t.Fatalf("DTSTART: %v", err)
	}
	if e.Props.Get(goical.PropDateTimeStart).Params.Get(goical.PropTimezoneID) == "" {
		t.Fatalf("DTSTART has no TZID")
	}
	rp := e.Props.Get(goical.PropRecurrenceRule)
	if rp == nil {
		if !start.Before(from) && start.Before(to) {
			return []time.Time{start.UTC()}
		}
		return nil
	}
	opt, err := rrule.StrToROption(rp.Value)
	if err != nil {
		t.Fatalf("RRULE %q: %v", rp.Value, err)
	}
	opt.Dtstart = start
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		t.Fatal(err)
	}
	var set rrule.Set
	set.RRule(r)
	for _, p := range e.Props.Values(goical.PropExceptionDates) {
		x, err := p.DateTime(nil)
		if err != nil {
			t.Fatalf("EXDATE: %v", err)
		}
		set.ExDate(x)
	}
	var out []time.Time
	for _, o := range set.Between(from, to.Add(-time.Nanosecond), true) {
		out = append(out, o.UTC())
	}
	return out
}

func utc(s ...string) []time.Time {
	out := make([]time.Time, len(s))
	for i, v := range s {
		t, err := time.Parse("2006-01-02T15:04Z", v)
		if err != nil {
			panic(err)
		}
		out[i] = t
	}
	return out
}

func activity(id string, s care.Schedule) care.Activity {
	return care.Activity{Meta: care.Meta{ID: id, UpdatedAt: time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)},
		ActivityFields: care.ActivityFields{Name: "Koffie-uurtje", Description: "Koffie, thee; en een praatje.\nIedereen welkom.",
			Place:    &care.Place{Name: "Buurthuis De Kolk", Address: &care.Address{Street: "Kolksteeg", HouseNumber: "1", Postcode: "1012 AB", City: "Amsterdam"}},
			Schedule: &s}}
}

// TestRecurrenceSurvivesTheRoundTrip checks the occurrences a calendar app
// computes from the feed, written out by hand in UTC, for a weekly, a
// bi-weekly and two monthly rules with exceptions, across the DST changes
// of Europe/Amsterdam (last Sunday of March and of October). They must
// also be the occurrences dichtbij itself books (care.Schedule.Occurrences).
func TestRecurrenceSurvivesTheRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		s        care.Schedule
		from, to time.Time
		want     []time.Time
	}{
		{"weekly across the March change", care.Schedule{Start: "2027-03-02T19:30", Timezone: "Europe/Amsterdam", DurationMinutes: 90,
			RRule: "FREQ=WEEKLY;BYDAY=TU", ExDates: []string{"2027-03-16T19:30"}},
			time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 4, 10, 0, 0, 0, 0, time.UTC),
			// CET (+1) until Sunday 28 March 2027, CEST (+2) after; the 16th is skipped.
			utc("2027-03-02T18:30Z", "2027-03-09T18:30Z", "2027-03-23T18:30Z", "2027-03-30T17:30Z", "2027-04-06T17:30Z")},
		{"bi-weekly across the October change", care.Schedule{Start: "2026-10-13T10:00", Timezone: "Europe/Amsterdam", DurationMinutes: 120,
			RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", ExDates: []string{"2026-11-10T10:00"}},
			time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 23, 0, 0, 0, 0, time.UTC),
			// CEST until Sunday 25 October 2026; 10 November is skipped.
			utc("2026-10-13T08:00Z", "2026-10-27T09:00Z", "2026-11-24T09:00Z", "2026-12-08T09:00Z", "2026-12-22T09:00Z")},
		{"monthly on the first Tuesday", care.Schedule{Start: "2026-09-01T09:30", Timezone: "Europe/Amsterdam", DurationMinutes: 60,
			RRule: "FREQ=MONTHLY;BYDAY=1TU", ExDates: []string{"2026-12-01T09:30"}},
			time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC),
			utc("2026-09-01T07:30Z", "2026-10-06T07:30Z", "2026-11-03T08:30Z", "2027-01-05T08:30Z", "2027-02-02T08:30Z",
				"2027-03-02T08:30Z", "2027-04-06T07:30Z")},
		{"monthly on the 25th, the day of the October change", care.Schedule{Start: "2026-09-25T02:30", Timezone: "Europe/Amsterdam", DurationMinutes: 30,
			RRule: "FREQ=MONTHLY;BYMONTHDAY=25;COUNT=4", ExDates: []string{"2026-11-25T02:30"}},
			time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC),
			// 02:30 on 25 October 2026 happens twice. Go's time.Date, and so
			// rrule-go and care.Schedule, take the second (CET, 01:30Z);
			// RFC 5545 (3.3.5) means the first (CEST, 00:30Z). Only a start
			// between 02:00 and 03:00 on that night differs (docs/standards.md).
			utc("2026-09-25T00:30Z", "2026-10-25T01:30Z", "2026-12-25T01:30Z")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := NewFeed("test", testNow, 0)
			if err := f.AddActivity(activity("a1", c.s), Event{}); err != nil {
				t.Fatal(err)
			}
			feed := f.String()
			e := event(t, parse(t, feed), "activity-a1@dichtbij")
			got := expand(t, e, c.from, c.to)
			if !slices.Equal(got, c.want) {
				t.Errorf("occurrences from the feed\n got %v\nwant %v\n%s", got, c.want, feed)
			}
			own, err := c.s.Occurrences(c.from, c.to)
			if err != nil {
				t.Fatal(err)
			}
			for i := range own {
				own[i] = own[i].UTC()
			}
			if !slices.Equal(own, c.want) {
				t.Errorf("care.Schedule.Occurrences = %v; the feed says %v", own, c.want)
			}
			if rr := e.Props.Get(goical.PropRecurrenceRule); rr == nil || rr.Value != c.s.RRule {
				t.Errorf("RRULE = %v; want %q exactly", rr, c.s.RRule)
			}
			end, err := e.Props.DateTime(goical.PropDateTimeEnd, nil)
			start, _ := e.Props.DateTime(goical.PropDateTimeStart, nil)
			if err != nil || end.Sub(start) != time.Duration(c.s.DurationMinutes)*time.Minute {
				t.Errorf("DTEND - DTSTART = %v (%v); want %d minutes", end.Sub(start), err, c.s.DurationMinutes)
			}
		})
	}
}

// TestActivityEvent checks the descriptive properties and the stable UID.
func TestActivityEvent(t *testing.T) {
	t.Parallel()
	a := activity("65f0c0ffee0000000000abcd", care.Schedule{Start: "2026-12-01T14:00", Timezone: "Europe/Amsterdam", DurationMinutes: 120,
		RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", ExDates: []string{"2026-12-29T14:00", "2027-01-12T14:00"}})
	f := NewFeed("Koffie-uurtje", testNow, time.Hour)
	if err := f.AddActivity(a, Event{URL: "https://dichtbij.example/api/v1/activities/65f0c0ffee0000000000abcd/calendar.ics"}); err != nil {
		t.Fatal(err)
	}
	feed := f.String()
	if feed != f.String() {
		t.Error("writing the same feed twice gives different text")
	}
	cal := parse(t, feed)
	e := event(t, cal, "activity-65f0c0ffee0000000000abcd@dichtbij")
	text := func(name string) string {
		s, err := e.Props.Text(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return s
	}
	if got := text(goical.PropSummary); got != "Koffie-uurtje" {
		t.Errorf("SUMMARY = %q", got)
	}
	if got := text(goical.PropDescription); got != a.Description {
		t.Errorf("DESCRIPTION = %q; want %q", got, a.Description)
	}
	if got := text(goical.PropLocation); got != "Buurthuis De Kolk, Kolksteeg 1, 1012 AB Amsterdam" {
		t.Errorf("LOCATION = %q", got)
	}
	if got := e.Props.Get(goical.PropURL); got == nil || !strings.HasSuffix(got.Value, "/calendar.ics") {
		t.Errorf("URL = %v", got)
	}
	for _, p := range []string{goical.PropDateTimeStamp, goical.PropLastModified} {
		got, err := e.Props.DateTime(p, nil)
		if err != nil || !got.Equal(a.UpdatedAt) {
			t.Errorf("%s = %v (%v); want updated_at %v", p, got, err, a.UpdatedAt)
		}
	}
	if got := len(e.Props.Values(goical.PropExceptionDates)); got != 2 {
		t.Errorf("%d EXDATEs; want 2", got)
	}
	var zones []string
	for _, c := range cal.Children {
		if c.Name == goical.CompTimezone {
			zones = append(zones, c.Props.Get(goical.PropTimezoneID).Value)
		}
	}
	if !slices.Equal(zones, []string{"Europe/Amsterdam"}) {
		t.Errorf("VTIMEZONEs %v; want one for Europe/Amsterdam", zones)
	}
}

// TestVTimezoneMatchesTheZoneDatabase expands every VTIMEZONE the way a
// calendar app does and compares the offset changes with Go's zone
// database over ten years, for zones with regular rules (north and south),
// without DST, and with irregular changes (Casablanca's Ramadan shifts).
func TestVTimezoneMatchesTheZoneDatabase(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Europe/Amsterdam", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "Europe/Dublin", "Africa/Casablanca", "America/Santiago"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err) // time/tzdata is linked in, so every zone is there
			}
			f := NewFeed("tz", testNow, 0)
			if err := f.AddActivity(activity("tz", care.Schedule{Start: "2026-12-01T14:00", Timezone: zone, DurationMinutes: 60, RRule: "FREQ=DAILY"}), Event{}); err != nil {
				t.Fatal(err)
			}
			cal := parse(t, f.String())
			from, to := testNow, testNow.AddDate(10, 0, 0)
			type change struct {
				at time.Time
				to int
			}
			var got []change
			nTZ := 0
			for _, tz := range cal.Children {
				if tz.Name != goical.CompTimezone {
					continue
				}
				nTZ++
				if tz.Props.Get(goical.PropTimezoneID).Value != zone {
					t.Fatalf("TZID %q", tz.Props.Get(goical.PropTimezoneID).Value)
				}
				for _, o := range tz.Children {
					offFrom, offTo := offset(t, o.Props.Get(goical.PropTimezoneOffsetFrom).Value), offset(t, o.Props.Get(goical.PropTimezoneOffsetTo).Value)
					wallZone := time.FixedZone("", offFrom)
					start, err := time.ParseInLocation("20060102T150405", o.Props.Get(goical.PropDateTimeStart).Value, wallZone)
					if err != nil {
						t.Fatal(err)
					}
					starts := []time.Time{start}
					if rp := o.Props.Get(goical.PropRecurrenceRule); rp != nil {
						opt, err := rrule.StrToROption(rp.Value)
						if err != nil {
							t.Fatal(err)
						}
						opt.Dtstart = start
						r, err := rrule.NewRRule(*opt)
						if err != nil {
							t.Fatal(err)
						}
						starts = r.Between(start, to, true)
					}
					for _, s := range starts {
						if !s.Before(from) && !s.After(to) && offFrom != offTo {
							got = append(got, change{s.UTC(), offTo})
						}
					}
				}
			}
			if nTZ != 1 {
				t.Fatalf("%d VTIMEZONEs; want 1", nTZ)
			}
			var want []change
			for _, tr := range transitions(loc, from, to) {
				want = append(want, change{tr.at, tr.to})
			}
			slices.SortFunc(got, func(a, b change) int { return a.at.Compare(b.at) })
			if !slices.Equal(got, want) {
				t.Errorf("offset changes from the VTIMEZONE\n got %v\nwant %v", got, want)
			}
			// The checks above compare with transitions(); check that
			// against the offsets themselves, hour by hour.
			changes := 0
			for h, prev := from, 0; h.Before(to); h = h.Add(time.Hour) {
				_, off := h.In(loc).Zone()
				if h != from && off != prev {
					changes++
				}
				prev = off
			}
			if changes != len(want) {
				t.Errorf("transitions() found %d changes; the hourly offsets change %d times", len(want), changes)
			}
			if zone == "Europe/Amsterdam" && len(want) != 20 {
				t.Errorf("Europe/Amsterdam changes %d times in ten years; want 20", len(want))
			}
		})
	}
}

func offset(t *testing.T, s string) int {
	t.Helper()
	var h, m, sec int
	if len(s) != 5 && len(s) != 7 {
		t.Fatalf("UTC offset %q", s)
	}
	if _, err := fmt.Sscanf(s[1:5], "%02d%02d", &h, &m); err != nil {
		t.Fatalf("UTC offset %q: %v", s, err)
	}
	if len(s) == 7 {
		fmt.Sscanf(s[5:], "%02d", &sec)
	}
	v := h*3600 + m*60 + sec
	if s[0] == '-' {
		v = -v
	}
	return v
}

// TestOpeningHours checks one weekly event per slot on its weekday, with
// a slot that ends at midnight.
func TestOpeningHours(t *testing.T) {
	t.Parallel()
	p := care.Provision{Meta: care.Meta{ID: "p1", UpdatedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}, // a Wednesday
		ProvisionFields: care.ProvisionFields{Name: "Buurthuis", Address: &care.Address{Street: "Kolksteeg", HouseNumber: "1", Postcode: "1012 AB", City: "Amsterdam"},
			OpeningHours: []care.WeeklySlot{{Day: "mon", Start: "09:00", End: "17:00"}, {Day: "wed", Start: "19:00", End: "24:00"}, {Day: "mon", Start: "19:00", End: "21:00"}}}}
	f := NewFeed("Buurthuis", testNow, 0)
	if err := f.AddOpeningHours(p, Event{}); err != nil {
		t.Fatal(err)
	}
	cal := parse(t, f.String())
	if n := len(cal.Events()); n != 3 {
		t.Fatalf("%d events; want 3", n)
	}
	from, to := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	for uid, want := range map[string][]time.Time{
		// Open from the day of the last change: Monday 30 November on.
		"provision-p1-mon-0900@dichtbij": utc("2026-11-30T08:00Z", "2026-12-07T08:00Z"),
		"provision-p1-mon-1900@dichtbij": utc("2026-11-30T18:00Z", "2026-12-07T18:00Z"),
		"provision-p1-wed-1900@dichtbij": utc("2026-11-25T18:00Z", "2026-12-02T18:00Z"),
	} {
		e := event(t, cal, uid)
		if got := expand(t, e, from, to); !slices.Equal(got, want) {
			t.Errorf("%s: %v; want %v", uid, got, want)
		}
		if rr := e.Props.Get(goical.PropRecurrenceRule).Value; !strings.HasPrefix(rr, "FREQ=WEEKLY;BYDAY=") {
			t.Errorf("%s RRULE %q", uid, rr)
		}
	}
	end, _ := event(t, cal, "provision-p1-wed-1900@dichtbij").Props.DateTime(goical.PropDateTimeEnd, nil)
	if want := time.Date(2026, 11, 25, 23, 0, 0, 0, time.UTC); !end.Equal(want) {
		t.Errorf("a slot to 24:00 ends %v; want midnight (%v)", end.UTC(), want)
	}
}

// TestReferralEvents checks the personal feed's two shapes and that it
// says only the help type, the neighbourhood and the state.
func TestReferralEvents(t *testing.T) {
	t.Parallel()
	a := activity("a1", care.Schedule{Start: "2026-12-01T14:00", Timezone: "Europe/Amsterdam", DurationMinutes: 120, RRule: "FREQ=WEEKLY;BYDAY=TU"})
	occ := time.Date(2026, 12, 8, 13, 0, 0, 0, time.UTC)
	f := NewFeed("Mijn verwijzingen", testNow, time.Hour)
	refs := []Referral{
		{ID: "r1", HelpType: "groceries", Neighbourhood: "Burgwallen-Oude Zijde", State: "accepted", Modified: testNow,
			Windows: []care.WeeklySlot{{Day: "tue", Start: "09:00", End: "12:00"}}, Since: testNow},
		{ID: "r2", HelpType: "day_activities", State: "started", Modified: testNow, Activity: &a, Occurrence: occ},
		{ID: "r3", HelpType: "companionship", State: "accepted", Modified: testNow, Since: testNow},
	}
	for _, r := range refs {
		if err := f.AddReferral(r); err != nil {
			t.Fatal(err)
		}
	}
	feed := f.String()
	cal := parse(t, feed)
	weekly := event(t, cal, "referral-r1-tue-0900@dichtbij")
	if got := expand(t, weekly, testNow, testNow.AddDate(0, 0, 14)); !slices.Equal(got, utc("2026-11-24T08:00Z", "2026-12-01T08:00Z")) {
		t.Errorf("time window occurrences %v", got)
	}
	if s, _ := weekly.Props.Text(goical.PropSummary); s != "dichtbij: Boodschappen (Burgwallen-Oude Zijde)" {
		t.Errorf("SUMMARY %q", s)
	}
	one := event(t, cal, "referral-r2@dichtbij")
	if got := expand(t, one, testNow, testNow.AddDate(1, 0, 0)); !slices.Equal(got, []time.Time{occ}) {
		t.Errorf("activity referral occurrences %v; want only %v", got, occ)
	}
	if one.Props.Get(goical.PropRecurrenceRule) != nil {
		t.Error("an activity referral repeats the activity's rule; it is one occurrence")
	}
	if l, _ := one.Props.Text(goical.PropLocation); !strings.Contains(l, "Kolksteeg 1") {
		t.Errorf("LOCATION %q", l)
	}
	allDay := event(t, cal, "referral-r3@dichtbij")
	if p := allDay.Props.Get(goical.PropDateTimeStart); p.Value != "20261123" {
		t.Errorf("a referral without time windows: DTSTART %q; want the date of acceptance", p.Value)
	}
}

func TestConvertRefuses(t *testing.T) {
	t.Parallel()
	good := care.Schedule{Start: "2026-12-01T14:00", Timezone: "Europe/Amsterdam", DurationMinutes: 60, RRule: "FREQ=WEEKLY"}
	for name, edit := range map[string]func(*care.Schedule){
		"local zone":      func(s *care.Schedule) { s.Timezone = "Local" },
		"unknown zone":    func(s *care.Schedule) { s.Timezone = "Europe/Nergens" },
		"zone with colon": func(s *care.Schedule) { s.Timezone = "Europe/Amsterdam:x" },
		"bad start":       func(s *care.Schedule) { s.Start = "2026-12-01 14:00" },
		"no duration":     func(s *care.Schedule) { s.DurationMinutes = 0 },
		"line break":      func(s *care.Schedule) { s.RRule = "FREQ=WEEKLY\r\nATTENDEE:mailto:x@example.org" },
		"not a rule":      func(s *care.Schedule) { s.RRule = "FREQ=SOMETIMES" },
		"bad exdate":      func(s *care.Schedule) { s.ExDates = []string{"morgen"} },
	} {
		s := good
		edit(&s)
		if _, err := Convert(s); err == nil {
			t.Errorf("%s: Convert(%+v) = nil error", name, s)
		}
	}
	w, err := Convert(care.Schedule{Start: "2026-12-01T14:00", DurationMinutes: 60, RRule: "RRULE:FREQ=WEEKLY"})
	if err != nil || w.RRule != "FREQ=WEEKLY" || w.TZID != DefaultZone {
		t.Errorf("Convert with prefix and no zone = %+v, %v", w, err)
	}
}
