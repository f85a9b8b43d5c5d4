package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"
)

// csrfGuard is a signed double-submit CSRF check that stores nothing. A
// token is a random nonce and an HMAC of it bound to the session cookie
// the browser holds ("" before sign-in). GET /api/v1/session, sign-in
// and sign-out put a fresh one in the dichtbij_csrf cookie; a browser's
// unsafe request sends the cookie's value in X-Csrf-Token as well, and
// the MAC must hold for the session cookie that request carries. Another
// site can neither read this origin's cookie nor forge a MAC, and a token
// taken from one session is worth nothing in another.
//
// Fiber's own CSRF middleware keeps each token in the session, so every
// anonymous GET wrote a session to the store (issue 17: 1,461 anonymous
// requests grew the store by 16.5 MB); this one writes nothing, and
// public reads set no cookie at all.
type csrfGuard struct {
	key    []byte
	secure bool
}

const (
	csrfNonceLen = 16
	csrfMACLen   = sha256.Size
)

// token returns a fresh token bound to the session cookie value sid.
func (g csrfGuard) token(sid string) string {
	b := make([]byte, csrfNonceLen, csrfNonceLen+csrfMACLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(g.mac(b, sid))
}

// mac appends the MAC of nonce under sid to nonce.
func (g csrfGuard) mac(nonce []byte, sid string) []byte {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(sid))
	m.Write([]byte{0})
	m.Write(nonce)
	return m.Sum(nonce)
}

// valid reports whether tok was made by token for sid.
func (g csrfGuard) valid(tok, sid string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != csrfNonceLen+csrfMACLen {
		return false
	}
	want := g.mac(append([]byte(nil), raw[:csrfNonceLen]...), sid)
	return hmac.Equal(raw, want)
}

// setCookie gives the browser a fresh token for session id sid. The
// portal reads it, so it is not HttpOnly; SameSite=Strict keeps it off
// other sites' requests.
func (g csrfGuard) setCookie(c *fiber.Ctx, sid string) {
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: g.token(sid), Path: "/", SameSite: fiber.CookieSameSiteStrictMode, Secure: g.secure})
}

// check refuses a browser's unsafe request without a valid token. API
// tokens are not sent by browsers on their own, so they need none.
func (g csrfGuard) check(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return c.Next()
	}
	if principalOf(c).token {
		return c.Next()
	}
	header, cookie := c.Get(CSRFHeader), c.Cookies(csrfCookie)
	var reason string
	switch {
	case header == "":
		reason = "is missing"
	case subtle.ConstantTimeCompare([]byte(header), []byte(cookie)) != 1:
		reason = "differs from the " + csrfCookie + " cookie"
	case !g.valid(header, c.Cookies(sessionCookie)):
		reason = "belongs to another session"
	default:
		return c.Next()
	}
	return newProblem(fiber.StatusForbidden, "csrf", "the CSRF token is missing or wrong: read the "+csrfCookie+" cookie and send it in "+CSRFHeader,
		FieldProblem{Field: CSRFHeader, Reason: reason})
}

// randomKey is a fresh 32-byte key.
func randomKey() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}
