package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Change is one entry of the change log: a record of some collection was
// written or deleted. Processes sharing a store follow the log to keep
// their in-memory state (the matching engine) current.
type Change struct {
	// ID is "chg-" and the zero-padded sequence number, so that each
	// entry is found by _id equality, the one lookup the embedded store
	// serves from an index.
	ID         string    `bson:"_id"`
	Seq        int64     `bson:"seq"`
	Collection string    `bson:"collection"`
	RecordID   string    `bson:"record_id"`
	Deleted    bool      `bson:"deleted"`
	At         time.Time `bson:"at"`
	// Origin is the Store that appended the entry (Store.Origin): its
	// own mirrors hold the write already, and need not read it again.
	Origin string `bson:"origin,omitempty"`
}

const changesName = "changes"

func changeID(seq int64) string { return fmt.Sprintf("chg-%016d", seq) }

// ChangeLog appends to and reads the change log. Sequence numbers are
// claimed by inserting the entry under its number: the insert is atomic on
// both stores, a duplicate-key error means another process took that
// number, and the writer tries the next. So the log has no gaps, and a
// reader walks it by _id equality without scanning.
type ChangeLog struct {
	c *mongo.Collection
	// appending lets one append of this process at a time guess a number:
	// appends racing within a process all guessed the same next number,
	// and all but one then probed for the head and guessed again (568
	// inserts and 1,160 probes for 50 option writes in 37 s of the team
	// load). Other processes still take numbers; a conflict with one of
	// them costs a probe.
	appending sync.Mutex
	origin    string // the appending Store's Origin
	mu        sync.Mutex
	head      int64 // the read cursor: the last entry Next returned
	// last is the highest sequence number this log appended or found,
	// where the next append starts guessing. It is apart from head: an
	// append must not make Next skip the entries before it.
	last int64
}

// Changes returns the change log. Each process should hold one.
func (s *Store) Changes() *ChangeLog {
	return &ChangeLog{c: s.db.Collection(changesName), origin: s.origin}
}

func (l *ChangeLog) exists(ctx context.Context, seq int64) (bool, error) {
	ok, err := hasID(ctx, l.c, changeID(seq))
	if err != nil {
		return false, fmt.Errorf("store: change log: %w", err)
	}
	return ok, nil
}

// findHead returns the highest existing sequence number, at least from.
func (l *ChangeLog) findHead(ctx context.Context, from int64) (int64, error) {
	return FindHead(from, func(seq int64) (bool, error) { return l.exists(ctx, seq) })
}

// FindHead returns the highest sequence number of a gapless log that
// exists, given that from exists (or is 0), with O(log n) calls of
// exists: double the step until a number is free, then bisect. Logs that
// claim numbers by inserting under them (the change log, the access log)
// find their head this way with _id lookups only.
func FindHead(from int64, exists func(seq int64) (bool, error)) (int64, error) {
	lo, step := from, int64(1)
	for {
		ok, err := exists(lo + step)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		lo += step
		step *= 2
	}
	hi := lo + step // free
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := exists(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// Head returns the sequence number of the newest entry (0 when empty) and
// remembers it, so that Next returns only later entries.
func (l *ChangeLog) Head(ctx context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, err := l.findHead(ctx, l.head)
	if err != nil {
		return 0, err
	}
	l.head = h
	return h, nil
}

// Append records a change and returns its sequence number.
func (l *ChangeLog) Append(ctx context.Context, collection, recordID string, deleted bool, at time.Time) (int64, error) {
	l.appending.Lock()
	defer l.appending.Unlock()
	l.mu.Lock()
	guess := max(l.head, l.last) + 1
	l.mu.Unlock()
	for attempt := 0; attempt < 64; attempt++ {
		ch := Change{ID: changeID(guess), Seq: guess, Collection: collection, RecordID: recordID, Deleted: deleted, At: at.UTC(), Origin: l.origin}
		_, err := l.c.InsertOne(ctx, ch)
		if err == nil {
			l.mu.Lock()
			l.last = max(l.last, guess)
			l.mu.Unlock()
			return guess, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("store: change log append: %w", err)
		}
		head, err := l.findHead(ctx, guess)
		if err != nil {
			return 0, err
		}
		guess = head + 1
	}
	return 0, errors.New("store: change log append: no free sequence number after 64 attempts")
}

// Next returns the entries after the last one seen, oldest first, at most
// max of them, and advances past them.
func (l *ChangeLog) Next(ctx context.Context, max int) ([]Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Change
	for len(out) < max {
		var ch Change
		err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: changeID(l.head + 1)}}).Decode(&ch)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("store: change log read: %w", err)
		}
		out = append(out, ch)
		l.head++
	}
	return out, nil
}

// Drain applies every entry not seen yet, oldest first, in batches; it
// stops at the first entry apply fails on, which is then seen already
// (the next reload heals what it missed).
func (l *ChangeLog) Drain(ctx context.Context, apply func(Change) error) error {
	const batchSize = 500
	for {
		batch, err := l.Next(ctx, batchSize)
		for _, ch := range batch {
			if err := apply(ch); err != nil {
				return fmt.Errorf("store: apply change %d: %w", ch.Seq, err)
			}
		}
		if err != nil || len(batch) < batchSize {
			return err
		}
	}
}

// Watch reports whether the server offers change streams and, if so,
// streams new change-log entries to fn until ctx ends. On a server without
// them (FerretDB v1) it returns false at once and the caller polls Next.
func (l *ChangeLog) Watch(ctx context.Context, fn func(Change)) (bool, error) {
	pipeline := mongo.Pipeline{{{Key: "$match", Value: bson.D{{Key: "operationType", Value: "insert"}}}}}
	cs, err := l.c.Watch(ctx, pipeline)
	if err != nil {
		var ce mongo.CommandError
		if errors.As(err, &ce) && (ce.Code == 238 || ce.Code == 40573 || ce.Code == 115 || ce.HasErrorLabel("NonResumableChangeStreamError")) {
			return false, nil // NotImplemented, not a replica set, or unsupported
		}
		return false, fmt.Errorf("store: watch change log: %w", err)
	}
	defer cs.Close(context.WithoutCancel(ctx))
	for cs.Next(ctx) {
		var ev struct {
			Doc Change `bson:"fullDocument"`
		}
		if err := cs.Decode(&ev); err != nil {
			return true, fmt.Errorf("store: watch change log: decode: %w", err)
		}
		l.mu.Lock()
		if ev.Doc.Seq > l.head {
			l.head = ev.Doc.Seq
		}
		l.mu.Unlock()
		fn(ev.Doc)
	}
	if err := cs.Err(); err != nil && ctx.Err() == nil {
		return true, fmt.Errorf("store: watch change log: %w", err)
	}
	return true, nil
}
