package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/monitor"
	"github.com/dichtbij/dichtbij/store"
)

// Indicators keeps the indicators' facts in step with the store, as
// Sync does for the matching engine: a full load at start, then every
// casework event (this process's and others') and every option written
// (Sync.Written here, the change log for other processes').
type Indicators struct {
	// mu keeps a load, a catch-up and an event's update from running at
	// once: either would read a record and file it in the index a load
	// is about to replace, or file a stale read after it.
	mu  sync.Mutex
	idx *monitor.Index
	st  *store.Store
	// changes is this sync's own cursor in the change log: after a
	// reload it re-applies everything written since the reload began.
	changes *store.ChangeLog
	// events is the casework bus, when the Sync subscribed it.
	events Events
	log    *slog.Logger
	now    func() time.Time
}

// NewIndicators returns a sync of the indicators alone (for tools and
// tests; the server gets one through Sync.WithIndicators).
func NewIndicators(idx *monitor.Index, st *store.Store, log *slog.Logger, now func() time.Time) *Indicators {
	return &Indicators{idx: idx, st: st, changes: st.Changes(), log: log, now: now}
}

// Load reads every record the indicators use into a fresh index and puts
// it in place of the old one, then applies what was written meanwhile:
// the change log's options at once, the casework events from the
// event log's head as it was when the load began (Seek).
func (m *Indicators) Load(ctx context.Context) error {
	seen, err := m.load(ctx)
	if err != nil {
		return err
	}
	if m.events != nil {
		// After the lock is gone: a delivery waits for nothing here. The
		// events since the load began come again now, not at the next
		// write or poll.
		m.events.Seek(indicatorsFollower, seen)
		return m.events.Deliver(ctx)
	}
	return nil
}

// changed re-files the records a casework event names. It takes no lock
// against a load: the index keeps a fact only over an older version, and
// what it files in the index a load is about to replace comes again
// after the load's Seek (Load delivers at once). Waiting for a load
// instead would hold up the delivery, and the write that delivers, for
// as long as the load takes.
func (m *Indicators) changed(ctx context.Context, ev care.Event) error {
	return eachRecordOf(ev, func(coll, id string) error { return m.apply(ctx, coll, id) })
}

