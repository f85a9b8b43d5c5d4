// Package follow keeps the in-memory derived state, the matching engine
// and the indicators' facts, in step with the store: it loads everything
// at start, then follows what changes. Casework (requests, referrals,
// specialist referrals and the places they hold) reaches it as casework
// events from the bus, this process's at once and other processes'
// through the shared event log; the options, which are not casework,
// are told by the HTTP side (Written) and reach other processes through
// the store's change log. Start-up runs its loops.
package follow

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
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
	// events is the casework bus, once Subscribe was called.
	events Events
	// applying serialises apply per option (by a hash of its id): an
	// edit keeping the engine's count of taken places and a referral
	// event counting them again must not interleave, or the older count
	// could win.
	applying [64]sync.Mutex
}

// Events is the casework event bus as the syncs follow it (see
// casework.Bus.Follow).
type Events interface {
	Follow(name string, h casework.Handler, types ...string)
	Seek(name string, seq int64)
	Head(ctx context.Context) (int64, error)
	Deliver(ctx context.Context) error
}

// Follower names on the bus.
const (
	engineFollower     = "matching-engine"
	indicatorsFollower = "indicators"
	mirrorsFollower    = "store-mirrors"
)

// Subscribe makes the engine (and the indicators) followers of the
// casework events on bus: a referral's move updates its option's places,
// any change re-files the records it names. Call it before Load, which
// sets where the followers resume.
func (s *Sync) Subscribe(bus Events) *Sync {
	s.events = bus
	bus.Follow(engineFollower, s.placesMoved)
	bus.Follow(mirrorsFollower, s.refreshMirrors)
	if s.indicators != nil {
		s.indicators.events = bus
		bus.Follow(indicatorsFollower, s.indicators.changed)
	}
	return s
}

// FromHead makes the followers resume after the event log's last event:
// for an engine and indicators that hold the store's state without a
// Load (a new store, a test).
func (s *Sync) FromHead(ctx context.Context) error {
	if s.events == nil {
		return nil
	}
	seq, err := head(ctx, s.events)
	if err != nil {
		return err
	}
	s.events.Seek(engineFollower, seq)
	s.events.Seek(mirrorsFollower, seq)
	if s.indicators != nil {
		s.events.Seek(indicatorsFollower, seq)
	}
	return nil
}

// refreshMirrors reads the casework records an event names again into
// the store's in-memory mirrors: a change another process made reaches
// this one's lists so (this process's own writes are there already).
func (s *Sync) refreshMirrors(ctx context.Context, ev care.Event) error {
	return eachRecordOf(ev, func(coll, id string) error { return s.st.Refresh(ctx, coll, id) })
}

// eachRecordOf calls fn with each casework record ev names: its request,
// referral and specialist referral, where it has them.
func eachRecordOf(ev care.Event, fn func(coll, id string) error) error {
	for _, r := range [...]struct{ coll, id string }{{Requests, ev.RequestID}, {Referrals, ev.ReferralID}, {Specialists, ev.SpecialistID}} {
		if r.id == "" {
			continue
		}
		if err := fn(r.coll, r.id); err != nil {
			return err
		}
	}
	return nil
}

// refreshForeign reads a record another process changed into st's
// mirror; this store's own writes are there already (reading each again
// scanned its collection: 566 finds of volunteers in a minute of the
// team load).
func refreshForeign(ctx context.Context, st *store.Store, ch store.Change) error {
	if ch.Origin == st.Origin() {
		return nil
	}
	return st.Refresh(ctx, ch.Collection, ch.RecordID)
}

// placesMoved counts again the pool in which a referral's move claimed
// or freed a place, with the option the event names: the one thing of
// casework the engine holds. A move that moves no place changes nothing
// here.
func (s *Sync) placesMoved(ctx context.Context, ev care.Event) error {
	if ev.OptionID == "" || ev.Pool == "" {
		return nil
	}
	return s.apply(ctx, collectionOf(ev.OptionKind), ev.OptionID, ev.Pool)
}

// collectionOf names the collection of an option kind as casework
// names it; "" for another kind, which apply ignores.
func collectionOf(kind string) string {
	switch kind {
	case casework.KindVolunteer:
		return Volunteers
	case casework.KindInitiative:
		return Initiatives
	case casework.KindProvision:
		return Provisions
	case casework.KindActivity:
		return Activities
	}
	return ""
}

// head is the bus's last event, noted before a load reads the store; 0
// without a bus.
func head(ctx context.Context, bus Events) (int64, error) {
	if bus == nil {
		return 0, nil
	}
	seq, err := bus.Head(ctx)
	if err != nil {
		return 0, fmt.Errorf("follow: event log head: %w", err)
	}
	return seq, nil
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
	seen, err := head(ctx, s.events)
	if err != nil {
		return err
	}
	if err := s.load(ctx); err != nil {
		return err
	}
	if s.events != nil {
		// What a handler upserted while the load ran may have been
		// overwritten by the load's older read; every event since the
		// load began comes again, now.
		s.events.Seek(engineFollower, seen)
		s.events.Seek(mirrorsFollower, seen)
		if err := s.events.Deliver(ctx); err != nil {
			return err
		}
	}
	docs, bytes := s.st.MirrorSize()
	s.log.Info("matching engine loaded", "options", s.eng.Len(), "mirrored_documents", docs, "mirrored_bytes", bytes, "took", time.Since(start).String())
	return nil
}

