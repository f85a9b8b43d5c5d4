package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/dichtbij/dichtbij/store"
)

// Claims on e-mail addresses keep them unique among accounts: a claim is
// stored under the normalised address, by an insert that is atomic on
// MongoDB and on the embedded store alike (see store.EmailClaim).

// claimEmail stores the claim of email for id, or returns ErrEmailTaken.
// A claim with no account behind it that is older than staleClaim is
// taken over (see freeStaleClaim).
func (a *Accounts) claimEmail(ctx context.Context, email, id string) error {
	for range 3 {
		err := a.accounts.ClaimEmail(ctx, store.EmailClaim{Email: email, AccountID: id, ClaimedAt: a.clock()})
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return err
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

// dropClaim deletes the claim of email by accountID, if whoever else is
// dropping it has not (see store.Accounts.ReleaseEmail).
func (a *Accounts) dropClaim(ctx context.Context, email, accountID string) error {
	return a.accounts.ReleaseEmail(ctx, email, accountID, a.clock())
}

func (a *Accounts) claim(ctx context.Context, email string) (store.EmailClaim, error) {
	return a.accounts.EmailClaim(ctx, email)
}
