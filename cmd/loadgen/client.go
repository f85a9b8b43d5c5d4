package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// transport is shared by all virtual users: one keep-alive pool, large
// enough that every user keeps its connection, as browsers would.
var transport = &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}

// user is one signed-in account: it keeps the session and CSRF cookies
// itself, as the portal's browser does. (net/http/cookiejar never sends
// the server's Secure cookies over plain http to 127.0.0.1, which a
// browser does.)
type user struct {
	base    string
	email   string
	http    *http.Client
	rec     *recorder
	mu      sync.Mutex
	cookies map[string]string
}

func newUser(base, email string, rec *recorder) *user {
	return &user{base: strings.TrimRight(base, "/"), email: email, rec: rec, cookies: map[string]string{},
		http: &http.Client{Transport: transport, Timeout: 60 * time.Second}}
}

// result is one answer: status 0 means none came.
type result struct {
	status int
	body   []byte
	header http.Header
}

func (r result) ok() bool { return r.status >= 200 && r.status <= 299 }

// decode reads the JSON body into v.
func (r result) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("decode %d answer: %w", r.status, err)
	}
	return nil
}

// do sends one request and records it as action name (no record when
// name is empty, for set-up steps). body is marshalled to JSON unless nil.
// A status in accept is an answer the action expects now and then (a
// 404 for a record another user deleted meanwhile), not an error.
func (u *user) do(ctx context.Context, name string, write bool, method, path string, body any, accept ...int) (result, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return result{}, err
		}
		rd = bytes.NewReader(b)
	}
	// A request once sent runs to its answer (or the client's timeout)
	// even when the run ends meanwhile: cancelling it would drop exactly
	// the slowest requests from the report.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, u.base+path, rd)
	if err != nil {
		return result{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	u.mu.Lock()
	for k, v := range u.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("X-Csrf-Token", u.cookies["dichtbij_csrf"])
	}
	u.mu.Unlock()
	began := time.Now()
	resp, err := u.http.Do(req)
	var res result
	if err == nil {
		res.status, res.header = resp.StatusCode, resp.Header
		res.body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		u.mu.Lock()
		for _, c := range resp.Cookies() {
			if c.MaxAge < 0 {
				delete(u.cookies, c.Name)
			} else {
				u.cookies[c.Name] = c.Value
			}
		}
		u.mu.Unlock()
	}
	took := time.Since(began)
	if name != "" {
		status := res.status
		if err == nil && slices.Contains(accept, status) {
			status = http.StatusOK // answered as expected
		}
		u.rec.add(name, write, began, took, status, string(res.body), err)
	}
	if err == nil && !res.ok() {
		err = fmt.Errorf("%s %s: %d %s", method, path, res.status, truncate(string(res.body), 600))
	}
	return res, err
}

// signIn signs in as the portal does: a GET of the session sets the
// CSRF cookie, the POST sends it back. A 429 (the per-address limit of
// sign-ins) is waited out, since sign-in is set-up, not measured.
func (u *user) signIn(ctx context.Context, password string) error {
	for {
		if _, err := u.do(ctx, "", false, http.MethodGet, "/api/v1/session", nil); err != nil && ctx.Err() != nil {
			return err
		}
		res, err := u.do(ctx, "", true, http.MethodPost, "/api/v1/session", map[string]string{"email": u.email, "password": password})
		if res.status == http.StatusTooManyRequests {
			wait := 5 * time.Second
			if s, perr := strconv.Atoi(res.header.Get("Retry-After")); perr == nil && s > 0 {
				wait = time.Duration(s) * time.Second
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", u.email, err)
		}
		// The CSRF token is bound to the session, so read it again now
		// that the session is a signed-in one.
		if _, err := u.do(ctx, "", false, http.MethodGet, "/api/v1/session", nil); err != nil {
			return fmt.Errorf("after signing in as %s: %w", u.email, err)
		}
		return nil
	}
}

var errNothing = errors.New("nothing to act on")
