package care_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// TestTimelinessOf: days to first contact and to a match, rounded to
// 0.01, and whether first contact came within the target, measured from
// creation; a closed request stops the clock.
func TestTimelinessOf(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	at := func(d time.Duration) *time.Time { x := created.Add(d); return &x }
	req := func(f func(r *care.Request)) care.Request {
		r := care.Request{Meta: care.Meta{CreatedAt: created}, Status: care.ReqReferred,
			Steps: []care.Step{{State: care.ReqOpen, At: created}, {State: care.ReqReferred, At: created.Add(time.Hour)}}}
		if f != nil {
			f(&r)
		}
		return r
	}
	closedAfter := func(d time.Duration) func(r *care.Request) {
		return func(r *care.Request) {
			r.Status = care.ReqClosed
			r.Steps = append(r.Steps, care.Step{State: care.ReqClosed, At: created.Add(d)})
		}
	}
	for _, tc := range []struct {
		name         string
		r            care.Request
		target       int
		now          time.Duration // after creation
		contact      string        // DaysToFirstContact, or "null"
		match        string        // DaysToMatch, or "null"
		withinTarget string        // "true", "false" or "null"
	}{
		{"no contact, before the target", req(nil), 7, 6 * day, "null", "null", "null"},
		{"no contact, at the target", req(nil), 7, 7 * day, "null", "null", "null"},
		{"no contact, a second after the target", req(nil), 7, 7*day + time.Second, "null", "null", "false"},
		{"contact after 36 hours", req(func(r *care.Request) { r.FirstContactAt = at(36 * time.Hour) }), 7, 30 * day, "1.5", "null", "true"},
		{"contact exactly at the target", req(func(r *care.Request) { r.FirstContactAt = at(7 * day) }), 7, 30 * day, "7", "null", "true"},
		{"contact a nanosecond late", req(func(r *care.Request) { r.FirstContactAt = at(7*day + 1) }), 7, 30 * day, "7", "null", "false"},
		{"contact late, now before it (clock skew)", req(func(r *care.Request) { r.FirstContactAt = at(8 * day) }), 7, day, "8", "null", "false"},
		{"contact and match", req(func(r *care.Request) { r.FirstContactAt, r.MatchedAt = at(2*day), at(3*day+6*time.Hour) }), 7, 30 * day, "2", "3.25", "true"},
		{"match without recorded contact", req(func(r *care.Request) { r.MatchedAt = at(day) }), 7, 30 * day, "null", "1", "false"},
		{"rounds down: 1 hour is 0.04 days", req(func(r *care.Request) { r.FirstContactAt = at(time.Hour) }), 7, day, "0.04", "null", "true"},
		{"rounds up: 20 hours is 0.83 days", req(func(r *care.Request) { r.FirstContactAt = at(20 * time.Hour) }), 7, day, "0.83", "null", "true"},
		{"rounds up: 12 minutes is 0.01 days", req(func(r *care.Request) { r.FirstContactAt = at(12 * time.Minute) }), 7, day, "0.01", "null", "true"},
		{"rounds to 0: 7 minutes", req(func(r *care.Request) { r.FirstContactAt = at(7 * time.Minute) }), 7, day, "0", "null", "true"},
		{"target of 1 day, contact after 25 hours", req(func(r *care.Request) { r.FirstContactAt = at(25 * time.Hour) }), 1, 30 * day, "1.04", "null", "false"},
		{"target of 90 days, none yet after 89", req(nil), 90, 89 * day, "null", "null", "null"},
		{"closed before the target without contact", req(closedAfter(2 * day)), 7, 30 * day, "null", "null", "null"},
		{"closed at the target without contact", req(closedAfter(7 * day)), 7, 30 * day, "null", "null", "null"},
		{"closed after the target without contact", req(closedAfter(9 * day)), 7, 30 * day, "null", "null", "false"},
		{"closed before the target, contact before closing", req(func(r *care.Request) {
			r.FirstContactAt = at(day)
			closedAfter(2 * day)(r)
		}), 7, 30 * day, "1", "null", "true"},
		{"closed, reopened by step-down: the clock runs again", req(func(r *care.Request) {
			closedAfter(2 * day)(r)
			r.Status = care.ReqOpen
			r.Steps = append(r.Steps, care.Step{State: care.ReqOpen, At: created.Add(20 * day)})
		}), 7, 30 * day, "null", "null", "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := created.Add(tc.now)
			got := care.TimelinessOf(tc.r, tc.target, now)
			call := fmt.Sprintf("TimelinessOf(%s, %d, created+%v)", tc.name, tc.target, tc.now)
			if s := days(got.DaysToFirstContact); s != tc.contact {
				t.Errorf("%s.DaysToFirstContact = %s; want %s", call, s, tc.contact)
			}
			if s := days(got.DaysToMatch); s != tc.match {
				t.Errorf("%s.DaysToMatch = %s; want %s", call, s, tc.match)
			}
			if s := tri(got.WithinTarget); s != tc.withinTarget {
				t.Errorf("%s.WithinTarget = %s; want %s", call, s, tc.withinTarget)
			}
			if got.ContactTargetDays != tc.target {
				t.Errorf("%s.ContactTargetDays = %d; want %d", call, got.ContactTargetDays, tc.target)
			}
			if want := created.AddDate(0, 0, tc.target); !got.ContactDueAt.Equal(want) {
				t.Errorf("%s.ContactDueAt = %v; want %v", call, got.ContactDueAt, want)
			}
			if !samePtr(got.FirstContactAt, tc.r.FirstContactAt) || !samePtr(got.MatchedAt, tc.r.MatchedAt) {
				t.Errorf("%s FirstContactAt, MatchedAt = %v, %v; want the request's %v, %v", call, got.FirstContactAt, got.MatchedAt, tc.r.FirstContactAt, tc.r.MatchedAt)
			}
		})
	}
}

// TestTimelinessDueAcrossDST: the target counts whole days of 24 hours
// from creation, in UTC, whatever the local clock does.
func TestTimelinessDueAcrossDST(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 3, 25, 10, 0, 0, 0, ams) // CET; summer time starts on the 29th
	got := care.TimelinessOf(care.Request{Meta: care.Meta{CreatedAt: created}}, 7, created)
	if want := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC); !got.ContactDueAt.Equal(want) {
		t.Errorf("TimelinessOf(created %v, 7 days).ContactDueAt = %v; want %v (168 hours later)", created, got.ContactDueAt.UTC(), want)
	}
}

func days(d *float64) string {
	if d == nil {
		return "null"
	}
	return strconv.FormatFloat(*d, 'f', -1, 64) // exact: unrounded days would show all their digits
}

func tri(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

func samePtr(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
