package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// servedRoutes are the routes Fiber serves, named as route.key names
// them, leaving out the catch-alls (the portal's files and the API's JSON
// 404) and the HEAD route Fiber adds to each GET.
func servedRoutes(app *App) []string {
	var out []string
	for _, r := range app.GetRoutes(true) {
		switch r.Method {
		case http.MethodHead, http.MethodConnect, http.MethodOptions, http.MethodTrace:
			continue
		}
		if strings.HasSuffix(r.Path, "*") || r.Path == "/" {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// TestRouteTableIsWhatFiberServes fails when Fiber serves a route the
// route table does not declare (one registered on Fiber directly, past
// its guard, its OpenAPI operation and the authorisation matrix), or when
// a declared route is not served.
func TestRouteTableIsWhatFiberServes(t *testing.T) {
	e := newTestEnv(t)
	declared := map[string]bool{}
	for _, r := range e.app.routes {
		declared[r.key()] = true
	}
	served := servedRoutes(e.app)
	for _, key := range served {
		if !declared[key] {
			t.Errorf("Fiber serves %s, which the route table does not declare", key)
		}
	}
	for key := range declared {
		if !slices.Contains(served, key) {
			t.Errorf("the route table declares %s, which Fiber does not serve", key)
		}
	}
	if len(declared) < 100 {
		t.Errorf("only %d routes declared; want every route of the app", len(declared))
	}
}
