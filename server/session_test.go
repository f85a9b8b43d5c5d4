package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store/storetest"
)

// browser keeps cookies across requests the way a browser does, and sends
// the CSRF header when asked.
type browser struct {
	e       *testEnv
	cookies map[string]string
}

func newBrowser(e *testEnv) *browser { return &browser{e: e, cookies: map[string]string{}} }

// do sends a request with the browser's cookies, and its CSRF token when
// csrf is set; headers are extra name, value pairs.
func (b *browser) do(method, path, body string, csrf bool, headers ...string) response {
	b.e.t.Helper()
	var pairs []string
	for k, v := range b.cookies {
		pairs = append(pairs, k+"="+v)
	}
	h := []string{"Authorization", "", "Cookie", strings.Join(pairs, "; ")}
	if csrf {
		h = append(h, CSRFHeader, b.cookies[csrfCookie])
	}
	h = append(h, headers...)
	r := b.e.do(method, path, body, h...)
	for _, sc := range r.header.Values("Set-Cookie") {
		pair, attrs, _ := strings.Cut(sc, ";")
		name, val, _ := strings.Cut(pair, "=")
		if val == "" || strings.Contains(strings.ToLower(attrs), "max-age=0") || strings.Contains(attrs, "expires=Thu, 01 Jan 1970") {
			delete(b.cookies, name)
			continue
		}
		b.cookies[name] = val
	}
	return r
}

const signIn = `{"email":"resident@example.org","password":"correct horse battery"}`

// TestSessionFixation plants a session id in a browser before sign-in and
// checks that signing in issues a new one and the planted id never
// becomes a signed-in session.
func TestSessionFixation(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	// An anonymous visit has no session to plant, so the attacker plants
	// an id of his choosing, with a CSRF token made for it.
	attacker := newBrowser(e)
	planted := "3c3e1f1a-attacker-chose-this-id"
	attacker.cookies[sessionCookie] = planted
	attacker.do(http.MethodGet, "/api/v1/session", "", false)
	victim := newBrowser(e)
	victim.cookies[sessionCookie] = planted
	victim.cookies[csrfCookie] = attacker.cookies[csrfCookie]
	if r := victim.do(http.MethodPost, "/api/v1/session", signIn, true); r.status != http.StatusOK {
		t.Fatalf("sign in = %d %s", r.status, r.body)
	}
	if got := victim.cookies[sessionCookie]; got == "" || got == planted {
		t.Fatalf("session id after sign-in = %q; want a new one, not the planted %q", got, planted)
	}
	if r := victim.do(http.MethodGet, "/api/v1/me", "", false); r.status != http.StatusOK {
		t.Errorf("victim /me = %d", r.status)
	}
	mustProblem(t, attacker.do(http.MethodGet, "/api/v1/me", "", false), http.StatusUnauthorized, "")

	// Signing out ends the session on the server, not only the cookie.
	old := victim.cookies[sessionCookie]
	if r := victim.do(http.MethodDelete, "/api/v1/session", "", true); r.status != http.StatusNoContent {
		t.Fatalf("sign out = %d %s", r.status, r.body)
	}
	replay := newBrowser(e)
	replay.cookies[sessionCookie] = old
	mustProblem(t, replay.do(http.MethodGet, "/api/v1/me", "", false), http.StatusUnauthorized, "")
}

