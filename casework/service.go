package casework

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// DefaultProposalExpiry is how long a proposed referral waits for an
// answer before the maintenance sweep lets it expire.
const DefaultProposalExpiry = 14 * 24 * time.Hour

// Deps are what a Service is built from.
type Deps struct {
	Store *store.Store
	Bus   *Bus
	Log   *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ProposalExpiry is how long a proposal waits; 0 means the default.
	ProposalExpiry time.Duration
}

// Service applies the casework rules. It is safe for concurrent use, and
// several processes may run one each over the same store: every rule
// that must hold across writers is enforced in the store (claimed
// versions, claimed places), never in memory.
type Service struct {
	st     *store.Store
	bus    *Bus
	log    *slog.Logger
	now    func() time.Time
	expiry time.Duration
}

// New returns a Service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ProposalExpiry == 0 {
		d.ProposalExpiry = DefaultProposalExpiry
	}
	if d.Bus == nil {
		d.Bus = NewBus(d.Store, d.Log, d.Now)
	}
	s := &Service{st: d.Store, bus: d.Bus, log: d.Log, now: d.Now, expiry: d.ProposalExpiry}
	d.Bus.Subscribe("audit", s.audit, auditTypes...)
	d.Bus.Subscribe("notifications", s.notify, care.EvReferralPromoted)
	return s
}

// Bus returns the service's event bus.
func (s *Service) Bus() *Bus { return s.bus }

// stamp is the time of a change as records store it.
func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// event returns an event of type typ made by a at at.
func event(a Actor, typ string, at time.Time) care.Event {
	return care.Event{Type: typ, At: at, By: a.ID, ByRole: a.Role, OnBehalfOf: a.OnBehalfOf}
}

// claim is a claimed record version with the events of its change.
type claim struct {
	entry store.OutboxEntry
	s     *Service
}

// claim claims version of record id in coll, with the events of the
// change that writes it, in the outbox: of two writers of one version
// only one gets the claim, so it is the lock every change of casework's
// records takes before anything else (a place, the write). A claim held
// by another writer is ErrConcurrentChange. Every change claims, even
// one without events.
func (s *Service) claim(ctx context.Context, coll, id string, version int64, at time.Time, evs []care.Event) (*claim, error) {
	e := store.OutboxEntry{ID: store.OutboxID(coll, id, version), Collection: coll, RecordID: id, Version: version, At: at, Events: evs}
	eventIDs(coll, id, version, e.Events)
	if err := s.st.EventOutbox().Claim(ctx, e); errors.Is(err, store.ErrConflict) {
		return nil, ErrConcurrentChange
	} else if err != nil {
		return nil, err
	}
	return &claim{entry: e, s: s}, nil
}

// drop gives the claim up: its change did not happen.
func (c *claim) drop(ctx context.Context) error { return c.s.st.EventOutbox().Drop(ctx, c.entry.ID) }

// publish relays the claim's events to the log and delivers them, after
// the change was written. What fails from here on is healed by the bus's
// Recover, so it is logged, not returned.
func (c *claim) publish(ctx context.Context) {
	s, e := c.s, c.entry
	if len(e.Events) > 0 {
		s.bus.at("written", "", e.Events[0])
	}
	if err := s.bus.relay(ctx, e); err != nil {
		s.log.Error("relaying events; the bus will retry", "outbox", e.ID, "err", err)
		return
	}
	if err := s.bus.Deliver(ctx); err != nil {
		s.log.Error("delivering events; the bus will retry", "outbox", e.ID, "err", err)
	}
}

// commit writes version of record id in coll with its events: claim,
// write, publish; a failed write drops the claim.
func (s *Service) commit(ctx context.Context, coll, id string, version int64, evs []care.Event, write func() error) error {
	c, err := s.claim(ctx, coll, id, version, s.stamp(), evs)
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		return errors.Join(err, c.drop(ctx))
	}
	c.publish(ctx)
	return nil
}
