package casework

import (
	"context"
	"errors"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// notify is the subscriber that writes in-app notifications. Each
// notification's id is derived from its event's, so an event delivered
// twice writes it once.
func (s *Service) notify(ctx context.Context, ev care.Event) error {
	// Service.Notifications reads them only for a referral that waited:
	// a notification of another kind must change that too.
	if ev.Type != care.EvReferralPromoted {
		return nil
	}
	what := "the referral for " + ev.Need
	if ev.Occurrence != "" {
		what += " on " + ev.Occurrence
	}
	texts := map[string]string{
		care.ToWorker: "A place came free: " + what + " moved up from the waiting list and is now accepted.",
		care.ToOwner:  "A place came free: " + what + " moved up from your waiting list and now holds a place with you.",
	}
	for _, to := range []string{care.ToWorker, care.ToOwner} {
		n := care.Notification{ID: ev.ID + ":" + to, At: ev.At,
			ReferralID: ev.ReferralID, RequestID: ev.RequestID, OptionID: ev.OptionID, To: to, Kind: care.KindPromoted, Text: texts[to]}
		if err := s.st.Notifications().Insert(ctx, n); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return nil
}
