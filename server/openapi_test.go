package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestOpenAPICoversEveryRoute fails when a route registered with Fiber is
// missing from /api/openapi.json, or the document lists a route that does
// not exist.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	// Rendered anew, not the document the other test apps share.
	e := newTestEnvWith(t, func(d *Deps) { d.APIDoc = nil })
	r := e.do(http.MethodGet, "/api/openapi.json", "")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/openapi.json = %d", r.status)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q; want 3.x", doc.OpenAPI)
	}
	param := regexp.MustCompile(`:(\w+)`)
	registered := map[string]bool{}
	for _, rt := range e.app.GetRoutes(true) {
		if rt.Method == http.MethodHead || rt.Method == http.MethodConnect || rt.Method == http.MethodOptions || rt.Method == http.MethodTrace {
			continue
		}
		if strings.HasSuffix(rt.Path, "*") || rt.Path == "/" {
			continue // catch-alls: the portal's files and the API's JSON 404
		}
		path := param.ReplaceAllString(rt.Path, "{$1}")
		key := strings.ToLower(rt.Method) + " " + path
		registered[key] = true
		if _, ok := doc.Paths[path][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", rt.Method, path)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			if !registered[method+" "+path] {
				t.Errorf("OpenAPI lists %s %s, which no route serves", method, path)
			}
		}
	}
	if len(registered) < 30 {
		t.Errorf("only %d routes registered; want all resource routes", len(registered))
	}
}

// TestAPIDocIsOnlyReusedForTheSameRoutes: a document handed over through
// Deps.APIDoc is served only by an app with exactly its routes.
func TestAPIDocIsOnlyReusedForTheSameRoutes(t *testing.T) {
	t.Parallel()
	ok := func(*fiber.Ctx) error { return nil }
	two := &routeTable{}
	two.add(route{method: http.MethodGet, path: "/a", perm: permPublic, handler: ok, tag: "t", summary: "a"},
		route{method: http.MethodGet, path: "/b", perm: permPublic, handler: ok, tag: "t", summary: "b"})
	doc, err := apiDocFor(nil, two)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc.spec), `"/b"`) {
		t.Fatalf("rendered document lacks /b: %s", doc.spec)
	}
	if again, err := apiDocFor(doc, two); err != nil || again != doc {
		t.Errorf("apiDocFor(doc, same routes) = %p, %v; want the same document", again, err)
	}
	one := &routeTable{routes: two.routes[:1]}
	if _, err := apiDocFor(doc, one); err == nil {
		t.Error("apiDocFor(doc of /a and /b, routes /a) = nil error; want a refusal")
	}
}
