package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

const resetsName = "password_resets"

// PasswordReset is a pending password reset link. Only the SHA-256 of its
// secret is stored, as _id: whoever reads the database cannot use the
// link, and the secret is found by _id equality.
type PasswordReset struct {
	Hash      string    `bson:"_id"`
	AccountID string    `bson:"account_id"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// PasswordResets are the pending reset links. Errors never name a link's
// hash.
type PasswordResets struct{ c *mongo.Collection }

// PasswordResets returns the pending reset links.
func (s *Store) PasswordResets() PasswordResets {
	return PasswordResets{c: s.db.Collection(resetsName)}
}

var resetsOfAccount = newQuery(resetsName, "PasswordResets.DeleteOfAccount", "account_id")

// Insert stores a new link.
func (r PasswordResets) Insert(ctx context.Context, rec PasswordReset) error {
	if _, err := r.c.InsertOne(ctx, rec); err != nil {
		return fmt.Errorf("store: insert password reset: %w", err)
	}
	return nil
}

// Get returns the link stored under hash, or ErrNotFound.
func (r PasswordResets) Get(ctx context.Context, hash string) (PasswordReset, error) {
	return findOne[PasswordReset](ctx, r.c, bson.D{{Key: "_id", Value: hash}}, "password reset")
}

// Delete removes the link stored under hash and reports whether this call
// removed it: of several deletes of one link, exactly one does, on both
// stores, so a link used by deleting it is used once.
func (r PasswordResets) Delete(ctx context.Context, hash string) (bool, error) {
	res, err := r.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: hash}})
	if err != nil {
		return false, fmt.Errorf("store: delete password reset: %w", err)
	}
	return res.DeletedCount == 1, nil
}

// DeleteOfAccount removes every link of the account.
func (r PasswordResets) DeleteOfAccount(ctx context.Context, accountID string) error {
	if _, err := r.c.DeleteMany(ctx, resetsOfAccount.filter(accountID)); err != nil {
		return fmt.Errorf("store: delete password resets: %w", err)
	}
	return nil
}
