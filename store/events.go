package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/dichtbij/dichtbij/care"
)

// The domain's events travel in three collections:
//
//   - outbox: one entry per write, inserted before the write under the id
//     of the record version it creates, so that it doubles as the claim
//     on that version (of two writers of one version only one inserts);
//   - events: the log subscribers read, gapless by sequence number like
//     the change log, filled from the outbox once the write is known to
//     have happened;
//   - event_cursors: per subscriber, the last sequence number it handled.
//
// The store has no multi-document transactions, so "written with the
// change" means: the entry exists before the change, and the change is
// confirmed by the record reaching the entry's version. An entry whose
// record never got there (the writer crashed or failed between the two)
// is dropped by Recover after a grace period.
const (
	eventOutboxName = "event_outbox"
	eventsName      = "events"
	cursorsName     = "event_cursors"
)

// OutboxEntry is the events of one write of one record.
type OutboxEntry struct {
	// ID is "<collection>:<record id>@<version>".
	ID         string       `bson:"_id"`
	Collection string       `bson:"collection"`
	RecordID   string       `bson:"record_id"`
	Version    int64        `bson:"version"`
	At         time.Time    `bson:"at"`
	Events     []care.Event `bson:"events"`
	// Relayed is set once the events are in the log.
	Relayed bool `bson:"relayed"`
}

// The outbox's queries; an index in indexes.go serves each.
var (
	outboxPending       = newQuery(eventOutboxName, "EventOutbox.Pending", "relayed").sortedBy("at")
	outboxRelayedBefore = newQuery(eventOutboxName, "EventOutbox.SweepRelayed", "relayed").rangeOn("at")
)

// relayedDoc and cursorDoc are the fields the outbox and the cursors set.
type (
	relayedDoc struct {
		Relayed bool `bson:"relayed"`
	}
	cursorDoc struct {
		Seq int64 `bson:"seq"`
	}
)

// OutboxID names the entry of a record version.
func OutboxID(collection, recordID string, version int64) string {
	return fmt.Sprintf("%s:%s@%d", collection, recordID, version)
}

// EventOutbox holds the events of writes until they are in the event log.
type EventOutbox struct {
	s *Store
	c *mongo.Collection
}

// EventOutbox returns the outbox of the domain's events.
func (s *Store) EventOutbox() *EventOutbox {
	return &EventOutbox{s: s, c: s.db.Collection(eventOutboxName)}
}

// Claim inserts e before its write; ErrConflict means another writer
// claimed the same record version.
func (o *EventOutbox) Claim(ctx context.Context, e OutboxEntry) error {
	if e.ID == "" {
		e.ID = OutboxID(e.Collection, e.RecordID, e.Version)
	}
	_, err := o.c.InsertOne(ctx, e)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: outbox %s: %w", e.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: outbox %s: %w", e.ID, err)
	}
	return nil
}

// Drop removes an entry whose write did not happen.
func (o *EventOutbox) Drop(ctx context.Context, id string) error {
	if _, err := o.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return fmt.Errorf("store: outbox drop %s: %w", id, err)
	}
	return nil
}

// MarkRelayed notes that the entries' events are in the log: in one
// write on MongoDB; on FerretDB one write per entry by _id, because it
// answers an $in by reading the whole outbox (236 ms an update under the
// team load, against well under a millisecond per entry by _id).
func (o *EventOutbox) MarkRelayed(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	set := bson.D{{Key: "$set", Value: relayedDoc{Relayed: true}}}
	if o.s.ferret {
		for _, id := range ids {
			if _, err := o.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, set); err != nil {
				return fmt.Errorf("store: outbox relayed %s: %w", id, err)
			}
		}
		return nil
	}
	_, err := o.c.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, set)
	if err != nil {
		return fmt.Errorf("store: outbox relayed %d entries: %w", len(ids), err)
	}
	return nil
}

// Pending returns the entries not relayed yet, oldest first.
func (o *EventOutbox) Pending(ctx context.Context) ([]OutboxEntry, error) {
	cur, err := o.c.Find(ctx, outboxPending.filter(false), options.Find().SetSort(outboxPending.order()))
	if err != nil {
		return nil, fmt.Errorf("store: outbox pending: %w", err)
	}
	var out []OutboxEntry
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: outbox pending: %w", err)
	}
	return out, nil
}

