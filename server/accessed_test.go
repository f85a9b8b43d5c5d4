package server

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/accesslog"
)

// TestEveryRequestAccessIsLogged calls every route that reads or changes
// a support request's data, as the caller it serves, and checks that the
// access log gained an entry for that request by that caller. The routes
// are found in the authorization matrix (those naming a request, one of
// its referrals or specialist referrals, or its household, and the lists),
// so a new route of that kind is checked without being added here.
func TestEveryRequestAccessIsLogged(t *testing.T) {
	t.Parallel()
	var routes []string
	for route, mr := range matrixRoutes {
		p := mr.path
		if strings.Contains(p, "{req}") || strings.Contains(p, "{ref}") || strings.Contains(p, "{spec}") || strings.Contains(p, "hh-1") ||
			route == "GET /api/v1/requests" || route == "GET /api/v1/my/referrals" || route == "GET /api/v1/follow-ups" {
			routes = append(routes, route)
		}
	}
	sort.Strings(routes)
	if len(routes) < 20 {
		t.Fatalf("found only %d request routes in the matrix: %v", len(routes), routes)
	}
	ctx := context.Background()
	for _, route := range routes {
		mr := matrixRoutes[route]
		t.Run(strings.ReplaceAll(route, "/", "_"), func(t *testing.T) {
			t.Parallel()
			e, fix := newMatrixFixture(t)
			log := accesslog.New(e.store, nil)
			who := asWorker
			if route == "GET /api/v1/my/referrals" {
				who = asResident
			}
			req := fix["req"]
			if strings.Contains(mr.path, "{spec}") {
				req = fix["req2"]
			}
			before, _, err := log.ForRequest(ctx, req, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			if route == "GET /api/v1/follow-ups" {
				// Follow-ups exist once a referral started.
				for _, to := range []string{"accepted", "started"} {
					if r := e.do(http.MethodPost, "/api/v1/referrals/"+fix["ref"]+"/transitions", `{"to":"`+to+`"}`); r.status != http.StatusOK {
						t.Fatalf("%s = %d %s", to, r.status, r.body)
					}
				}
				mr.path = "/api/v1/follow-ups?due_before=2030-01-01T00:00:00Z"
				before, _, _ = log.ForRequest(ctx, req, "", 1000)
			}
			method, _, _ := strings.Cut(route, " ")
			r := matrixCall(t, e.withT(t), fix, who, method, mr)
			after, _, err := log.ForRequest(ctx, req, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(after) <= len(before) {
				t.Fatalf("%s as %s answered %d and left no access-log entry for request %s", route, who, r.status, req)
			}
			for _, en := range after[len(before):] {
				if en.Actor != e.ids[who] || en.Action == "" || en.Route == "" {
					t.Errorf("entry %+v; want one by %s with an action and a route", en, who)
				}
			}
		})
	}
	// The option's owner reading a referral to them is logged too.
	e, fix := newMatrixFixture(t)
	log := accesslog.New(e.store, nil)
	before, _, _ := log.ForRequest(ctx, fix["req"], "", 1000)
	if r := e.as(asResident).do(http.MethodGet, "/api/v1/referrals/"+fix["ref"], ""); r.status != http.StatusOK {
		t.Fatalf("owner reads referral = %d", r.status)
	}
	after, _, _ := log.ForRequest(ctx, fix["req"], "", 1000)
	if len(after) != len(before)+1 || after[len(after)-1].Actor != e.ids[asResident] {
		t.Errorf("the owner's read left %d entries; want 1 by the owner", len(after)-len(before))
	}
}
