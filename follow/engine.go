// Package follow keeps the in-memory derived state, the matching engine
// and the indicators' facts, in step with the store: it loads everything
// at start, applies each write made through this process at once, and
// follows the change log for writes made by other processes on the same
// store. The HTTP side tells it of writes; start-up runs its loops.
package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/monitor"
	"github.com/dichtbij/dichtbij/store"
)

// Sync keeps the matching engine (and, WithIndicators, the indicators)
// in step with the store.
type Sync struct {
	eng     *matching.Engine
	st      *store.Store
	changes *store.ChangeLog
	log     *slog.Logger
	now     func() time.Time
	// indicators, when set, is told of every write too, and follows the
	// change log and reloads along with the engine.
	indicators *Indicators
}

// New returns the sync of engine eng over st.
func New(eng *matching.Engine, st *store.Store, log *slog.Logger, now func() time.Time) *Sync {
	return &Sync{eng: eng, st: st, changes: st.Changes(), log: log, now: now}
}

// WithIndicators makes the sync keep idx current as well.
func (s *Sync) WithIndicators(idx *monitor.Index) *Sync {
	if idx != nil {
		s.indicators = NewIndicators(idx, s.st, s.log, s.now)
	}
	return s
}

// Indicators returns the indicators' sync, nil without WithIndicators.
func (s *Sync) Indicators() *Indicators { return s.indicators }

// Collections, as named in the change log and the write hook.
const (
	Volunteers  = "volunteers"
	Initiatives = "initiatives"
	Provisions  = "provisions"
	Activities  = "activities"
	Requests    = "requests"
	Referrals   = "referrals"
	Specialists = "specialist_referrals"
)

// Load reads every option into the engine and removes what the store no
// longer has. It notes the change log's head first, so that writes made
// while it loads are applied again by follow (applying is idempotent).
func (s *Sync) Load(ctx context.Context) error {
	start := time.Now()
	if _, err := s.changes.Head(ctx); err != nil {
		return err
	}
	taken, err := s.st.Places().Counts(ctx, "")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	upsert := func(o matching.Option) error {
		seen[o.ID] = true
		withTaken(&o, taken)
		return s.eng.Upsert(o)
	}
	if err := s.st.Volunteers().Each(ctx, func(v care.Volunteer) error { return upsert(fromcare.Volunteer(v)) }); err != nil {
		return err
	}
	if err := s.st.Initiatives().Each(ctx, func(i care.Initiative) error { return upsert(fromcare.Initiative(i)) }); err != nil {
		return err
	}
	wheelchair := map[string]bool{}
	if err := s.st.Provisions().Each(ctx, func(p care.Provision) error {
		o := fromcare.Provision(p)
		wheelchair[p.ID] = o.WheelchairAccess
		return upsert(o)
	}); err != nil {
		return err
	}
	now := s.now()
	if err := s.st.Activities().Each(ctx, func(a care.Activity) error {
		o, err := fromcare.Activity(a, now, wheelchair[a.ProvisionID])
		if err != nil {
			s.log.Warn("activity schedule", "id", a.ID, "err", err)
		}
		return upsert(o)
	}); err != nil {
		return err
	}
	removed := 0
	for _, id := range s.eng.IDs() {
		if !seen[id] {
			s.eng.Remove(id)
			removed++
		}
	}
	s.log.Info("matching engine loaded", "options", len(seen), "removed", removed, "took", time.Since(start).String())
	return nil
}

// apply re-reads one record and puts it in the engine, or takes it out
// when it is gone.
func (s *Sync) apply(ctx context.Context, coll, id string) error {
	switch coll {
	case Volunteers, Initiatives, Provisions, Activities:
	default:
		return nil // not an option collection
	}
	rec, err := readRecord(ctx, s.st, coll, id)
	if errors.Is(err, store.ErrNotFound) {
		s.eng.Remove(id)
		return nil
	}
	if err != nil {
		return err
	}
	var o matching.Option
	switch r := rec.(type) {
	case care.Volunteer:
		o = fromcare.Volunteer(r)
	case care.Initiative:
		o = fromcare.Initiative(r)
	case care.Provision:
		o = fromcare.Provision(r)
	case care.Activity:
		if o, err = s.activity(ctx, r); err != nil {
			return err
		}
	}
	taken, err := s.st.Places().Counts(ctx, optionKey(o.Kind, o.ID))
	if err != nil {
		return err
	}
	withTaken(&o, taken)
	return s.eng.Upsert(o)
}

