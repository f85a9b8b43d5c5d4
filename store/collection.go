package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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

// Names of the collections, also used in index definitions.
const (
	volunteersName    = "volunteers"
	initiativesName   = "initiatives"
	provisionsName    = "provisions"
	activitiesName    = "activities"
	requestsName      = "requests"
	searchesName      = "searches"
	referralsName     = "referrals"
	auditName         = "referral_transitions"
	specialistsName   = "specialist_referrals"
	notificationsName = "notifications"
	teamsName         = "teams"
)

// Name returns the collection's name, e.g. "volunteers".
func (c *Collection[T]) Name() string { return c.name }

// Insert stores a new record. A record with the same _id gives ErrConflict.
func (c *Collection[T]) Insert(ctx context.Context, rec T) error {
	id := rec.Header().ID
	doc, err := encode(rec)
	if err != nil {
		return fmt.Errorf("store: insert %s %s: %w", c.name, id, err)
	}
	if _, err := c.c.InsertOne(ctx, doc); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: %s %s: %w", c.name, id, ErrConflict)
		}
		return fmt.Errorf("store: insert %s %s: %w", c.name, id, err)
	}
	c.s.written(c.name, id, doc)
	return nil
}

// encode marshals a record once, for the server and the mirror alike.
func encode(rec any) (bson.Raw, error) {
	doc, err := bson.MarshalWithRegistry(registry, rec)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return doc, nil
}

// Get reads one record by id.
func (c *Collection[T]) Get(ctx context.Context, id string) (T, error) {
	var rec T
	if m := c.s.mirrorOf(c.name); m != nil {
		doc, ok := m.get(id)
		if !ok {
			return rec, fmt.Errorf("store: %s %s: %w", c.name, id, ErrNotFound)
		}
		if err := bson.UnmarshalWithRegistry(registry, doc, &rec); err != nil {
			return rec, fmt.Errorf("store: get %s %s: decode: %w", c.name, id, err)
		}
		return rec, nil
	}
	err := c.c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&rec)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return rec, fmt.Errorf("store: %s %s: %w", c.name, id, ErrNotFound)
	}
	if err != nil {
		return rec, fmt.Errorf("store: get %s %s: %w", c.name, id, err)
	}
	return rec, nil
}

// atVersion finds a record of any collection by id and version.
var atVersion = newQuery(anyCollection, "Collection.Replace", "_id", "version")

// Replace overwrites the record with rec's id if it is still at version
// prev; otherwise it returns ErrConflict (changed meanwhile) or ErrNotFound.
// The version check guards against lost updates between two editors. On
// the embedded store the check and the write are not one atomic step, so
// two writes racing within microseconds can both pass; nothing that must
// never be oversold relies on it.
func (c *Collection[T]) Replace(ctx context.Context, prev int64, rec T) error {
	id := rec.Header().ID
	filter := atVersion.filter(id, prev)
	if c.s.ferret {
		// FerretDB would scan the collection for {_id, version} (1.6 s a
		// volunteer's update under load at 3,000 options); it is no more
		// atomic than reading the version by _id and replacing by _id.
		v, err := versionOf(ctx, c.c, id)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("store: %s %s: %w", c.name, id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: replace %s %s: %w", c.name, id, err)
		}
		if v != prev {
			return fmt.Errorf("store: %s %s version %d: %w", c.name, id, prev, ErrConflict)
		}
		filter = bson.D{{Key: "_id", Value: id}}
	}
	doc, err := encode(rec)
	if err != nil {
		return fmt.Errorf("store: replace %s %s: %w", c.name, id, err)
	}
	res, err := c.c.ReplaceOne(ctx, filter, doc)
	if err != nil {
		return fmt.Errorf("store: replace %s %s: %w", c.name, id, err)
	}
	if res.MatchedCount == 1 {
		c.s.written(c.name, id, doc)
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
	c.s.deleted(c.name, id)
	if res.DeletedCount == 0 {
		return fmt.Errorf("store: %s %s: %w", c.name, id, ErrNotFound)
	}
	return nil
}

// Cond is an equality condition on one field. Value must be a string, bool
// or number: as a plain value it can never act as a query operator, even
// when a string looks like "$gt".
//
// Other packages take their conditions from the store: a list's scope
// (records.go) and the filters of a query string (filters.go). A Cond
// written elsewhere spells a field name outside the store, in a query no
// index of indexes.go is known to serve; a named finder is the way.
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
	filter, err := c.filter("list", q.Where)
	if err != nil {
		return nil, false, err
	}
	if m := c.s.mirrorOf(c.name); m != nil {
		out, err := decodeAll[T](m.collect(q.Where, q.After, q.Limit+1))
		if err != nil {
			return nil, false, fmt.Errorf("store: list %s: decode: %w", c.name, err)
		}
		more := len(out) > q.Limit
		if more {
			out = out[:q.Limit]
		}
		return out, more, nil
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

// filter turns conditions into a filter document, refusing values that
// are not plain.
func (c *Collection[T]) filter(op string, where []Cond) (bson.D, error) {
	filter := bson.D{}
	for _, w := range where {
		switch w.Value.(type) {
		case string, bool, int, int64, float64:
		default:
			return nil, fmt.Errorf("store: %s %s: condition on %s has unsupported type %T", op, c.name, w.Field, w.Value)
		}
		filter = append(filter, bson.E{Key: w.Field, Value: w.Value})
	}
	return filter, nil
}

// Has reports whether a record with the given id exists.
func (c *Collection[T]) Has(ctx context.Context, id string) (bool, error) {
	ok, err := hasID(ctx, c.c, id)
	if err != nil {
		return false, fmt.Errorf("store: find %s %s: %w", c.name, id, err)
	}
	return ok, nil
}

// hasID reports whether c holds a document with _id id. It finds rather
// than counts: a count is an aggregation, which FerretDB answers by
// scanning the collection even for an _id.
func hasID(ctx context.Context, c *mongo.Collection, id any) (bool, error) {
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, err
}

// versionOf reads the version of the record with _id id, or ErrNotFound.
func versionOf(ctx context.Context, c *mongo.Collection, id string) (int64, error) {
	var got struct {
		Version int64 `bson:"version"`
	}
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&got)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, ErrNotFound
	}
	return got.Version, err
}

