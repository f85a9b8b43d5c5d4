package ical

import (
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/dichtbij/dichtbij/care"
)

// FuzzConvert feeds arbitrary schedules and texts through the part that
// parses a record (zone, local times, rule) and writes it. Whatever
// Convert accepts must come out as a feed the second parser reads, with
// exactly one event whose DTSTART, RRULE and text survive unchanged; what
// it refuses must be refused with ErrSchedule, never a panic.
func FuzzConvert(f *testing.F) {
	f.Add("2026-12-01T14:00", "Europe/Amsterdam", 120, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2026-12-29T14:00", "Koffie, thee; en\nmeer")
	f.Add("2027-03-28T02:30", "Europe/Amsterdam", 30, "FREQ=MONTHLY;BYDAY=1TU", "", "")
	f.Add("2026-10-25T02:30", "America/New_York", 1440, "RRULE:FREQ=DAILY;COUNT=3", "2026-10-26T02:30", "x\r\ny")
	f.Add("2026-12-01T14:00", "Local", 60, "FREQ=WEEKLY\r\nATTENDEE:x", "bad", "\x00\x7f")
	f.Add("2026-12-01T14:00", "", 5, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "", "ü€𝄞 lange tekst die gevouwen moet worden omdat hij langer is dan vijfenzeventig octets")
	f.Fuzz(func(t *testing.T, start, zone string, minutes int, rule, exdate, text string) {
		s := care.Schedule{Start: start, Timezone: zone, DurationMinutes: minutes, RRule: rule}
		if exdate != "" {
			s.ExDates = []string{exdate}
		}
		w, err := Convert(s)
		if err != nil {
			if !strings.Contains(err.Error(), ErrSchedule.Error()) {
				t.Fatalf("Convert error %v does not wrap ErrSchedule", err)
			}
			return
		}
		feed := NewFeed(text, testNow, time.Hour)
		a := care.Activity{Meta: care.Meta{ID: "f"}, ActivityFields: care.ActivityFields{Name: text, Description: text, Schedule: &s}}
		if err := feed.AddActivity(a, Event{}); err != nil {
			t.Fatalf("Convert accepted %+v but AddActivity refused: %v", s, err)
		}
		var b strings.Builder
		if _, err := feed.WriteTo(&b); err != nil {
			t.Fatalf("write: %v", err)
		}
		cal, err := goical.NewDecoder(strings.NewReader(b.String())).Decode()
		if err != nil {
			t.Fatalf("feed of %+v does not parse: %v\n%s", s, err, b.String())
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events; want 1\n%s", len(evs), b.String())
		}
		ev := evs[0]
		if p := ev.Props.Get(goical.PropDateTimeStart); p == nil || p.Value != w.Start || p.Params.Get(goical.PropTimezoneID) != w.TZID {
			t.Fatalf("DTSTART %v; want %s in %s", p, w.Start, w.TZID)
		}
		if w.RRule != "" {
			if p := ev.Props.Get(goical.PropRecurrenceRule); p == nil || p.Value != w.RRule {
				t.Fatalf("RRULE %v; want %q", p, w.RRule)
			}
		}
		if got, _ := ev.Props.Text(goical.PropSummary); got != strings.TrimSpace(clean(text)) && got != clean(text) {
			t.Fatalf("SUMMARY %q; want %q", got, clean(text))
		}
		for _, line := range strings.Split(b.String(), "\r\n") {
			if len(line) > 75 {
				t.Fatalf("line of %d octets: %q", len(line), line)
			}
		}
	})
}
