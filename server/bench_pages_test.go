package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/demo"
)

// BenchmarkPagesAtScale measures one page of each list a user pages
// through, over the embedded store, with the Utrecht demo at 3,000 and at
// 30,000 options (1,800 and 18,000 requests with their year of
// history): the cost of a page must not grow with the data. Compare the
// ns/op of the same page across the two sizes.
//
//	go test -run '^$' -bench PagesAtScale -benchtime 200x ./server
func BenchmarkPagesAtScale(b *testing.B) {
	for _, options := range []int{3000, 30000} {
		e := newTestEnvWith(b, nil)
		ctx := context.Background()
		areas, _ := testAreas(b)
		if err := demo.Load(ctx, e.store, areas, "GM0344", options, quietLogger()); err != nil {
			b.Fatal(err)
		}
		accounts := auth.NewAccounts(e.store, testParams, time.Now)
		tokens := auth.NewTokens(accounts, func(string) bool { return true })
		acc, err := accounts.Create(ctx, auth.NewAccount{Email: "bench-worker@example.org", Password: "correct horse battery",
			Role: auth.RoleSocialWorker, Municipality: "GM0344", Team: demo.Team, Name: "Werker"})
		if err != nil {
			b.Fatal(err)
		}
		var scopes []string
		for _, p := range rolePerms()[auth.RoleSocialWorker] {
			scopes = append(scopes, string(p))
		}
		secret, _, err := tokens.Issue(ctx, acc.ID, "bench", scopes, nil)
		if err != nil {
			b.Fatal(err)
		}
		worker := *e
		worker.token = secret
		for _, page := range []struct{ name, path string }{
			{"requests first page", "/api/v1/requests?limit=20"},
			{"open requests first page", "/api/v1/requests?limit=20&status=open"},
			{"follow-ups due", "/api/v1/follow-ups?due_before=2030-01-01T00:00:00Z"},
			{"hsds services page 1", "/hsds/GM0344/services?page=1&per_page=50"},
			{"hsds services page 10000", "/hsds/GM0344/services?page=10000&per_page=50"},
			{"hsds service_at_locations near", "/hsds/GM0344/service_at_locations?postcode=3511&proximity=2000&per_page=50"},
		} {
			b.Run(fmt.Sprintf("options=%d/%s", options, page.name), func(b *testing.B) {
				// Once before the clock runs: the first read of a
				// catalog builds it (what a write costs, not a page).
				if r := worker.do(http.MethodGet, page.path, ""); r.status != http.StatusOK {
					b.Fatalf("GET %s = %d %s", page.path, r.status, r.body)
				}
				for b.Loop() {
					if r := worker.do(http.MethodGet, page.path, ""); r.status != http.StatusOK {
						b.Fatalf("GET %s = %d %s", page.path, r.status, r.body)
					}
				}
			})
		}
	}
}
