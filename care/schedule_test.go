package care_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// utc parses an RFC 3339 time, for tables.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOccurrences: the starts in [from, to), at the schedule's local wall
// time whatever the UTC offset, without the exception dates. Europe/
// Amsterdam switches to summer time on 29 March 2026 (02:00 → 03:00) and
// back on 25 October 2026 (03:00 → 02:00).
func TestOccurrences(t *testing.T) {
	t.Parallel()
	ams := func(start, rrule string, exdates ...string) care.Schedule {
		return care.Schedule{Start: start, Timezone: "Europe/Amsterdam", DurationMinutes: 60, RRule: rrule, ExDates: exdates}
	}
	for _, tc := range []struct {
		name     string
		s        care.Schedule
		from, to string
		want     []string // instants, RFC 3339 in UTC
	}{
		{"one-off inside", ams("2026-03-17T10:00", ""), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", []string{"2026-03-17T09:00:00Z"}},
		{"one-off at from", ams("2026-03-17T10:00", ""), "2026-03-17T09:00:00Z", "2026-04-01T00:00:00Z", []string{"2026-03-17T09:00:00Z"}},
		{"one-off at to", ams("2026-03-17T10:00", ""), "2026-03-01T00:00:00Z", "2026-03-17T09:00:00Z", nil},
		{"one-off before from", ams("2026-03-17T10:00", ""), "2026-03-17T09:00:01Z", "2026-04-01T00:00:00Z", nil},
		{"one-off in summer time", ams("2026-07-01T10:00", ""), "2026-06-01T00:00:00Z", "2026-08-01T00:00:00Z", []string{"2026-07-01T08:00:00Z"}},
		{"weekly across spring DST", ams("2026-03-17T10:00", "FREQ=WEEKLY"), "2026-03-16T00:00:00Z", "2026-04-08T00:00:00Z",
			[]string{"2026-03-17T09:00:00Z", "2026-03-24T09:00:00Z", "2026-03-31T08:00:00Z", "2026-04-07T08:00:00Z"}},
		{"weekly across autumn DST", ams("2026-10-13T19:30", "FREQ=WEEKLY;BYDAY=TU"), "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z",
			[]string{"2026-10-13T17:30:00Z", "2026-10-20T17:30:00Z", "2026-10-27T18:30:00Z"}},
		{"daily over the spring night", ams("2026-03-28T10:00", "FREQ=DAILY;COUNT=3"), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z",
			[]string{"2026-03-28T09:00:00Z", "2026-03-29T08:00:00Z", "2026-03-30T08:00:00Z"}},
		{"daily in the spring-forward gap: 02:30 becomes 03:30 CEST", ams("2026-03-28T02:30", "FREQ=DAILY;COUNT=3"), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z",
			[]string{"2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"}},
		{"every other Tuesday", ams("2026-03-03T14:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"), "2026-03-01T00:00:00Z", "2026-04-15T00:00:00Z",
			[]string{"2026-03-03T13:00:00Z", "2026-03-17T13:00:00Z", "2026-03-31T12:00:00Z", "2026-04-14T12:00:00Z"}},
		{"every third day", ams("2026-01-01T09:00", "FREQ=DAILY;INTERVAL=3"), "2026-01-01T00:00:00Z", "2026-01-11T00:00:00Z",
			[]string{"2026-01-01T08:00:00Z", "2026-01-04T08:00:00Z", "2026-01-07T08:00:00Z", "2026-01-10T08:00:00Z"}},
		{"window starts mid-series", ams("2026-01-05T09:00", "FREQ=WEEKLY"), "2026-02-02T08:00:00Z", "2026-02-16T08:00:00Z",
			[]string{"2026-02-02T08:00:00Z", "2026-02-09T08:00:00Z"}},
		{"window ends before the start", ams("2026-01-05T09:00", "FREQ=WEEKLY"), "2025-12-01T00:00:00Z", "2026-01-05T08:00:00Z", nil},
		{"count", ams("2026-05-01T18:00", "FREQ=MONTHLY;COUNT=2"), "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z",
			[]string{"2026-05-01T16:00:00Z", "2026-06-01T16:00:00Z"}},
		{"until", ams("2026-05-04T18:00", "FREQ=WEEKLY;UNTIL=20260518T160000Z"), "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z",
			[]string{"2026-05-04T16:00:00Z", "2026-05-11T16:00:00Z", "2026-05-18T16:00:00Z"}},
		{"first Monday of the month", ams("2026-01-05T10:00", "RRULE:FREQ=MONTHLY;BYDAY=1MO"), "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z",
			[]string{"2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z", "2026-03-02T09:00:00Z"}},
		{"exdates removed", ams("2026-03-17T10:00", "FREQ=WEEKLY", "2026-03-24T10:00", "2026-04-07T10:00"), "2026-03-16T00:00:00Z", "2026-04-15T00:00:00Z",
			[]string{"2026-03-17T09:00:00Z", "2026-03-31T08:00:00Z", "2026-04-14T08:00:00Z"}},
		{"exdate in summer time", ams("2026-03-17T10:00", "FREQ=WEEKLY", "2026-03-31T10:00"), "2026-03-16T00:00:00Z", "2026-04-08T00:00:00Z",
			[]string{"2026-03-17T09:00:00Z", "2026-03-24T09:00:00Z", "2026-04-07T08:00:00Z"}},
		{"exdate at another time of day is kept", ams("2026-03-17T10:00", "FREQ=WEEKLY", "2026-03-24T11:00", "2026-03-24T09:00"), "2026-03-16T00:00:00Z", "2026-03-25T00:00:00Z",
			[]string{"2026-03-17T09:00:00Z", "2026-03-24T09:00:00Z"}},
		{"exdate in the spring-forward gap", ams("2026-03-28T02:30", "FREQ=DAILY;COUNT=3", "2026-03-29T02:30"), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z",
			[]string{"2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"}},
		{"exdate of the first occurrence", ams("2026-03-17T10:00", "FREQ=WEEKLY;COUNT=2", "2026-03-17T10:00"), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z",
			[]string{"2026-03-24T09:00:00Z"}},
		{"UTC schedule does not shift", care.Schedule{Start: "2026-03-24T10:00", Timezone: "UTC", DurationMinutes: 60, RRule: "FREQ=WEEKLY;COUNT=2"},
			"2026-03-01T00:00:00Z", "2026-04-15T00:00:00Z", []string{"2026-03-24T10:00:00Z", "2026-03-31T10:00:00Z"}},
		{"New York shifts on its own date", care.Schedule{Start: "2026-03-02T10:00", Timezone: "America/New_York", DurationMinutes: 60, RRule: "FREQ=WEEKLY;COUNT=2"},
			"2026-03-01T00:00:00Z", "2026-04-15T00:00:00Z", []string{"2026-03-02T15:00:00Z", "2026-03-09T14:00:00Z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.s.Occurrences(utc(t, tc.from), utc(t, tc.to))
			if err != nil {
				t.Fatalf("Occurrences(%s, %s) error = %v", tc.from, tc.to, err)
			}
			gotS := make([]string, len(got))
			for i, g := range got {
				gotS[i] = g.UTC().Format(time.RFC3339)
				if g.Location().String() != tc.s.Timezone {
					t.Errorf("Occurrences(...)[%d] = %v in %v; want it in %s", i, g, g.Location(), tc.s.Timezone)
				}
				if hhmm := g.Format("15:04"); hhmm != tc.s.Start[11:] && !strings.Contains(tc.name, "gap") {
					t.Errorf("Occurrences(...)[%d] = %v at wall time %s; want %s", i, g, hhmm, tc.s.Start[11:])
				}
			}
			if strings.Join(gotS, " ") != strings.Join(tc.want, " ") {
				t.Errorf("Occurrences(%s, %s) of %+v =\n  %q\nwant\n  %q", tc.from, tc.to, tc.s, gotS, tc.want)
			}
		})
	}
}

// TestOccurrencesAmbiguousTime: a start in the hour the clocks go back
// happens twice; RFC 5545 (3.3.5) and so every calendar that reads the
// iCal feed take the first, summer-time one.
func TestOccurrencesAmbiguousTime(t *testing.T) {
	t.Parallel()
	t.Skip("bug: Occurrences resolves a local time that occurs twice (02:30 on 25 October 2026 in Europe/Amsterdam) to the second, " +
		"winter-time instant (01:30Z) as time.Date does; RFC 5545 3.3.5, which LocalTimeLayout claims to follow, says the first (00:30Z). " +
		"A referral's occurrence_at then differs by an hour from the DTSTART;TZID=… that calendars show")
	s := care.Schedule{Start: "2026-10-24T02:30", Timezone: "Europe/Amsterdam", DurationMinutes: 30, RRule: "FREQ=DAILY;COUNT=2"}
	got, err := s.Occurrences(utc(t, "2026-10-01T00:00:00Z"), utc(t, "2026-11-01T00:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{utc(t, "2026-10-24T00:30:00Z"), utc(t, "2026-10-25T00:30:00Z")}
	if len(got) != 2 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) {
		t.Errorf("Occurrences(daily at 02:30 over the autumn night) = %v; want %v", got, want)
	}
}

// TestOccurrencesErrors: a schedule that never passed validation gives an
// error, not a panic or a guess.
func TestOccurrencesErrors(t *testing.T) {
	t.Parallel()
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		s    care.Schedule
		want string
	}{
		{"unknown time zone", care.Schedule{Start: "2026-03-17T10:00", Timezone: "Mars/Olympus_Mons"}, "timezone"},
		{"bad start", care.Schedule{Start: "17 March", Timezone: "Europe/Amsterdam"}, "start"},
		{"bad rule", care.Schedule{Start: "2026-03-17T10:00", Timezone: "Europe/Amsterdam", RRule: "FREQ=FORTNIGHTLY"}, "rrule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.s.Occurrences(from, to)
			if err == nil || !strings.Contains(err.Error(), tc.want) || got != nil {
				t.Errorf("Occurrences(%+v) = %v, %v; want no times and an error about the %s", tc.s, got, err, tc.want)
			}
		})
	}
}
