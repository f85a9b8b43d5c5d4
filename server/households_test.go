package server

import (
	"net/http"
	"testing"
)

// TestHouseholdPlan puts two members' requests in one household, refers
// their needs locally and to specialist care, and reads the one plan.
func TestHouseholdPlan(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	vol := e.create("/api/v1/volunteers", validVolunteer)
	prov := e.create("/api/v1/provisions", validProvision)
	mother := e.create("/api/v1/requests", editJSON(t, validRequest, "household_id", `"hh-0042"`))
	son := e.create("/api/v1/requests", editJSON(t, validRequest, "household_id", `"hh-0042"`,
		"resident_alias", `"Sem"`, "needs", `["meals","companionship"]`))
	e.create("/api/v1/requests", editJSON(t, validRequest, "household_id", `"hh-0043"`))
	e.create("/api/v1/requests", validRequest)

	groceries := e.create("/api/v1/requests/"+mother+"/referrals", `{"need":"groceries","option_id":"`+vol+`"}`)
	if r := e.do(http.MethodPost, "/api/v1/referrals/"+groceries+"/transitions", `{"to":"accepted"}`); r.status != http.StatusOK {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	meals := e.create("/api/v1/requests/"+son+"/referrals", `{"need":"meals","option_id":"`+prov+`"}`)
	specialist := e.create("/api/v1/requests/"+son+"/specialist-referrals",
		`{"needs":["companionship"],"safety_override":{"reason":"Acuut onveilige thuissituatie"},"provider":"Wijkteam GGZ"}`)

	r := e.do(http.MethodGet, "/api/v1/households/hh-0042/plan", "")
	if r.status != http.StatusOK {
		t.Fatalf("plan = %d %s", r.status, r.body)
	}
	var plan HouseholdPlan
	r.json(t, &plan)
	if plan.HouseholdID != "hh-0042" || len(plan.Requests) != 2 || plan.Requests[0].ID != mother || plan.Requests[1].ID != son {
		t.Fatalf("plan = %s; want the mother's and the son's requests, in that order", r.body)
	}
	m, s := plan.Requests[0], plan.Requests[1]
	if m.Status != "referred" || len(m.Needs) != 2 || m.Timeliness == nil || len(m.Specialists) != 0 {
		t.Errorf("mother's request = %+v; want referred, two needs, timeliness, no specialist care", m)
	}
	if len(m.Referrals) != 1 || m.Referrals[0] != (PlanReferral{ID: groceries, Need: "groceries", OptionID: vol, OptionKind: "volunteer", State: "accepted"}) {
		t.Errorf("mother's referrals = %+v; want the accepted groceries referral", m.Referrals)
	}
	// A combined arrangement: specialist care for companionship, the
	// neighbourhood for meals. The son's request stays open for meals,
	// and his proposal for meals stands.
	if s.Status != "referred" || s.Closure != "" || s.ResidentAlias != "Sem" {
		t.Errorf("son's request = %+v; want referred still, not closed", s)
	}
	if len(s.Referrals) != 1 || s.Referrals[0] != (PlanReferral{ID: meals, Need: "meals", OptionID: prov, OptionKind: "provision", State: "proposed"}) {
		t.Errorf("son's referrals = %+v; want the meals referral, proposed still", s.Referrals)
	}
	if len(s.Specialists) != 1 || s.Specialists[0].ID != specialist || !s.Specialists[0].SafetyOverride || s.Specialists[0].Ended ||
		s.Specialists[0].Provider != "Wijkteam GGZ" {
		t.Errorf("son's specialist referrals = %+v; want the flagged override", s.Specialists)
	}

	mustProblem(t, e.do(http.MethodGet, "/api/v1/households/hh-9999/plan", ""), http.StatusNotFound, "")
	mustProblem(t, e.do(http.MethodGet, "/api/v1/households/HH-0042/plan", ""), http.StatusBadRequest, "id")
	mustProblem(t, e.do(http.MethodGet, "/api/v1/households/hh/plan", ""), http.StatusBadRequest, "id")
	mustProblem(t, e.do(http.MethodPost, "/api/v1/requests", editJSON(t, validRequest, "household_id", `"Fam. Jansen"`)), 422, "household_id")
	mustProblem(t, e.do(http.MethodPost, "/api/v1/requests", editJSON(t, validRequest, "household_id", `7`)), 400, "household_id")
	// Leaving the household takes the request out of the plan.
	if r := e.do(http.MethodPatch, "/api/v1/requests/"+mother, `{"household_id":null}`); r.status != http.StatusOK {
		t.Fatalf("patch household away = %d %s", r.status, r.body)
	}
	e.do(http.MethodGet, "/api/v1/households/hh-0042/plan", "").json(t, &plan)
	if len(plan.Requests) != 1 || plan.Requests[0].ID != son {
		t.Errorf("plan after the mother left = %+v; want only the son's request", plan.Requests)
	}
}