// optionKey names an option as the place pools do: "<kind>:<id>".
func optionKey(k matching.Kind, id string) string { return k.String() + ":" + id }

// withTaken fills an option's used places from the claimed places per
// pool: "<kind>:<id>" for capacity, "<kind>:<id>@<unix start>" per
// activity occurrence.
func withTaken(o *matching.Option, taken map[string]int) {
	key := optionKey(o.Kind, o.ID)
	if o.Kind != matching.KindActivity {
		o.Used = taken[key]
		return
	}
	for _, t := range o.Occurrences {
		if n := taken[fmt.Sprintf("%s@%d", key, t.Unix())]; n > 0 {
			if o.SpotsTaken == nil {
				o.SpotsTaken = map[int64]int{}
			}
			o.SpotsTaken[t.Unix()] = n
		}
	}
}

// activity converts an activity, taking wheelchair access from its
// provision.
func (s *Sync) activity(ctx context.Context, a care.Activity) (matching.Option, error) {
	wheelchair := false
	if a.ProvisionID != "" {
		p, err := s.st.Provisions().Get(ctx, a.ProvisionID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return matching.Option{}, err
		}
		wheelchair = err == nil && fromcare.Provision(p).WheelchairAccess
	}
	return fromcare.Activity(a, s.now(), wheelchair)
}

// Written is called after this process changed a record: the engine and
// the indicators see it at once, other processes through the change log.
// It is appended first, so that an indicators reload running meanwhile
// re-applies it. A failure here leaves the record written; it is logged,
// and the periodic reload heals the engine and the indicators.
func (s *Sync) Written(ctx context.Context, coll, id string, deleted bool) {
	if _, err := s.changes.Append(ctx, coll, id, deleted, s.now()); err != nil {
		s.log.Error("change log append", "collection", coll, "id", id, "err", err)
	}
	if err := s.apply(ctx, coll, id); err != nil {
		s.log.Error("matching engine update", "collection", coll, "id", id, "err", err)
	}
	if s.indicators != nil {
		if err := s.indicators.apply(ctx, coll, id); err != nil {
			s.log.Error("indicators update", "collection", coll, "id", id, "err", err)
		}
	}
}

// Recorded is Written for the records the engine does not hold
// (requests, referrals, specialist referrals), as the store's write hook
// hands them over: the indicators take the record as written instead of
// reading it again.
func (s *Sync) Recorded(ctx context.Context, coll, id string, rec any) {
	if _, err := s.changes.Append(ctx, coll, id, rec == nil, s.now()); err != nil {
		s.log.Error("change log append", "collection", coll, "id", id, "err", err)
	}
	if s.indicators != nil {
		if err := s.indicators.recorded(ctx, coll, id, rec); err != nil {
			s.log.Error("indicators update", "collection", coll, "id", id, "err", err)
		}
	}
}

// Follow applies other processes' writes until ctx ends: it polls the
// change log every interval, and at once when the server's change streams
// announce an entry (MongoDB); FerretDB has no change streams, so there it
// only polls. Every reload period it reloads everything, which also
// renews activities' upcoming occurrences.
func (s *Sync) Follow(ctx context.Context, interval, reload time.Duration) {
	wake := make(chan struct{}, 1)
	go func() {
		supported, err := s.changes.Watch(ctx, func(store.Change) {
			select {
			case wake <- struct{}{}:
			default:
			}
		})
		switch {
		case err != nil:
			s.log.Warn("change stream ended; polling only", "err", err)
		case !supported:
			s.log.Info("store has no change streams; following the change log by polling", "interval", interval.String())
		}
	}()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	lastReload := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-wake:
		}
		if err := s.CatchUp(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("following change log", "err", err)
		}
		if s.indicators != nil {
			if err := s.indicators.CatchUp(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("following change log for the indicators", "err", err)
			}
		}
		if time.Since(lastReload) >= reload {
			if err := s.Load(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("periodic engine reload", "err", err)
			}
			if s.indicators != nil {
				if err := s.indicators.Load(ctx); err != nil && ctx.Err() == nil {
					s.log.Warn("periodic indicators reload", "err", err)
				}
			}
			lastReload = time.Now()
		}
	}
}

// CatchUp applies every change-log entry not seen yet.
func (s *Sync) CatchUp(ctx context.Context) error {
	if err := s.changes.Drain(ctx, func(ch store.Change) error { return s.apply(ctx, ch.Collection, ch.RecordID) }); err != nil {
		return fmt.Errorf("follow: matching engine: %w", err)
	}
	return nil
}
