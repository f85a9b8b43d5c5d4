package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/dichtbij/dichtbij/auth"
)

// principal is the authenticated caller of one request.
type principal struct {
	actor actor
	// account is the caller's account as authenticate read it.
	account auth.Account
	// token is true for an API token, whose scopes narrow the role's
	// perms and which needs no CSRF token.
	token  bool
	scopes []string
}

const localPrincipal = "dichtbij.principal"

func principalOf(c *fiber.Ctx) principal {
	p, _ := c.Locals(localPrincipal).(principal)
	return p
}

// Session keys.
const (
	sessAccount = "account"
	sessEpoch   = "epoch"
)

// authn holds what signing in needs.
type authn struct {
	accounts *auth.Accounts
	tokens   *auth.Tokens
	sessions *session.Store
	csrf     csrfGuard
	baseURL  string
	log      *slog.Logger
}

func actorOfAccount(a auth.Account) actor {
	return actor{ID: a.ID, Role: a.Role, Team: a.Team, Municipality: a.Municipality}
}

// authenticate finds the caller: an API token in Authorization, or the
// session cookie. A session whose account is gone, disabled, or whose
// password changed since (SessionEpoch) is destroyed. Anonymous callers
// pass on; guard decides.
func (a *authn) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return newProblem(fiber.StatusUnauthorized, "invalid-token", "Authorization must be \"Bearer <token>\"",
				FieldProblem{Field: "Authorization", Reason: "must be Bearer and an API token"})
		}
		tok, acc, err := a.tokens.Lookup(ctx, strings.TrimSpace(secret))
		if errors.Is(err, auth.ErrTokenInvalid) {
			return newProblem(fiber.StatusUnauthorized, "invalid-token", "the API token is unknown, revoked or expired",
				FieldProblem{Field: "Authorization", Reason: "names no valid API token"})
		}
		if err != nil {
			return err
		}
		c.Locals(localPrincipal, principal{actor: actorOfAccount(acc), account: acc, token: true, scopes: tok.Scopes})
		return c.Next()
	}
	if c.Cookies(sessionCookie) == "" {
		return c.Next()
	}
	sess, err := a.sessions.Get(c)
	if err != nil {
		return fmt.Errorf("server: read session: %w", err)
	}
	id, _ := sess.Get(sessAccount).(string)
	if id == "" {
		return c.Next()
	}
	acc, err := a.accounts.Get(ctx, id)
	epoch, _ := sess.Get(sessEpoch).(int64)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && (acc.Disabled || acc.SessionEpoch != epoch)) {
		if err := sess.Destroy(); err != nil {
			return fmt.Errorf("server: end session: %w", err)
		}
		return c.Next()
	}
	if err != nil {
		return err
	}
	c.Locals(localPrincipal, principal{actor: actorOfAccount(acc), account: acc})
	return c.Next()
}

const (
	sessionCookie = "dichtbij_session"
	csrfCookie    = "dichtbij_csrf"
	// CSRFHeader carries the token from the dichtbij_csrf cookie on every
	// unsafe request of a browser session.
	CSRFHeader = "X-Csrf-Token"
)

// loginLimit bounds attempts per client address, before the per-account
// lockout: it slows one address guessing across many accounts.
func loginLimit(max int) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        max,
		Expiration: time.Minute,
		LimitReached: func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderRetryAfter, "60")
			return newProblem(fiber.StatusTooManyRequests, "rate-limited", "too many attempts from this address; wait a minute")
		},
	})
}

// AccountView is an account as the API shows it.
type AccountView struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Role         string    `json:"role" enum:"resident,organiser,social_worker,coordinator,admin"`
	Municipality string    `json:"municipality,omitempty"`
	Team         string    `json:"team,omitempty"`
	Name         string    `json:"name"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
}

func viewAccount(a auth.Account) AccountView {
	return AccountView{ID: a.ID, Email: a.Email, Role: a.Role, Municipality: a.Municipality, Team: a.Team, Name: a.Name,
		Disabled: a.Disabled, CreatedAt: a.CreatedAt}
}

// Credentials sign in.
type Credentials struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=1024"`
}

