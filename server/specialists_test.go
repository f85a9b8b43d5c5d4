package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestTheGate covers every case of the gate before specialist care, the
// override, and the step back down when specialist care ends.
func TestTheGate(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	reqID := e.create("/api/v1/requests", validRequest)
	gate := "/api/v1/requests/" + reqID + "/specialist-referrals"
	search := func() {
		t.Helper()
		if r := e.do(http.MethodPost, "/api/v1/requests/"+reqID+"/matches", ""); r.status != http.StatusCreated {
			t.Fatalf("search = %d %s", r.status, r.body)
		}
	}
	reasons := `[{"need":"groceries","code":"no_option_within_reach","text":"Niemand in de buurt"},
		{"need":"companionship","code":"resident_refuses","text":"Wil geen vrijwilliger over de vloer"}]`
	both := `{"needs":["groceries","companionship"],"reasons":` + reasons + `}`

	p := mustProblem(t, e.do(http.MethodPost, gate, both), http.StatusConflict, "search")
	if p.Type != "urn:dichtbij:problem:zero-line-first" {
		t.Errorf("type = %s", p.Type)
	}
	search()
	// A need without a reason.
	mustProblem(t, e.do(http.MethodPost, gate, `{"needs":["groceries","companionship"],"reasons":[{"need":"groceries","code":"all_full","text":"Alles vol"}]}`),
		http.StatusConflict, "reasons[companionship]")
	// A reason code outside the fixed list, and a reason without text.
	mustProblem(t, e.do(http.MethodPost, gate, `{"needs":["groceries"],"reasons":[{"need":"groceries","code":"too_busy","text":"x"}]}`), 422, "reasons[0].code")
	mustProblem(t, e.do(http.MethodPost, gate, `{"needs":["groceries"],"reasons":[{"need":"groceries","code":"all_full","text":""}]}`), 422, "reasons[0].text")
	// A need the request does not have.
	mustProblem(t, e.do(http.MethodPost, gate, `{"needs":["garden"],"reasons":[]}`), 422, "needs[0]")
	// The needs change after the search: the search no longer counts.
	if r := e.do(http.MethodPatch, "/api/v1/requests/"+reqID, `{"needs":["groceries","companionship","meals"]}`); r.status != http.StatusOK {
		t.Fatalf("patch needs = %d %s", r.status, r.body)
	}
	mustProblem(t, e.do(http.MethodPost, gate, both), http.StatusConflict, "search")
	// A change of other fields keeps the search valid.
	search()
	if r := e.do(http.MethodPatch, "/api/v1/requests/"+reqID, `{"urgency":"high"}`); r.status != http.StatusOK {
		t.Fatalf("patch urgency = %d %s", r.status, r.body)
	}
	r := e.do(http.MethodPost, gate, both)
	if r.status != http.StatusCreated {
		t.Fatalf("gate with search and reasons = %d %s; want 201", r.status, r.body)
	}
	var sp struct {
		ID       string `json:"id"`
		Override bool   `json:"safety_override_used"`
		SearchID string `json:"search_id"`
	}
	r.json(t, &sp)
	if sp.Override || sp.SearchID == "" {
		t.Errorf("specialist referral = %+v; want no override and the search recorded", sp)
	}
	var req struct {
		Status, Closure string
		StepDowns       int `json:"step_downs"`
	}
	// The gate works per need: meals has no specialist care yet, so the
	// request stays open for it (a combined arrangement).
	e.do(http.MethodGet, "/api/v1/requests/"+reqID, "").json(t, &req)
	if req.Status != "searched" || req.Closure != "" {
		t.Errorf("request after specialist care for 2 of 3 needs = %+v; want searched, not closed", req)
	}
	mustProblem(t, e.do(http.MethodPost, gate, both), 422, "needs[0]") // in specialist care already
	meals := `{"needs":["meals"],"reasons":[{"need":"meals","code":"too_complex","text":"Dieet vraagt een diëtist"}]}`
	if r := e.do(http.MethodPost, gate, meals); r.status != http.StatusCreated {
		t.Fatalf("gate for the last need = %d %s; want 201", r.status, r.body)
	}
	e.do(http.MethodGet, "/api/v1/requests/"+reqID, "").json(t, &req)
	if req.Status != "closed" || req.Closure != "referred_to_specialist" {
		t.Errorf("request with every need in specialist care = %+v; want closed, referred_to_specialist", req)
	}
	mustProblem(t, e.do(http.MethodPost, gate, meals), http.StatusConflict, "")

	// Step-down: ending specialist care reopens the request, and the gate
	// wants a new search.
	mustProblem(t, e.do(http.MethodPost, "/api/v1/specialist-referrals/"+sp.ID+"/end", `{}`), 422, "outcome")
	if r := e.do(http.MethodPost, "/api/v1/specialist-referrals/"+sp.ID+"/end", `{"outcome":"Traject afgerond, terug naar de buurt"}`); r.status != http.StatusOK {
		t.Fatalf("end = %d %s", r.status, r.body)
	}
	mustProblem(t, e.do(http.MethodPost, "/api/v1/specialist-referrals/"+sp.ID+"/end", `{"outcome":"nog eens"}`), http.StatusConflict, "")
	e.do(http.MethodGet, "/api/v1/requests/"+reqID, "").json(t, &req)
	if req.Status != "open" || req.StepDowns != 1 {
		t.Errorf("after step-down: %+v; want open with 1 step-down", req)
	}
	mustProblem(t, e.do(http.MethodPost, gate, both), http.StatusConflict, "search")
	var steps struct {
		Steps []struct{ State string } `json:"steps"`
	}
	e.do(http.MethodGet, "/api/v1/requests/"+reqID, "").json(t, &steps)
	var states []string
	for _, s := range steps.Steps {
		states = append(states, s.State)
	}
	if got, want := strings.Join(states, " "), "open searched closed open"; got != want {
		t.Errorf("steps = %s; want %s", got, want)
	}
}

func TestSafetyOverride(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	reqID := e.create("/api/v1/requests", validRequest)
	gate := "/api/v1/requests/" + reqID + "/specialist-referrals"
	mustProblem(t, e.do(http.MethodPost, gate, `{"needs":["groceries"],"safety_override":{"reason":""}}`), 422, "safety_override.reason")
	r := e.do(http.MethodPost, gate, `{"needs":["groceries"],"safety_override":{"reason":"Acuut onveilige thuissituatie"}}`)
	if r.status != http.StatusCreated || !strings.Contains(string(r.body), `"safety_override_used":true`) {
		t.Fatalf("override with reason = %d %s; want 201 flagged", r.status, r.body)
	}
	// The request's list finds it again, from any computer.
	var list []struct {
		ID       string `json:"id"`
		Override bool   `json:"safety_override_used"`
	}
	e.do(http.MethodGet, gate, "").json(t, &list)
	if len(list) != 1 || !list[0].Override || !strings.Contains(string(r.body), list[0].ID) {
		t.Errorf("the request's specialist referrals = %+v", list)
	}
	mustProblem(t, e.as(asOtherTeam).do(http.MethodGet, gate, ""), http.StatusForbidden, "")
}
