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

// errNoChange tells updateRequest that a change has nothing to do, so
// nothing is written.
var errNoChange = errors.New("casework: request unchanged")

// updateAttempts bounds the read-change-replace retries of updateRequest.
const updateAttempts = 8

// updateRequest applies change to the current version of request id and
// stores it with a version check, reading again and retrying when another
// write came in between. When the status changed it checks the move with
// care.CanMoveRequest (a *MoveError otherwise), appends a care.Step and
// records the move in the audit trail as a. The events of the change are
// derived from what changed (requestEvents). A change returning
// errNoChange writes nothing; any other error is returned as is. It
// returns the request as stored.
func (s *Service) updateRequest(ctx context.Context, a Actor, id string, change func(*care.Request) error) (care.Request, error) {
	coll := s.st.Requests()
	for attempt := 0; attempt < updateAttempts; attempt++ {
		cur, err := coll.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return cur, &NotFoundError{Kind: "support request", ID: id}
		}
		if err != nil {
			return cur, err
		}
		next := cur
		next.Steps = slices.Clone(cur.Steps)
		if err := change(&next); errors.Is(err, errNoChange) {
			return cur, nil
		} else if err != nil {
			return cur, err
		}
		at := s.stamp()
		if err := stepped(cur, &next, at); err != nil {
			return cur, err
		}
		// The claim of the next version in the outbox lets one change of
		// that version through on the embedded store, where the version
		// check of Replace is not atomic.
		err = s.commit(ctx, coll.Name(), id, next.Version, requestEvents(a, cur, next, at), func() error {
			return coll.Replace(ctx, cur.Version, next)
		})
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, store.ErrConflict) && !errors.Is(err, ErrConcurrentChange) {
			return cur, err
		}
		select {
		case <-ctx.Done():
			return cur, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * time.Millisecond):
		}
	}
	return care.Request{}, fmt.Errorf("casework: request %s changed too often: %w", id, store.ErrConflict)
}

// requestEvents are the events of a request changing from cur to next.
func requestEvents(a Actor, cur, next care.Request, at time.Time) []care.Event {
	var evs []care.Event
	add := func(typ, code string) {
		ev := event(a, typ, at)
		ev.Municipality, ev.Team, ev.RequestID = next.Municipality, next.Team, next.ID
		ev.From, ev.To, ev.Code = cur.Status, next.Status, code
		evs = append(evs, ev)
	}
	if next.LastSearch != nil && (cur.LastSearch == nil || cur.LastSearch.ID != next.LastSearch.ID) {
		add(care.EvRequestSearched, "")
	}
	if next.Status == care.ReqReferred && cur.Status != care.ReqReferred {
		add(care.EvRequestReferred, "")
	}
	if !sameTime(cur.FirstContactAt, next.FirstContactAt) {
		add(care.EvRequestContacted, "")
	}
	if !sameTime(cur.MatchedAt, next.MatchedAt) {
		add(care.EvRequestMatched, "")
	}
	if next.Status == care.ReqClosed && cur.Status != care.ReqClosed {
		add(care.EvRequestClosed, next.Closure)
		evs[len(evs)-1].Reason = next.ClosureNote
	}
	if cur.Status == care.ReqClosed && next.Status != care.ReqClosed {
		add(care.EvRequestReopened, "step_down")
	}
	if next.StepDowns > cur.StepDowns {
		add(care.EvRequestStepDown, "")
	}
	if cur.ResidentAccount != "" && next.ResidentAccount == "" {
		add(care.EvRequestUnlinked, "")
	}
	if cur.AnonymisedAt == nil && next.AnonymisedAt != nil {
		add(care.EvRequestAnonymous, "retention")
	}
	if len(evs) == 0 {
		add(care.EvRequestUpdated, "")
	}
	return evs
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// Close closes request id as resolved locally or withdrawn, with an
// optional note. Its referrals that did not start expire (proposed,
// waitlisted) or end (accepted); started ones end too when it was
// withdrawn, and go on when it was resolved locally.
func (s *Service) Close(ctx context.Context, a Actor, id string, x care.Close) (care.Request, error) {
	req, err := s.updateRequest(ctx, a, id, closing(x))
	if err != nil {
		return req, err
	}
	if err := s.endOpen(ctx, req.ID, x.Closure, nil); err != nil {
		// The request is closed; the maintenance sweep ends what is left.
		s.log.Error("ending the referrals of a closed request", "request", req.ID, "err", err)
	}
	return req, nil
}

// RecordSearch points request id at its latest zero-line search, stored
// first by the caller; the first search moves it from open to searched.
func (s *Service) RecordSearch(ctx context.Context, a Actor, id string, search care.SearchRef) error {
	_, err := s.updateRequest(ctx, a, id, searched(search))
	if err != nil {
		return fmt.Errorf("casework: record search on request %s: %w", id, err)
	}
	return nil
}

// Search stores a zero-line search of request id as a and points the
// request at it; it returns the search as stored.
func (s *Service) Search(ctx context.Context, a Actor, id string, needs []care.SearchNeed) (care.Search, error) {
	now := s.stamp()
	search := care.Search{Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: now, UpdatedAt: now}, RequestID: id, Needs: needs}
	if err := s.st.Searches().Insert(ctx, search); err != nil {
		return search, err
	}
	return search, s.RecordSearch(ctx, a, id, care.SearchRef{ID: search.ID, At: now})
}

// UnlinkResident removes the link of every request to the resident
// account id, which is being erased; the requests stay as the team's
// case file.
func (s *Service) UnlinkResident(ctx context.Context, a Actor, id string) error {
	linked, err := s.st.Requests().OfResident(ctx, id)
	if err != nil {
		return err
	}
	for _, req := range linked {
		if _, err := s.updateRequest(ctx, a, req.ID, func(r *care.Request) error {
			r.ResidentAccount, r.Subject = "", ""
			return nil
		}); err != nil {
			return fmt.Errorf("casework: unlink request %s: %w", req.ID, err)
		}
	}
	return nil
}

// ReferralMoved keeps a request in step with one of its referrals that
// entered state to at the given time (care.RefProposed on creation):
//   - proposed: the request becomes referred (from open or searched);
//   - accepted: first_contact_at is set, or moved earlier;
//   - started: matched_at is set (first_contact_at too if missing) and
//     the request becomes in_progress (from open, searched or referred).
//
// Other states change nothing. A closed request keeps its status. It is
// idempotent and safe to call concurrently. The referral methods call it
// after each move; others call it to replay a referral's history.
func (s *Service) ReferralMoved(ctx context.Context, a Actor, requestID, to string, at time.Time) error {
	_, err := s.updateRequest(ctx, a, requestID, referralMoved(to, at))
	return err
}
