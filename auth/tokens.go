package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// TokenPrefix starts every API token secret, so that a leaked token is
// recognisable (secret scanners, logs) and a malformed one is refused
// before any lookup.
const TokenPrefix = "dbt_"

const (
	maxTokenName = 100
	// lastUsedEvery is how stale a token's LastUsedAt may get: it is
	// written at most this often, not on every request.
	lastUsedEvery = time.Minute
)

var publicIDRE = regexp.MustCompile(`^[0-9a-f]{16}$`)

// Token is an API token of an account, as shown to its owner: never the
// secret, which exists only in the answer to Issue.
type Token struct {
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

// HasScope reports whether the token grants scope s.
func (t Token) HasScope(s string) bool {
	_, found := slices.BinarySearch(t.Scopes, s)
	return found
}

// Tokens issues and checks API tokens for machine clients. It is safe
// for concurrent use.
type Tokens struct {
	c          *mongo.Collection // live tokens
	revoked    *mongo.Collection // revoked tokens, kept for List
	accounts   *Accounts
	validScope func(string) bool
}

// NewTokens returns the API tokens of accounts' store. validScope decides
// which scopes may be granted; the API defines them, not this package.
func NewTokens(accounts *Accounts, validScope func(string) bool) *Tokens {
	return &Tokens{c: accounts.tokens, revoked: accounts.revokedTokens, accounts: accounts, validScope: validScope}
}

// Issue makes a new token for the account, named name (1-100 characters)
// with the given scopes (at least one; duplicates dropped, sorted) and an
// optional expiry in the future. It returns the secret, which is not kept
// and cannot be shown again, and the token.
func (t *Tokens) Issue(ctx context.Context, accountID, name string, scopes []string, expiresAt *time.Time) (string, Token, error) {
	now := t.accounts.clock()
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxTokenName || strings.ContainsFunc(name, unicode.IsControl) {
		return "", Token{}, &FieldError{Field: "name", Reason: fmt.Sprintf("must be 1-%d characters on one line", maxTokenName)}
	}
	if len(scopes) == 0 {
		return "", Token{}, &FieldError{Field: "scopes", Reason: "must name at least one scope"}
	}
	for _, s := range scopes {
		if t.validScope == nil || !t.validScope(s) {
			return "", Token{}, &FieldError{Field: "scopes", Reason: fmt.Sprintf("has unknown scope %q", s)}
		}
	}
	scopes = slices.Clone(scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	var exp *time.Time
	if expiresAt != nil {
		e := expiresAt.UTC().Truncate(time.Millisecond)
		if !e.After(now) {
			return "", Token{}, &FieldError{Field: "expires_at", Reason: "must be in the future"}
		}
		exp = &e
	}
	acc, err := t.accounts.Get(ctx, accountID)
	if err != nil {
		return "", Token{}, fmt.Errorf("auth: issue token: %w", err)
	}
	if acc.Disabled {
		return "", Token{}, &FieldError{Field: "account_id", Reason: "is disabled"}
	}
	raw, err := newSecret()
	if err != nil {
		return "", Token{}, fmt.Errorf("auth: issue token: %w", err)
	}
	secret := TokenPrefix + raw
	hash := sha256Hex(secret)
	tok := Token{Hash: hash, ID: hash[:16], AccountID: accountID, Name: name, Scopes: scopes, CreatedAt: now, ExpiresAt: exp}
	if _, err := t.c.InsertOne(ctx, tok); err != nil {
		return "", Token{}, fmt.Errorf("auth: issue token: %w", err)
	}
	return secret, tok, nil
}

// Lookup returns the live token with secret and its account. Any reason not
// to accept it — malformed, unknown, revoked, expired, account disabled
// or gone — gives ErrTokenInvalid, so a caller learns nothing from the
// difference. It records the use, at most once a minute per token.
func (t *Tokens) Lookup(ctx context.Context, secret string) (Token, Account, error) {
	invalid := fmt.Errorf("auth: token: %w", ErrTokenInvalid)
	raw, ok := strings.CutPrefix(secret, TokenPrefix)
	if !ok || !wellFormedSecret(raw) {
		return Token{}, Account{}, invalid
	}
	hash := sha256Hex(secret)
	var tok Token
	err := t.c.FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&tok)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Token{}, Account{}, invalid
	}
	if err != nil {
		return Token{}, Account{}, fmt.Errorf("auth: token: %w", err)
	}
	now := t.accounts.clock()
	if tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt) {
		return Token{}, Account{}, invalid
	}
	acc, err := t.accounts.Get(ctx, tok.AccountID)
	if errors.Is(err, ErrNotFound) {
		return Token{}, Account{}, invalid
	}
	if err != nil {
		return Token{}, Account{}, fmt.Errorf("auth: token: %w", err)
	}
	if acc.Disabled {
		return Token{}, Account{}, invalid
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= lastUsedEvery {
		// Concurrent requests may both write here; the value is the same
		// to the minute, which is all it promises.
		set := bson.D{{Key: "$set", Value: bson.D{{Key: "last_used_at", Value: now}}}}
		if _, err := t.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}}, set); err != nil {
			return Token{}, Account{}, fmt.Errorf("auth: token: record use: %w", err)
		}
		tok.LastUsedAt = &now
	}
	return tok, acc, nil
}

