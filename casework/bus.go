package casework

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Handler handles one event. It must be idempotent: after a crash an
// event may come again (with the same ID). An error stops delivery to
// this subscriber at this event, which comes again on the next pass.
type Handler func(ctx context.Context, ev care.Event) error

// Bus relays the outbox to the event log and delivers the log to its
// subscribers, each from where it stopped (a cursor in the store). It is
// safe for concurrent use; several processes may run one each over the
// same store (a subscriber then sees an event once per process that
// delivers it, and dedupes by ID as after a crash).
type Bus struct {
	st  *store.Store
	log *slog.Logger
	now func() time.Time

	relayMu sync.Mutex // the event log's append guess is not shared
	events  *store.EventLog
	// unmarked are outbox entries relayed by this process and not yet
	// marked so in the store: marking is batched (one write per
	// markEvery entries or per Sync) because a write per change costs an
	// fsync on the embedded store. A crash before the mark relays them
	// again at the restart: duplicates, which subscribers expect.
	unmarked []string

	deliverMu sync.Mutex
	subs      []*subscriber

	// crash, when set by a test, is called at named points between a
	// write and its delivery ("written", "appended", "handled"), with
	// the subscriber ("" before delivery) and the entry's first or the
	// batch's last event; the test's child process exits there as if
	// killed.
	crash func(point, subscriber string, ev care.Event)
}

type subscriber struct {
	name string
	h    Handler
	// types are the event types h wants; nil means every type. Others
	// move the cursor without a call.
	types map[string]bool
	// pos is where delivery stands in this process, loaded from the
	// store on first use; stored tells how far the store knows.
	pos, stored int64
	loaded      bool
	// volatile subscribers keep state in memory (the matching engine,
	// the indicators): their position is never stored, it is set by Seek
	// after each load of that state, and nothing is delivered to them
	// before the first Seek.
	volatile bool
}

// cursorEvery bounds how many events may pass before a cursor is
// stored: what a crash hands over again.
const cursorEvery = 500

// NewBus returns a bus over st.
func NewBus(st *store.Store, log *slog.Logger, now func() time.Time) *Bus {
	if now == nil {
		now = time.Now
	}
	return &Bus{st: st, log: log, now: now, events: st.Events()}
}

// Subscribe adds a durable subscriber for the given event types (none
// means all): its cursor is kept in the store under name, so after a
// restart it resumes at the first event it did not finish. Call before
// the bus delivers.
func (b *Bus) Subscribe(name string, h Handler, types ...string) { b.add(name, h, false, types) }

func (b *Bus) add(name string, h Handler, volatile bool, types []string) {
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	s := &subscriber{name: name, h: h, volatile: volatile}
	if len(types) > 0 {
		s.types = map[string]bool{}
		for _, t := range types {
			s.types[t] = true
		}
	}
	b.subs = append(b.subs, s)
}

// Follow adds a subscriber that keeps state in this process's memory,
// built from the store by a load: its position lives in memory only.
// The load notes Head before it reads the store and calls Seek with it
// once its state is in place; delivery then resumes after that event,
// so every change the load may have missed comes again (handlers are
// idempotent) and none comes that the load did not precede. Other
// processes' changes reach it through the shared log: Deliver hands
// them over.
func (b *Bus) Follow(name string, h Handler, types ...string) { b.add(name, h, true, types) }

// Seek sets the position of the follower name: the next delivery
// starts after event seq.
func (b *Bus) Seek(name string, seq int64) {
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	for _, s := range b.subs {
		if s.name == name && s.volatile {
			s.pos, s.loaded = seq, true
		}
	}
}

// Head is the sequence number of the log's last event, 0 when empty.
func (b *Bus) Head(ctx context.Context) (int64, error) { return b.st.Events().Head(ctx) }

func (b *Bus) at(point, subscriber string, ev care.Event) {
	if b.crash != nil {
		b.crash(point, subscriber, ev)
	}
}

// markEvery is how many relayed entries wait to be marked in one write.
const markEvery = 64

// relay appends e's events to the log; e is marked relayed later (see
// unmarked). A crash in between leaves e pending, and Recover appends
// its events again: that is the "at least once".
func (b *Bus) relay(ctx context.Context, e store.OutboxEntry) error {
	b.relayMu.Lock()
	defer b.relayMu.Unlock()
	for _, ev := range e.Events {
		if _, err := b.events.Append(ctx, ev); err != nil {
			return fmt.Errorf("casework: relay %s: %w", e.ID, err)
		}
	}
	if len(e.Events) > 0 {
		b.at("appended", "", e.Events[0])
	}
	b.unmarked = append(b.unmarked, e.ID)
	if len(b.unmarked) >= markEvery {
		return b.markLocked(ctx)
	}
	return nil
}

// markLocked marks the relayed entries; relayMu is held.
func (b *Bus) markLocked(ctx context.Context) error {
	if err := b.st.EventOutbox().MarkRelayed(ctx, b.unmarked...); err != nil {
		return err
	}
	b.unmarked = b.unmarked[:0]
	return nil
}

