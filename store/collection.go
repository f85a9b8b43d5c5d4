package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/dichtbij/dichtbij/care"
)

// Record is what every stored type provides: its metadata.
type Record interface {
	Header() care.Meta
}

// Collection stores one record type. It is safe for concurrent use.
type Collection[T Record] struct {
	name string
	c    *mongo.Collection
	s    *Store
}

func collection[T Record](s *Store, name string) *Collection[T] {
	return &Collection[T]{name: name, c: s.db.Collection(name), s: s}
}

// NewCollection returns the collection name holding records of type T,
// for packages that keep records of their own (accounts, the access log)
// without the store importing them.
func NewCollection[T Record](s *Store, name string) *Collection[T] {
	return collection[T](s, name)
}

// Names of the collections, also used in index definitions.
const (
	volunteersName  = "volunteers"
	initiativesName = "initiatives"
	provisionsName  = "provisions"
	activitiesName  = "activities"
	requestsName    = "requests"
	searchesName    = "searches"
	referralsName   = "referrals"
	auditName       = "referral_transitions"
	specialistsName = "specialist_referrals"
)

// Volunteers returns the volunteers collection.
func (s *Store) Volunteers() *Collection[care.Volunteer] {
	return collection[care.Volunteer](s, volunteersName)
}

// Initiatives returns the citizen initiatives collection.
func (s *Store) Initiatives() *Collection[care.Initiative] {
	return collection[care.Initiative](s, initiativesName)
}

// Provisions returns the provisions collection.
func (s *Store) Provisions() *Collection[care.Provision] {
	return collection[care.Provision](s, provisionsName)
}

// Activities returns the activities collection.
func (s *Store) Activities() *Collection[care.Activity] {
	return collection[care.Activity](s, activitiesName)
}

// Requests returns the support requests collection.
func (s *Store) Requests() *Collection[care.Request] {
	return collection[care.Request](s, requestsName)
}

// Searches returns the recorded zero-line searches.
func (s *Store) Searches() *Collection[care.Search] {
	return collection[care.Search](s, searchesName)
}

// Referrals returns the referrals of requests' needs to options.
func (s *Store) Referrals() *Collection[care.Referral] {
	return collection[care.Referral](s, referralsName)
}

// Transitions returns the append-only audit log of referral state changes.
func (s *Store) Transitions() *Collection[care.Transition] {
	return collection[care.Transition](s, auditName)
}

// Specialists returns the referrals to specialist care.
func (s *Store) Specialists() *Collection[care.Specialist] {
	return collection[care.Specialist](s, specialistsName)
}

// Name returns the collection's name, e.g. "volunteers".
func (c *Collection[T]) Name() string { return c.name }

// Insert stores a new record. A record with the same _id gives ErrConflict.
func (c *Collection[T]) Insert(ctx context.Context, rec T) error {
	id := rec.Header().ID
	if _, err := c.c.InsertOne(ctx, rec); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: %s %s: %w", c.name, id, ErrConflict)
		}
		return fmt.Errorf("store: insert %s %s: %w", c.name, id, err)
	}
	c.s.written(ctx, c.name, id, rec)
	return nil
}

// Get reads one record by id.
func (c *Collection[T]) Get(ctx context.Context, id string) (T, error) {
	var rec T
	err := c.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&rec)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return rec, fmt.Errorf("store: %s %s: %w", c.name, id, ErrNotFound)
	}
	if err != nil {
		return rec, fmt.Errorf("store: get %s %s: %w", c.name, id, err)
	}
	return rec, nil
}

// Replace overwrites the record with rec's id if it is still at version
// prev; otherwise it returns ErrConflict (changed meanwhile) or ErrNotFound.
// The version check guards against lost updates between two editors. On
// the embedded store the check and the write are not one atomic step, so
// two writes racing within microseconds can both pass; nothing that must
// never be oversold relies on it.
func (c *Collection[T]) Replace(ctx context.Context, prev int64, rec T) error {
	id := rec.Header().ID
	res, err := c.c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: prev}}, rec)
	if err != nil {
		return fmt.Errorf("store: replace %s %s: %w", c.name, id, err)
	}
	if res.MatchedCount == 1 {
		c.s.written(ctx, c.name, id, rec)
		return nil
	}
	if _, err := c.Get(ctx, id); err != nil {
		return err
	}
	return fmt.Errorf("store: %s %s version %d: %w", c.name, id, prev, ErrConflict)
}

