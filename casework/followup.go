package casework

import (
	"context"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// FollowUpDone marks follow-up n (1-based, as the path names it) of
// started or finished referral ref done with note.
func (s *Service) FollowUpDone(ctx context.Context, a Actor, ref care.Referral, n, note string) (care.Referral, error) {
	now := s.stamp()
	fs, err := markDone(ref.FollowUps, n, "referral "+ref.ID, note, now)
	if err != nil {
		return ref, err
	}
	next := ref
	next.FollowUps = fs
	next.Version++
	next.UpdatedAt = now
	evs := []care.Event{referralEvent(a, next, care.EvReferralFollowUp, ref.State, ref.State, n, now)}
	if err := s.save(ctx, ref, next, evs); err != nil {
		return ref, err
	}
	return next, nil
}

// NoShow records that the resident did not come at at, on an accepted or
// started referral.
func (s *Service) NoShow(ctx context.Context, a Actor, ref care.Referral, at time.Time, note string) (care.Referral, error) {
	if ref.State != care.RefAccepted && ref.State != care.RefStarted {
		return ref, &StateError{Kind: "referral", State: ref.State, Want: "no-shows are recorded on accepted or started referrals"}
	}
	now := s.stamp()
	next := ref
	next.NoShows = append(slices.Clone(ref.NoShows), care.NoShow{At: at, Note: note, RecordedAt: now})
	next.Version++
	next.UpdatedAt = now
	evs := []care.Event{referralEvent(a, next, care.EvReferralNoShow, ref.State, ref.State, "", now)}
	if err := s.save(ctx, ref, next, evs); err != nil {
		return ref, err
	}
	return next, nil
}