// TestCSRF checks that a browser session's unsafe requests need the CSRF
// token from the cookie in the header, and that safe ones do not.
func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	b := newBrowser(e)
	b.do(http.MethodGet, "/api/v1/session", "", false)
	anonymous := b.cookies[csrfCookie]
	if r := b.do(http.MethodPost, "/api/v1/session", signIn, true); r.status != http.StatusOK {
		t.Fatalf("sign in = %d %s", r.status, r.body)
	}
	if b.cookies[csrfCookie] == anonymous {
		t.Fatal("sign-in kept the anonymous CSRF token; want one for the new session")
	}
	body := `{"name":"script","scopes":["self"]}`
	mustProblem(t, b.do(http.MethodPost, "/api/v1/me/tokens", body, false), http.StatusForbidden, CSRFHeader)
	good := b.cookies[csrfCookie]
	b.cookies[csrfCookie] = "0123456789abcdef0123456789abcdef"
	mustProblem(t, b.do(http.MethodPost, "/api/v1/me/tokens", body, true), http.StatusForbidden, CSRFHeader)
	// A token made for another session (here: before sign-in) is refused
	// even when cookie and header agree.
	b.cookies[csrfCookie] = anonymous
	if p := mustProblem(t, b.do(http.MethodPost, "/api/v1/me/tokens", body, true), http.StatusForbidden, CSRFHeader); p.Errors[0].Reason != "belongs to another session" {
		t.Errorf("reason = %q; want the token to belong to another session", p.Errors[0].Reason)
	}
	// Cookie and header that differ are refused.
	b.cookies[csrfCookie] = good
	if r := b.do(http.MethodPost, "/api/v1/me/tokens", body, false, CSRFHeader, anonymous); r.status != http.StatusForbidden {
		t.Errorf("header unlike the cookie = %d; want 403", r.status)
	}
	if r := b.do(http.MethodPost, "/api/v1/me/tokens", body, true); r.status != http.StatusCreated {
		t.Fatalf("with the token = %d %s", r.status, r.body)
	}
	if r := b.do(http.MethodGet, "/api/v1/me/tokens", "", false); r.status != http.StatusOK {
		t.Errorf("a safe request without the token = %d", r.status)
	}
	// Without a cookie jar, even the sign-in form is refused.
	mustProblem(t, e.do(http.MethodPost, "/api/v1/session", signIn, "Authorization", ""), http.StatusForbidden, CSRFHeader)
}

// TestLoginLockout guesses a password five times: the account locks for
// 15 minutes, even for the right password, and opens again after.
func TestLoginLockout(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	b := newBrowser(e)
	b.do(http.MethodGet, "/api/v1/session", "", false)
	wrong := `{"email":"resident@example.org","password":"not the password"}`
	for range 4 {
		mustProblem(t, b.do(http.MethodPost, "/api/v1/session", wrong, true), http.StatusUnauthorized, "password")
	}
	// The fifth failure locks the account, and says so.
	mustProblem(t, b.do(http.MethodPost, "/api/v1/session", wrong, true), http.StatusTooManyRequests, "password")
	r := b.do(http.MethodPost, "/api/v1/session", signIn, true)
	mustProblem(t, r, http.StatusTooManyRequests, "")
	if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	if b.cookies[sessionCookie] != "" {
		if me := b.do(http.MethodGet, "/api/v1/me", "", false); me.status == http.StatusOK {
			t.Fatal("a locked account signed in")
		}
	}
	e.advance(16 * time.Minute)
	if r := b.do(http.MethodPost, "/api/v1/session", signIn, true); r.status != http.StatusOK {
		t.Fatalf("after the lock = %d %s", r.status, r.body)
	}
}

// TestAnonymousReadsWriteNothing: public reads set no cookie and store
// no session; only GET /api/v1/session hands out a CSRF token, which is
// signed, not stored, and lets the anonymous browser sign up or in.
func TestAnonymousReadsWriteNothing(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	b := newBrowser(e)
	for _, path := range []string{"/api/v1/taxonomy", "/api/v1/config", "/hsds/GM0363/services", "/hsds/GM0363/organizations", "/api/openapi.json"} {
		r := b.do(http.MethodGet, path, "", false)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, r.status, r.body)
		}
		if c := r.header.Values("Set-Cookie"); len(c) != 0 {
			t.Errorf("GET %s set cookies %v; want none", path, c)
		}
	}
	mustProblem(t, b.do(http.MethodGet, "/api/v1/session", "", false), http.StatusUnauthorized, "")
	if b.cookies[csrfCookie] == "" || b.cookies[sessionCookie] != "" {
		t.Fatalf("cookies after GET /api/v1/session = %v; want a CSRF token and no session", b.cookies)
	}
	if r := b.do(http.MethodPost, "/api/v1/session", signIn, true); r.status != http.StatusOK {
		t.Fatalf("sign in with the anonymous token = %d %s", r.status, r.body)
	}
	if n := storetest.Collection(t, e.store, "sessions").Count(nil); n != 1 {
		t.Errorf("%d sessions stored after the anonymous reads and one sign-in; want 1", n)
	}
}
