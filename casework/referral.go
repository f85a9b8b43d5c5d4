package casework

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Option kinds, as referrals name them.
const (
	KindVolunteer  = "volunteer"
	KindInitiative = "initiative"
	KindProvision  = "provision"
	KindActivity   = "activity"
)

// option is what a referral needs to know of its target.
type option struct {
	meta      care.Meta
	kind      string
	active    bool
	helpTypes []string
	// capacity is the number of places (per occurrence for activities);
	// 0 means open to all (provisions).
	capacity int
	schedule *care.Schedule
}

// lookupOption finds an option by id among the four kinds.
func (s *Service) lookupOption(ctx context.Context, id string) (option, error) {
	if v, err := s.st.Volunteers().Get(ctx, id); err == nil {
		return volunteerOption(v), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if i, err := s.st.Initiatives().Get(ctx, id); err == nil {
		return initiativeOption(i), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if p, err := s.st.Provisions().Get(ctx, id); err == nil {
		return provisionOption(p), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	a, err := s.st.Activities().Get(ctx, id)
	if err != nil {
		return option{}, err
	}
	return activityOption(a), nil
}

// Refer proposes an option for one need of req, which the caller read
// and may act on. The referral starts as proposed and the request
// becomes referred.
func (s *Service) Refer(ctx context.Context, a Actor, req care.Request, f care.ReferralFields) (care.Referral, error) {
	if err := checkNeed(req, f.Need); err != nil {
		return care.Referral{}, err
	}
	opt, err := s.lookupOption(ctx, f.OptionID)
	if errors.Is(err, store.ErrNotFound) {
		return care.Referral{}, invalid("option_id", "names no volunteer, initiative, provision or activity")
	}
	if err != nil {
		return care.Referral{}, err
	}
	now := s.stamp()
	ref, err := proposal(req, opt, f, store.NewID(), now)
	if err != nil {
		return care.Referral{}, err
	}
	evs := []care.Event{referralEvent(a, ref, care.EvReferralProposed, "", care.RefProposed, "", now)}
	coll := s.st.Referrals()
	if err := s.commit(ctx, coll.Name(), ref.ID, ref.Version, evs, func() error { return coll.Insert(ctx, ref) }); err != nil {
		return care.Referral{}, err
	}
	if err := s.ReferralMoved(ctx, a, req.ID, care.RefProposed, now); err != nil {
		return ref, err
	}
	return ref, nil
}

// OccurrenceOf checks that local names a real occurrence of the schedule
// and returns it as an instant.
func OccurrenceOf(sch *care.Schedule, local string) (time.Time, error) {
	if local == "" {
		return time.Time{}, invalid("occurrence", `is required for an activity: the start "YYYY-MM-DDTHH:MM" of the occurrence`)
	}
	loc, err := time.LoadLocation(sch.Timezone)
	if err != nil {
		return time.Time{}, fmt.Errorf("casework: activity time zone %q: %w", sch.Timezone, err)
	}
	at, err := time.ParseInLocation(care.LocalTimeLayout, local, loc)
	if err != nil {
		return time.Time{}, invalid("occurrence", `must be a local date and time "YYYY-MM-DDTHH:MM"`)
	}
	occ, err := sch.Occurrences(at, at.Add(time.Minute))
	if err != nil {
		return time.Time{}, err
	}
	if len(occ) == 0 {
		return time.Time{}, invalid("occurrence", "is not an occurrence of this activity's schedule")
	}
	return at, nil
}

// referralEvent is an event about ref.
func referralEvent(a Actor, ref care.Referral, typ, from, to, code string, at time.Time) care.Event {
	ev := event(a, typ, at)
	ev.Municipality, ev.Team, ev.RequestID, ev.ReferralID = ref.Municipality, ref.Team, ref.RequestID, ref.ID
	ev.OptionID, ev.OptionKind, ev.OwnerID, ev.Need, ev.Occurrence = ref.OptionID, ref.OptionKind, ref.OwnerID, ref.Need, ref.Occurrence
	ev.From, ev.To, ev.Code = from, to, code
	return ev
}

// Pool names the places a referral competes for: the option and, for
// an activity, the occurrence.
func Pool(ref care.Referral) string {
	p := ref.OptionKind + ":" + ref.OptionID
	if ref.OccurrenceAt != nil {
		p += fmt.Sprintf("@%d", ref.OccurrenceAt.Unix())
	}
	return p
}

// Move moves ref, which the caller read, to m.To. asOwner says a is the
// owner of the referral's option (a volunteer or organiser answering);
// otherwise a is a social worker of the request's team, who acts on the
// owner's behalf. It returns the referral as stored.
func (s *Service) Move(ctx context.Context, a Actor, ref care.Referral, m care.Move, asOwner bool) (care.Referral, error) {
	line := func() ([]care.Referral, error) { return s.waitingLine(ctx, ref) }
	if err := checkMove(ref, m, asOwner, line); err != nil {
		return ref, err
	}
	if !asOwner && ref.OwnerID != "" {
		a = a.For(ref.OwnerID)
	}
	return s.apply(ctx, a, ref, m, "")
}

// apply performs a legal move: it claims the referral's next version
// (with the move's events), claims a place, stores the referral, frees
// its place, and hands a freed place to the first in line (promote). A
// move that fails before the referral is stored gives its claims up
// again. code is the event's cause ("promoted", "occurrence_cancelled"…),
// if any. The version claim serialises every change of a referral:
// moves, follow-ups, no-shows and anonymisation alike.
func (s *Service) apply(ctx context.Context, a Actor, ref care.Referral, m care.Move, code string) (care.Referral, error) {
	now := s.stamp()
	next := moved(ref, m, now)
	evs := movedEvents(a, ref, next, m, code, now)
	coll := s.st.Referrals()
	c, err := s.claim(ctx, coll.Name(), ref.ID, next.Version, now, evs)
	if err != nil {
		return ref, err
	}
	var claimed *care.PlaceRef
	undo := func(err error) (care.Referral, error) {
		// The move did not happen: give up the place and the version.
		errs := []error{err}
		if claimed != nil {
			_, rerr := s.st.Places().Release(ctx, claimed.Pool, claimed.Number, ref.ID)
			errs = append(errs, rerr)
		}
		errs = append(errs, c.drop(ctx))
		return ref, errors.Join(errs...)
	}
	if m.To == care.RefAccepted {
		opt, err := s.lookupOption(ctx, ref.OptionID)
		if err != nil {
			return undo(err)
		}
		if claimsPlace(m.To, opt.capacity) {
			n, err := s.st.Places().Claim(ctx, Pool(ref), opt.capacity, ref.ID, now)
			if errors.Is(err, store.ErrFull) {
				return undo(&FullError{Capacity: opt.capacity})
			}
			if err != nil {
				return undo(err)
			}
			claimed = &care.PlaceRef{Pool: Pool(ref), Number: n}
			next.Place = claimed
		}
	}
	freed := freedPlace(ref, m.To)
	if err := coll.Replace(ctx, ref.Version, next); err != nil {
		return undo(err)
	}
	// The place is freed after the referral no longer claims it: a failure
	// in between leaves a place unused, never one given twice. The events
	// go out after that, so that their followers (the engine's places)
	// count the place as free.
	var released error
	if freed != nil {
		_, released = s.st.Places().Release(ctx, freed.Pool, freed.Number, ref.ID)
	}
	c.publish(ctx)
	if released != nil {
		return next, released
	}
	if freed != nil {
		if err := s.promote(ctx, ref); err != nil {
			// The move happened; the line waits for the next freed place.
			s.log.Error("promotion from the waiting list failed", "referral", ref.ID, "pool", freed.Pool, "err", err)
		}
	}
	if err := s.ReferralMoved(ctx, a, ref.RequestID, m.To, now); err != nil {
		return next, err
	}
	return next, nil
}

// moveEvent is the event of ref moving from state from by m.
func moveEvent(a Actor, ref care.Referral, typ, from string, m care.Move, code string, at time.Time) care.Event {
	ev := referralEvent(a, ref, typ, from, m.To, code, at)
	ev.Reason, ev.Outcome = m.Reason, m.Outcome
	return ev
}

// save stores next, one version on from ref, which was read before,
// with its events (follow-ups and no-shows).
func (s *Service) save(ctx context.Context, ref, next care.Referral, evs []care.Event) error {
	coll := s.st.Referrals()
	return s.commit(ctx, coll.Name(), ref.ID, next.Version, evs, func() error { return coll.Replace(ctx, ref.Version, next) })
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
