package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// DefaultProposalExpiry is how long an option's owner has to answer a
// proposed referral before it expires and the worker looks further.
const DefaultProposalExpiry = 14 * 24 * time.Hour

// endTarget returns the state a referral in state s moves to when its
// request closes with closure, or "" when it stays. Referrals that did
// not start expire or end, so their places free up; a started one is the
// help itself and goes on unless the request was withdrawn.
func endTarget(s, closure string) string {
	switch s {
	case care.RefProposed, care.RefWaitlisted:
		return care.RefExpired
	case care.RefAccepted:
		return care.RefEnded
	case care.RefStarted:
		if closure == care.ClosureWithdrawn {
			return care.RefEnded
		}
	}
	return ""
}

// endOpen ends the referrals of a closed request that endTarget names.
func (r *referrals) endOpen(ctx context.Context, requestID, closure string) error {
	page, _, err := r.st.Referrals().List(ctx, store.Query{Where: []store.Cond{{Field: "request_id", Value: requestID}}, Limit: 1000})
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range page {
		if to := endTarget(ref.State, closure); to != "" {
			errs = append(errs, r.moveFrom(ctx, ref.ID, ref.State, to, "the request was closed: "+closure))
		}
	}
	return errors.Join(errs...)
}

// endReferralsTo ends the open referrals to option id, which is gone:
// proposed and waitlisted ones expire, accepted and started ones end.
func (r *referrals) endReferralsTo(ctx context.Context, id, reason string) error {
	refs, err := r.st.Referrals().All(ctx, store.Cond{Field: "option_id", Value: id})
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		if to := endTarget(ref.State, care.ClosureWithdrawn); to != "" {
			errs = append(errs, r.moveFrom(ctx, ref.ID, ref.State, to, reason))
		}
	}
	return errors.Join(errs...)
}

// moveFrom moves referral id from state from to state to with reason,
// reading it again while another writer holds it. It does nothing when
// the referral left from meanwhile.
func (r *referrals) moveFrom(ctx context.Context, id, from, to, reason string) error {
	const attempts = 50
	for i := 0; i < attempts; i++ {
		ref, err := r.st.Referrals().Get(ctx, id)
		if err != nil {
			return err
		}
		if ref.State != from {
			return nil
		}
		_, err = r.apply(ctx, ref, care.Move{To: to, Reason: reason})
		if !isProblem(err, slugConcurrentChange) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * time.Millisecond):
		}
	}
	return fmt.Errorf("server: referral %s kept changing while moving it to %s", id, to)
}

// checkLine refuses accepting a waitlisted referral while others wait
// ahead of it for the same places: the line decides who gets a freed
// place, not who answers first.
func (r *referrals) checkLine(ctx context.Context, ref care.Referral, m care.Move) error {
	if ref.State != care.RefWaitlisted || m.To != care.RefAccepted {
		return nil
	}
	line, err := r.waitingLine(ctx, ref)
	if err != nil {
		return err
	}
	for i, w := range line {
		if w.ID == ref.ID {
			if i == 0 {
				return nil
			}
			return newProblem(fiber.StatusConflict, "waiting-line",
				fmt.Sprintf("the referral is waitlisted with %d referral(s) ahead of it; a freed place goes to the first in line", i),
				FieldProblem{Field: "to", Reason: fmt.Sprintf("%d referral(s) wait ahead of this one", i)})
		}
	}
	return nil
}

// expireStale is the maintenance sweep of referrals: a proposal left
// unanswered longer than expiry expires; a waitlisted referral for an
// activity occurrence that has begun expires; and referrals of closed
// requests that endOpen missed (a crash between close and end) end.
func (r *referrals) expireStale(ctx context.Context, expiry time.Duration) error {
	now := r.now().UTC()
	type move struct{ id, from, to, reason string }
	var moves []move
	closed := map[string]string{} // request id -> closure, "" when open
	err := r.st.Referrals().Each(ctx, func(ref care.Referral) error {
		if len(care.NextStates(ref.State)) == 0 {
			return nil
		}
		closure, known := closed[ref.RequestID]
		if !known {
			req, err := r.st.Requests().Get(ctx, ref.RequestID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil && req.Status == care.ReqClosed {
				closure = req.Closure
			}
			closed[ref.RequestID] = closure
		}
		if closure != "" {
			if to := endTarget(ref.State, closure); to != "" {
				moves = append(moves, move{ref.ID, ref.State, to, "the request was closed: " + closure})
			}
			return nil
		}
		switch at, _ := ref.EnteredAt(ref.State); ref.State {
		case care.RefProposed:
			if now.Sub(at) > expiry {
				moves = append(moves, move{ref.ID, ref.State, care.RefExpired,
					fmt.Sprintf("no answer within %d days", int(expiry.Hours()/24))})
			}
		case care.RefWaitlisted:
			if ref.OccurrenceAt != nil && !ref.OccurrenceAt.After(now) {
				moves = append(moves, move{ref.ID, ref.State, care.RefExpired, "the occurrence began while the referral waited"})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range moves {
		errs = append(errs, r.moveFrom(ctx, m.id, m.from, m.to, m.reason))
	}
	return errors.Join(errs...)
}