// any reports whether a record matching where exists.
func (c *Collection[T]) any(ctx context.Context, where []Cond) (bool, error) {
	filter, err := c.filter("count", where)
	if err != nil {
		return false, err
	}
	if m := c.s.mirrorOf(c.name); m != nil {
		return len(m.collect(where, "", 1)) > 0, nil
	}
	n, err := c.c.CountDocuments(ctx, filter, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("store: count %s: %w", c.name, err)
	}
	return n > 0, nil
}

// All returns every record matching where, in _id order. Use it where
// the matches are known to be few (one account's records, one request's
// referrals); it holds them all in memory. It reads them with one query
// and sorts them here, so an index on the conditions' fields serves it
// without an order of its own.
func (c *Collection[T]) All(ctx context.Context, where ...Cond) ([]T, error) {
	filter, err := c.filter("list", where)
	if err != nil {
		return nil, err
	}
	if m := c.s.mirrorOf(c.name); m != nil {
		docs := m.collect(where, "", 0)
		if len(docs) == 0 {
			return nil, nil
		}
		out, err := decodeAll[T](docs)
		if err != nil {
			return nil, fmt.Errorf("store: list %s: decode: %w", c.name, err)
		}
		return out, nil
	}
	cur, err := c.c.Find(ctx, filter, options.Find().SetBatchSize(1000))
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", c.name, err)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: list %s: decode: %w", c.name, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(a.Header().ID, b.Header().ID) })
	return out, nil
}

// Each streams every record of the collection to fn in one pass, in _id
// order, stopping at fn's first error. Loading the engine uses it: one
// scan, where paging with cursors would scan the collection once per page
// on the embedded store.
func (c *Collection[T]) Each(ctx context.Context, fn func(T) error) error {
	return eachKept(ctx, c, func(bson.Raw) bool { return true }, fn)
}

// InsertMany stores new records in batches of 1,000 (unordered within a
// batch). Used to load generated demo data; a duplicate id fails the call
// with ErrConflict after the other records of its batch were written.
func (c *Collection[T]) InsertMany(ctx context.Context, recs []T) error {
	for start := 0; start < len(recs); start += 1000 {
		end := min(start+1000, len(recs))
		docs := make([]any, 0, end-start)
		for _, r := range recs[start:end] {
			doc, err := encode(r)
			if err != nil {
				return fmt.Errorf("store: insert %s %s: %w", c.name, r.Header().ID, err)
			}
			docs = append(docs, doc)
		}
		if _, err := c.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
			if mongo.IsDuplicateKeyError(err) {
				return fmt.Errorf("store: insert %s: %w", c.name, ErrConflict)
			}
			return fmt.Errorf("store: insert %s: %w", c.name, err)
		}
		for i, r := range recs[start:end] {
			c.s.written(c.name, r.Header().ID, docs[i].(bson.Raw))
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

// findOne decodes the one document filter matches, or returns
// ErrNotFound; what names the record in errors ("session"), never its
// key, which for secrets' hashes and sessions is as good as the secret.
func findOne[T any](ctx context.Context, c *mongo.Collection, filter bson.D, what string) (T, error) {
	var rec T
	err := c.FindOne(ctx, filter).Decode(&rec)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return rec, fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return rec, fmt.Errorf("store: get %s: %w", what, err)
	}
	return rec, nil
}
