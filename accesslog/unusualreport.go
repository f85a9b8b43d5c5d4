package accesslog

import (
	"context"
	"time"
)

// UnusualReport is the findings of unusual access over one period, as a
// privacy officer reviews them.
type UnusualReport struct {
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	MaxPerDay int       `json:"max_per_day"`
	Findings  []Finding `json:"findings"`
}

// Review reports the unusual access in l to municipality's requests in
// [from, to): requests opened outside the team, and accounts touching
// more than maxPerDay requests a day. Findings is empty, never nil. It
// is a function, not a method, so that *Log's methods stay the log's
// own reads and appends (TestNoUpdateOrDelete).
func Review(ctx context.Context, l *Log, municipality string, from, to time.Time, maxPerDay int) (UnusualReport, error) {
	fs, err := l.Unusual(ctx, municipality, from, to, UnusualOptions{MaxRequestsPerDay: maxPerDay})
	if err != nil {
		return UnusualReport{}, err
	}
	return UnusualReport{From: from.UTC(), To: to.UTC(), MaxPerDay: maxPerDay, Findings: append([]Finding{}, fs...)}, nil
}
