package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// FieldError is a validation failure of one input field, for the API to
// report as 400/422 naming the field.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return "auth: " + e.Field + " " + e.Reason }

// Errors of this package, returned wrapped with context; test with
// errors.Is.
var (
	// ErrNotFound is the store's: an account, token or message that does
	// not exist (or, for a token, is not the caller's).
	ErrNotFound = store.ErrNotFound
	// ErrEmailTaken means another account has the e-mail address.
	ErrEmailTaken = errors.New("e-mail address already in use")
	// ErrInvalidCredentials is the one answer to a failed login, whether
	// the address is unknown, the password wrong or the account disabled,
	// so that a login form does not reveal which addresses have accounts.
	ErrInvalidCredentials = errors.New("invalid e-mail address or password")
	// ErrLocked means too many failed logins; the error is a *LockedError
	// saying until when.
	ErrLocked = errors.New("account temporarily locked")
	// ErrResetInvalid means a reset link that does not exist or was used.
	ErrResetInvalid = errors.New("invalid or used password reset link")
	// ErrResetExpired means a reset link past its expiry.
	ErrResetExpired = errors.New("password reset link expired")
	// ErrTokenInvalid is the one answer to an API token that is malformed,
	// unknown, revoked, expired or whose account is disabled or gone.
	ErrTokenInvalid = errors.New("invalid API token")
)

// LockedError is ErrLocked with the time the lock ends, for a
// Retry-After header or a message to the user.
type LockedError struct {
	Until time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("auth: %v until %s", ErrLocked, e.Until.UTC().Format(time.RFC3339))
}

// Unwrap makes errors.Is(err, ErrLocked) hold.
func (e *LockedError) Unwrap() error { return ErrLocked }
