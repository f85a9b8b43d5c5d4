package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// calendarTokensName holds the personal calendar feed tokens.
const calendarTokensName = "calendar_tokens"

// CalendarToken is a personal feed token as stored: one document per live
// token, its _id the SHA-256 of the secret, so that a copy of the store
// gives no feed away.
type CalendarToken struct {
	Hash      string    `bson:"_id"`
	AccountID string    `bson:"account_id"`
	CreatedAt time.Time `bson:"created_at"`
}

// CalendarTokens are the accounts' personal feed tokens.
type CalendarTokens struct{ c *mongo.Collection }

// CalendarTokens returns the personal feed tokens.
func (s *Store) CalendarTokens() CalendarTokens {
	return CalendarTokens{c: s.db.Collection(calendarTokensName)}
}

var calendarTokensOfAccount = newQuery(calendarTokensName, "CalendarTokens.OfAccount", "account_id")

// Rotate stores tok and then deletes every other token of its account.
// Two rotations at once can each delete the other's new token, leaving
// none live; they can never leave two, so a rotation that returned
// always ended the token before it. Inserting under a chosen _id is
// atomic on both stores; a conditional update is not.
func (t CalendarTokens) Rotate(ctx context.Context, tok CalendarToken) error {
	if _, err := t.c.InsertOne(ctx, tok); err != nil {
		return fmt.Errorf("store: insert calendar token: %w", err)
	}
	others := append(calendarTokensOfAccount.filter(tok.AccountID), bson.E{Key: "_id", Value: bson.D{{Key: "$ne", Value: tok.Hash}}})
	if _, err := t.c.DeleteMany(ctx, others); err != nil {
		return fmt.Errorf("store: delete earlier calendar tokens: %w", err)
	}
	return nil
}

// Get returns the token stored under hash, or ErrNotFound.
func (t CalendarTokens) Get(ctx context.Context, hash string) (CalendarToken, error) {
	return findOne[CalendarToken](ctx, t.c, bson.D{{Key: "_id", Value: hash}}, "calendar token")
}

// OfAccount returns a token of the account, or ErrNotFound.
func (t CalendarTokens) OfAccount(ctx context.Context, accountID string) (CalendarToken, error) {
	return findOne[CalendarToken](ctx, t.c, calendarTokensOfAccount.filter(accountID), "calendar token")
}

// DeleteOfAccount deletes every token of the account.
func (t CalendarTokens) DeleteOfAccount(ctx context.Context, accountID string) error {
	if _, err := t.c.DeleteMany(ctx, calendarTokensOfAccount.filter(accountID)); err != nil {
		return fmt.Errorf("store: delete calendar tokens: %w", err)
	}
	return nil
}
