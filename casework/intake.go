package casework

import (
	"context"
	"errors"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// deletedVersion is the version an outbox entry of a deletion names: the
// deletion is confirmed by the record being gone.
const deletedVersion = -1

// OpenRequest stores a new support request, built and checked by the
// caller from what the worker (or, later, the resident) entered, with
// its event.
func (s *Service) OpenRequest(ctx context.Context, a Actor, req care.Request) error {
	ev := requestEvent(a, care.EvRequestOpened, req, "", req.CreatedAt)
	coll := s.st.Requests()
	return s.commit(ctx, coll.Name(), req.ID, req.Version, []care.Event{ev}, func() error { return coll.Insert(ctx, req) })
}

// EditRequest stores next over version prev of a request: the worker's
// change of its fields; the caller kept the lifecycle fields as they
// were and moved NeedsChangedAt to this change when the needs changed,
// which the event says (a new search is then due before the gate).
func (s *Service) EditRequest(ctx context.Context, a Actor, prev int64, next care.Request) error {
	code := ""
	if next.NeedsChangedAt.Equal(next.UpdatedAt) {
		code = "needs_changed"
	}
	ev := requestEvent(a, care.EvRequestEdited, next, code, next.UpdatedAt)
	coll := s.st.Requests()
	return s.commit(ctx, coll.Name(), next.ID, next.Version, []care.Event{ev}, func() error { return coll.Replace(ctx, prev, next) })
}

// DeleteRequest deletes request req, with its event.
func (s *Service) DeleteRequest(ctx context.Context, a Actor, req care.Request) error {
	ev := requestEvent(a, care.EvRequestDeleted, req, "", s.stamp())
	coll := s.st.Requests()
	err := s.commit(ctx, coll.Name(), req.ID, deletedVersion, []care.Event{ev}, func() error { return coll.Delete(ctx, req.ID) })
	if errors.Is(err, ErrConcurrentChange) {
		// Deleted already, by another caller at the same moment.
		return &NotFoundError{Kind: "support request", ID: req.ID}
	}
	return err
}

// requestEvent is an event about request req.
func requestEvent(a Actor, typ string, req care.Request, code string, at time.Time) care.Event {
	ev := event(a, typ, at.UTC().Truncate(time.Millisecond))
	ev.Municipality, ev.Team, ev.RequestID, ev.Needs, ev.To, ev.Code = req.Municipality, req.Team, req.ID, req.Needs, req.Status, code
	return ev
}