// Delete removes a record.
func (c *Collection[T]) Delete(ctx context.Context, id string) error {
	res, err := c.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return fmt.Errorf("store: delete %s %s: %w", c.name, id, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("store: %s %s: %w", c.name, id, ErrNotFound)
	}
	c.s.written(ctx, c.name, id, nil)
	return nil
}

// Cond is an equality condition on one field. Value must be a string, bool
// or number: as a plain value it can never act as a query operator, even
// when a string looks like "$gt".
type Cond struct {
	Field string
	Value any
}

// Query selects a page of records in _id order.
type Query struct {
	Where []Cond
	// After is the last id of the previous page; empty starts at the beginning.
	After string
	// Limit is the page size, 1 to 1000.
	Limit int
}

// List returns the records matching q, in _id (creation) order, and whether
// more follow.
func (c *Collection[T]) List(ctx context.Context, q Query) ([]T, bool, error) {
	if q.Limit < 1 || q.Limit > 1000 {
		return nil, false, fmt.Errorf("store: list %s: limit %d out of range 1-1000", c.name, q.Limit)
	}
	filter := bson.D{}
	for _, w := range q.Where {
		switch w.Value.(type) {
		case string, bool, int, int64, float64:
		default:
			return nil, false, fmt.Errorf("store: list %s: condition on %s has unsupported type %T", c.name, w.Field, w.Value)
		}
		filter = append(filter, bson.E{Key: w.Field, Value: w.Value})
	}
	if q.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: q.After}}})
	}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(q.Limit + 1))
	cur, err := c.c.Find(ctx, filter, opts)
	if err != nil {
		return nil, false, fmt.Errorf("store: list %s: %w", c.name, err)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, fmt.Errorf("store: list %s: decode: %w", c.name, err)
	}
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
}

// Exists reports whether a record with the given field value exists.
func (c *Collection[T]) Exists(ctx context.Context, where ...Cond) (bool, error) {
	filter := bson.D{}
	for _, w := range where {
		filter = append(filter, bson.E{Key: w.Field, Value: w.Value})
	}
	n, err := c.c.CountDocuments(ctx, filter, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("store: count %s: %w", c.name, err)
	}
	return n > 0, nil
}

// All returns every record matching where, in _id order, reading a page
// of 1000 at a time. Use it where the matches are known to be few (one
// account's records); it holds them all in memory.
func (c *Collection[T]) All(ctx context.Context, where ...Cond) ([]T, error) {
	var out []T
	q := Query{Where: where, Limit: 1000}
	for {
		page, more, err := c.List(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if !more || len(page) == 0 {
			return out, nil
		}
		q.After = page[len(page)-1].Header().ID
	}
}

// Each streams every record of the collection to fn in one pass, in _id
// order, stopping at fn's first error. Loading the engine uses it: one
// scan, where paging with cursors would scan the collection once per page
// on the embedded store.
func (c *Collection[T]) Each(ctx context.Context, fn func(T) error) error {
	cur, err := c.c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(1000))
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", c.name, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var rec T
		if err := cur.Decode(&rec); err != nil {
			return fmt.Errorf("store: scan %s: decode: %w", c.name, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: scan %s: %w", c.name, err)
	}
	return nil
}

// InsertMany stores new records in batches of 1,000 (unordered within a
// batch). Used to load generated demo data; a duplicate id fails the call
// with ErrConflict after the other records of its batch were written.
func (c *Collection[T]) InsertMany(ctx context.Context, recs []T) error {
	for start := 0; start < len(recs); start += 1000 {
		end := min(start+1000, len(recs))
		docs := make([]any, 0, end-start)
		for _, r := range recs[start:end] {
			docs = append(docs, r)
		}
		if _, err := c.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
			if mongo.IsDuplicateKeyError(err) {
				return fmt.Errorf("store: insert %s: %w", c.name, ErrConflict)
			}
			return fmt.Errorf("store: insert %s: %w", c.name, err)
		}
	}
	return nil
}

// Count returns how many records the collection holds.
func (c *Collection[T]) Count(ctx context.Context) (int64, error) {
	n, err := c.c.EstimatedDocumentCount(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: count %s: %w", c.name, err)
	}
	return n, nil
}
