package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Names of the API tokens' collections.
const (
	tokensName  = "api_tokens"
	revokedName = "api_tokens_revoked"
)

// APIToken is an API token of an account, as stored and as shown to its
// owner: never the secret. Package auth issues and checks them; its
// auth.Token is this type.
type APIToken struct {
	// Hash is the SHA-256 (hex) of the secret; the store's _id.
	Hash string `json:"-" bson:"_id"`
	// ID is the first 16 hex digits of Hash: enough to name the token in
	// a list or a revocation, useless for logging in.
	ID         string     `json:"id" bson:"public_id"`
	AccountID  string     `json:"account_id" bson:"account_id"`
	Name       string     `json:"name" bson:"name"`
	Scopes     []string   `json:"scopes" bson:"scopes"`
	CreatedAt  time.Time  `json:"created_at" bson:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty" bson:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty" bson:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" bson:"last_used_at,omitempty"`
}

// HasScope reports whether the token grants scope s. Scopes are kept
// sorted.
func (t APIToken) HasScope(s string) bool {
	_, found := slices.BinarySearch(t.Scopes, s)
	return found
}

// APITokens are the live API tokens, and the revoked ones kept for their
// owners' lists. Errors never name a token's hash.
type APITokens struct {
	live    *mongo.Collection
	revoked *mongo.Collection
}

// APITokens returns the API tokens.
func (s *Store) APITokens() APITokens {
	return APITokens{live: s.db.Collection(tokensName), revoked: s.db.Collection(revokedName)}
}

var (
	tokensOfAccount  = newQuery(tokensName, "APITokens.OfAccount", "account_id")
	tokenOfAccount   = newQuery(tokensName, "APITokens.Revoke", "account_id", "public_id")
	revokedOfAccount = newQuery(revokedName, "APITokens.OfAccount (revoked)", "account_id")
	revokedByPublic  = newQuery(revokedName, "APITokens.Revoke (revoked)", "account_id", "public_id")
)

// Insert stores a new live token.
func (t APITokens) Insert(ctx context.Context, tok APIToken) error {
	if _, err := t.live.InsertOne(ctx, tok); err != nil {
		return fmt.Errorf("store: insert API token: %w", err)
	}
	return nil
}

// Live returns the live token stored under hash, or ErrNotFound (also for
// a revoked one).
func (t APITokens) Live(ctx context.Context, hash string) (APIToken, error) {
	var tok APIToken
	err := t.live.FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&tok)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return tok, fmt.Errorf("store: API token: %w", ErrNotFound)
	}
	if err != nil {
		return tok, fmt.Errorf("store: get API token: %w", err)
	}
	return tok, nil
}

// Used records at as the live token's last use. Concurrent uses may both
// write; on the embedded store the write rewrites the whole document,
// which is why Revoke moves a token instead of marking it.
func (t APITokens) Used(ctx context.Context, hash string, at time.Time) error {
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "last_used_at", Value: at}}}}
	if _, err := t.live.UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}}, set); err != nil {
		return fmt.Errorf("store: record API token use: %w", err)
	}
	return nil
}

// OfAccount returns the account's tokens, revoked ones included, oldest
// first.
func (t APITokens) OfAccount(ctx context.Context, accountID string) ([]APIToken, error) {
	out := []APIToken{}
	for _, src := range []struct {
		c *mongo.Collection
		q *query
	}{{t.live, tokensOfAccount}, {t.revoked, revokedOfAccount}} {
		cur, err := src.c.Find(ctx, src.q.filter(accountID))
		if err != nil {
			return nil, fmt.Errorf("store: list API tokens: %w", err)
		}
		var page []APIToken
		if err := cur.All(ctx, &page); err != nil {
			return nil, fmt.Errorf("store: list API tokens: %w", err)
		}
		out = append(out, page...)
	}
	slices.SortFunc(out, func(x, y APIToken) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), strings.Compare(x.Hash, y.Hash))
	})
	// A token is in both only for the moment of its revocation.
	out = slices.CompactFunc(out, func(x, y APIToken) bool { return x.Hash == y.Hash })
	return out, nil
}

// Revoke ends the account's token with the public id, at the time at. A
// token of another account, or none, gives ErrNotFound; revoking twice
// is not an error.
//
// The token is moved, not marked: deleted from the live tokens (the
// delete decides one revoker) and then kept, with RevokedAt, among the
// revoked for OfAccount. Marking it would race with Used, which on the
// embedded store rewrites the whole document and could undo the
// revocation; a write to a deleted document changes nothing. Should the
// process die between the two steps, the token is gone from OfAccount but
// is revoked all the same.
func (t APITokens) Revoke(ctx context.Context, accountID, publicID string, at time.Time) error {
	var tok APIToken
	err := t.live.FindOne(ctx, tokenOfAccount.filter(accountID, publicID)).Decode(&tok)
	if errors.Is(err, mongo.ErrNoDocuments) {
		n, err := t.revoked.CountDocuments(ctx, revokedByPublic.filter(accountID, publicID), options.Count().SetLimit(1))
		if err != nil {
			return fmt.Errorf("store: revoke API token: %w", err)
		}
		if n > 0 {
			return nil
		}
		return fmt.Errorf("store: API token: %w", ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: revoke API token: %w", err)
	}
	res, err := t.live.DeleteOne(ctx, bson.D{{Key: "_id", Value: tok.Hash}})
	if err != nil {
		return fmt.Errorf("store: revoke API token: %w", err)
	}
	if res.DeletedCount != 1 {
		return nil // revoked (or its account erased) meanwhile
	}
	tok.RevokedAt = &at
	if _, err := t.revoked.InsertOne(context.WithoutCancel(ctx), tok); err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: revoke API token: keep record: %w", err)
	}
	return nil
}

// DeleteOfAccount removes every token of the account, live and revoked.
func (t APITokens) DeleteOfAccount(ctx context.Context, accountID string) error {
	for _, src := range []struct {
		c *mongo.Collection
		q *query
	}{{t.live, tokensOfAccount}, {t.revoked, revokedOfAccount}} {
		if _, err := src.c.DeleteMany(ctx, src.q.filter(accountID)); err != nil {
			return fmt.Errorf("store: delete API tokens: %w", err)
		}
	}
	return nil
}
