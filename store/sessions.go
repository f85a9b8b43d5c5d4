package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const sessionsName = "sessions"

// Session is one stored web session: an opaque value under its key. Exp
// zero means it does not expire.
type Session struct {
	Key string    `bson:"_id"`
	Val []byte    `bson:"val"`
	Exp time.Time `bson:"exp"`
}

// Sessions are the web sessions (package auth serves them to Fiber). The
// embedded store has no TTL indexes: DeleteExpired removes the expired
// ones. Errors never name a key, which is as good as the session.
type Sessions struct{ c *mongo.Collection }

// Sessions returns the web sessions.
func (s *Store) Sessions() Sessions { return Sessions{c: s.db.Collection(sessionsName)} }

var sessionsExpiring = newQuery(sessionsName, "Sessions.DeleteExpired").rangeOn("exp")

// Get returns the session under key, expired or not, or ErrNotFound.
func (s Sessions) Get(ctx context.Context, key string) (Session, error) {
	return findOne[Session](ctx, s.c, bson.D{{Key: "_id", Value: key}}, "session")
}

// Put stores sess under its key, replacing what was there.
func (s Sessions) Put(ctx context.Context, sess Session) error {
	filter := bson.D{{Key: "_id", Value: sess.Key}}
	opts := options.Replace().SetUpsert(true)
	_, err := s.c.ReplaceOne(ctx, filter, sess, opts)
	if mongo.IsDuplicateKeyError(err) {
		// Two first saves of one session raced (the embedded store's
		// upsert is find, then insert); the other inserted, so replace.
		_, err = s.c.ReplaceOne(ctx, filter, sess, opts)
	}
	if err != nil {
		return fmt.Errorf("store: put session: %w", err)
	}
	return nil
}

// Delete removes the session under key; a missing one is not an error.
func (s Sessions) Delete(ctx context.Context, key string) error {
	if _, err := s.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}}); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteAll removes every session.
func (s Sessions) DeleteAll(ctx context.Context) error {
	if _, err := s.c.DeleteMany(ctx, bson.D{}); err != nil {
		return fmt.Errorf("store: delete sessions: %w", err)
	}
	return nil
}

// DeleteExpired removes the sessions that expired at now or before and
// returns how many.
func (s Sessions) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	expired := sessionsExpiring.filterRange(nil, bson.D{
		{Key: "$gt", Value: time.Time{}},
		{Key: "$lte", Value: now},
	})
	res, err := s.c.DeleteMany(ctx, expired)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return int(res.DeletedCount), nil
}
