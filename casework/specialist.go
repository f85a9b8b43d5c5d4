package casework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// ReferSpecialist refers needs of req, which the caller read and may act
// on, to specialist care. It is refused with a *GateError listing what
// is missing unless a zero-line search ran after the needs last changed
// and every need has a reason, or a safety override with a reason is
// given.
//
// The gate and the closure work per need: the zero-line referrals for
// the referred needs that did not start expire or end, and the request
// closes (closure specialist) only when every one of its needs is in
// specialist care; until then it stays open for the others, so that one
// household can have a zero-line arrangement for one need and
// specialist care for another.
func (s *Service) ReferSpecialist(ctx context.Context, a Actor, req care.Request, f care.SpecialistFields) (care.Specialist, error) {
	earlier, err := s.st.Specialists().OfRequest(ctx, req.ID)
	if err != nil {
		return care.Specialist{}, err
	}
	now := s.stamp()
	sp, closes, err := specialistReferral(req, earlier, f, store.NewID(), now)
	if err != nil {
		return care.Specialist{}, err
	}
	ev := specialistMade(a, sp, now)
	coll := s.st.Specialists()
	if err := s.commit(ctx, coll.Name(), sp.ID, sp.Version, []care.Event{ev}, func() error { return coll.Insert(ctx, sp) }); err != nil {
		return care.Specialist{}, err
	}
	if closes {
		if _, err := s.updateRequest(ctx, a, req.ID, specialistClosing(f)); err != nil {
			if derr := coll.Delete(ctx, sp.ID); derr != nil {
				return care.Specialist{}, errors.Join(err, derr)
			}
			return care.Specialist{}, err
		}
	}
	if err := s.endOpen(ctx, req.ID, care.ClosureSpecialist, f.Needs); err != nil {
		s.log.Error("ending the referrals of needs referred to specialist care", "request", req.ID, "err", err)
	}
	return sp, nil
}

// EndSpecialist ends specialist care sp, which the caller read: the
// step-down. Follow-ups are set 4 and 12 weeks on. A request that was
// closed by specialist care reopens for a new zero-line search; one that
// stayed open for its other needs counts the step-down and asks for a
// new search before the gate (its needs changed, in effect).
func (s *Service) EndSpecialist(ctx context.Context, a Actor, sp care.Specialist, e care.SpecialistEnd) (care.Specialist, error) {
	now := s.stamp()
	next, ev, err := specialistEnded(a, sp, e, now)
	if err != nil {
		return sp, err
	}
	coll := s.st.Specialists()
	if err := s.commit(ctx, coll.Name(), sp.ID, next.Version, []care.Event{ev}, func() error { return coll.Replace(ctx, sp.Version, next) }); err != nil {
		return sp, err
	}
	if _, err := s.updateRequest(ctx, a, sp.RequestID, steppedDown(now)); err != nil {
		return next, err
	}
	return next, nil
}

// SpecialistFollowUpDone marks follow-up n (1-based, as the path names
// it) of ended specialist referral sp done with note.
func (s *Service) SpecialistFollowUpDone(ctx context.Context, a Actor, sp care.Specialist, n, note string) (care.Specialist, error) {
	now := s.stamp()
	next, ev, err := specialistFollowedUp(a, sp, n, note, now)
	if err != nil {
		return sp, err
	}
	coll := s.st.Specialists()
	if err := s.commit(ctx, coll.Name(), sp.ID, next.Version, []care.Event{ev}, func() error { return coll.Replace(ctx, sp.Version, next) }); err != nil {
		return sp, err
	}
	return next, nil
}

// markDone returns follow-ups with the one named by the 1-based n (a
// path parameter) done at now with note; of is the record's name in the
// errors.
func markDone(fs []care.FollowUp, n, of, note string, now time.Time) ([]care.FollowUp, error) {
	i, err := strconv.Atoi(n)
	if err != nil || i < 1 || i > len(fs) {
		return nil, &NotFoundError{Kind: "follow-up", ID: n, Detail: fmt.Sprintf("%s has no follow-up %s; it has %d (numbered from 1)", of, n, len(fs))}
	}
	if done := fs[i-1].DoneAt; done != nil {
		return nil, &DoneError{What: fmt.Sprintf("follow-up %d was done", i), At: *done}
	}
	fs = slices.Clone(fs)
	fs[i-1].DoneAt, fs[i-1].Note = &now, note
	return fs, nil
}
