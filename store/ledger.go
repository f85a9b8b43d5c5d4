package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// ledger is a collection that only grows, for logs that must not be
// rewritten, such as the access log. It offers inserting under a chosen
// _id (atomic on both stores: a taken _id gives ErrConflict), reading by
// _id and queries; on purpose it has no update, replace or delete. It is
// safe for concurrent use.
//
// On the embedded store only a filter of nothing but _id equality (get,
// has) is served from an index; list and each read the whole collection
// and sort the matches in memory, so keep them off hot paths there.
type ledger[T any] struct {
	name string
	c    *mongo.Collection
}

func newLedger[T any](s *Store, name string) *ledger[T] {
	return &ledger[T]{name: name, c: s.db.Collection(name)}
}

// insert stores rec under id, which must be the _id rec encodes (id only
// names the record in errors). A taken _id gives ErrConflict.
func (l *ledger[T]) insert(ctx context.Context, id string, rec T) error {
	if _, err := l.c.InsertOne(ctx, rec); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: %s %s: %w", l.name, id, ErrConflict)
		}
		return fmt.Errorf("store: insert %s %s: %w", l.name, id, err)
	}
	return nil
}

// insertMany stores recs in order in one round trip and returns how many
// were stored. The insert is ordered, so it stops at the first failure:
// recs[:n] are stored and none after. A taken _id at recs[n] gives
// ErrConflict; for any other error n is only a lower bound, since the
// store may have gone on past what it reported.
func (l *ledger[T]) insertMany(ctx context.Context, recs []T) (int, error) {
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

// get reads the record with the given _id, or returns ErrNotFound.
func (l *ledger[T]) get(ctx context.Context, id string) (T, error) {
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

// has reports whether a record with the given _id exists, with one
// indexed lookup on both stores.
func (l *ledger[T]) has(ctx context.Context, id string) (bool, error) {
	ok, err := hasID(ctx, l.c, id)
	if err != nil {
		return false, fmt.Errorf("store: find %s %s: %w", l.name, id, err)
	}
	return ok, nil
}

// list returns a page of the records matching filter in _id order, those
// after the _id after (empty: from the first), at most limit (1 to
// 1000), and whether more follow.
func (l *ledger[T]) list(ctx context.Context, filter bson.D, after string, limit int) ([]T, bool, error) {
	if limit < 1 || limit > 1000 {
		return nil, false, fmt.Errorf("store: list %s: limit %d out of range 1-1000", l.name, limit)
	}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit + 1))
	cur, err := l.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, false, fmt.Errorf("store: list %s: %w", l.name, err)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, fmt.Errorf("store: list %s: decode: %w", l.name, err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// each streams the records matching filter to fn in whatever order the
// server finds them, in one query, stopping at fn's first error. The
// embedded store sorts by holding every match in memory before it
// returns the first; without a sort it streams. With T = bson.Raw a
// caller sees records that no longer decode.
func (l *ledger[T]) each(ctx context.Context, filter bson.D, fn func(T) error) error {
	cur, err := l.c.Find(ctx, filter, options.Find().SetBatchSize(1000))
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
