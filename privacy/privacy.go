// Package privacy owns the AVG rights of an account holder that span
// the other packages: to see who accessed their data (from the access
// log), to take everything dichtbij holds about them along, and to be
// forgotten (their options deleted, the referrals to them ended and
// anonymised, their account and calendar feed gone).
//
// It knows neither Fiber nor the MongoDB driver. The requests behind the
// holder's referrals are not read here: their owner's view is read
// through the HTTP side's case access, which writes the access log.
package privacy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/store"
)

// Engine is told of every option deleted, so that searches stop showing
// it (follow.Sync).
type Engine interface {
	Written(ctx context.Context, coll, id string, deleted bool)
}

// Service serves the rights of account holders.
type Service struct {
	st       *store.Store
	accounts *auth.Accounts
	tokens   *auth.Tokens
	log      *accesslog.Log
	cw       *casework.Service
	engine   Engine
}

// New returns the service over its collaborators.
func New(st *store.Store, accounts *auth.Accounts, tokens *auth.Tokens, log *accesslog.Log, cw *casework.Service, engine Engine) *Service {
	return &Service{st: st, accounts: accounts, tokens: tokens, log: log, cw: cw, engine: engine}
}

// Export is what dichtbij holds about one account besides the account
// itself and the referrals to its options (AVG article 15 and 20). Lists
// are empty, never nil.
type Export struct {
	Tokens      []auth.Token
	Volunteers  []care.Volunteer
	Initiatives []care.Initiative
	Provisions  []care.Provision
	Activities  []care.Activity
	// Mail is what was sent or queued to the holder's address.
	Mail []auth.Message
	// Accesses are who read or changed the holder's data, newest first.
	Accesses []Access
}

// Access is one access to the holder's data as they see it: who (by
// name and role), when, what, and why if it was outside the team.
type Access struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	ActorRole string    `json:"actor_role"`
	ActorTeam string    `json:"actor_team,omitempty"`
	Action    string    `json:"action"`
	Route     string    `json:"route"`
	Reason    string    `json:"reason,omitempty"`
}

// Export gathers what dichtbij holds about account acc. Each referral
// to its options is handed to referral, in order, before the mail and
// the accesses are read: the caller reads the owner's view of it, and
// that read may be among the accesses.
func (s *Service) Export(ctx context.Context, acc auth.Account, referral func(care.Referral) error) (Export, error) {
	var out Export
	var err error
	fail := func(what string, err error) (Export, error) {
		return Export{}, fmt.Errorf("privacy: export %s: %s: %w", acc.ID, what, err)
	}
	if out.Tokens, err = s.tokens.List(ctx, acc.ID); err != nil {
		return fail("tokens", err)
	}
	if out.Volunteers, err = s.st.Volunteers().OwnedBy(ctx, acc.ID); err != nil {
		return fail("volunteers", err)
	}
	if out.Initiatives, err = s.st.Initiatives().OwnedBy(ctx, acc.ID); err != nil {
		return fail("initiatives", err)
	}
	if out.Provisions, err = s.st.Provisions().OwnedBy(ctx, acc.ID); err != nil {
		return fail("provisions", err)
	}
	if out.Activities, err = s.st.Activities().OwnedBy(ctx, acc.ID); err != nil {
		return fail("activities", err)
	}
	refs, err := s.st.Referrals().OwnedBy(ctx, acc.ID)
	if err != nil {
		return fail("referrals", err)
	}
	for _, ref := range refs {
		if err := referral(ref); err != nil {
			return Export{}, err
		}
	}
	if out.Mail, err = s.accounts.Outbox().To(ctx, acc.Email); err != nil {
		return fail("mail", err)
	}
	if out.Accesses, err = s.Accesses(ctx, acc.ID, 0); err != nil {
		return Export{}, err
	}
	out.Initiatives, out.Provisions, out.Activities = orEmpty(out.Initiatives), orEmpty(out.Provisions), orEmpty(out.Activities)
	out.Volunteers, out.Mail, out.Tokens = orEmpty(out.Volunteers), orEmpty(out.Mail), orEmpty(out.Tokens)
	return out, nil
}

