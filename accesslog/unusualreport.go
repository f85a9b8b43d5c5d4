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

// UnusualReport reports the unusual access in municipality in [from, to):
// requests opened outside the team, and accounts touching more than
// maxPerDay requests a day. Findings is empty, never nil.
func (l *Log) UnusualReport(ctx context.Context, municipality string, from, to time.Time, maxPerDay int) (UnusualReport, error) {
	fs, err := l.Unusual(ctx, municipality, from, to, UnusualOptions{MaxRequestsPerDay: maxPerDay})
	if err != nil {
		return UnusualReport{}, err
	}
	return UnusualReport{From: from.UTC(), To: to.UTC(), MaxPerDay: maxPerDay, Findings: append([]Finding{}, fs...)}, nil
}
