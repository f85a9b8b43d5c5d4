package server

import (
	"context"
	"net/http"
	"testing"
)

// TestLostStoreIs503 closes the store under a running app: requests that
// need it answer 503 with Retry-After, not 500.
func TestLostStoreIs503(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	if err := e.store.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := e.do(http.MethodGet, "/api/v1/volunteers", "")
	mustProblem(t, r, http.StatusServiceUnavailable, "")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}
