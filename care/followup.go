package care

import (
	"time"
)

// FollowUpAfter are the follow-up moments of a started referral, counted
// from its start: 4 and 12 weeks.
var FollowUpAfter = []time.Duration{4 * 7 * 24 * time.Hour, 12 * 7 * 24 * time.Hour}

// FollowUp is one moment at which the social worker checks how a started
// referral goes. It is open until DoneAt is set.
type FollowUp struct {
	Due    time.Time  `json:"due" bson:"due"`
	DoneAt *time.Time `json:"done_at,omitempty" bson:"done_at,omitempty"`
	Note   string     `json:"note,omitempty" bson:"note,omitempty"`
}

// FollowUpsFrom returns the open follow-ups of a referral started at
// start, one per FollowUpAfter, in UTC.
func FollowUpsFrom(start time.Time) []FollowUp {
	out := make([]FollowUp, len(FollowUpAfter))
	for i, d := range FollowUpAfter {
		out[i] = FollowUp{Due: start.UTC().Add(d)}
	}
	return out
}

// NoShow records that the resident did not turn up at an agreed moment.
type NoShow struct {
	At   time.Time `json:"at" bson:"at"`
	Note string    `json:"note,omitempty" bson:"note,omitempty"`
	// RecordedAt is when it was recorded (UTC).
	RecordedAt time.Time `json:"recorded_at" bson:"recorded_at"`
}

// FollowUpDone is what a social worker sends to close a follow-up.
type FollowUpDone struct {
	Note string `json:"note,omitempty" validate:"max=2000,safelines"`
}

// NoShowFields is what a social worker sends to record a no-show.
type NoShowFields struct {
	// At is when the resident was expected, RFC 3339 with an offset.
	At   string `json:"at" validate:"required,max=40"`
	Note string `json:"note,omitempty" validate:"max=2000,safelines"`
}

// CheckNoShow validates a no-show and returns its moment in UTC. A no-show
// cannot lie after now.
func (c *Checker) CheckNoShow(f *NoShowFields, now time.Time) (time.Time, error) {
	var p problems
	c.structProblems(f, &p)
	var at time.Time
	if f.At != "" {
		var err error
		at, err = time.Parse(time.RFC3339, f.At)
		switch {
		case err != nil:
			p.add("at", "must be an RFC 3339 time with an offset, e.g. 2026-11-20T10:00:00+01:00")
		case at.After(now):
			p.add("at", "lies in the future; a no-show is recorded after the missed moment")
		}
	}
	return at.UTC(), p.err()
}
