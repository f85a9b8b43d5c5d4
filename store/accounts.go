package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/dichtbij/dichtbij/care"
)

// Account is a person who logs in, as stored. Package auth keeps the
// rules (roles, lockout, sessions); its auth.Account is this type.
type Account struct {
	care.Meta `bson:",inline"`
	// Email is trimmed and lower-case; it is unique among accounts.
	Email string `json:"email" bson:"email"`
	// PasswordHash is an argon2id PHC string; it never leaves the server.
	PasswordHash string `json:"-" bson:"password_hash"`
	Role         string `json:"role" bson:"role"`
	// Municipality is the CBS code ("GM0344"); only an admin may have none.
	Municipality string `json:"municipality,omitempty" bson:"municipality,omitempty"`
	// Team is the id of the social team of a social worker or coordinator.
	Team     string `json:"team,omitempty" bson:"team,omitempty"`
	Name     string `json:"name,omitempty" bson:"name,omitempty"`
	Disabled bool   `json:"disabled" bson:"disabled"`
	// Failed logins since FirstFailureAt, for the lockout.
	FailedLogins   int        `json:"failed_logins" bson:"failed_logins"`
	FirstFailureAt *time.Time `json:"first_failure_at,omitempty" bson:"first_failure_at,omitempty"`
	LockedUntil    *time.Time `json:"locked_until,omitempty" bson:"locked_until,omitempty"`
	// SessionEpoch is copied into every session at login; it is bumped on
	// a password change, on disabling and on a change of role, municipality
	// or team, and a session whose epoch differs is no longer valid. So
	// those changes end every existing session without finding them.
	SessionEpoch int64 `json:"session_epoch" bson:"session_epoch"`
}

// Names of the accounts' collections.
const (
	accountsName = "accounts"
	emailsName   = "account_emails"
)

// Accounts are the accounts, with the claims that keep their e-mail
// addresses unique. It is safe for concurrent use.
type Accounts struct {
	*Collection[Account]
	emails *mongo.Collection
	locks  *Locks
}

// Accounts returns the accounts.
func (s *Store) Accounts() *Accounts {
	return &Accounts{Collection: collection[Account](s, accountsName), emails: s.db.Collection(emailsName), locks: s.Locks()}
}

var accountsOfMunicipality = newQuery(accountsName, "Accounts.Page", "municipality").sortedBy("_id")

// Page returns a page of accounts in creation order, of one municipality
// or (municipality empty) of all, after the id after, and whether more
// follow. limit is 1 to 1000.
func (a *Accounts) Page(ctx context.Context, municipality, after string, limit int) ([]Account, bool, error) {
	q := Query{After: after, Limit: limit}
	if municipality != "" {
		q.Where = accountsOfMunicipality.where(municipality)
	}
	return a.List(ctx, q)
}

// ReplaceVersion replaces the account at version prev with acc, as the one
// writer of that version. A version-checked replace alone is not atomic
// on the embedded store, so two writers of one version could both succeed
// and one change (say, a disable racing a failed login) would be lost.
// The writer therefore first takes the one-shot lock on the version it
// read, "account:<id>@<version>"; only the taker replaces that version.
// ErrConflict means another writer has the version, or had it: read again.
// When the replace fails, the lock is given up for the next writer.
func (a *Accounts) ReplaceVersion(ctx context.Context, prev int64, acc Account, at time.Time) error {
	lock, holder := fmt.Sprintf("account:%s@%d", acc.ID, prev), NewID()
	if err := a.locks.Take(ctx, lock, holder, at); err != nil {
		return err
	}
	err := a.Replace(ctx, prev, acc)
	if err == nil {
		return nil
	}
	// Not written: free the version for the next writer.
	if derr := a.locks.Drop(context.WithoutCancel(ctx), lock, holder); derr != nil {
		err = errors.Join(err, derr)
	}
	return err
}

// EmailClaim reserves an e-mail address for one account. A claim is a
// document whose _id is the normalised address: the insert that creates
// it is atomic on MongoDB and on the embedded store alike, where a "find,
// then insert if absent" is not.
type EmailClaim struct {
	Email     string    `bson:"_id"`
	AccountID string    `bson:"account_id"`
	ClaimedAt time.Time `bson:"claimed_at"`
}

// Errors about claims never name the address, which is personal data.

// ClaimEmail stores c, or returns ErrConflict when the address is claimed.
func (a *Accounts) ClaimEmail(ctx context.Context, c EmailClaim) error {
	_, err := a.emails.InsertOne(ctx, c)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: e-mail claim: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: claim e-mail address: %w", err)
	}
	return nil
}

// EmailClaim returns the claim on the address, or ErrNotFound.
func (a *Accounts) EmailClaim(ctx context.Context, email string) (EmailClaim, error) {
	var c EmailClaim
	err := a.emails.FindOne(ctx, bson.D{{Key: "_id", Value: email}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return c, fmt.Errorf("store: e-mail claim: %w", ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: read e-mail claim: %w", err)
	}
	return c, nil
}

var claimOfAccount = newQuery(emailsName, "Accounts.ReleaseEmail", "_id", "account_id")

// ReleaseEmail deletes the claim on the address by accountID, if there
// is one. Deleting with a condition on account_id is not atomic on the
// embedded store (it finds, then deletes by _id), so a claim is only ever
// deleted by whoever first takes the one-shot lock naming that address
// and account: then no new claim can appear between the find and the
// delete. Whoever finds the lock taken leaves the claim to its taker. The
// lock name holds a hash of the address, not the address.
func (a *Accounts) ReleaseEmail(ctx context.Context, email, accountID string, at time.Time) error {
	sum := sha256.Sum256([]byte(email))
	name := "account_email:" + hex.EncodeToString(sum[:])[:32] + "@" + accountID
	err := a.locks.Take(ctx, name, accountID, at)
	if errors.Is(err, ErrConflict) {
		return nil // someone else dropped it
	}
	if err != nil {
		return fmt.Errorf("store: release e-mail address: %w", err)
	}
	if _, err := a.emails.DeleteOne(ctx, claimOfAccount.filter(email, accountID)); err != nil {
		return fmt.Errorf("store: release e-mail address: %w", err)
	}
	return nil
}