// SweepRelayed deletes relayed entries older than cutoff: by then no
// writer still holds a read of the version they claimed.
func (o *EventOutbox) SweepRelayed(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := o.c.DeleteMany(ctx, outboxRelayedBefore.filterRange([]any{true}, bson.D{{Key: "$lt", Value: cutoff}}))
	if err != nil {
		return 0, fmt.Errorf("store: outbox sweep: %w", err)
	}
	return res.DeletedCount, nil
}

// RecordVersion returns the version of record id in collection, and
// false when there is no such record.
func (o *EventOutbox) RecordVersion(ctx context.Context, collection, id string) (int64, bool, error) {
	var doc struct {
		Version int64 `bson:"version"`
	}
	err := o.s.db.Collection(collection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: version of %s %s: %w", collection, id, err)
	}
	return doc.Version, true, nil
}

// LoggedEvent is an event in the log with its sequence number.
type LoggedEvent struct {
	ID         string `bson:"_id"`
	Seq        int64  `bson:"seq"`
	care.Event `bson:",inline"`
}

func eventSeqID(seq int64) string { return fmt.Sprintf("evt-%016d", seq) }

// EventLog is the gapless log of delivered-to-be events. Sequence numbers
// are claimed by inserting under them, as in the change log.
type EventLog struct {
	c    *mongo.Collection
	last int64 // where the next append starts guessing; not shared
}

// Events returns the event log; one per appender.
func (s *Store) Events() *EventLog { return &EventLog{c: s.db.Collection(eventsName)} }

func (l *EventLog) exists(ctx context.Context, seq int64) (bool, error) {
	ok, err := hasID(ctx, l.c, eventSeqID(seq))
	if err != nil {
		return false, fmt.Errorf("store: event log: %w", err)
	}
	return ok, nil
}

// Head returns the highest sequence number in the log (0 when empty).
func (l *EventLog) Head(ctx context.Context) (int64, error) {
	return FindHead(l.last, func(seq int64) (bool, error) { return l.exists(ctx, seq) })
}

// Append adds ev to the log and returns its sequence number. Callers
// that append from several goroutines use one EventLog each, or hold a
// lock: the guess is not synchronised.
func (l *EventLog) Append(ctx context.Context, ev care.Event) (int64, error) {
	guess := l.last + 1
	for attempt := 0; attempt < 64; attempt++ {
		_, err := l.c.InsertOne(ctx, LoggedEvent{ID: eventSeqID(guess), Seq: guess, Event: ev})
		if err == nil {
			l.last = guess
			return guess, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("store: event log append: %w", err)
		}
		head, err := FindHead(guess, func(seq int64) (bool, error) { return l.exists(ctx, seq) })
		if err != nil {
			return 0, err
		}
		guess = head + 1
	}
	return 0, errors.New("store: event log append: no free sequence number after 64 attempts")
}

// After returns up to max events after sequence number seq, oldest first.
func (l *EventLog) After(ctx context.Context, seq int64, max int) ([]LoggedEvent, error) {
	var out []LoggedEvent
	for len(out) < max {
		var ev LoggedEvent
		err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: eventSeqID(seq + 1)}}).Decode(&ev)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("store: event log read: %w", err)
		}
		out = append(out, ev)
		seq++
	}
	return out, nil
}

// Cursor returns where subscriber name stopped: the sequence number of
// the last event it handled, 0 before the first.
func (s *Store) Cursor(ctx context.Context, name string) (int64, error) {
	var doc struct {
		Seq int64 `bson:"seq"`
	}
	err := s.db.Collection(cursorsName).FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: cursor %s: %w", name, err)
	}
	return doc.Seq, nil
}

// SetCursor stores where subscriber name stopped.
func (s *Store) SetCursor(ctx context.Context, name string, seq int64) error {
	_, err := s.db.Collection(cursorsName).UpdateOne(ctx, bson.D{{Key: "_id", Value: name}},
		bson.D{{Key: "$set", Value: cursorDoc{Seq: seq}}}, options.Update().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: cursor %s: %w", name, err)
	}
	return nil
}
