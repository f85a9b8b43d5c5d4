package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/dichtbij/dichtbij/store"
)

// Claims on e-mail addresses keep them unique among accounts. A claim is
// a document in account_emails whose _id is the normalised address: the
// insert that creates it is atomic on MongoDB and on the embedded store
// alike, where a "find, then insert if absent" is not.

// emailClaim reserves an e-mail address for one account.
type emailClaim struct {
	Email     string    `bson:"_id"`
	AccountID string    `bson:"account_id"`
	ClaimedAt time.Time `bson:"claimed_at"`
}

// claimEmail inserts the claim of email for id, or returns ErrEmailTaken.
// A claim with no account behind it that is older than staleClaim is
// taken over (see freeStaleClaim).
func (a *Accounts) claimEmail(ctx context.Context, email, id string) error {
	for range 3 {
		_, err := a.emails.InsertOne(ctx, emailClaim{Email: email, AccountID: id, ClaimedAt: a.clock()})
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("claim e-mail address: %w", err)
		}
		freed, err := a.freeStaleClaim(ctx, email)
		if err != nil {
			return err
		}
		if !freed {
			break
		}
	}
	return ErrEmailTaken
}

// freeStaleClaim removes the claim on email if it is stale, and reports
// whether claiming again may succeed.
func (a *Accounts) freeStaleClaim(ctx context.Context, email string) (bool, error) {
	c, err := a.claim(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return true, nil // released meanwhile
	}
	if err != nil {
		return false, err
	}
	if a.clock().Sub(c.ClaimedAt) < staleClaim {
		return false, nil // possibly a sign-up still writing its account
	}
	if _, err := a.accounts.Get(ctx, c.AccountID); err == nil {
		return false, nil // a live account
	} else if !errors.Is(err, ErrNotFound) {
		return false, fmt.Errorf("check e-mail claim: %w", err)
	}
	if err := a.dropClaim(ctx, email, c.AccountID); err != nil {
		return false, err
	}
	return true, nil
}

// dropClaim deletes the claim of email by accountID. Deleting with a
// condition on account_id is not atomic on the embedded store (it finds,
// then deletes by _id), so a claim is only ever deleted by whoever first
// takes the one-shot lock naming that address and account: then no new
// claim can appear between the find and the delete. The lock name holds a
// hash of the address, not the address.
func (a *Accounts) dropClaim(ctx context.Context, email, accountID string) error {
	name := "account_email:" + sha256Hex(email)[:32] + "@" + accountID
	err := a.locks.Take(ctx, name, accountID, a.clock())
	if errors.Is(err, store.ErrConflict) {
		return nil // someone else dropped it
	}
	if err != nil {
		return fmt.Errorf("release e-mail address: %w", err)
	}
	if _, err := a.emails.DeleteOne(ctx, bson.D{{Key: "_id", Value: email}, {Key: "account_id", Value: accountID}}); err != nil {
		return fmt.Errorf("release e-mail address: %w", err)
	}
	return nil
}

func (a *Accounts) claim(ctx context.Context, email string) (emailClaim, error) {
	var c emailClaim
	err := a.emails.FindOne(ctx, bson.D{{Key: "_id", Value: email}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return c, fmt.Errorf("e-mail address: %w", ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("read e-mail claim: %w", err)
	}
	return c, nil
}