// List returns the account's tokens, revoked and expired ones included,
// oldest first.
func (t *Tokens) List(ctx context.Context, accountID string) ([]Token, error) {
	out := []Token{}
	for _, c := range []*mongo.Collection{t.c, t.revoked} {
		cur, err := c.Find(ctx, bson.D{{Key: "account_id", Value: accountID}})
		if err != nil {
			return nil, fmt.Errorf("auth: list tokens: %w", err)
		}
		var page []Token
		if err := cur.All(ctx, &page); err != nil {
			return nil, fmt.Errorf("auth: list tokens: %w", err)
		}
		out = append(out, page...)
	}
	slices.SortFunc(out, func(x, y Token) int {
		if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(x.Hash, y.Hash)
	})
	// A token is in both only for the moment of its revocation.
	out = slices.CompactFunc(out, func(x, y Token) bool { return x.Hash == y.Hash })
	return out, nil
}

// Revoke ends the account's token with the public id. A token of another
// account, or none, gives ErrNotFound; revoking twice is not an error.
//
// The token is moved, not marked: deleted from the live tokens (the
// delete decides one revoker) and then kept, with RevokedAt, among the
// revoked for List. Marking it would race with Lookup's write of
// LastUsedAt, which on the embedded store rewrites the whole document and
// could undo the revocation; a write to a deleted document changes
// nothing. Should the process die between the two steps, the token is
// gone from List but is revoked all the same.
func (t *Tokens) Revoke(ctx context.Context, accountID, publicID string) error {
	notFound := fmt.Errorf("auth: revoke token: %w", ErrNotFound)
	if !publicIDRE.MatchString(publicID) {
		return notFound
	}
	filter := bson.D{{Key: "account_id", Value: accountID}, {Key: "public_id", Value: publicID}}
	var tok Token
	err := t.c.FindOne(ctx, filter).Decode(&tok)
	if errors.Is(err, mongo.ErrNoDocuments) {
		n, err := t.revoked.CountDocuments(ctx, filter, options.Count().SetLimit(1))
		if err != nil {
			return fmt.Errorf("auth: revoke token: %w", err)
		}
		if n > 0 {
			return nil
		}
		return notFound
	}
	if err != nil {
		return fmt.Errorf("auth: revoke token: %w", err)
	}
	res, err := t.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: tok.Hash}})
	if err != nil {
		return fmt.Errorf("auth: revoke token: %w", err)
	}
	if res.DeletedCount != 1 {
		return nil // revoked (or its account erased) meanwhile
	}
	now := t.accounts.clock()
	tok.RevokedAt = &now
	if _, err := t.revoked.InsertOne(context.WithoutCancel(ctx), tok); err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("auth: revoke token: keep record: %w", err)
	}
	return nil
}
