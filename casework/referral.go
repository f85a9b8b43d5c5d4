package casework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
		return option{meta: v.Meta, kind: KindVolunteer, active: v.Status == "active", helpTypes: v.HelpTypes, capacity: v.Capacity}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if i, err := s.st.Initiatives().Get(ctx, id); err == nil {
		return option{meta: i.Meta, kind: KindInitiative, active: i.Active == nil || *i.Active, helpTypes: i.HelpTypes, capacity: i.Capacity}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if p, err := s.st.Provisions().Get(ctx, id); err == nil {
		return option{meta: p.Meta, kind: KindProvision, active: p.Active == nil || *p.Active, helpTypes: p.HelpTypes}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	a, err := s.st.Activities().Get(ctx, id)
	if err != nil {
		return option{}, err
	}
	return option{meta: a.Meta, kind: KindActivity, active: a.Active == nil || *a.Active, helpTypes: a.HelpTypes, capacity: a.SpotsPerOccurrence, schedule: a.Schedule}, nil
}

// Refer proposes an option for one need of req, which the caller read
// and may act on. The referral starts as proposed and the request
// becomes referred.
func (s *Service) Refer(ctx context.Context, a Actor, req care.Request, f care.ReferralFields) (care.Referral, error) {
	if !slices.Contains(req.Needs, f.Need) {
		return care.Referral{}, invalid("need", "is not a need of this request (needs: "+strings.Join(req.Needs, ", ")+")")
	}
	opt, err := s.lookupOption(ctx, f.OptionID)
	if err == nil && opt.meta.Municipality != req.Municipality {
		err = store.ErrNotFound // another municipality's option does not exist here
	}
	if errors.Is(err, store.ErrNotFound) {
		return care.Referral{}, invalid("option_id", "names no volunteer, initiative, provision or activity")
	}
	if err != nil {
		return care.Referral{}, err
	}
	switch {
	case !opt.active:
		return care.Referral{}, invalid("option_id", "names an option that is paused or inactive")
	case !slices.Contains(opt.helpTypes, f.Need):
		return care.Referral{}, invalid("option_id", "names an option that does not offer "+f.Need)
	}
	if need := care.ConsentFor(opt.kind); !req.HasConsent(need) {
		return care.Referral{}, &ConsentError{OptionKind: opt.kind, Consent: need}
	}
	now := s.stamp()
	ref := care.Referral{Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: now, UpdatedAt: now,
		Municipality: req.Municipality, Team: req.Team, Subject: req.Subject, OwnerID: opt.meta.OwnerID}, ReferralFields: f,
		RequestID: req.ID, OptionKind: opt.kind, State: care.RefProposed, Steps: []care.Step{{State: care.RefProposed, At: now}}}
	if opt.kind == KindActivity {
		at, err := OccurrenceOf(opt.schedule, f.Occurrence)
		if err != nil {
			return care.Referral{}, err
		}
		ref.OccurrenceAt = &at
	} else if f.Occurrence != "" {
		return care.Referral{}, invalid("occurrence", "only applies to activities")
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
	if asOwner && (m.To == care.RefWaitlisted || m.To == care.RefExpired) {
		return ref, ErrWorkerOnly
	}
	if !asOwner && ref.OwnerID != "" {
		a = a.For(ref.OwnerID)
	}
	if err := s.checkLine(ctx, ref, m); err != nil {
		return ref, err
	}
	if !care.CanMove(ref.State, m.To) {
		return ref, &MoveError{Kind: "referral", From: ref.State, To: m.To, Allowed: care.NextStates(ref.State)}
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
	next := ref
	now := s.stamp()
	next.State = m.To
	next.Reason, next.Outcome = firstNonEmpty(m.Reason, ref.Reason), firstNonEmpty(m.Outcome, ref.Outcome)
	next.Steps = append(slices.Clone(ref.Steps), care.Step{State: m.To, At: now})
	next.Version++
	next.UpdatedAt = now
	evs := []care.Event{moveEvent(a, next, care.ReferralEvent(m.To), ref.State, m, code, now)}
	if code == codePromoted {
		evs = append(evs, moveEvent(a, next, care.EvReferralPromoted, ref.State, m, code, now))
	}
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
		if opt.capacity > 0 {
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
	freed := ref.Place
	if care.HoldsPlace(m.To) {
		freed = nil
	} else {
		next.Place = nil
	}
	if m.To == care.RefStarted {
		next.FollowUps = care.FollowUpsFrom(now)
	}
	if err := coll.Replace(ctx, ref.Version, next); err != nil {
		return undo(err)
	}
	c.publish(ctx)
	// The place is freed after the referral no longer claims it: a failure
	// in between leaves a place unused, never one given twice.
	if claimed != nil {
		s.placesChanged(ctx, ref)
	}
	if freed != nil {
		if _, err := s.st.Places().Release(ctx, freed.Pool, freed.Number, ref.ID); err != nil {
			return next, err
		}
		s.placesChanged(ctx, ref)
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

func (s *Service) placesChanged(ctx context.Context, ref care.Referral) {
	if s.places != nil {
		s.places.PlacesChanged(ctx, ref.OptionKind, ref.OptionID)
	}
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
