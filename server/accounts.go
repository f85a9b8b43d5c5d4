package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/store"
)

// accountAdmin serves an admin's management of the accounts of their
// municipality, and every account's own API tokens.
type accountAdmin struct {
	accounts *auth.Accounts
	tokens   *auth.Tokens
	// teams are checked: an account's team must be one of its
	// municipality's.
	teams *teams
}

// NewAccountFields is what an admin sends to make an account.
type NewAccountFields struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=1024"`
	Name     string `json:"name" validate:"required,max=100"`
	Role     string `json:"role" validate:"required,oneof=resident organiser social_worker coordinator admin"`
	Team     string `json:"team,omitempty" validate:"max=64"`
}

// AccountChange is what an admin may change of an account; absent fields
// stay as they are.
type AccountChange struct {
	Name     *string `json:"name,omitempty" validate:"omitempty,max=100"`
	Role     *string `json:"role,omitempty" validate:"omitempty,oneof=resident organiser social_worker coordinator admin"`
	Team     *string `json:"team,omitempty" validate:"omitempty,max=64"`
	Disabled *bool   `json:"disabled,omitempty"`
}

// NewToken asks for an API token.
type NewToken struct {
	Name   string   `json:"name" validate:"required,max=100"`
	Scopes []string `json:"scopes" validate:"required,min=1,max=20"`
	// ExpiresAt is optional, RFC 3339.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// IssuedToken is shown once: the secret is not stored, only its hash.
type IssuedToken struct {
	Secret string     `json:"secret"`
	Token  auth.Token `json:"token"`
}

// OutboxMessage is a message as an admin reads it: with its body, since
// on a machine without mail the admin passes reset links on by hand.
type OutboxMessage struct {
	auth.Message
	Body string `json:"body"`
}

type accountParam struct {
	ID string `path:"id" description:"account id"`
}

type tokenParam struct {
	ID string `path:"id" description:"the token's public id, 16 hexadecimal characters"`
}

func mountAccounts(rt *routeTable, a *accountAdmin) {
	tag := "accounts"
	errs := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}
	rt.add(route{method: http.MethodGet, path: "/api/v1/me", perm: permSelf, handler: a.me, tag: tag, summary: "One's own account", resp: AccountView{}, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/me/tokens", perm: permSelf, handler: a.listTokens, tag: tag, summary: "One's API tokens, revoked ones included (never their secrets)", resp: []auth.Token{}, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/me/tokens", perm: permSelf, handler: a.issueToken, tag: tag,
		summary: "Issue an API token for a machine client: scopes are perms of one's role (see /api/v1/session); the secret is shown once and stored only as a hash",
		body:    NewToken{}, resp: IssuedToken{}, status: http.StatusCreated, errors: errs})
	rt.add(route{method: http.MethodDelete, path: "/api/v1/me/tokens/:id", perm: permSelf, handler: a.revokeToken, tag: tag, summary: "Revoke an API token at once", params: tokenParam{}, status: http.StatusNoContent, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/accounts", perm: permAccounts, handler: a.list, tag: tag, summary: "The accounts of the admin's municipality (admin)", resp: []AccountView{}, errors: []int{http.StatusUnauthorized, http.StatusForbidden}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/accounts", perm: permAccounts, handler: a.create, tag: tag, summary: "Make an account in the admin's municipality (admin); social workers and coordinators may have a team",
		body: NewAccountFields{}, resp: AccountView{}, status: http.StatusCreated, errors: append(errs, http.StatusConflict)})
	rt.add(route{method: http.MethodPatch, path: "/api/v1/accounts/:id", perm: permAccounts, handler: a.change, tag: tag, summary: "Change an account's name, role, team or disabled (admin); a change of role, team or disabled ends its sessions",
		params: accountParam{}, body: AccountChange{}, resp: AccountView{}, errors: append(errs, http.StatusNotFound)})
	rt.add(route{method: http.MethodGet, path: "/api/v1/outbox", perm: permOutbox, handler: a.outbox, tag: tag, summary: "The mail outbox to accounts of the admin's municipality, with bodies, oldest first (admin): on a machine without mail the admin passes reset links on",
		resp: []OutboxMessage{}, errors: []int{http.StatusUnauthorized, http.StatusForbidden}})
}

func (a *accountAdmin) me(c *fiber.Ctx) error {
	return c.JSON(viewAccount(principalOf(c).account))
}

func (a *accountAdmin) listTokens(c *fiber.Ctx) error {
	ts, err := a.tokens.List(c.UserContext(), actorOf(c.UserContext()).ID)
	if err != nil {
		return err
	}
	return c.JSON(append([]auth.Token{}, ts...))
}

