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

	deliverMu sync.Mutex
	subs      []subscriber

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
}

// NewBus returns a bus over st.
func NewBus(st *store.Store, log *slog.Logger, now func() time.Time) *Bus {
	if now == nil {
		now = time.Now
	}
	return &Bus{st: st, log: log, now: now, events: st.Events()}
}

// Subscribe adds a durable subscriber: its cursor is kept in the store
// under name, so after a restart it resumes at the first event it did
// not finish. Call before the bus delivers.
func (b *Bus) Subscribe(name string, h Handler) {
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	b.subs = append(b.subs, subscriber{name: name, h: h})
}

func (b *Bus) at(point, subscriber string, ev care.Event) {
	if b.crash != nil {
		b.crash(point, subscriber, ev)
	}
}

// relay appends e's events to the log and marks e relayed. A crash in
// between leaves e pending, and Recover appends its events again: that
// is the "at least once".
func (b *Bus) relay(ctx context.Context, e store.OutboxEntry) error {
	b.relayMu.Lock()
	defer b.relayMu.Unlock()
	for _, ev := range e.Events {
		if _, err := b.events.Append(ctx, ev); err != nil {
			return fmt.Errorf("casework: relay %s: %w", e.ID, err)
		}
	}
	b.at("appended", "", e.Events[0])
	return b.st.Outbox().MarkRelayed(ctx, e.ID)
}

// Recover relays the outbox entries left pending by a crash or a failed
// relay: an entry whose record reached its version was written, and its
// events go to the log; an entry older than grace whose record did not
// get there was never written, and is dropped (which frees the version
// it claimed). Younger ones may belong to a write in flight and wait.
func (b *Bus) Recover(ctx context.Context, grace time.Duration) (relayed, dropped int, err error) {
	pending, err := b.st.Outbox().Pending(ctx)
	if err != nil {
		return 0, 0, err
	}
	var errs []error
	for _, e := range pending {
		v, ok, err := b.st.Outbox().RecordVersion(ctx, e.Collection, e.RecordID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch {
		case ok && v >= e.Version:
			if err := b.relay(ctx, e); err != nil {
				errs = append(errs, err)
				continue
			}
			relayed++
		case b.now().Sub(e.At) > grace:
			if err := b.st.Outbox().Drop(ctx, e.ID); err != nil {
				errs = append(errs, err)
				continue
			}
			b.log.Warn("dropped the events of a write that did not happen", "outbox", e.ID)
			dropped++
		}
	}
	return relayed, dropped, errors.Join(errs...)
}

// Deliver hands every subscriber the events after its cursor, oldest
// first, and moves the cursor past those it handled.
func (b *Bus) Deliver(ctx context.Context) error {
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	var errs []error
	for _, s := range b.subs {
		if err := b.deliverTo(ctx, s); err != nil {
			errs = append(errs, fmt.Errorf("casework: deliver to %s: %w", s.name, err))
		}
	}
	return errors.Join(errs...)
}

func (b *Bus) deliverTo(ctx context.Context, s subscriber) error {
	const batch = 200
	seq, err := b.st.Cursor(ctx, s.name)
	if err != nil {
		return err
	}
	for {
		evs, err := b.events.After(ctx, seq, batch)
		if err != nil {
			return err
		}
		done, last := seq, care.Event{}
		var herr error
		for _, ev := range evs {
			if herr = s.h(ctx, ev.Event); herr != nil {
				break
			}
			done, last = ev.Seq, ev.Event
		}
		if done > seq {
			b.at("handled", s.name, last)
			if err := b.st.SetCursor(ctx, s.name, done); err != nil {
				return err
			}
			seq = done
		}
		if herr != nil {
			return herr
		}
		if len(evs) < batch {
			return nil
		}
	}
}

// Run recovers the outbox and delivers every poll until ctx ends; the
// writes of this process also deliver at once (see Service).
func (b *Bus) Run(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, _, err := b.Recover(ctx, time.Minute); err != nil && ctx.Err() == nil {
			b.log.Error("recovering the outbox", "err", err)
		}
		if err := b.Deliver(ctx); err != nil && ctx.Err() == nil {
			b.log.Error("delivering events", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
