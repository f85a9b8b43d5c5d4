package care_test

import (
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// TestFollowUpsFrom: two open follow-ups, 4 and 12 weeks of 168 hours
// after the start, in UTC.
func TestFollowUpsFrom(t *testing.T) {
	t.Parallel()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		start time.Time
		want  [2]time.Time
	}{
		{"UTC", time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC),
			[2]time.Time{time.Date(2026, 2, 2, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 10, 0, 0, 0, time.UTC)}},
		{"Amsterdam winter time, due after the switch to summer time", time.Date(2026, 3, 10, 10, 0, 0, 0, ams), // 09:00 UTC
			[2]time.Time{time.Date(2026, 4, 7, 9, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC)}},
		{"across a year end", time.Date(2026, 12, 20, 23, 30, 0, 0, time.UTC),
			[2]time.Time{time.Date(2027, 1, 17, 23, 30, 0, 0, time.UTC), time.Date(2027, 3, 14, 23, 30, 0, 0, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := care.FollowUpsFrom(tc.start)
			if len(got) != 2 {
				t.Fatalf("FollowUpsFrom(%v) = %d follow-ups; want 2", tc.start, len(got))
			}
			for i, f := range got {
				if f.Due != tc.want[i] || f.Due.Location() != time.UTC {
					t.Errorf("FollowUpsFrom(%v)[%d].Due = %v; want %v (UTC)", tc.start, i, f.Due, tc.want[i])
				}
				if f.DoneAt != nil || f.Note != "" {
					t.Errorf("FollowUpsFrom(%v)[%d] = %+v; want open, without note", tc.start, i, f)
				}
			}
		})
	}
	if len(care.FollowUpAfter) != 2 || care.FollowUpAfter[0] != 28*24*time.Hour || care.FollowUpAfter[1] != 84*24*time.Hour {
		t.Errorf("FollowUpAfter = %v; want [672h 2016h] (4 and 12 weeks)", care.FollowUpAfter)
	}
}

// TestEnteredAt: when a referral last entered a state, from its steps.
func TestEnteredAt(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	steps := []care.Step{
		{State: care.RefProposed, At: h(0)},
		{State: care.RefWaitlisted, At: h(1)},
		{State: care.RefAccepted, At: h(2)},
		{State: care.RefStarted, At: h(3)},
		{State: care.RefAccepted, At: h(4)}, // entered twice (a data repair): the last counts
		{State: care.RefEnded, At: h(5)},
	}
	for _, tc := range []struct {
		name   string
		steps  []care.Step
		state  string
		want   time.Time
		wantOK bool
	}{
		{"first step", steps, care.RefProposed, h(0), true},
		{"middle step", steps, care.RefStarted, h(3), true},
		{"last step", steps, care.RefEnded, h(5), true},
		{"entered twice", steps, care.RefAccepted, h(4), true},
		{"never entered", steps, care.RefCompleted, time.Time{}, false},
		{"no steps", nil, care.RefProposed, time.Time{}, false},
		{"empty state", steps, "", time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := care.Referral{Steps: tc.steps}.EnteredAt(tc.state)
			if !got.Equal(tc.want) || ok != tc.wantOK {
				t.Errorf("EnteredAt(%q) = %v, %v; want %v, %v", tc.state, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
