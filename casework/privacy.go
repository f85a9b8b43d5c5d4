package casework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// reasonHelperLeft is what the referrals of an erased account's options say.
const reasonHelperLeft = "the helper left dichtbij"

// HelperLeft ends the open referrals to the options of account id, which
// is being erased (freeing their places and telling the workers by the
// state), then strips every referral to its options of the owner and of
// free text; state, steps, need and kind stay for statistics.
func (s *Service) HelperLeft(ctx context.Context, id string) error {
	refs, err := s.st.Referrals().OwnedBy(ctx, id)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if to := endTarget(ref.State, care.ClosureWithdrawn); to != "" {
			if err := s.moveFrom(ctx, ref.ID, ref.State, to, reasonHelperLeft, codeHelperLeft); err != nil {
				return fmt.Errorf("casework: end referral %s: %w", ref.ID, err)
			}
		}
	}
	for _, ref := range refs {
		if err := s.anonymiseReferral(ctx, ref.ID, true); err != nil {
			return err
		}
	}
	return nil
}

// anonymiseReferral strips a referral of what could point to a person:
// the free text (note, reason, outcome) and, when owner is true, the
// owner. State, steps, need, option kind and area stay for statistics.
// It retries while a concurrent move changes the referral.
func (s *Service) anonymiseReferral(ctx context.Context, id string, owner bool) error {
	coll := s.st.Referrals()
	for attempt := 0; ; attempt++ {
		ref, err := coll.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("anonymise referral %s: %w", id, err)
		}
		now := s.stamp()
		next := ref
		next.Note, next.Reason, next.Outcome, next.Subject = "", "", "", ""
		next.FollowUps, next.NoShows = slices.Clone(ref.FollowUps), slices.Clone(ref.NoShows)
		for i := range next.FollowUps {
			next.FollowUps[i].Note = ""
		}
		for i := range next.NoShows {
			next.NoShows[i].Note = ""
		}
		if owner {
			next.OwnerID = ""
		}
		if next.AnonymisedAt == nil {
			next.AnonymisedAt = &now
		}
		next.Version, next.UpdatedAt = ref.Version+1, now
		evs := []care.Event{referralEvent(Actor{}, next, care.EvReferralAnonymous, ref.State, ref.State, "", now)}
		err = s.commit(ctx, coll.Name(), id, next.Version, evs, func() error { return coll.Replace(ctx, ref.Version, next) })
		retry := errors.Is(err, ErrConcurrentChange) || errors.Is(err, store.ErrConflict)
		if !retry || attempt >= 50 {
			if err != nil {
				return fmt.Errorf("anonymise referral %s: %w", id, err)
			}
			return nil
		}
	}
}

// ClosedAt is when req last closed, and false when it is not closed.
func ClosedAt(req care.Request) (time.Time, bool) {
	if n := len(req.Steps); req.Status == care.ReqClosed && n > 0 && req.Steps[n-1].State == care.ReqClosed {
		return req.Steps[n-1].At, true
	}
	return time.Time{}, false
}

// AnonymiseClosed anonymises every request closed before cutoff that
// still holds personal data, with its referrals and specialist
// referrals. A request reopened in the meantime is not closed and is
// left alone. It returns how many requests it anonymised.
func (s *Service) AnonymiseClosed(ctx context.Context, cutoff time.Time) (int, error) {
	closed, err := s.st.Requests().InStatus(ctx, care.ReqClosed)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, req := range closed {
		at, ok := ClosedAt(req)
		if req.AnonymisedAt != nil || !ok || at.After(cutoff) {
			continue
		}
		if err := s.anonymise(ctx, req.ID, cutoff); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// anonymise strips one request of its personal data: the alias, the free
// text, the household, the location (its area codes stay) and the
// resident's age, time windows and languages, and consent history. Needs,
// life-domain scores, urgency, target groups, area, status, steps and
// consents stay for monitoring. The referrals and specialist referrals
// lose their free text first, so a failure leaves the request to be tried
// again in the next run.
func (s *Service) anonymise(ctx context.Context, id string, cutoff time.Time) error {
	refs, err := s.st.Referrals().OfRequest(ctx, id)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if ref.AnonymisedAt != nil {
			continue
		}
		if err := s.anonymiseReferral(ctx, ref.ID, false); err != nil {
			return fmt.Errorf("casework: retention of request %s: %w", id, err)
		}
	}
	specs, err := s.st.Specialists().OfRequest(ctx, id)
	if err != nil {
		return err
	}
	stamp := s.stamp()
	coll := s.st.Specialists()
	for _, sp := range specs {
		next := sp
		next.Reasons = slices.Clone(sp.Reasons)
		for i := range next.Reasons {
			next.Reasons[i].Text = ""
		}
		if next.Override != nil {
			next.Override = &care.SafetyOverride{}
		}
		next.Provider, next.Outcome = "", ""
		next.FollowUps = slices.Clone(sp.FollowUps)
		for i := range next.FollowUps {
			next.FollowUps[i].Note = ""
		}
		next.Version, next.UpdatedAt = sp.Version+1, stamp
		ev := event(Actor{}, care.EvSpecialistAnonym, stamp)
		ev.Municipality, ev.Team, ev.RequestID, ev.SpecialistID = sp.Municipality, sp.Team, sp.RequestID, sp.ID
		if err := s.commit(ctx, coll.Name(), sp.ID, next.Version, []care.Event{ev}, func() error { return coll.Replace(ctx, sp.Version, next) }); err != nil {
			return fmt.Errorf("casework: retention of request %s: specialist referral %s: %w", id, sp.ID, err)
		}
	}
	_, err = s.updateRequest(ctx, Actor{}, id, func(next *care.Request) error {
		if at, ok := ClosedAt(*next); !ok || at.After(cutoff) || next.AnonymisedAt != nil {
			return errNoChange // reopened meanwhile, or done by another process
		}
		next.ResidentAlias, next.OwnStrength, next.Network, next.ClosureNote, next.HouseholdID = "", "", "", "", ""
		next.Location, next.ResidentAge, next.ConsentHistory = nil, nil, nil
		next.ResidentAccount, next.Subject = "", ""
		if next.Constraints != nil {
			c := *next.Constraints
			c.TimeWindows, c.Languages = []care.WeeklySlot{}, []string{}
			next.Constraints = &c
		}
		next.AnonymisedAt = &stamp
		return nil
	})
	if err != nil {
		return fmt.Errorf("casework: retention of request %s: %w", id, err)
	}
	return nil
}
