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

	"github.com/dichtbij/dichtbij/store"
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
// secret, which exists only in the answer to Issue. Its Hash (the
// SHA-256 of the secret) is the store's key, its ID the first 16 hex
// digits of that, and HasScope tells whether it grants a scope (see
// store.APIToken).
type Token = store.APIToken

// Tokens issues and checks API tokens for machine clients. It is safe
// for concurrent use.
type Tokens struct {
	st         store.APITokens
	accounts   *Accounts
	validScope func(string) bool
}

// NewTokens returns the API tokens of accounts' store. validScope decides
// which scopes may be granted; the API defines them, not this package.
func NewTokens(accounts *Accounts, validScope func(string) bool) *Tokens {
	return &Tokens{st: accounts.tokens, accounts: accounts, validScope: validScope}
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
	if err := t.st.Insert(ctx, tok); err != nil {
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
	tok, err := t.st.Live(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
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
		if err := t.st.Used(ctx, hash, now); err != nil {
			return Token{}, Account{}, fmt.Errorf("auth: token: record use: %w", err)
		}
		tok.LastUsedAt = &now
	}
	return tok, acc, nil
}

// List returns the account's tokens, revoked and expired ones included,
// oldest first.
func (t *Tokens) List(ctx context.Context, accountID string) ([]Token, error) {
	out, err := t.st.OfAccount(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	return out, nil
}

// Revoke ends the account's token with the public id. A token of another
// account, or none, gives ErrNotFound; revoking twice is not an error.
// The token is moved among the revoked, not marked, so that a concurrent
// Lookup cannot undo it (see store.APITokens.Revoke); List still shows
// it, with RevokedAt.
func (t *Tokens) Revoke(ctx context.Context, accountID, publicID string) error {
	notFound := fmt.Errorf("auth: revoke token: %w", ErrNotFound)
	if !publicIDRE.MatchString(publicID) {
		return notFound
	}
	err := t.st.Revoke(ctx, accountID, publicID, t.accounts.clock())
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return fmt.Errorf("auth: revoke token: %w", err)
	}
	return nil
}
