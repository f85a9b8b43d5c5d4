package server

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// TestTeams has an admin divide Amsterdam's districts between teams, and
// checks that accounts can only join a team that exists and that a team
// with members stays.
func TestTeams(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	admin := e.as(asAdmin)
	r := admin.do(http.MethodPut, "/api/v1/teams/noord", `{"name":"Sociaal team Noord","districts":["WK036303","WK036300"]}`)
	if r.status != http.StatusOK {
		t.Fatalf("PUT noord = %d %s", r.status, r.body)
	}
	if r := admin.do(http.MethodPut, "/api/v1/teams/west", `{"name":"Sociaal team West","districts":["WK036304"]}`); r.status != http.StatusCreated {
		t.Fatalf("PUT west = %d %s", r.status, r.body)
	}
	mustProblem(t, admin.do(http.MethodPut, "/api/v1/teams/oost", `{"name":"Oost","districts":["WK036300"]}`), http.StatusUnprocessableEntity, "districts[0]")
	mustProblem(t, admin.do(http.MethodPut, "/api/v1/teams/oost", `{"name":"Oost","districts":["WK034401"]}`), http.StatusUnprocessableEntity, "districts[0]")
	mustProblem(t, admin.do(http.MethodPut, "/api/v1/teams/oost", `{"name":"Oost","districts":["Centrum"]}`), http.StatusUnprocessableEntity, "districts[0]")
	mustProblem(t, admin.do(http.MethodPut, "/api/v1/teams/Oost%20Team", `{"name":"Oost","districts":[]}`), http.StatusUnprocessableEntity, "code")
	mustProblem(t, admin.do(http.MethodPut, "/api/v1/teams/oost", `{"districts":[]}`), http.StatusUnprocessableEntity, "name")

	var ts []care.Team
	e.do(http.MethodGet, "/api/v1/teams", "").json(t, &ts)
	codes := map[string]int{}
	for _, tm := range ts {
		codes[tm.Code] = len(tm.Districts)
		if tm.Municipality != "GM0363" {
			t.Errorf("team %s of %s in Amsterdam's list", tm.Code, tm.Municipality)
		}
	}
	if codes["noord"] != 2 || codes["west"] != 1 || len(ts) != 4 { // noord, zuid, stad and west
		t.Errorf("teams = %+v", ts)
	}
	var utrecht []care.Team
	e.as(asElsewhere).do(http.MethodGet, "/api/v1/teams", "").json(t, &utrecht)
	if len(utrecht) != 1 || utrecht[0].Code != "noord" || utrecht[0].Municipality != "GM0344" {
		t.Errorf("Utrecht's teams = %+v", utrecht)
	}

	body := `{"email":"nieuw@example.org","password":"een lang wachtwoord","name":"Nieuw","role":"social_worker","team":"%s"}`
	mustProblem(t, admin.do(http.MethodPost, "/api/v1/accounts", fmt.Sprintf(body, "oost")), http.StatusUnprocessableEntity, "team")
	r = admin.do(http.MethodPost, "/api/v1/accounts", fmt.Sprintf(body, "west"))
	if r.status != http.StatusCreated {
		t.Fatalf("account in west = %d %s", r.status, r.body)
	}
	var acc AccountView
	r.json(t, &acc)
	mustProblem(t, admin.do(http.MethodPatch, "/api/v1/accounts/"+acc.ID, `{"team":"oost"}`), http.StatusUnprocessableEntity, "team")
	mustProblem(t, admin.do(http.MethodDelete, "/api/v1/teams/west", ""), http.StatusConflict, "")
	if r := admin.do(http.MethodPatch, "/api/v1/accounts/"+acc.ID, `{"team":"noord"}`); r.status != http.StatusOK {
		t.Fatalf("move to noord = %d %s", r.status, r.body)
	}
	if r := admin.do(http.MethodDelete, "/api/v1/teams/west", ""); r.status != http.StatusNoContent {
		t.Fatalf("delete west = %d %s", r.status, r.body)
	}
	mustProblem(t, admin.do(http.MethodDelete, "/api/v1/teams/west", ""), http.StatusNotFound, "")
}