// Recover relays the outbox entries left pending by a crash or a failed
// relay: an entry whose record reached its version was written, and its
// events go to the log; an entry older than grace whose record did not
// get there was never written, and is dropped (which frees the version
// it claimed). Entries younger than settle are left alone: another
// process may have relayed them and not marked them yet. A process
// recovers with settle 0 once at its start, when nothing of its own is
// in flight.
func (b *Bus) Recover(ctx context.Context, settle, grace time.Duration) (relayed, dropped int, err error) {
	b.relayMu.Lock()
	err = b.markLocked(ctx)
	b.relayMu.Unlock()
	if err != nil {
		return 0, 0, err
	}
	pending, err := b.st.EventOutbox().Pending(ctx)
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, e := range pending {
		if b.now().Sub(e.At) < settle {
			continue
		}
		v, ok, err := b.st.EventOutbox().RecordVersion(ctx, e.Collection, e.RecordID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		written := ok && v >= e.Version
		if e.Version == deletedVersion {
			written = !ok
		}
		switch {
		case written:
			if err := b.relay(ctx, e); err != nil {
				errs = append(errs, err)
				continue
			}
			relayed++
		case b.now().Sub(e.At) <= grace:
			// A write in flight, or one that failed: wait for the grace.
		default:
			if err := b.st.EventOutbox().Drop(ctx, e.ID); err != nil {
				errs = append(errs, err)
				continue
			}
			b.log.Warn("dropped the events of a write that did not happen", "outbox", e.ID)
			dropped++
		}
	}
	b.relayMu.Lock()
	errs = append(errs, b.markLocked(ctx))
	b.relayMu.Unlock()
	return relayed, dropped, errors.Join(errs...)
}

// Deliver hands every subscriber the events after its cursor, oldest
// first, and moves the cursor past those it handled, in memory; the
// cursor is stored every cursorEvery events and by Sync (each
// maintenance round). Subscribers are idempotent, so a crash before the
// cursor is stored costs a second delivery of what came after it, never
// a lost or doubled effect; storing it after every write would cost a
// synced write per change.
func (b *Bus) Deliver(ctx context.Context) error { return b.deliver(ctx, false) }

// Sync marks what this process relayed, delivers like Deliver and
// stores every cursor that moved.
func (b *Bus) Sync(ctx context.Context) error {
	b.relayMu.Lock()
	err := b.markLocked(ctx)
	b.relayMu.Unlock()
	return errors.Join(err, b.deliver(ctx, true))
}

func (b *Bus) deliver(ctx context.Context, force bool) error {
	const batch = 200
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	var errs []error
	// The subscribers that take part: loaded, and not stopped by an
	// error in this round. The log is read once for all of them, from
	// the lowest position: a read per subscriber would cost every write
	// as many round trips to the store as there are subscribers.
	var ready []*subscriber
	for _, s := range b.subs {
		if s.volatile && !s.loaded {
			continue // its state is not loaded yet; the load will Seek
		}
		if !s.loaded {
			seq, err := b.st.Cursor(ctx, s.name)
			if err != nil {
				errs = append(errs, fmt.Errorf("casework: deliver to %s: %w", s.name, err))
				continue
			}
			s.pos, s.stored, s.loaded = seq, seq, true
		}
		ready = append(ready, s)
	}
	for len(ready) > 0 {
		from := ready[0].pos
		for _, s := range ready[1:] {
			from = min(from, s.pos)
		}
		evs, err := b.events.After(ctx, from, batch)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("casework: deliver: %w", err))...)
		}
		still := ready[:0]
		for _, s := range ready {
			if err := b.handle(ctx, s, evs, force); err != nil {
				errs = append(errs, fmt.Errorf("casework: deliver to %s: %w", s.name, err))
				continue
			}
			still = append(still, s)
		}
		ready = still
		if len(evs) < batch {
			break
		}
	}
	return errors.Join(errs...)
}

// handle hands s the events of evs after its position, moves it past
// those handled and stores its cursor when due. An error stops s at the
// event that failed.
func (b *Bus) handle(ctx context.Context, s *subscriber, evs []store.LoggedEvent, force bool) error {
	handled, last := false, care.Event{}
	var herr error
	for _, ev := range evs {
		if ev.Seq <= s.pos {
			continue
		}
		if s.types == nil || s.types[ev.Type] {
			if herr = s.h(ctx, ev.Event); herr != nil {
				break
			}
			handled, last = true, ev.Event
		}
		s.pos = ev.Seq
	}
	if handled {
		b.at("handled", s.name, last)
	}
	if !s.volatile && s.pos > s.stored && (force || s.pos-s.stored >= cursorEvery) {
		if err := b.st.SetCursor(ctx, s.name, s.pos); err != nil {
			return err
		}
		s.stored = s.pos
	}
	return herr
}

// Run recovers the outbox and delivers every poll until ctx ends; the
// writes of this process also deliver at once (see Service).
func (b *Bus) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	settle := time.Duration(0) // at the start nothing of ours is in flight
	for {
		if _, _, err := b.Recover(ctx, settle, RecoverGrace); err != nil && ctx.Err() == nil {
			b.log.Error("recovering the outbox", "err", err)
		}
		if err := b.Sync(ctx); err != nil && ctx.Err() == nil {
			b.log.Error("delivering events", "err", err)
		}
		settle = RecoverSettle
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RecoverSettle and RecoverGrace are Recover's waits in a running
// process: long past any mark a live process batches (Sync runs every
// maintenance round), and past any write's time-out.
const (
	RecoverSettle = 5 * time.Minute
	RecoverGrace  = 10 * time.Minute
)
