package casework

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// codePromoted marks the acceptance of a referral that moved up from the
// waiting line; its audit reason says so in words.
const (
	codePromoted   = "promoted"
	reasonPromoted = "promoted from the waiting list"
)

// promote gives the places freed in the pool of freed to the referrals
// waiting for it, first come first served, until the pool is full again.
func (s *Service) promote(ctx context.Context, freed care.Referral) error {
	line, err := s.waitingLine(ctx, freed)
	if err != nil {
		return err
	}
	for _, w := range line {
		err := s.promoteOne(ctx, w)
		if errors.As(err, new(*FullError)) {
			return nil // someone else took the place: the line waits
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// promoteOne accepts waitlisted referral w for the system. A concurrent
// move of w is retried on the referral as it then is, as long as it still
// waits.
func (s *Service) promoteOne(ctx context.Context, w care.Referral) error {
	const attempts, pause = 200, 5 * time.Millisecond
	for i := 0; ; i++ {
		_, err := s.apply(ctx, Actor{}, w, care.Move{To: care.RefAccepted, Reason: reasonPromoted}, codePromoted)
		if !errors.Is(err, ErrConcurrentChange) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		cur, err := s.st.Referrals().Get(ctx, w.ID)
		if err != nil {
			return err
		}
		if cur.State != care.RefWaitlisted || i == attempts {
			return nil
		}
		w = cur
	}
}

// waitingLine returns the waitlisted referrals of ref's pool (option and
// occurrence), first in line first: by when they were waitlisted, then id.
func (s *Service) waitingLine(ctx context.Context, ref care.Referral) ([]care.Referral, error) {
	waiting, err := s.st.Referrals().ToOptionInState(ctx, ref.OptionID, care.RefWaitlisted)
	if err != nil {
		return nil, err
	}
	var line []care.Referral
	for _, w := range waiting {
		if Pool(w) == Pool(ref) {
			line = append(line, w)
		}
	}
	sortLine(line)
	return line, nil
}

// Notifications returns the in-app notifications of a referral, oldest
// first. The only ones there are tell of a promotion from the waiting
// list, so a referral that never waited has none, and costs no read:
// the embedded store finds them by scanning every notification.
func (s *Service) Notifications(ctx context.Context, ref care.Referral) ([]care.Notification, error) {
	if _, waited := ref.EnteredAt(care.RefWaitlisted); !waited {
		return []care.Notification{}, nil
	}
	page, err := s.st.Notifications().OfReferral(ctx, ref.ID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(page, func(a, b care.Notification) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return append([]care.Notification{}, page...), nil
}
