package auth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// pause waits a little before attempt n of a contended write, longer
// for later attempts and with jitter, so that writers racing for one
// version spread out instead of colliding again.
func pause(ctx context.Context, n int) error {
	d := time.Duration(min(n, 10))*time.Millisecond + rand.N(5*time.Millisecond)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// errNoChange, returned by an update function, ends update without a
// write.
var errNoChange = errors.New("no change")

// update applies fn to the current account and replaces it at the version
// read, retrying on a concurrent change. fn may run more than once and
// must only change the account it is given.
//
// A version-checked replace alone is not atomic on the embedded store, so
// two writers of one version could both succeed and one change (say, a
// disable racing a failed login) would be lost. The store's
// ReplaceVersion lets only one writer of a version replace it; the
// others read again.
func (a *Accounts) update(ctx context.Context, id string, fn func(*Account) error) (Account, error) {
	for attempt := range updateAttempts {
		if attempt > 0 {
			if err := pause(ctx, attempt); err != nil {
				return Account{}, fmt.Errorf("auth: update account: %w", err)
			}
		}
		acc, err := a.accounts.Get(ctx, id)
		if err != nil {
			return Account{}, fmt.Errorf("auth: update account: %w", err)
		}
		prev := acc.Version
		if err := fn(&acc); errors.Is(err, errNoChange) {
			return acc, nil
		} else if err != nil {
			return Account{}, fmt.Errorf("auth: update account %s: %w", id, err)
		}
		acc.ID, acc.Version, acc.UpdatedAt = id, prev+1, a.clock()
		err = a.accounts.ReplaceVersion(ctx, prev, acc, a.clock())
		a.recent.forget(id)
		if err == nil {
			return acc, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			return Account{}, fmt.Errorf("auth: update account: %w", err)
		}
		// Another writer has this version, or had it: read again.
	}
	return Account{}, fmt.Errorf("auth: update account %s: still changing after %d attempts: %w", id, updateAttempts, store.ErrConflict)
}

// Update applies fn to the account and stores the result, retrying fn on
// a concurrent change, and returns the account as stored. fn may change
// the profile (role, municipality, team, name), the lockout fields and
// SessionEpoch; the e-mail address, password hash and metadata are not
// Update's to change (that is an error). A change of role, municipality,
// team or Disabled bumps SessionEpoch, so sessions holding the old
// privileges end.
func (a *Accounts) Update(ctx context.Context, id string, fn func(*Account) error) (Account, error) {
	return a.update(ctx, id, func(acc *Account) error {
		before := *acc
		if err := fn(acc); err != nil {
			return err
		}
		if acc.ID != before.ID || acc.Email != before.Email || acc.PasswordHash != before.PasswordHash ||
			acc.Version != before.Version || !acc.CreatedAt.Equal(before.CreatedAt) {
			return errors.New("the id, e-mail address, password hash and metadata cannot be changed by Update")
		}
		acc.Name = strings.TrimSpace(acc.Name)
		if err := checkProfile(acc); err != nil {
			return err
		}
		if acc.Role != before.Role || acc.Municipality != before.Municipality || acc.Team != before.Team || acc.Disabled != before.Disabled {
			acc.SessionEpoch++
		}
		return nil
	})
}

// SetPassword checks pw against the policy and makes it the account's
// password. It ends the account's sessions (SessionEpoch) and voids its
// outstanding reset links.
func (a *Accounts) SetPassword(ctx context.Context, id, pw string) error {
	if err := CheckPassword(pw); err != nil {
		return err
	}
	hash, err := Hash(pw, a.params)
	if err != nil {
		return err
	}
	return a.applyPassword(ctx, id, hash, false)
}

// applyPassword stores a hash made from a password that passed the
// policy.
func (a *Accounts) applyPassword(ctx context.Context, id, hash string, clearLockout bool) error {
	if _, err := a.update(ctx, id, func(acc *Account) error {
		acc.PasswordHash = hash
		acc.SessionEpoch++
		if clearLockout {
			acc.FailedLogins, acc.FirstFailureAt, acc.LockedUntil = 0, nil, nil
		}
		return nil
	}); err != nil {
		return fmt.Errorf("auth: set password: %w", err)
	}
	if err := a.resets.DeleteOfAccount(ctx, id); err != nil {
		return fmt.Errorf("auth: set password: void reset links: %w", err)
	}
	return nil
}

// SetDisabled disables or re-enables the account. Disabling ends its
// sessions (SessionEpoch) and makes its API tokens invalid; a disabled
// account cannot log in.
func (a *Accounts) SetDisabled(ctx context.Context, id string, disabled bool) error {
	_, err := a.update(ctx, id, func(acc *Account) error {
		if acc.Disabled == disabled {
			return errNoChange
		}
		acc.Disabled = disabled
		acc.SessionEpoch++
		return nil
	})
	if err != nil {
		return fmt.Errorf("auth: set disabled: %w", err)
	}
	return nil
}
