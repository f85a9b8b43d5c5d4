package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Ledger is a collection that only grows, for logs that must not be
// rewritten, such as the access log (package accesslog). It offers
// inserting under a chosen _id (atomic on both stores: a taken _id gives
// ErrConflict), reading by _id and range queries; on purpose it has no
// update, replace or delete. It is safe for concurrent use.
//
// On the embedded store only a filter of nothing but _id equality (Get,
// Has) is served from an index; List and Each read the whole collection
// and sort the matches in memory, so keep them off hot paths there.
type Ledger[T any] struct {
	name string
	c    *mongo.Collection
}

// NewLedger returns the append-only collection name holding records of
// type T. T must encode its _id.
func NewLedger[T any](s *Store, name string) *Ledger[T] {
	return &Ledger[T]{name: name, c: s.db.Collection(name)}
}

// Insert stores rec under id, which must be the _id rec encodes (id only
// names the record in errors). A taken _id gives ErrConflict.
func (l *Ledger[T]) Insert(ctx context.Context, id string, rec T) error {
	if _, err := l.c.InsertOne(ctx, rec); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: %s %s: %w", l.name, id, ErrConflict)
		}
		return fmt.Errorf("store: insert %s %s: %w", l.name, id, err)
	}
	return nil
}

// InsertMany stores recs in order in one round trip and returns how many
// were stored. The insert is ordered, so it stops at the first failure:
// recs[:n] are stored and none after. A taken _id at recs[n] gives
// ErrConflict; for any other error n is only a lower bound, since the
// store may have gone on past what it reported.
func (l *Ledger[T]) InsertMany(ctx context.Context, recs []T) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	docs := make([]any, len(recs))
	for i, r := range recs {
		docs[i] = r
	}
	res, err := l.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	if err == nil {
		return len(res.InsertedIDs), nil
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
		first := bwe.WriteErrors[0]
		for _, we := range bwe.WriteErrors[1:] {
			if we.Index < first.Index {
				first = we
			}
		}
		if first.Code == 11000 {
			return first.Index, fmt.Errorf("store: %s: insert %d of %d: %w", l.name, first.Index+1, len(recs), ErrConflict)
		}
		return first.Index, fmt.Errorf("store: insert %s: %w", l.name, err)
	}
	return 0, fmt.Errorf("store: insert %s: %w", l.name, err)
}

// Get reads the record with the given _id, or returns ErrNotFound.
func (l *Ledger[T]) Get(ctx context.Context, id string) (T, error) {
	var rec T
	err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&rec)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return rec, fmt.Errorf("store: %s %s: %w", l.name, id, ErrNotFound)
	}
	if err != nil {
		return rec, fmt.Errorf("store: get %s %s: %w", l.name, id, err)
	}
	return rec, nil
}

// Has reports whether a record with the given _id exists, with one
// indexed lookup on both stores.
func (l *Ledger[T]) Has(ctx context.Context, id string) (bool, error) {
	n, err := l.c.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}}, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("store: count %s %s: %w", l.name, id, err)
	}
	return n > 0, nil
}

// Span is a half-open range condition on one field: From <= field < To.
// A nil bound is open. Bounds must be strings, numbers or time.Time, so
// that they are never taken for query operators.
type Span struct {
	Field    string
	From, To any
}

// LedgerQuery selects records of a Ledger in _id order.
type LedgerQuery struct {
	// Where holds equality conditions, Spans range conditions; all must hold.
	Where []Cond
	Spans []Span
	// After is the last _id of the previous page; empty starts at the
	// beginning.
	After string
	// Limit is the page size: 1 to 1000 for List; for Each, 0 means all.
	Limit int
	// AnyOrder lets Each (not List) return the records in whatever order
	// the server finds them. The embedded store sorts by holding every
	// match in memory before it returns the first; without the sort it
	// streams.
	AnyOrder bool
}

func plainValue(v any) bool {
	switch v.(type) {
	case string, bool, int, int64, float64, time.Time:
		return true
	}
	return false
}

func (l *Ledger[T]) filter(q LedgerQuery) (bson.D, error) {
	f := bson.D{}
	for _, w := range q.Where {
		if !plainValue(w.Value) {
			return nil, fmt.Errorf("store: query %s: condition on %s has unsupported type %T", l.name, w.Field, w.Value)
		}
		f = append(f, bson.E{Key: w.Field, Value: w.Value})
	}
	for _, s := range q.Spans {
		r := bson.D{}
		for _, b := range []struct {
			op string
			v  any
		}{{"$gte", s.From}, {"$lt", s.To}} {
			if b.v == nil {
				continue
			}
			if !plainValue(b.v) {
				return nil, fmt.Errorf("store: query %s: range on %s has unsupported type %T", l.name, s.Field, b.v)
			}
			r = append(r, bson.E{Key: b.op, Value: b.v})
		}
		if len(r) > 0 {
			f = append(f, bson.E{Key: s.Field, Value: r})
		}
	}
	if q.After != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: q.After}}})
	}
	return f, nil
}

// List returns a page of the records matching q in _id order, and whether
// more follow.
func (l *Ledger[T]) List(ctx context.Context, q LedgerQuery) ([]T, bool, error) {
	if q.Limit < 1 || q.Limit > 1000 {
		return nil, false, fmt.Errorf("store: list %s: limit %d out of range 1-1000", l.name, q.Limit)
	}
	f, err := l.filter(q)
	if err != nil {
		return nil, false, err
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(q.Limit + 1))
	cur, err := l.c.Find(ctx, f, opts)
	if err != nil {
		return nil, false, fmt.Errorf("store: list %s: %w", l.name, err)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, fmt.Errorf("store: list %s: decode: %w", l.name, err)
	}
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
}

// Each streams the records matching q to fn in _id order (unless
// q.AnyOrder), in one query, stopping at fn's first error. With T = bson.Raw a caller sees records
// that no longer decode into its type.
func (l *Ledger[T]) Each(ctx context.Context, q LedgerQuery, fn func(T) error) error {
	if q.Limit < 0 {
		return fmt.Errorf("store: scan %s: negative limit %d", l.name, q.Limit)
	}
	f, err := l.filter(q)
	if err != nil {
		return err
	}
	opts := options.Find().SetBatchSize(1000)
	if !q.AnyOrder {
		opts.SetSort(bson.D{{Key: "_id", Value: 1}})
	}
	if q.Limit > 0 {
		opts.SetLimit(int64(q.Limit))
	}
	cur, err := l.c.Find(ctx, f, opts)
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", l.name, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var rec T
		if err := cur.Decode(&rec); err != nil {
			return fmt.Errorf("store: scan %s: decode: %w", l.name, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: scan %s: %w", l.name, err)
	}
	return nil
}
