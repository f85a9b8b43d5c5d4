package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

const locksName = "locks"

// Locks are one-shot claims on a name, such as one version of a record:
// "referral:<id>@<version>". As with Places, the claim is an insert of a
// document whose _id is the name, which is atomic on MongoDB and on the
// embedded store alike, where a version-checked replace is not. A writer
// that takes the name of the version it read is the only one that may
// replace that version; names of versions that were replaced stay taken.
type Locks struct {
	c *mongo.Collection
}

// Locks returns the lock claims.
func (s *Store) Locks() *Locks { return &Locks{c: s.db.Collection(locksName)} }

var (
	lockOfHolder = newQuery(locksName, "Locks.Drop", "_id", "holder")
	locksTaken   = newQuery(locksName, "Locks.Sweep").rangeOn("taken")
)

type lock struct {
	ID     string    `bson:"_id"`
	Holder string    `bson:"holder"`
	Taken  time.Time `bson:"taken"`
}

// Take claims name for holder, or returns ErrConflict when it is taken.
func (l *Locks) Take(ctx context.Context, name, holder string, at time.Time) error {
	_, err := l.c.InsertOne(ctx, lock{ID: name, Holder: holder, Taken: at.UTC()})
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: lock %s: %w", name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", name, err)
	}
	return nil
}

// Drop gives name up again if holder has it: for a writer that took it
// and then did not write.
func (l *Locks) Drop(ctx context.Context, name, holder string) error {
	if _, err := l.c.DeleteOne(ctx, lockOfHolder.filter(name, holder)); err != nil {
		return fmt.Errorf("store: unlock %s: %w", name, err)
	}
	return nil
}

// Sweep removes the claims taken before cutoff. A claim guards one
// version of a record while a writer replaces it, which takes
// milliseconds; once the version is replaced, the claim only keeps
// a stale writer out, and the version check of Replace does that too.
// So claims older than any request's time limit can go.
func (l *Locks) Sweep(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := l.c.DeleteMany(ctx, locksTaken.filterRange(nil, bson.D{{Key: "$lt", Value: cutoff.UTC()}}))
	if err != nil {
		return 0, fmt.Errorf("store: sweep locks: %w", err)
	}
	return res.DeletedCount, nil
}