// orEmpty makes an absent list an empty one, so the JSON says [] and not
// null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Accesses returns the access-log entries about account id, newest
// first, at most limit of them (0: all), with the actors' names.
func (s *Service) Accesses(ctx context.Context, id string, limit int) ([]Access, error) {
	var entries []accesslog.Entry
	after := ""
	for {
		page, more, err := s.log.ForSubject(ctx, id, after, 1000)
		if err != nil {
			return nil, fmt.Errorf("privacy: accesses to %s: %w", id, err)
		}
		entries = append(entries, page...)
		if !more || len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
	}
	names := map[string]string{}
	out := make([]Access, 0, len(entries))
	for i := len(entries) - 1; i >= 0 && (limit == 0 || len(out) < limit); i-- {
		e := entries[i]
		name, ok := names[e.Actor]
		if !ok {
			acc, err := s.accounts.Get(ctx, e.Actor)
			switch {
			case errors.Is(err, store.ErrNotFound):
				name = "(account removed)"
			case err != nil:
				return nil, fmt.Errorf("privacy: accesses to %s: actor %s: %w", id, e.Actor, err)
			default:
				name = acc.Name
			}
			names[e.Actor] = name
		}
		out = append(out, Access{At: e.At, ActorName: name, ActorRole: e.ActorRole, ActorTeam: e.ActorTeam,
			Action: e.Action, Route: e.Route, Reason: e.Reason})
	}
	return out, nil
}

// erasable are the roles that may erase their own account. Professional
// accounts carry the access log's accountability: an admin disables them.
var erasable = []string{auth.RoleResident, auth.RoleOrganiser}

// NotErasableError refuses erasing one's own account of a role that an
// admin disables instead.
type NotErasableError struct{ Role string }

func (e *NotErasableError) Error() string {
	return "a " + e.Role + " account is erased by an admin of the municipality (it carries the access log's accountability)"
}

// EraseOwn erases acc at its holder's request, confirmed with its
// password so that a session left open on a shared computer cannot do
// it. A wrong password is auth's error.
func (s *Service) EraseOwn(ctx context.Context, acc auth.Account, password string) error {
	if !slices.Contains(erasable, acc.Role) {
		return &NotErasableError{Role: acc.Role}
	}
	if _, err := s.accounts.Authenticate(ctx, acc.Email, password); err != nil {
		return err
	}
	return s.Erase(ctx, acc)
}

// Erase deletes acc and everything it owns. Open referrals to its
// options end first (freeing their places and telling the workers by the
// state), then each referral keeps only an anonymous trace: state, steps,
// need and kind, with no owner and no free text. The account goes last,
// so that a failure half-way leaves it in place and a second erasure
// finishes the job. The access-log entries about it stay (they hold only
// ids and are needed to account for past access), and so do the audit
// entries of the moves it made.
func (s *Service) Erase(ctx context.Context, acc auth.Account) error {
	if err := s.cw.HelperLeft(ctx, acc.ID); err != nil {
		return fmt.Errorf("privacy: erase %s: %w", acc.ID, err)
	}
	// Requests about the person stay (they are the team's case file) but
	// no longer point at an account that is gone.
	if err := s.cw.UnlinkResident(ctx, casework.Actor{}, acc.ID); err != nil {
		return fmt.Errorf("privacy: erase %s: %w", acc.ID, err)
	}
	// Activities before the provisions and initiatives they belong to.
	if err := deleteOwned(ctx, acc.ID, s.st.Volunteers().OwnedBy, s.st.Volunteers().Delete, s.engine, follow.Volunteers); err != nil {
		return err
	}
	if err := deleteOwned(ctx, acc.ID, s.st.Activities().OwnedBy, s.st.Activities().Delete, s.engine, follow.Activities); err != nil {
		return err
	}
	if err := deleteOwned(ctx, acc.ID, s.st.Initiatives().OwnedBy, s.st.Initiatives().Delete, s.engine, follow.Initiatives); err != nil {
		return err
	}
	if err := deleteOwned(ctx, acc.ID, s.st.Provisions().OwnedBy, s.st.Provisions().Delete, s.engine, follow.Provisions); err != nil {
		return err
	}
	// The personal calendar feed dies with the account anyway; its token
	// hash goes too, so nothing of the account is left behind.
	if err := s.st.CalendarTokens().DeleteOfAccount(ctx, acc.ID); err != nil {
		return fmt.Errorf("privacy: erase %s: calendar tokens: %w", acc.ID, err)
	}
	return s.accounts.Delete(ctx, acc.ID)
}

// deleteOwned deletes the records of owner, found by owned and deleted
// by del, and tells the matching engine.
func deleteOwned[T store.Record](ctx context.Context, owner string, owned func(context.Context, string) ([]T, error),
	del func(context.Context, string) error, engine Engine, name string) error {
	recs, err := owned(ctx, owner)
	if err != nil {
		return fmt.Errorf("privacy: erase %s: %s: %w", owner, name, err)
	}
	for _, r := range recs {
		id := r.Header().ID
		if err := del(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("privacy: erase: delete %s %s: %w", name, id, err)
		}
		engine.Written(ctx, name, id, true)
	}
	return nil
}
