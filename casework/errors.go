package casework

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// ErrConcurrentChange means another change of the same record came in at
// the same moment and won; reading the record again and retrying is safe.
var ErrConcurrentChange = errors.New("casework: the record was changed at the same moment")

// NotFoundError means a record the change needs does not exist (or is
// not the caller's to see, which callers must not tell apart).
type NotFoundError struct {
	Kind, ID string
	// Detail, when set, says more than "no <kind> with id <id>".
	Detail string
}

func (e *NotFoundError) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	return "no " + e.Kind + " with id " + e.ID
}

// FieldError is a request value the rules refuse, named by its JSON
// path, e.g. {"option_id", "names an option that is paused or inactive"}.
type FieldError struct {
	Field, Reason string
}

func (e *FieldError) Error() string { return e.Field + " " + e.Reason }

func invalid(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

// MoveError refuses a state change the lifecycle does not allow. Kind
// is "referral" or "request"; Allowed lists the states From can move
// to (empty when From is final).
type MoveError struct {
	Kind     string
	From, To string
	// Closure is how a closed request was closed, if it was.
	Closure string
	Allowed []string
}

func (e *MoveError) Error() string {
	if e.Kind == "request" {
		cur := e.From
		if e.Closure != "" {
			cur += " (" + e.Closure + ")"
		}
		allowed := "it can move to " + strings.Join(e.Allowed, ", ")
		if e.From == care.ReqClosed {
			allowed = "it reopens only when specialist care ends (step-down)"
		}
		return fmt.Sprintf("the request is %s; %s", cur, allowed)
	}
	allowed := "none: it is final"
	if len(e.Allowed) > 0 {
		allowed = strings.Join(e.Allowed, ", ")
	}
	return fmt.Sprintf("the referral is %s; it can move to %s", e.From, allowed)
}

func requestMoveError(r care.Request, to string) *MoveError {
	return &MoveError{Kind: "request", From: r.Status, To: to, Closure: r.Closure, Allowed: care.RequestNextStates(r.Status)}
}

// FullError means every place of the option (of the occurrence, for an
// activity) is taken: the referral can wait in line instead.
type FullError struct{ Capacity int }

func (e *FullError) Error() string {
	return fmt.Sprintf("all %d places of this option are taken; put the referral on the waiting list (to: waitlisted)", e.Capacity)
}

// LineError refuses accepting a waitlisted referral that others wait
// ahead of: a freed place goes to the first in line.
type LineError struct{ Ahead int }

func (e *LineError) Error() string {
	return fmt.Sprintf("the referral is waitlisted with %d referral(s) ahead of it; a freed place goes to the first in line", e.Ahead)
}

// ConsentError means the resident did not consent to sharing with the
// kind of option: Consent is what to record on the request first.
type ConsentError struct{ OptionKind, Consent string }

func (e *ConsentError) Error() string {
	return "the resident has not consented to sharing with a " + e.OptionKind + ": record the consent " + e.Consent + " on the request first"
}

// GateError refuses specialist care until the neighbourhood was tried;
// Missing lists each thing missing, by field.
type GateError struct{ Missing []care.Problem }

func (e *GateError) Error() string {
	return fmt.Sprintf("specialist care is refused until the neighbourhood was tried: %d thing(s) missing", len(e.Missing))
}

// StateError refuses something the record's current state does not
// allow, such as a no-show on a referral that holds no place.
type StateError struct {
	Kind, State, Want string
}

func (e *StateError) Error() string {
	return fmt.Sprintf("the %s is %s; %s", e.Kind, e.State, e.Want)
}

// DoneError means the thing was done already, at At: Ended says it is
// a specialist referral that ended, otherwise a follow-up.
type DoneError struct {
	What  string
	At    time.Time
	Ended bool
}

func (e *DoneError) Error() string { return e.What + " at " + e.At.Format(time.RFC3339) }

// ErrWorkerOnly refuses an owner a move only the social worker makes
// (waiting list, expiry).
var ErrWorkerOnly = errors.New("only the social worker puts a referral on the waiting list or lets it expire")