func (s *Sync) load(ctx context.Context) error {
	// The mirrors first: the engine's reads below come from them.
	if err := s.st.LoadMirrors(ctx); err != nil {
		return err
	}
	taken, err := s.st.Places().Counts(ctx)
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
	for _, id := range s.eng.IDs() {
		if !seen[id] {
			s.eng.Remove(id)
		}
	}
	return nil
}

// apply re-reads one record and puts it in the engine, or takes it out
// when it is gone. The option keeps the taken places the engine holds,
// but for pool (a referral event's, or ""), which is counted again; an
// option new to the engine has its pools counted. Counting by option
// scanned every place on the embedded store, which finds by _id only:
// 41 ms a referral event under the team load, growing with the places.
func (s *Sync) apply(ctx context.Context, coll, id, pool string) error {
	switch coll {
	case Volunteers, Initiatives, Provisions, Activities:
	default:
		return nil // not an option collection
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	mu := &s.applying[h.Sum32()%uint32(len(s.applying))]
	mu.Lock()
	defer mu.Unlock()
	rec, err := readRecord(ctx, s.st, coll, id)
	if errors.Is(err, store.ErrNotFound) && pool != "" {
		// A referral moved in a pool of an option this process's mirror
		// may not have caught up with (another process wrote both): ask
		// the server. (The option cannot be gone: it has a referral.)
		if err := s.st.Refresh(ctx, coll, id); err != nil {
			return err
		}
		rec, err = readRecord(ctx, s.st, coll, id)
	}
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
	if err := s.taken(ctx, &o, pool); err != nil {
		return err
	}
	return s.eng.Upsert(o)
}

// taken fills o's taken places: those the engine holds, with pool counted
// again. An option the engine does not hold yet is new since the load
// (which counted every place): its places are those the referral events
// after it name, so only pool is counted. Each pool costs its capacity in
// lookups by _id, whatever the number of places stored.
func (s *Sync) taken(ctx context.Context, o *matching.Option, pool string) error {
	if used, spots, ok := s.eng.Taken(o.ID); ok {
		o.Used, o.SpotsTaken = used, spots
	}
	if pool == "" {
		return nil
	}
	return s.countPool(ctx, o, pool)
}

// countPool counts the claimed places of one pool of o into o: Used for
// "<kind>:<id>", SpotsTaken for "<kind>:<id>@<unix start>". A pool of
// another option, or of an occurrence o no longer has, changes nothing.
func (s *Sync) countPool(ctx context.Context, o *matching.Option, pool string) error {
	key, at, perOccurrence := strings.Cut(pool, "@")
	if key != optionKey(o.Kind, o.ID) {
		return nil
	}
	var start int64
	if perOccurrence {
		var err error
		if start, err = strconv.ParseInt(at, 10, 64); err != nil {
			return fmt.Errorf("follow: place pool %q: %w", pool, err)
		}
		if !slices.ContainsFunc(o.Occurrences, func(t time.Time) bool { return t.Unix() == start }) {
			return nil
		}
	}
	n, err := s.st.Places().InPool(ctx, pool, o.Capacity)
	if err != nil {
		return err
	}
	switch {
	case !perOccurrence:
		o.Used = n
	case n > 0:
		if o.SpotsTaken == nil {
			o.SpotsTaken = map[int64]int{}
		}
		o.SpotsTaken[start] = n
	default:
		delete(o.SpotsTaken, start)
	}
	return nil
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
	if err := s.apply(ctx, coll, id, ""); err != nil {
		s.log.Error("matching engine update", "collection", coll, "id", id, "err", err)
	}
	if s.indicators != nil {
		if err := s.indicators.apply(ctx, coll, id); err != nil {
			s.log.Error("indicators update", "collection", coll, "id", id, "err", err)
		}
	}
}

// Follow applies other processes' writes until ctx ends: it polls the
// change log and delivers the event log's new events every interval,
// and at once when the server's change streams announce a change-log
// entry (MongoDB); FerretDB has no change streams, so there it only
// polls. Every reload period it reloads everything, which also
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
		if s.events != nil {
			if err := s.events.Deliver(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("following the event log", "err", err)
			}
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
	if err := s.changes.Drain(ctx, func(ch store.Change) error {
		if err := refreshForeign(ctx, s.st, ch); err != nil {
			return err
		}
		return s.apply(ctx, ch.Collection, ch.RecordID, "")
	}); err != nil {
		return fmt.Errorf("follow: matching engine: %w", err)
	}
	return nil
}
