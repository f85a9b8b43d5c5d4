package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestBasemapSettings checks that a configured tile server reaches the
// portal and is the one other origin the CSP lets images come from.
func TestBasemapSettings(t *testing.T) {
	t.Parallel()
	plain := newTestEnv(t)
	r := plain.do(http.MethodGet, "/api/v1/config", "", "Authorization", "")
	var cfg PortalConfig
	r.json(t, &cfg)
	if cfg.TileURL != "" || !strings.Contains(r.header.Get("Content-Security-Policy"), "img-src 'self' data: blob:;") ||
		r.header.Get("Cross-Origin-Embedder-Policy") != "require-corp" {
		t.Errorf("without tiles: %+v, CSP %q, COEP %q", cfg, r.header.Get("Content-Security-Policy"), r.header.Get("Cross-Origin-Embedder-Policy"))
	}

	tiled := newTestEnvWith(t, func(d *Deps) {
		d.TileURL, d.TileAttribution = "https://{s}.tile.example.org/{z}/{x}/{y}.png", "© OpenStreetMap-bijdragers"
	})
	r = tiled.do(http.MethodGet, "/api/v1/config", "", "Authorization", "")
	r.json(t, &cfg)
	csp := r.header.Get("Content-Security-Policy")
	if cfg.TileURL != "https://{s}.tile.example.org/{z}/{x}/{y}.png" || cfg.TileAttribution == "" ||
		!strings.Contains(csp, "img-src 'self' data: blob: https://*.tile.example.org;") || strings.Contains(csp, "unsafe-inline") ||
		r.header.Get("Cross-Origin-Embedder-Policy") != "credentialless" {
		t.Errorf("with tiles: %+v, CSP %q, COEP %q", cfg, csp, r.header.Get("Cross-Origin-Embedder-Policy"))
	}
	if got := tileOrigin("https://tiles.example.org/{z}/{x}/{y}.png?key='; script-src *"); got != "https://tiles.example.org" {
		t.Errorf("tileOrigin of a tricky template = %q", got)
	}
}

// TestTrustedProxies checks the per-address sign-in limit behind a
// reverse proxy: trusted, each forwarded client has its own count; not
// trusted, the header is ignored and all share the proxy's.
func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	wrong := `{"email":"nobody@example.org","password":"not a password"}`
	attempts := func(e *testEnv, from string, n int) int {
		e.t.Helper()
		b := newBrowser(e)
		b.do(http.MethodGet, "/api/v1/session", "", false)
		last := 0
		for range n {
			last = b.do(http.MethodPost, "/api/v1/session", wrong, true, "X-Forwarded-For", from).status
		}
		return last
	}
	// app.Test's requests come from 0.0.0.0, the "proxy" here.
	behind := newTestEnvWith(t, func(d *Deps) { d.LoginLimit, d.TrustedProxies = 3, []string{"0.0.0.0"} })
	if got := attempts(behind, "203.0.113.7", 4); got != http.StatusTooManyRequests {
		t.Errorf("4th attempt from one client = %d; want 429", got)
	}
	if got := attempts(behind, "198.51.100.9", 1); got != http.StatusUnauthorized {
		t.Errorf("another client behind the same proxy = %d; want 401, its own count", got)
	}
	open := newTestEnvWith(t, func(d *Deps) { d.LoginLimit = 3 })
	attempts(open, "203.0.113.7", 3)
	if got := attempts(open, "198.51.100.9", 1); got != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For from an untrusted peer = %d; want 429, the header ignored", got)
	}
}