func (a *accountAdmin) issueToken(c *fiber.Ctx) error {
	var n NewToken
	if err := bindJSON(c, &n, func() error { return nil }); err != nil {
		return err
	}
	me := actorOf(c.UserContext())
	held := rolePerms()[me.Role]
	for i, s := range n.Scopes {
		if !slices.Contains(held, perm(s)) {
			return invalid("scopes["+strconv.Itoa(i)+"]", "is not a perm of the role "+me.Role)
		}
	}
	secret, tok, err := a.tokens.Issue(c.UserContext(), me.ID, n.Name, n.Scopes, n.ExpiresAt)
	if err != nil {
		return authError(err)
	}
	return c.Status(fiber.StatusCreated).JSON(IssuedToken{Secret: secret, Token: tok})
}

func (a *accountAdmin) revokeToken(c *fiber.Ctx) error {
	err := a.tokens.Revoke(c.UserContext(), actorOf(c.UserContext()).ID, c.Params("id"))
	if errors.Is(err, auth.ErrNotFound) {
		return newProblem(fiber.StatusNotFound, "not-found", "you have no API token "+c.Params("id"))
	}
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *accountAdmin) list(c *fiber.Ctx) error {
	out := []AccountView{}
	err := eachPage(func(after string) ([]auth.Account, bool, error) {
		return a.accounts.List(c.UserContext(), actorOf(c.UserContext()).Municipality, after, 1000)
	}, func(acc auth.Account) error {
		out = append(out, viewAccount(acc))
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// eachPage walks a paged list from its start, calling fn for every item.
func eachPage[T store.Record](list func(after string) ([]T, bool, error), fn func(T) error) error {
	after := ""
	for {
		page, more, err := list(after)
		if err != nil {
			return err
		}
		for _, it := range page {
			if err := fn(it); err != nil {
				return err
			}
		}
		if !more || len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].Header().ID
	}
}

func (a *accountAdmin) create(c *fiber.Ctx) error {
	var n NewAccountFields
	if err := bindJSON(c, &n, func() error { return a.teams.checkTeam(c.UserContext(), actorOf(c.UserContext()).Municipality, n.Team) }); err != nil {
		return err
	}
	acc, err := a.accounts.Create(c.UserContext(), auth.NewAccount{Email: n.Email, Password: n.Password, Name: n.Name, Role: n.Role,
		Team: n.Team, Municipality: actorOf(c.UserContext()).Municipality})
	if err != nil {
		return authError(err)
	}
	return c.Status(fiber.StatusCreated).JSON(viewAccount(acc))
}

func (a *accountAdmin) change(c *fiber.Ctx) error {
	var ch AccountChange
	if err := bindJSON(c, &ch, func() error { return nil }); err != nil {
		return err
	}
	me := actorOf(c.UserContext())
	id := c.Params("id")
	cur, err := a.accounts.Get(c.UserContext(), id)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && cur.Municipality != me.Municipality) {
		return newProblem(fiber.StatusNotFound, "not-found", "no account "+id+" in your municipality")
	}
	if err != nil {
		return err
	}
	if ch.Team != nil {
		if err := a.teams.checkTeam(c.UserContext(), me.Municipality, *ch.Team); err != nil {
			return err
		}
	}
	if id == me.ID && (ch.Role != nil || ch.Disabled != nil) {
		return invalid("role", "an admin cannot change their own role or lock themselves out; ask another admin")
	}
	acc, err := a.accounts.Update(c.UserContext(), id, func(acc *auth.Account) error {
		if ch.Name != nil {
			acc.Name = *ch.Name
		}
		if ch.Role != nil {
			acc.Role = *ch.Role
		}
		if ch.Team != nil {
			acc.Team = *ch.Team
		}
		if ch.Disabled != nil {
			acc.Disabled = *ch.Disabled
		}
		return nil
	})
	if err != nil {
		return authError(err)
	}
	return c.JSON(viewAccount(acc))
}

func (a *accountAdmin) outbox(c *fiber.Ctx) error {
	out := []OutboxMessage{}
	mine := actorOf(c.UserContext()).Municipality
	err := eachPage(func(after string) ([]auth.Message, bool, error) {
		return a.accounts.Outbox().List(c.UserContext(), after, 1000)
	}, func(m auth.Message) error {
		// Only mail to accounts of the admin's own municipality.
		acc, err := a.accounts.ByEmail(c.UserContext(), m.To)
		if errors.Is(err, auth.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if acc.Municipality == mine {
			out = append(out, OutboxMessage{Message: m, Body: m.Body})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(out)
}
