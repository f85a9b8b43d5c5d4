package server

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAdminListsAccountsAndOutbox: an admin sees the accounts of their own
// municipality only, and reads a reset link in the outbox.
func TestAdminListsAccountsAndOutbox(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	admin := e.as(asAdmin)
	for _, path := range []string{"/api/v1/me", "/api/v1/session"} {
		var me AccountView
		admin.do(http.MethodGet, path, "").json(t, &me)
		if me.ID != e.ids[asAdmin] || me.Email != asAdmin+"@example.org" || me.Role != "admin" {
			t.Errorf("GET %s = %+v; want the admin's own account", path, me)
		}
	}
	var accounts []AccountView
	r := admin.do(http.MethodGet, "/api/v1/accounts", "")
	if r.status != http.StatusOK {
		t.Fatalf("GET accounts = %d %s", r.status, r.body)
	}
	r.json(t, &accounts)
	want := 0
	for _, a := range testAccounts {
		if a[1] == "GM0363" {
			want++
		}
	}
	if len(accounts) != want {
		t.Errorf("admin sees %d accounts; want the %d of GM0363", len(accounts), want)
	}
	for _, a := range accounts {
		if a.Municipality != "GM0363" {
			t.Errorf("admin sees %s of %s", a.Email, a.Municipality)
		}
	}
	mustProblem(t, e.do(http.MethodGet, "/api/v1/accounts", ""), http.StatusForbidden, "")

	for _, who := range []string{asResident, asElsewhere} {
		if r := e.do(http.MethodPost, "/api/v1/password-reset", `{"email":"`+who+`@example.org"}`); r.status != http.StatusAccepted {
			t.Fatalf("password-reset = %d %s", r.status, r.body)
		}
	}
	var outbox []OutboxMessage
	for deadline := time.Now().Add(10 * time.Second); ; {
		admin.do(http.MethodGet, "/api/v1/outbox", "").json(t, &outbox)
		if len(outbox) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(outbox) != 1 || outbox[0].To != asResident+"@example.org" || !strings.Contains(outbox[0].Body, "http://dichtbij.test/reset?token=") {
		t.Errorf("outbox = %+v; want the resident's reset link only (Utrecht's is not this admin's)", outbox)
	}
}
