package casework

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// The rules of casework as pure functions: each takes records as read
// and the time of the change, and returns the records as they must be
// stored (or a typed error). The Service applies them against the store,
// with its claims, places and events; the Book applies them to records
// in memory, for loading a generated year in bulk (the demo). Both call
// these and nothing else decides a change, so the two cannot drift apart
// and the demo cannot show a state the workflow forbids.

// checkNeed refuses a referral for a need the request does not have.
func checkNeed(req care.Request, need string) error {
	if !slices.Contains(req.Needs, need) {
		return invalid("need", "is not a need of this request (needs: "+strings.Join(req.Needs, ", ")+")")
	}
	return nil
}

// proposal is the new referral of need f.Need of req to opt, made at now
// with id, or why it is refused.
func proposal(req care.Request, opt option, f care.ReferralFields, id string, now time.Time) (care.Referral, error) {
	if err := checkNeed(req, f.Need); err != nil {
		return care.Referral{}, err
	}
	switch {
	case opt.meta.Municipality != req.Municipality:
		// Another municipality's option does not exist here.
		return care.Referral{}, invalid("option_id", "names no volunteer, initiative, provision or activity")
	case !opt.active:
		return care.Referral{}, invalid("option_id", "names an option that is paused or inactive")
	case !slices.Contains(opt.helpTypes, f.Need):
		return care.Referral{}, invalid("option_id", "names an option that does not offer "+f.Need)
	}
	if need := care.ConsentFor(opt.kind); !req.HasConsent(need) {
		return care.Referral{}, &ConsentError{OptionKind: opt.kind, Consent: need}
	}
	ref := care.Referral{Meta: care.Meta{ID: id, Version: 1, CreatedAt: now, UpdatedAt: now,
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
	return ref, nil
}

// checkMove refuses a move the workflow forbids: waiting and expiring
// are the worker's; a waitlisted referral is accepted only first in
// line (line loads the waiting line of its pool, only when needed); the
// rest is the lifecycle (care.CanMove).
func checkMove(ref care.Referral, m care.Move, asOwner bool, line func() ([]care.Referral, error)) error {
	if asOwner && (m.To == care.RefWaitlisted || m.To == care.RefExpired) {
		return ErrWorkerOnly
	}
	if ref.State == care.RefWaitlisted && m.To == care.RefAccepted {
		l, err := line()
		if err != nil {
			return err
		}
		if err := lineError(ref, l); err != nil {
			return err
		}
	}
	if !care.CanMove(ref.State, m.To) {
		return &MoveError{Kind: "referral", From: ref.State, To: m.To, Allowed: care.NextStates(ref.State)}
	}
	return nil
}

// moved is ref after the legal move m at now, one version on: its step,
// words, follow-ups when it starts, and no place once it holds none.
// The place an acceptance claims is the caller's (claimsPlace).
func moved(ref care.Referral, m care.Move, now time.Time) care.Referral {
	next := ref
	next.State = m.To
	next.Reason, next.Outcome = firstNonEmpty(m.Reason, ref.Reason), firstNonEmpty(m.Outcome, ref.Outcome)
	next.Steps = append(slices.Clone(ref.Steps), care.Step{State: m.To, At: now})
	next.Version++
	next.UpdatedAt = now
	if !care.HoldsPlace(m.To) {
		next.Place = nil
	}
	if m.To == care.RefStarted {
		next.FollowUps = care.FollowUpsFrom(now)
	}
	return next
}

// movedEvents are the events of ref moving to next by m; a promotion
// also says so.
func movedEvents(a Actor, ref, next care.Referral, m care.Move, code string, now time.Time) []care.Event {
	ev := moveEvent(a, next, care.ReferralEvent(m.To), ref.State, m, code, now)
	if freed := freedPlace(ref, m.To); freed != nil {
		ev.Pool = freed.Pool
	} else if m.To == care.RefAccepted {
		ev.Pool = Pool(ref)
	}
	evs := []care.Event{ev}
	if code == codePromoted {
		evs = append(evs, moveEvent(a, next, care.EvReferralPromoted, ref.State, m, code, now))
	}
	return evs
}

// claimsPlace reports whether a move to state to claims a place of an
// option with capacity places (0: open to all).
func claimsPlace(to string, capacity int) bool { return to == care.RefAccepted && capacity > 0 }

// freedPlace is the place ref gives up by moving to state to, if any.
func freedPlace(ref care.Referral, to string) *care.PlaceRef {
	if care.HoldsPlace(to) {
		return nil
	}
	return ref.Place
}

// sortLine puts the waitlisted referrals of one pool in line order:
// first come (by when they were waitlisted) first served, then by id.
func sortLine(line []care.Referral) {
	since := func(w care.Referral) time.Time { at, _ := w.EnteredAt(care.RefWaitlisted); return at }
	slices.SortFunc(line, func(a, b care.Referral) int {
		return cmp.Or(since(a).Compare(since(b)), cmp.Compare(a.ID, b.ID))
	})
}

// lineError refuses accepting waitlisted ref while others in line (in
// line order) wait ahead of it (a *LineError).
func lineError(ref care.Referral, line []care.Referral) error {
	for i, w := range line {
		if w.ID == ref.ID {
			if i == 0 {
				return nil
			}
			return &LineError{Ahead: i}
		}
	}
	return nil
}

// stepped makes next the version of cur changed at at: one version on
// and, when its status changed, a legal move (a *MoveError otherwise)
// with its step.
func stepped(cur care.Request, next *care.Request, at time.Time) error {
	next.Version = cur.Version + 1
	next.UpdatedAt = at
	if next.Status != cur.Status {
		if !care.CanMoveRequest(cur.Status, next.Status) {
			return requestMoveError(cur, next.Status)
		}
		next.Steps = append(next.Steps, care.Step{State: next.Status, At: at})
	}
	return nil
}

// closing is the change of a request the worker closes with x.
func closing(x care.Close) func(*care.Request) error {
	return func(r *care.Request) error {
		if r.Status == care.ReqClosed {
			return requestMoveError(*r, care.ReqClosed)
		}
		r.Status, r.Closure, r.ClosureNote = care.ReqClosed, x.Closure, x.Note
		return nil
	}
}

// searched is the change of a request whose latest search is search: the
// first search moves it from open to searched.
func searched(search care.SearchRef) func(*care.Request) error {
	return func(r *care.Request) error {
		r.LastSearch = &search
		if r.Status == care.ReqOpen {
			r.Status = care.ReqSearched
		}
		return nil
	}
}

// referralMoved is the change of a request one of whose referrals
// entered state to at at (see Service.ReferralMoved); errNoChange when
// it changes nothing.
func referralMoved(to string, at time.Time) func(*care.Request) error {
	at = at.UTC().Truncate(time.Millisecond)
	earliest := func(t **time.Time) bool {
		if *t == nil || at.Before(**t) {
			*t = &at
			return true
		}
		return false
	}
	return func(r *care.Request) error {
		changed := false
		switch to {
		case care.RefProposed:
			if r.Status == care.ReqOpen || r.Status == care.ReqSearched {
				r.Status, changed = care.ReqReferred, true
			}
		case care.RefAccepted:
			changed = earliest(&r.FirstContactAt)
		case care.RefStarted:
			changed = earliest(&r.MatchedAt)
			if r.FirstContactAt == nil {
				r.FirstContactAt, changed = &at, true
			}
			if r.Status == care.ReqOpen || r.Status == care.ReqSearched || r.Status == care.ReqReferred {
				r.Status, changed = care.ReqInProgress, true
			}
		}
		if !changed {
			return errNoChange
		}
		return nil
	}
}

// sysMove is a move the system makes of a referral still in state from.
type sysMove struct{ id, from, to, reason, code string }

// closingMoves are the moves of refs when their request closes with
// closure (endTarget); with needs, of those for one of these needs only
// (the needs that went to specialist care).
func closingMoves(refs []care.Referral, closure string, needs []string) []sysMove {
	var out []sysMove
	for _, ref := range refs {
		if needs != nil && !slices.Contains(needs, ref.Need) {
			continue
		}
		if to := endTarget(ref.State, closure); to != "" {
			out = append(out, sysMove{ref.ID, ref.State, to, "the request was closed: " + closure, codeRequestClosed})
		}
	}
	return out
}

// staleMove is what the maintenance sweep does with ref at now, if
// anything; closure is its request's, "" while the request is open.
func staleMove(ref care.Referral, closure string, now time.Time, expiry time.Duration) (sysMove, bool) {
	if len(care.NextStates(ref.State)) == 0 {
		return sysMove{}, false
	}
	if closure != "" {
		ms := closingMoves([]care.Referral{ref}, closure, nil)
		return firstMove(ms)
	}
	switch at, _ := ref.EnteredAt(ref.State); ref.State {
	case care.RefProposed:
		if now.Sub(at) > expiry {
			return sysMove{ref.ID, ref.State, care.RefExpired, noAnswerReason(expiry), codeNoAnswer}, true
		}
	case care.RefWaitlisted:
		if ref.OccurrenceAt != nil && !ref.OccurrenceAt.After(now) {
			return sysMove{ref.ID, ref.State, care.RefExpired, "the occurrence began while the referral waited", codeOccurrenceBegan}, true
		}
	}
	return sysMove{}, false
}

func firstMove(ms []sysMove) (sysMove, bool) {
	if len(ms) == 0 {
		return sysMove{}, false
	}
	return ms[0], true
}

// specialistReferral is the new specialist referral of f for req, made
// at now with id, given the request's earlier ones; closes says whether
// the request closes with it, every one of its needs being in
// specialist care then. It refuses what the gate and the per-need rule
// refuse.
func specialistReferral(req care.Request, earlier []care.Specialist, f care.SpecialistFields, id string, now time.Time) (sp care.Specialist, closes bool, err error) {
	for i, n := range f.Needs {
		if !slices.Contains(req.Needs, n) {
			return sp, false, invalid(needsField(i), n+" is not a need of this request")
		}
	}
	if req.Status == care.ReqClosed {
		return sp, false, requestMoveError(req, care.ReqClosed)
	}
	if missing := care.Gate(req, f); len(missing) > 0 {
		return sp, false, &GateError{Missing: missing}
	}
	for _, e := range earlier {
		for i, n := range f.Needs {
			if e.EndedAt == nil && slices.Contains(e.Needs, n) {
				return sp, false, invalid(needsField(i), n+" is in specialist care already (specialist referral "+e.ID+")")
			}
		}
	}
	sp = care.Specialist{Meta: care.Meta{ID: id, Version: 1, CreatedAt: now, UpdatedAt: now,
		Municipality: req.Municipality, Team: req.Team, Subject: req.Subject}, SpecialistFields: f,
		RequestID: req.ID, SafetyOverride: f.Override != nil}
	if req.LastSearch != nil {
		sp.SearchID = req.LastSearch.ID
	}
	inCare := slices.Clone(f.Needs)
	for _, e := range earlier {
		if e.EndedAt == nil {
			inCare = append(inCare, e.Needs...)
		}
	}
	closes = true
	for _, n := range req.Needs {
		closes = closes && slices.Contains(inCare, n)
	}
	return sp, closes, nil
}

// specialistClosing is the change of a request closed by specialist
// referral f: the gate is checked again on the request as it then is.
func specialistClosing(f care.SpecialistFields) func(*care.Request) error {
	return func(r *care.Request) error {
		if r.Status == care.ReqClosed {
			return requestMoveError(*r, care.ReqClosed)
		}
		if missing := care.Gate(*r, f); len(missing) > 0 {
			return &GateError{Missing: missing}
		}
		r.Status, r.Closure = care.ReqClosed, care.ClosureSpecialist
		return nil
	}
}

// specialistMade is the event of a new specialist referral.
func specialistMade(a Actor, sp care.Specialist, now time.Time) care.Event {
	ev := event(a, care.EvSpecialistMade, now)
	ev.Municipality, ev.Team, ev.RequestID, ev.SpecialistID, ev.Needs = sp.Municipality, sp.Team, sp.RequestID, sp.ID, sp.Needs
	if sp.SafetyOverride {
		ev.Code = "safety_override"
	}
	return ev
}

// specialistEnded is sp ended at now with e (the step-down), with its
// follow-ups, and its event.
func specialistEnded(a Actor, sp care.Specialist, e care.SpecialistEnd, now time.Time) (care.Specialist, care.Event, error) {
	if sp.EndedAt != nil {
		return sp, care.Event{}, &DoneError{What: "this specialist referral ended", At: *sp.EndedAt, Ended: true}
	}
	next := sp
	next.EndedAt, next.Outcome = &now, e.Outcome
	next.FollowUps = care.FollowUpsFrom(now)
	next.Version++
	next.UpdatedAt = now
	ev := event(a, care.EvSpecialistEnded, now)
	ev.Municipality, ev.Team, ev.RequestID, ev.SpecialistID, ev.Needs = sp.Municipality, sp.Team, sp.RequestID, sp.ID, sp.Needs
	return next, ev, nil
}

// steppedDown is the change of a request whose specialist care ended at
// now: closed by specialist care, it reopens; kept open by its other
// needs, it counts the step-down; either way a new search is due.
func steppedDown(now time.Time) func(*care.Request) error {
	return func(r *care.Request) error {
		switch {
		case r.Status == care.ReqClosed && r.Closure == care.ClosureSpecialist:
			r.Status, r.Closure, r.ClosureNote = care.ReqOpen, "", ""
		case r.Status != care.ReqClosed:
			// A combined arrangement: the other needs kept it open.
		default:
			return errNoChange // closed otherwise: nothing to reopen
		}
		r.NeedsChangedAt = now
		r.StepDowns++
		return nil
	}
}

// noShown is ref with a no-show at at recorded at now, and its event.
func noShown(a Actor, ref care.Referral, at time.Time, note string, now time.Time) (care.Referral, care.Event, error) {
	if ref.State != care.RefAccepted && ref.State != care.RefStarted {
		return ref, care.Event{}, &StateError{Kind: "referral", State: ref.State, Want: "no-shows are recorded on accepted or started referrals"}
	}
	next := ref
	next.NoShows = append(slices.Clone(ref.NoShows), care.NoShow{At: at, Note: note, RecordedAt: now})
	next.Version++
	next.UpdatedAt = now
	return next, referralEvent(a, next, care.EvReferralNoShow, ref.State, ref.State, "", now), nil
}

// followedUp is ref with its follow-up n done at now, and its event.
func followedUp(a Actor, ref care.Referral, n, note string, now time.Time) (care.Referral, care.Event, error) {
	fs, err := markDone(ref.FollowUps, n, "referral "+ref.ID, note, now)
	if err != nil {
		return ref, care.Event{}, err
	}
	next := ref
	next.FollowUps = fs
	next.Version++
	next.UpdatedAt = now
	return next, referralEvent(a, next, care.EvReferralFollowUp, ref.State, ref.State, n, now), nil
}

// specialistFollowedUp is sp with its follow-up n done at now, and its
// event.
func specialistFollowedUp(a Actor, sp care.Specialist, n, note string, now time.Time) (care.Specialist, care.Event, error) {
	fs, err := markDone(sp.FollowUps, n, "specialist referral "+sp.ID, note, now)
	if err != nil {
		return sp, care.Event{}, err
	}
	next := sp
	next.FollowUps = fs
	next.Version++
	next.UpdatedAt = now
	ev := event(a, care.EvSpecialistFollowUp, now)
	ev.Municipality, ev.Team, ev.RequestID, ev.SpecialistID, ev.Code = sp.Municipality, sp.Team, sp.RequestID, sp.ID, n
	return next, ev, nil
}

// eventIDs names the events of the change that writes version of record
// id in coll after its outbox entry, as every subscriber dedupes by them.
func eventIDs(coll, id string, version int64, evs []care.Event) {
	for i := range evs {
		evs[i].ID = store.OutboxID(coll, id, version) + "/" + evs[i].Type
	}
}

func needsField(i int) string { return fmt.Sprintf("needs[%d]", i) }

// noAnswerReason is the audit reason of a proposal that expired.
func noAnswerReason(expiry time.Duration) string {
	return fmt.Sprintf("no answer within %d days", int(expiry.Hours()/24))
}

// The options as referrals see them, for the Service's lookup and the
// Book alike.

func volunteerOption(v care.Volunteer) option {
	return option{meta: v.Meta, kind: KindVolunteer, active: v.Status == "active", helpTypes: v.HelpTypes, capacity: v.Capacity}
}

func initiativeOption(i care.Initiative) option {
	return option{meta: i.Meta, kind: KindInitiative, active: i.Active == nil || *i.Active, helpTypes: i.HelpTypes, capacity: i.Capacity}
}

func provisionOption(p care.Provision) option {
	return option{meta: p.Meta, kind: KindProvision, active: p.Active == nil || *p.Active, helpTypes: p.HelpTypes}
}

func activityOption(a care.Activity) option {
	return option{meta: a.Meta, kind: KindActivity, active: a.Active == nil || *a.Active, helpTypes: a.HelpTypes, capacity: a.SpotsPerOccurrence, schedule: a.Schedule}
}