// SignUp creates a resident's or organiser's own account.
type SignUp struct {
	Email        string `json:"email" validate:"required,max=254"`
	Password     string `json:"password" validate:"required,max=1024"`
	Name         string `json:"name" validate:"required,max=100"`
	Municipality string `json:"municipality" validate:"required,len=6"`
	Role         string `json:"role" validate:"required,oneof=resident organiser"`
}

// ResetStart asks for a reset link; ResetFinish uses it.
type ResetStart struct {
	Email string `json:"email" validate:"required,max=254"`
}

type ResetFinish struct {
	Token    string `json:"token" validate:"required,max=200"`
	Password string `json:"password" validate:"required,max=1024"`
}

// authError maps the auth package's errors to problems.
func authError(err error) error {
	var fe *auth.FieldError
	var le *auth.LockedError
	switch {
	case errors.As(err, &fe):
		return invalid(fe.Field, fe.Reason)
	case errors.Is(err, auth.ErrEmailTaken):
		return newProblem(fiber.StatusConflict, "email-taken", "an account with this e-mail address exists",
			FieldProblem{Field: "email", Reason: "is taken"})
	case errors.As(err, &le):
		return &lockedError{until: le.Until}
	case errors.Is(err, auth.ErrInvalidCredentials):
		return newProblem(fiber.StatusUnauthorized, "invalid-credentials", "the e-mail address or password is wrong",
			FieldProblem{Field: "password", Reason: "does not match the e-mail address"})
	case errors.Is(err, auth.ErrResetInvalid), errors.Is(err, auth.ErrResetExpired):
		return newProblem(fiber.StatusBadRequest, "invalid-reset-token", "the reset link is unknown, used or expired; ask for a new one",
			FieldProblem{Field: "token", Reason: "is unknown, used or expired"})
	}
	return err
}

// lockedError is the 429 of a locked account, with Retry-After.
type lockedError struct{ until time.Time }

func (e *lockedError) Error() string { return "account locked until " + e.until.Format(time.RFC3339) }

func mountAuth(rt *routeTable, a *authn, loginMax int) {
	limit := loginLimit(loginMax)
	tag := "accounts"
	errs := []int{http.StatusBadRequest, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}
	rt.add(route{method: http.MethodGet, path: "/api/v1/session", perm: permPublic, handler: a.current, tag: tag, summary: "The signed-in account; 401 when none. Sets the dichtbij_csrf cookie whose value every unsafe request of a browser sends in X-Csrf-Token (sign-in and sign-out set a new one); no other read sets a cookie.",
		resp: AccountView{}, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/session", perm: permPublic, before: []fiber.Handler{limit}, handler: a.login, tag: tag, summary: "Sign in with e-mail and password: a new session id in the dichtbij_session cookie (HttpOnly, SameSite=Strict). 5 failures in 15 minutes lock the account for 15 minutes (429 with Retry-After); 10 attempts a minute per address.",
		body: Credentials{}, resp: AccountView{}, errors: append([]int{http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests}, errs...)})
	rt.add(route{method: http.MethodDelete, path: "/api/v1/session", perm: permSelf, handler: a.logout, tag: tag, summary: "Sign out: the session ends", status: http.StatusNoContent, errors: []int{http.StatusUnauthorized, http.StatusForbidden}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/signup", perm: permPublic, before: []fiber.Handler{limit}, handler: a.signup, tag: tag, summary: "Create one's own account as a resident (to offer help) or an organiser; password 10 to 128 bytes",
		body: SignUp{}, resp: AccountView{}, status: http.StatusCreated, errors: append([]int{http.StatusConflict, http.StatusForbidden, http.StatusTooManyRequests}, errs...)})
	rt.add(route{method: http.MethodPost, path: "/api/v1/password-reset", perm: permPublic, before: []fiber.Handler{limit}, handler: a.startReset, tag: tag, summary: "Ask for a password-reset link by e-mail (outbox); always 202, so nobody learns which addresses have accounts. The link works once, for an hour.",
		body: ResetStart{}, status: http.StatusAccepted, errors: append([]int{http.StatusForbidden, http.StatusTooManyRequests}, errs...)})
	rt.add(route{method: http.MethodPost, path: "/api/v1/password-reset/confirm", perm: permPublic, before: []fiber.Handler{limit}, handler: a.finishReset, tag: tag, summary: "Set a new password with the token from the reset link; every session of the account ends",
		body: ResetFinish{}, status: http.StatusNoContent, errors: append([]int{http.StatusForbidden, http.StatusTooManyRequests}, errs...)})
}

