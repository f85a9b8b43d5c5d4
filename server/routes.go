package server

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// apiPrefix is where the API lives; routes under it are served behind
// authentication and the CSRF check.
const apiPrefix = "/api/v1"

// route is one route, declared once: Fiber serves it behind the guard of
// its perm, the OpenAPI document describes it, and
// TestAuthorizationMatrix calls it as every role.
type route struct {
	method string
	// path is the full path in Fiber's syntax, "/api/v1/requests/:id";
	// the OpenAPI document writes its parameters as {id}.
	path string
	// perm is what the caller needs; the handlers in before run after
	// the guard and ahead of handler (the sign-in rate limit, say).
	perm    perm
	before  []fiber.Handler
	handler fiber.Handler

	// The OpenAPI operation: a tag and a summary, and where they apply
	// params (a struct with path and query tags), body (the request
	// body, of bodyType, default application/json), resp (the answer,
	// with status, default 200), errors (the problem statuses it may
	// answer) and query (a list's filters).
	tag, summary string
	params, body any
	bodyType     string
	resp         any
	status       int
	errors       []int
	query        []filter
}

// key names a route as the tests do: "GET /api/v1/requests/:id".
func (r route) key() string { return r.method + " " + r.path }

// pathParam is a Fiber path parameter.
var pathParam = regexp.MustCompile(`:(\w+)`)

// openAPIPath is the path as OpenAPI writes it: "/api/v1/requests/{id}".
func (r route) openAPIPath() string { return pathParam.ReplaceAllString(r.path, "{$1}") }

// routeTable is every route of the app, in the order Fiber gets them.
type routeTable struct {
	routes []route
}

func (t *routeTable) add(rs ...route) { t.routes = append(t.routes, rs...) }

// serve registers every route with Fiber behind guard(perm): those
// under apiPrefix on api, the others on top. It refuses a route without
// a perm, a handler, a tag or a summary.
func (t *routeTable) serve(top, api fiber.Router, guard func(perm) fiber.Handler) error {
	for _, r := range t.routes {
		if r.perm == "" || r.handler == nil || r.tag == "" || r.summary == "" {
			return errors.New("server: route " + r.key() + " needs a perm, a handler, a tag and a summary")
		}
		on, path := top, r.path
		if rest, ok := strings.CutPrefix(r.path, apiPrefix+"/"); ok {
			on, path = api, "/"+rest
		}
		on.Add(r.method, path, slices.Concat([]fiber.Handler{guard(r.perm)}, r.before, []fiber.Handler{r.handler})...)
	}
	return nil
}

// describe adds every route's operation to doc.
func (t *routeTable) describe(doc *apiDoc) {
	for _, r := range t.routes {
		doc.add(r)
	}
}
