package casework

import (
	"context"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// FollowUpDone marks follow-up n (1-based, as the path names it) of
// started or finished referral ref done with note.
func (s *Service) FollowUpDone(ctx context.Context, a Actor, ref care.Referral, n, note string) (care.Referral, error) {
	next, ev, err := followedUp(a, ref, n, note, s.stamp())
	if err != nil {
		return ref, err
	}
	if err := s.save(ctx, ref, next, []care.Event{ev}); err != nil {
		return ref, err
	}
	return next, nil
}

// NoShow records that the resident did not come at at, on an accepted or
// started referral.
func (s *Service) NoShow(ctx context.Context, a Actor, ref care.Referral, at time.Time, note string) (care.Referral, error) {
	next, ev, err := noShown(a, ref, at, note, s.stamp())
	if err != nil {
		return ref, err
	}
	if err := s.save(ctx, ref, next, []care.Event{ev}); err != nil {
		return ref, err
	}
	return next, nil
}