func (a *authn) current(c *fiber.Ctx) error {
	a.csrf.setCookie(c, c.Cookies(sessionCookie))
	pr := principalOf(c)
	if pr.actor.ID == "" {
		return newProblem(fiber.StatusUnauthorized, "sign-in-required", "nobody is signed in")
	}
	return c.JSON(viewAccount(pr.account))
}

func (a *authn) login(c *fiber.Ctx) error {
	var cr Credentials
	if err := bindJSON(c, &cr, func() error { return nil }); err != nil {
		return err
	}
	acc, err := a.accounts.Authenticate(c.UserContext(), cr.Email, cr.Password)
	if err != nil {
		return authError(err)
	}
	sess, err := a.sessions.Get(c)
	if err != nil {
		return fmt.Errorf("server: read session: %w", err)
	}
	// A new id at sign-in: an id planted before it (session fixation)
	// never becomes a signed-in session.
	if err := sess.Regenerate(); err != nil {
		return fmt.Errorf("server: new session: %w", err)
	}
	sess.Set(sessAccount, acc.ID)
	sess.Set(sessEpoch, acc.SessionEpoch)
	id := sess.ID() // Save hands the session back to Fiber's pool
	if err := sess.Save(); err != nil {
		return fmt.Errorf("server: save session: %w", err)
	}
	a.csrf.setCookie(c, id)
	return c.JSON(viewAccount(acc))
}

func (a *authn) logout(c *fiber.Ctx) error {
	if principalOf(c).token {
		return newProblem(fiber.StatusBadRequest, "no-session", "an API token has no session; revoke it instead")
	}
	sess, err := a.sessions.Get(c)
	if err != nil {
		return fmt.Errorf("server: read session: %w", err)
	}
	if err := sess.Destroy(); err != nil {
		return fmt.Errorf("server: end session: %w", err)
	}
	a.csrf.setCookie(c, "")
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *authn) signup(c *fiber.Ctx) error {
	var s SignUp
	if err := bindJSON(c, &s, func() error { return nil }); err != nil {
		return err
	}
	if s.Role != auth.RoleResident && s.Role != auth.RoleOrganiser {
		return invalid("role", "must be resident or organiser; other accounts are made by an admin")
	}
	acc, err := a.accounts.Create(c.UserContext(), auth.NewAccount{Email: s.Email, Password: s.Password, Name: s.Name,
		Municipality: s.Municipality, Role: s.Role})
	if err != nil {
		return authError(err)
	}
	return c.Status(fiber.StatusCreated).JSON(viewAccount(acc))
}

func (a *authn) startReset(c *fiber.Ctx) error {
	var r ResetStart
	if err := bindJSON(c, &r, func() error { return nil }); err != nil {
		return err
	}
	// Answer first and mail after: a known address costs writes, and the
	// answer's timing must not tell known from unknown.
	ctx := context.WithoutCancel(c.UserContext())
	go func() {
		if err := a.accounts.StartReset(ctx, r.Email, a.baseURL); err != nil {
			a.log.Error("password reset failed", "err", err) // no address in the log
		}
	}()
	return c.SendStatus(fiber.StatusAccepted)
}

func (a *authn) finishReset(c *fiber.Ctx) error {
	var r ResetFinish
	if err := bindJSON(c, &r, func() error { return nil }); err != nil {
		return err
	}
	if err := a.accounts.FinishReset(c.UserContext(), r.Token, r.Password); err != nil {
		return authError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// retryAfter is the Retry-After of a lock ending at until.
func retryAfter(until, now time.Time) string {
	return strconv.Itoa(max(1, int(until.Sub(now).Seconds()+0.999)))
}
