package auth

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
)

func TestSessionStorage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t)
	clock := newClock()
	s := NewSessionStorage(st, clock.Now)
	if v, err := s.Get("missing"); v != nil || err != nil {
		t.Errorf("Get(missing) = %v, %v; want nil, nil", v, err)
	}
	if err := s.Set("k1", []byte("one"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("k1", []byte("uno"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("forever", []byte{0, 1, 2, 255}, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("", []byte("x"), 0); err != nil {
		t.Errorf("Set(empty key) = %v; want ignored", err)
	}
	if err := s.Set("empty", nil, 0); err != nil {
		t.Errorf("Set(empty value) = %v; want ignored", err)
	}
	if v, _ := s.Get("empty"); v != nil {
		t.Errorf("Get(empty) = %v; want nothing stored", v)
	}
	if v, err := s.Get("k1"); string(v) != "uno" || err != nil {
		t.Errorf("Get(k1) = %q, %v; want the second value", v, err)
	}
	if v, err := s.Get("forever"); !bytes.Equal(v, []byte{0, 1, 2, 255}) || err != nil {
		t.Errorf("Get(forever) = %v, %v", v, err)
	}
	clock.Advance(time.Minute)
	if v, err := s.Get("k1"); v != nil || err != nil {
		t.Errorf("Get(expired) = %q, %v; want nil, nil", v, err)
	}
	if err := s.Set("k2", []byte("two"), time.Hour); err != nil {
		t.Fatal(err)
	}
	n, err := s.Sweep(ctx)
	if err != nil || n != 1 {
		t.Errorf("Sweep = %d, %v; want the one expired session", n, err)
	}
	if v, _ := s.Get("k2"); string(v) != "two" {
		t.Errorf("Get(k2) after Sweep = %q", v)
	}
	if v, _ := s.Get("forever"); v == nil {
		t.Error("Sweep removed a session without expiry")
	}
	if err := s.Delete("k2"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("k2"); err != nil {
		t.Errorf("Delete(missing) = %v; want nil", err)
	}
	if v, _ := s.Get("k2"); v != nil {
		t.Errorf("Get after Delete = %q", v)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get("forever"); v != nil {
		t.Error("Reset left a session")
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}

// TestFiberSessions drives Fiber's session middleware over the storage
// in a real app: a value survives between requests by cookie, Regenerate
// gives a new id and the old one stops working, and sessions expire.
func TestFiberSessions(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	clock := newClock()
	sessions := session.New(session.Config{Storage: NewSessionStorage(st, clock.Now), Expiration: time.Hour, KeyLookup: "cookie:dichtbij_session"})
	app := fiber.New()
	app.Post("/login", func(c *fiber.Ctx) error {
		sess, err := sessions.Get(c)
		if err != nil {
			return err
		}
		sess.Set("account", c.Query("who"))
		return sess.Save()
	})
	app.Get("/me", func(c *fiber.Ctx) error {
		sess, err := sessions.Get(c)
		if err != nil {
			return err
		}
		who, _ := sess.Get("account").(string)
		return c.SendString(who)
	})
	app.Post("/regenerate", func(c *fiber.Ctx) error {
		sess, err := sessions.Get(c)
		if err != nil {
			return err
		}
		if err := sess.Regenerate(); err != nil {
			return err
		}
		return sess.Save()
	})
	do := func(method, path, cookie string) (string, string) {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: "dichtbij_session", Value: cookie})
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, body)
		}
		set := ""
		for _, c := range resp.Cookies() {
			if c.Name == "dichtbij_session" {
				set = c.Value
			}
		}
		return string(body), set
	}
	_, id := do("POST", "/login?who=acc-1", "")
	if id == "" {
		t.Fatal("login set no session cookie")
	}
	if who, _ := do("GET", "/me", id); who != "acc-1" {
		t.Errorf("GET /me with the cookie = %q; want acc-1", who)
	}
	if who, _ := do("GET", "/me", "not-a-session"); who != "" {
		t.Errorf("GET /me with an unknown id = %q; want nobody", who)
	}
	_, newID := do("POST", "/regenerate", id)
	if newID == "" || newID == id {
		t.Fatalf("Regenerate gave id %q (old %q); want a new one", newID, id)
	}
	if who, _ := do("GET", "/me", newID); who != "acc-1" {
		t.Errorf("GET /me with the new id = %q; want acc-1", who)
	}
	if who, _ := do("GET", "/me", id); who != "" {
		t.Errorf("GET /me with the old id = %q; want nobody", who)
	}
	clock.Advance(59 * time.Minute)
	if who, _ := do("GET", "/me", newID); who != "acc-1" {
		t.Errorf("GET /me before expiry = %q; want acc-1", who)
	}
	clock.Advance(time.Minute)
	if who, _ := do("GET", "/me", newID); who != "" {
		t.Errorf("GET /me after expiry = %q; want nobody", who)
	}
}
