package server

import (
	"context"
	"time"

	"github.com/dichtbij/dichtbij/casework"
)

// DefaultRetention is how long a closed support request keeps its
// personal data: 24 months, after which only what statistics need stays.
const DefaultRetention = 730 * 24 * time.Hour

// retentionEvery is how often the retention job scans the requests; it is
// part of maintenance, which runs far more often, and a day's delay in
// anonymising after 24 months matters less than a full scan a minute.
const retentionEvery = time.Hour

// retention runs casework's anonymisation of closed requests once their
// retention has passed, at most every retentionEvery.
type retention struct {
	cw   *casework.Service
	keep time.Duration
	now  func() time.Time
	// last is when the job last scanned; only the maintenance loop, which
	// runs jobs one at a time, touches it.
	last time.Time
}

// run anonymises every request closed longer than keep ago that still
// holds personal data (see casework.Service.AnonymiseClosed) and returns
// how many it anonymised.
func (r *retention) run(ctx context.Context) (int, error) {
	now := r.now()
	if !r.last.IsZero() && now.Sub(r.last) < retentionEvery && now.After(r.last) {
		return 0, nil
	}
	n, err := r.cw.AnonymiseClosed(ctx, now.Add(-r.keep))
	if err == nil {
		r.last = now
	}
	return n, err
}
