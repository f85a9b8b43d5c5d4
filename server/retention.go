package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// DefaultRetention is how long a closed support request keeps its
// personal data: 24 months, after which only what statistics need stays.
const DefaultRetention = 730 * 24 * time.Hour

// retentionEvery is how often the retention job scans the requests; it is
// part of maintenance, which runs far more often, and a day's delay in
// anonymising after 24 months matters less than a full scan a minute.
const retentionEvery = time.Hour

// retention anonymises closed requests once their retention has passed.
type retention struct {
	st      *store.Store
	privacy *privacy
	keep    time.Duration
	now     func() time.Time
	// last is when the job last scanned; only the maintenance loop, which
	// runs jobs one at a time, touches it.
	last time.Time
}

// run anonymises every request closed longer than keep ago that still
// holds personal data, with its referrals and specialist referrals. A
// request reopened in the meantime is not closed and is left alone. It
// returns how many requests it anonymised.
func (r *retention) run(ctx context.Context) (int, error) {
	now := r.now()
	if !r.last.IsZero() && now.Sub(r.last) < retentionEvery && now.After(r.last) {
		return 0, nil
	}
	cutoff := now.Add(-r.keep)
	closed, err := r.st.Requests().All(ctx, store.Cond{Field: "status", Value: care.ReqClosed})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, req := range closed {
		at, ok := closedAt(req)
		if req.AnonymisedAt != nil || !ok || at.After(cutoff) {
			continue
		}
		if err := r.anonymise(ctx, req.ID, cutoff); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	if len(errs) == 0 {
		r.last = now
	}
	return n, errors.Join(errs...)
}

// closedAt is when req last closed.
func closedAt(req care.Request) (time.Time, bool) {
	if n := len(req.Steps); req.Status == care.ReqClosed && n > 0 && req.Steps[n-1].State == care.ReqClosed {
		return req.Steps[n-1].At, true
	}
	return time.Time{}, false
}

// anonymise strips one request of its personal data: the alias, the free
// text, the household, the location (its area codes stay) and the
// resident's age, time windows and languages, and consent history. Needs,
// life-domain scores, urgency, target groups, area, status, steps and
// consents stay for monitoring. The referrals and specialist referrals
// lose their free text first, so a failure leaves the request to be tried
// again in the next run.
func (r *retention) anonymise(ctx context.Context, id string, cutoff time.Time) error {
	refs, err := r.st.Referrals().All(ctx, store.Cond{Field: "request_id", Value: id})
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if ref.AnonymisedAt != nil {
			continue
		}
		if err := r.privacy.anonymiseReferral(ctx, ref.ID, false); err != nil {
			return fmt.Errorf("server: retention of request %s: %w", id, err)
		}
	}
	specs, err := r.st.Specialists().All(ctx, store.Cond{Field: "request_id", Value: id})
	if err != nil {
		return err
	}
	stamp := r.now().UTC().Truncate(time.Millisecond)
	for _, s := range specs {
		next := s
		for i := range next.Reasons {
			next.Reasons[i].Text = ""
		}
		if next.Override != nil {
			next.Override = &care.SafetyOverride{}
		}
		next.Provider, next.Outcome = "", ""
		for i := range next.FollowUps {
			next.FollowUps[i].Note = ""
		}
		next.Version, next.UpdatedAt = s.Version+1, stamp
		if err := r.st.Specialists().Replace(ctx, s.Version, next); err != nil {
			return fmt.Errorf("server: retention of request %s: specialist referral %s: %w", id, s.ID, err)
		}
	}
	req, err := r.st.Requests().Get(ctx, id)
	if err != nil {
		return err
	}
	if at, ok := closedAt(req); !ok || at.After(cutoff) {
		return nil // reopened meanwhile
	}
	next := req
	next.ResidentAlias, next.OwnStrength, next.Network, next.ClosureNote, next.HouseholdID = "", "", "", "", ""
	next.Location, next.ResidentAge, next.ConsentHistory = nil, nil, nil
	next.ResidentAccount, next.Subject = "", ""
	if next.Constraints != nil {
		c := *next.Constraints
		c.TimeWindows, c.Languages = []care.WeeklySlot{}, []string{}
		next.Constraints = &c
	}
	next.AnonymisedAt = &stamp
	next.Version, next.UpdatedAt = req.Version+1, stamp
	if err := r.st.Requests().Replace(ctx, req.Version, next); err != nil {
		return fmt.Errorf("server: retention of request %s: %w", id, err)
	}
	return nil
}
