package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Authenticate checks an e-mail address and password and returns the
// account. Unknown address, wrong password and disabled account all give
// ErrInvalidCredentials, and each costs one argon2 hash, so neither the
// answer nor its timing tells whether an address has an account. A locked
// account gives a *LockedError (ErrLocked), even with the right password.
// A successful login clears the failure count and, when the stored hash
// was made with other parameters than the configured ones, rehashes.
func (a *Accounts) Authenticate(ctx context.Context, email, password string) (Account, error) {
	fail := fmt.Errorf("auth: login: %w", ErrInvalidCredentials)
	if len(password) > maxLoginPassword {
		return Account{}, fail
	}
	acc, err := a.ByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		a.burnHash(password)
		return Account{}, fail
	}
	if err != nil {
		return Account{}, fmt.Errorf("auth: login: %w", err)
	}
	if acc.Disabled {
		_, _, _ = verify(password, acc.PasswordHash, a.params) // same cost as any other answer
		return Account{}, fail
	}
	now := a.clock()
	if acc.LockedUntil != nil && now.Before(*acc.LockedUntil) {
		return Account{}, fmt.Errorf("auth: login: %w", &LockedError{Until: *acc.LockedUntil})
	}
	ok, rehash, err := verify(password, acc.PasswordHash, a.params)
	if err != nil {
		return Account{}, fmt.Errorf("auth: login: account %s: %w", acc.ID, err)
	}
	if !ok {
		return Account{}, a.loginFailed(ctx, acc.ID, now)
	}
	return a.loginSucceeded(ctx, acc, password, rehash)
}

// burnHash spends the time of one password check, for unknown addresses.
func (a *Accounts) burnHash(password string) {
	if h, err := a.dummy(); err == nil {
		_, _, _ = verify(password, h, a.params)
	}
}

// loginFailed counts a failed login and locks the account when it is the
// MaxFailures-th within Window. The failure that locks answers with the
// lock already.
func (a *Accounts) loginFailed(ctx context.Context, id string, now time.Time) error {
	l := a.Lockout
	if l.MaxFailures <= 0 {
		return fmt.Errorf("auth: login: %w", ErrInvalidCredentials)
	}
	var lockedUntil time.Time
	_, err := a.update(ctx, id, func(acc *Account) error {
		lockedUntil = time.Time{}
		if acc.LockedUntil != nil && now.Before(*acc.LockedUntil) {
			lockedUntil = *acc.LockedUntil // locked meanwhile by another attempt
			return errNoChange
		}
		acc.LockedUntil = nil
		if acc.FirstFailureAt == nil || now.Sub(*acc.FirstFailureAt) >= l.Window {
			acc.FirstFailureAt, acc.FailedLogins = &now, 0
		}
		acc.FailedLogins++
		if acc.FailedLogins >= l.MaxFailures {
			until := now.Add(l.Duration)
			acc.LockedUntil, acc.FailedLogins, acc.FirstFailureAt = &until, 0, nil
			lockedUntil = until
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("auth: login: record failure: %w", err)
	}
	if !lockedUntil.IsZero() {
		return fmt.Errorf("auth: login: %w", &LockedError{Until: lockedUntil})
	}
	return fmt.Errorf("auth: login: %w", ErrInvalidCredentials)
}

// loginSucceeded clears the lockout state and rehashes if asked; it
// writes only when one of those changes something.
func (a *Accounts) loginSucceeded(ctx context.Context, acc Account, password string, rehash bool) (Account, error) {
	newHash := ""
	if rehash {
		h, err := Hash(password, a.params)
		if err != nil {
			return Account{}, fmt.Errorf("auth: login: %w", err)
		}
		newHash = h
	}
	if newHash == "" && acc.FailedLogins == 0 && acc.FirstFailureAt == nil && acc.LockedUntil == nil {
		return acc, nil
	}
	oldHash := acc.PasswordHash
	updated, err := a.update(ctx, acc.ID, func(cur *Account) error {
		cur.FailedLogins, cur.FirstFailureAt, cur.LockedUntil = 0, nil, nil
		// A password set since this login read the account wins.
		if newHash != "" && cur.PasswordHash == oldHash {
			cur.PasswordHash = newHash
		}
		return nil
	})
	if err != nil {
		return Account{}, fmt.Errorf("auth: login: %w", err)
	}
	return updated, nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