// load fills a fresh index and returns the event log's head as it was
// before reading.
func (m *Indicators) load(ctx context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	start := time.Now()
	if _, err := m.changes.Head(ctx); err != nil {
		return 0, err
	}
	seen, err := head(ctx, m.events)
	if err != nil {
		return 0, err
	}
	fresh := monitor.NewIndex()
	var reqs []care.Request
	searches := map[string]*care.Search{}
	if err := m.st.Requests().Each(ctx, func(r care.Request) error {
		reqs = append(reqs, r)
		if r.LastSearch != nil {
			searches[r.LastSearch.ID] = nil
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("follow: indicators: %w", err)
	}
	if err := m.st.Searches().Each(ctx, func(s care.Search) error {
		if _, ok := searches[s.ID]; ok {
			searches[s.ID] = &s
		}
		return nil
	}); err != nil {
		return 0, fmt.Errorf("follow: indicators: %w", err)
	}
	for _, r := range reqs {
		var s *care.Search
		if r.LastSearch != nil {
			s = searches[r.LastSearch.ID]
		}
		fresh.PutRequest(monitor.FromRequest(r, s))
	}
	now := m.now()
	err = errors.Join(
		m.st.Referrals().Each(ctx, func(r care.Referral) error { fresh.PutReferral(monitor.FromReferral(r)); return nil }),
		m.st.Specialists().Each(ctx, func(s care.Specialist) error { fresh.PutSpecialist(monitor.FromSpecialist(s)); return nil }),
		m.st.Volunteers().Each(ctx, func(v care.Volunteer) error { fresh.PutOption(monitor.FromVolunteer(v)); return nil }),
		m.st.Initiatives().Each(ctx, func(i care.Initiative) error { fresh.PutOption(monitor.FromInitiative(i)); return nil }),
		m.st.Provisions().Each(ctx, func(p care.Provision) error { fresh.PutOption(monitor.FromProvision(p)); return nil }),
		m.st.Activities().Each(ctx, func(a care.Activity) error { fresh.PutOption(monitor.FromActivity(a, now)); return nil }),
	)
	if err != nil {
		return 0, fmt.Errorf("follow: indicators: %w", err)
	}
	m.idx.ReplaceWith(fresh)
	m.log.Info("indicators loaded", "requests", len(reqs), "took", time.Since(start).String())
	return seen, m.catchUpLocked(ctx)
}

// apply re-reads one record and files its fact, or drops the fact when
// the record is gone. Collections the indicators do not use are ignored.
func (m *Indicators) apply(ctx context.Context, coll, id string) error {
	err := m.read(ctx, coll, id)
	if errors.Is(err, store.ErrNotFound) {
		m.idx.Delete(factSet(coll), id)
		return nil
	}
	return err
}

func factSet(coll string) monitor.Set {
	switch coll {
	case Requests:
		return monitor.Requests
	case Referrals:
		return monitor.Referrals
	case Specialists:
		return monitor.Specialists
	}
	return monitor.Options
}

func (m *Indicators) read(ctx context.Context, coll, id string) error {
	rec, err := readRecord(ctx, m.st, coll, id)
	if err != nil || rec == nil {
		return err
	}
	return m.put(ctx, rec)
}

// readRecord reads one record of a collection the engine or the
// indicators follow, as its care type; nil for another collection.
func readRecord(ctx context.Context, st *store.Store, coll, id string) (any, error) {
	switch coll {
	case Requests:
		return st.Requests().Get(ctx, id)
	case Referrals:
		return st.Referrals().Get(ctx, id)
	case Specialists:
		return st.Specialists().Get(ctx, id)
	case Volunteers:
		return st.Volunteers().Get(ctx, id)
	case Initiatives:
		return st.Initiatives().Get(ctx, id)
	case Provisions:
		return st.Provisions().Get(ctx, id)
	case Activities:
		return st.Activities().Get(ctx, id)
	}
	return nil, nil
}

// put files the fact of a record as written; a request's latest search
// is read only when it is not the one its fact already has.
func (m *Indicators) put(ctx context.Context, rec any) error {
	switch r := rec.(type) {
	case care.Request:
		if r.LastSearch == nil {
			m.idx.PutRequest(monitor.FromRequest(r, nil))
			return nil
		}
		if id, gaps, ok := m.idx.Search(r.ID); ok && id == r.LastSearch.ID {
			m.idx.PutRequest(monitor.FromRequestGaps(r, gaps))
			return nil
		}
		s, err := m.st.Searches().Get(ctx, r.LastSearch.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var search *care.Search
		if err == nil {
			search = &s
		}
		m.idx.PutRequest(monitor.FromRequest(r, search))
	case care.Referral:
		m.idx.PutReferral(monitor.FromReferral(r))
	case care.Specialist:
		m.idx.PutSpecialist(monitor.FromSpecialist(r))
	case care.Volunteer:
		m.idx.PutOption(monitor.FromVolunteer(r))
	case care.Initiative:
		m.idx.PutOption(monitor.FromInitiative(r))
	case care.Provision:
		m.idx.PutOption(monitor.FromProvision(r))
	case care.Activity:
		m.idx.PutOption(monitor.FromActivity(r, m.now()))
	}
	return nil
}

// CatchUp applies every change-log entry this sync has not seen.
func (m *Indicators) CatchUp(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.catchUpLocked(ctx)
}

func (m *Indicators) catchUpLocked(ctx context.Context) error {
	if err := m.changes.Drain(ctx, func(ch store.Change) error {
		// As in Sync.CatchUp: the indicators follow the change log on
		// their own and must not depend on the engine's sync having read
		// another process's write first.
		if err := refreshForeign(ctx, m.st, ch); err != nil {
			return err
		}
		return m.apply(ctx, ch.Collection, ch.RecordID)
	}); err != nil {
		return fmt.Errorf("follow: indicators: %w", err)
	}
	return nil
}
