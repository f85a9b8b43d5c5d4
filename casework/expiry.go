package casework

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Causes of moves the system makes, as events name them.
const (
	codeRequestClosed       = "request_closed"
	codeOptionWithdrawn     = "option_withdrawn"
	codeOccurrenceCancelled = "occurrence_cancelled"
	codeNoAnswer            = "no_answer"
	codeOccurrenceBegan     = "occurrence_began"
	codeHelperLeft          = "helper_left"
)

// endTarget is where an unfinished referral goes when its request closes
// with closure (or its option is withdrawn, as "withdrawn"): proposed and
// waitlisted ones expire, accepted ones end, started ones end only when
// the request was withdrawn. "" means it stays.
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

// endOpen moves the unfinished referrals of request id as its closure
// says (endTarget); with needs, only those for one of these needs (the
// needs that went to specialist care).
func (s *Service) endOpen(ctx context.Context, requestID, closure string, needs []string) error {
	refs, err := s.st.Referrals().OfRequest(ctx, requestID)
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range closingMoves(refs, closure, needs) {
		errs = append(errs, s.moveFrom(ctx, m.id, m.from, m.to, m.reason, m.code))
	}
	return errors.Join(errs...)
}

// EndReferralsTo ends the open referrals to option id, which is gone or
// paused for good: they move as for a withdrawn request, with reason.
func (s *Service) EndReferralsTo(ctx context.Context, id, reason string) error {
	return s.endReferralsTo(ctx, id, reason, codeOptionWithdrawn)
}

func (s *Service) endReferralsTo(ctx context.Context, id, reason, code string) error {
	refs, err := s.st.Referrals().ToOption(ctx, id)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		if to := endTarget(ref.State, care.ClosureWithdrawn); to != "" {
			errs = append(errs, s.moveFrom(ctx, ref.ID, ref.State, to, reason, code))
		}
	}
	return errors.Join(errs...)
}

// moveFrom moves referral id to state to for the system, if it is still
// in state from; a concurrent change is retried on the referral as it
// then is.
func (s *Service) moveFrom(ctx context.Context, id, from, to, reason, code string) error {
	const attempts = 50
	for i := 0; i < attempts; i++ {
		ref, err := s.st.Referrals().Get(ctx, id)
		if err != nil {
			return err
		}
		if ref.State != from {
			return nil
		}
		_, err = s.apply(ctx, Actor{}, ref, care.Move{To: to, Reason: reason}, code)
		if !errors.Is(err, ErrConcurrentChange) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * time.Millisecond):
		}
	}
	return fmt.Errorf("casework: referral %s kept changing while moving it to %s", id, to)
}

// ExpireStale is the maintenance sweep of referrals: a proposal left
// unanswered longer than the proposal expiry expires; a waitlisted
// referral for an activity occurrence that has begun expires; and
// referrals of closed requests that Close missed (a crash between close
// and end) end.
func (s *Service) ExpireStale(ctx context.Context) error {
	now := s.now().UTC()
	var moves []sysMove
	// The closed requests' closures, read in one query. A read per
	// referral's request (up to 1,800 a round in the demo) kept an idle
	// demo server on the embedded store busy for about 26 CPU-seconds of
	// every maintenance round; with one query an idle server used 4.8
	// CPU-seconds in two minutes instead of 52.7.
	closedReqs, err := s.st.Requests().InStatus(ctx, care.ReqClosed)
	if err != nil {
		return err
	}
	closed := make(map[string]string, len(closedReqs)) // request id -> closure
	for _, r := range closedReqs {
		closed[r.ID] = r.Closure
	}
	err = s.st.Referrals().Each(ctx, func(ref care.Referral) error {
		if len(care.NextStates(ref.State)) == 0 {
			return nil
		}
		closure := closed[ref.RequestID]
		if m, ok := staleMove(ref, closure, now, s.expiry); ok {
			moves = append(moves, m)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range moves {
		errs = append(errs, s.moveFrom(ctx, m.id, m.from, m.to, m.reason, m.code))
	}
	return errors.Join(errs...)
}

// reasonCancelled is the audit reason of a referral whose activity
// occurrence was cancelled.
const reasonCancelled = "the occurrence was cancelled"

// ActivityChanged releases the referrals to activity id whose occurrence
// is no longer in its schedule (an exdate added, the schedule changed) or
// whose activity is gone: proposed and waitlisted ones expire, accepted
// ones end and free their place; each gets an event saying why. Started
// referrals are the helper's and the resident's own arrangement now and
// stay. It is idempotent; the server calls it after every write of an
// activity.
func (s *Service) ActivityChanged(ctx context.Context, id string) error {
	act, err := s.st.Activities().Get(ctx, id)
	gone := errors.Is(err, store.ErrNotFound)
	if err != nil && !gone {
		return err
	}
	refs, err := s.st.Referrals().ToOption(ctx, id)
	if err != nil {
		return err
	}
	var errs []error
	for _, ref := range refs {
		if ref.OccurrenceAt == nil || ref.State == care.RefStarted {
			continue
		}
		to := endTarget(ref.State, care.ClosureWithdrawn)
		if to == "" || gone {
			continue // a deleted activity's referrals end through EndReferralsTo
		}
		if act.Schedule != nil {
			if _, err := OccurrenceOf(act.Schedule, ref.Occurrence); err == nil {
				continue
			} else if !errors.As(err, new(*FieldError)) {
				errs = append(errs, err)
				continue
			}
		}
		errs = append(errs, s.moveFrom(ctx, ref.ID, ref.State, to, reasonCancelled, codeOccurrenceCancelled))
	}
	return errors.Join(errs...)
}
