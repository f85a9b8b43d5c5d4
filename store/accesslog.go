package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// accessLogName holds the access log.
const accessLogName = "access_log"

// AccessLog is the collection of the access log, which only grows:
// entries are inserted under a chosen _id, a taken _id gives ErrConflict
// (atomic on both stores, so a sequence number goes to whoever inserts it
// first), and there is no update or delete. Package accesslog keeps the
// entries' type T, their hash chain and its checks; T must encode the
// fields the finders name: _id, request_id, subject, municipality, actor,
// at and hash. It is safe for concurrent use.
//
// On the embedded store only _id lookups (Get, Has) are served from an
// index; the finders read the whole collection, and their indexes serve
// a real MongoDB.
type AccessLog[T any] struct {
	entries *ledger[T]
	raw     *ledger[bson.Raw]
}

// NewAccessLog returns the access log of s holding entries of type T.
func NewAccessLog[T any](s *Store) *AccessLog[T] {
	return &AccessLog[T]{entries: newLedger[T](s, accessLogName), raw: newLedger[bson.Raw](s, accessLogName)}
}

var (
	accessOfRequest      = newQuery(accessLogName, "AccessLog.OfRequest", "request_id").sortedBy("_id")
	accessOfSubject      = newQuery(accessLogName, "AccessLog.OfSubject", "subject").sortedBy("_id")
	accessOfMunicipality = newQuery(accessLogName, "AccessLog.OfMunicipality", "municipality").sortedBy("_id").rangeOn("at")
	accessOfActor        = newQuery(accessLogName, "AccessLog.OfMunicipality with actor", "municipality", "actor").sortedBy("_id").rangeOn("at")
	accessInPeriod       = newQuery(accessLogName, "AccessLog.EachOfMunicipality", "municipality").rangeOn("at")
)

// Insert stores e under id, which must be the _id e encodes. A taken _id
// gives ErrConflict.
func (l *AccessLog[T]) Insert(ctx context.Context, id string, e T) error {
	return l.entries.insert(ctx, id, e)
}

// InsertMany stores es in order in one round trip and returns how many
// were stored: es[:n], and none after. A taken _id at es[n] gives
// ErrConflict; for any other error n is only a lower bound, since the
// store may have gone on past what it reported.
func (l *AccessLog[T]) InsertMany(ctx context.Context, es []T) (int, error) {
	return l.entries.insertMany(ctx, es)
}

// Get reads the entry with the given _id, or returns ErrNotFound.
func (l *AccessLog[T]) Get(ctx context.Context, id string) (T, error) {
	return l.entries.get(ctx, id)
}

// Has reports whether an entry with the given _id exists, with one
// indexed lookup on both stores.
func (l *AccessLog[T]) Has(ctx context.Context, id string) (bool, error) {
	return l.entries.has(ctx, id)
}

// Each finder returns a page of at most limit entries (1 to 1000) in _id
// order, those after the _id after (empty: from the first), and whether
// more follow.

// OfRequest returns the accesses to one support request.
func (l *AccessLog[T]) OfRequest(ctx context.Context, requestID, after string, limit int) ([]T, bool, error) {
	return l.entries.list(ctx, accessOfRequest.filter(requestID), after, limit)
}

// OfSubject returns the accesses to the data of the person with the
// account.
func (l *AccessLog[T]) OfSubject(ctx context.Context, accountID, after string, limit int) ([]T, bool, error) {
	return l.entries.list(ctx, accessOfSubject.filter(accountID), after, limit)
}

// OfMunicipality returns the entries of one municipality, of one actor
// unless actor is empty, at from or later and before to (a zero time
// leaves that end open).
func (l *AccessLog[T]) OfMunicipality(ctx context.Context, municipality, actor string, from, to time.Time, after string, limit int) ([]T, bool, error) {
	q, vals := accessOfMunicipality, []any{municipality}
	if actor != "" {
		q, vals = accessOfActor, append(vals, actor)
	}
	return l.entries.list(ctx, q.filterRange(vals, between(from, to)), after, limit)
}

// EachOfMunicipality streams the entries of one municipality at from or
// later and before to (a zero time leaves that end open) to fn, in
// whatever order the store finds them, stopping at fn's first error: for
// counting, where the embedded store would hold every match in memory
// to sort them.
func (l *AccessLog[T]) EachOfMunicipality(ctx context.Context, municipality string, from, to time.Time, fn func(T) error) error {
	return l.entries.each(ctx, accessInPeriod.filterRange([]any{municipality}, between(from, to)), fn)
}

// between is the range from <= x < to, a zero time leaving its end open.
func between(from, to time.Time) bson.D {
	r := bson.D{}
	if !from.IsZero() {
		r = append(r, bson.E{Key: "$gte", Value: from})
	}
	if !to.IsZero() {
		r = append(r, bson.E{Key: "$lt", Value: to})
	}
	return r
}

// Scanned is one document of the access log as Scan finds it.
type Scanned[T any] struct {
	// ID is the document's _id, empty when it is not a string.
	ID string
	// Entry is the document decoded, when Err is nil.
	Entry T
	// Err says why the document does not decode into T; Hash is then the
	// hash it claims to have, if any.
	Err  error
	Hash string
}

// Scan streams every document of the log to fn in whatever order the
// store finds them, in one pass, stopping at fn's first error. A
// document that no longer decodes is passed on with the reason, not
// skipped: the log's checks report it.
func (l *AccessLog[T]) Scan(ctx context.Context, fn func(Scanned[T]) error) error {
	return l.raw.each(ctx, bson.D{}, func(doc bson.Raw) error {
		var s Scanned[T]
		s.ID, _ = doc.Lookup("_id").StringValueOK()
		if s.Err = unmarshal(doc, &s.Entry); s.Err != nil {
			s.Hash, _ = doc.Lookup("hash").StringValueOK()
		}
		return fn(s)
	})
}
