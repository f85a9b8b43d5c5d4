package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/teams"
)

// accountAdmin serves an admin's management of the accounts of their
// municipality, and every account's own API tokens.
type accountAdmin struct {
	accounts *auth.Accounts
	tokens   *auth.Tokens
	// teams keeps the rules: an account's team must be one of its
	// municipality's, and who may change whom.
	teams *teams.Service
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
type AccountChange teams.AccountChange

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
	accs, err := a.teams.Accounts(c.UserContext(), actorOf(c.UserContext()).Municipality)
	if err != nil {
		return err
	}
	out := make([]AccountView, len(accs))
	for i, acc := range accs {
		out[i] = viewAccount(acc)
	}
	return c.JSON(out)
}

func (a *accountAdmin) create(c *fiber.Ctx) error {
	var n NewAccountFields
	if err := bindJSON(c, &n, func() error { return a.teams.CheckTeam(c.UserContext(), actorOf(c.UserContext()).Municipality, n.Team) }); err != nil {
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
	acc, err := a.teams.ChangeAccount(c.UserContext(), teams.Admin{ID: me.ID, Municipality: me.Municipality}, c.Params("id"), teams.AccountChange(ch))
	if err != nil {
		return authError(err)
	}
	return c.JSON(viewAccount(acc))
}

func (a *accountAdmin) outbox(c *fiber.Ctx) error {
	ms, err := a.teams.Outbox(c.UserContext(), actorOf(c.UserContext()).Municipality)
	if err != nil {
		return err
	}
	out := make([]OutboxMessage, len(ms))
	for i, m := range ms {
		out[i] = OutboxMessage{Message: m, Body: m.Body}
	}
	return c.JSON(out)
}
