package casework

import (
	"context"
	"time"
)

// DefaultRetention is how long a closed support request keeps its
// personal data: 24 months, after which only what statistics need stays.
const DefaultRetention = 730 * 24 * time.Hour

// retentionEvery is how often the retention job scans the requests; it is
// part of maintenance, which runs far more often, and a day's delay in
// anonymising after 24 months matters less than a full scan a minute.
const retentionEvery = time.Hour

// Retention runs AnonymiseClosed once a request's retention has passed,
// at most every retentionEvery. Only one goroutine (the maintenance loop,
// which runs its jobs one at a time) may call Run.
type Retention struct {
	s    *Service
	keep time.Duration
	now  func() time.Time
	// last is when the job last scanned.
	last time.Time
}

// NewRetention returns the retention job of s: a closed request keeps
// its personal data for keep.
func NewRetention(s *Service, keep time.Duration, now func() time.Time) *Retention {
	return &Retention{s: s, keep: keep, now: now}
}

// Run anonymises every request closed longer than keep ago that still
// holds personal data (see AnonymiseClosed) and returns how many it
// anonymised; within retentionEvery of its last scan it does nothing.
func (r *Retention) Run(ctx context.Context) (int, error) {
	now := r.now()
	if !r.last.IsZero() && now.Sub(r.last) < retentionEvery && now.After(r.last) {
		return 0, nil
	}
	n, err := r.s.AnonymiseClosed(ctx, now.Add(-r.keep))
	if err == nil {
		r.last = now
	}
	return n, err
}
