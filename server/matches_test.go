package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/matching"
)

// TestMatchesForAStoredRequest runs the zero-line search through the API:
// options written through the API are found at once, the search is
// recorded on the request, and a gap is explained.
func TestMatchesForAStoredRequest(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	volID := e.create("/api/v1/volunteers", validVolunteer)
	provID := e.create("/api/v1/provisions", validProvision)
	actID := e.create("/api/v1/activities", validActivity(provID))
	initID := e.create("/api/v1/initiatives", validInitiative)
	body := strings.Replace(validRequest, `"needs":["groceries","companionship"]`, `"needs":["groceries","companionship","debt_buddy","meals"]`, 1)
	reqID := e.create("/api/v1/requests", body)

	r := e.do(http.MethodPost, "/api/v1/requests/"+reqID+"/matches", "")
	if r.status != http.StatusCreated {
		t.Fatalf("matches = %d %s; want 201", r.status, r.body)
	}
	var res SearchResult
	r.json(t, &res)
	if res.SearchID == "" || res.RequestID != reqID || len(res.Needs) != 4 {
		t.Fatalf("result = %+v", res)
	}
	byNeed := map[string][]string{}
	for _, n := range res.Needs {
		for _, o := range n.Options {
			byNeed[n.Need] = append(byNeed[n.Need], o.OptionID)
			if o.Explanation == "" || o.Level < 1 {
				t.Errorf("candidate without explanation or level: %+v", o)
			}
		}
	}
	if got := byNeed["groceries"]; len(got) == 0 || got[0] != volID || !slices.Contains(got, initID) {
		t.Errorf("groceries options = %v; want the volunteer %s first and the initiative %s", got, volID, initID)
	}
	if got := byNeed["meals"]; !slices.Contains(got, provID) {
		t.Errorf("meals options = %v; want the provision %s", got, provID)
	}
	_ = actID
	var debt *struct{ reason string }
	for _, n := range res.Needs {
		if n.Need == "debt_buddy" {
			if n.Coverage.Covered || n.Coverage.Reason != "none_of_type" {
				t.Errorf("debt_buddy coverage = %+v; want none_of_type", n.Coverage)
			}
			debt = &struct{ reason string }{n.Coverage.Reason}
		}
	}
	if debt == nil || !slices.Contains(res.Uncovered, "debt_buddy") {
		t.Errorf("uncovered = %v; want debt_buddy", res.Uncovered)
	}

	var stored struct {
		Status     string `json:"status"`
		Version    int    `json:"version"`
		LastSearch struct {
			ID string `json:"id"`
		} `json:"last_search"`
	}
	e.do(http.MethodGet, "/api/v1/requests/"+reqID, "").json(t, &stored)
	if stored.Status != "searched" || stored.LastSearch.ID != res.SearchID || stored.Version != 2 {
		t.Errorf("request after search = %+v; want status searched, last_search %s, version 2", stored, res.SearchID)
	}

	// A paused volunteer drops out of the next search at once.
	if p := e.do(http.MethodPatch, "/api/v1/volunteers/"+volID, `{"status":"paused"}`); p.status != http.StatusOK {
		t.Fatalf("pause = %d %s", p.status, p.body)
	}
	e.do(http.MethodPost, "/api/v1/requests/"+reqID+"/matches", "").json(t, &res)
	for _, n := range res.Needs {
		for _, o := range n.Options {
			if o.OptionID == volID {
				t.Errorf("paused volunteer still proposed for %s", n.Need)
			}
		}
	}

	mustProblem(t, e.do(http.MethodPost, "/api/v1/requests/6b0300000000000000000000/matches", ""), http.StatusNotFound, "")
	mustProblem(t, e.do(http.MethodPost, "/api/v1/requests/"+reqID+"/matches?limit=0", ""), http.StatusBadRequest, "limit")
}

func TestNearby(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	provID := e.create("/api/v1/provisions", validProvision)
	volID := e.create("/api/v1/volunteers", validVolunteer)
	var cands []struct {
		OptionID  string      `json:"option_id"`
		Kind      string      `json:"kind"`
		DistanceM float64     `json:"distance_m"`
		Location  *[2]float64 `json:"location"`
	}
	e.do(http.MethodGet, "/api/v1/options/nearby?lat=52.3731&lon=4.8924&radius_m=2000", "").json(t, &cands)
	if len(cands) != 2 || cands[0].DistanceM > cands[1].DistanceM {
		t.Fatalf("nearby = %+v; want both options, nearest first", cands)
	}
	for _, c := range cands {
		if c.OptionID == volID && c.Location != nil {
			t.Errorf("volunteer's home shown: %v", c.Location)
		}
	}
	e.do(http.MethodGet, "/api/v1/options/nearby?lat=52.3731&lon=4.8924&help_type=meals&kind=provision", "").json(t, &cands)
	if len(cands) != 1 || cands[0].OptionID != provID {
		t.Errorf("meals provisions = %+v; want %s", cands, provID)
	}
	for _, bad := range []struct{ query, field string }{
		{"lon=4.89", "lat"}, {"lat=52.37", "lon"}, {"lat=NaN&lon=4.89", "lat"}, {"lat=91&lon=4.89", "lat"},
		{"lat=52.5&lon=3.5", "lat"}, {"lat=52.37&lon=4.89&radius_m=0", "radius_m"}, {"lat=52.37&lon=4.89&help_type=flying", "help_type"},
		{"lat=52.37&lon=4.89&kind=dragon", "kind"}, {"lat=52.37&lon=4.89&colour=red", "colour"}, {"lat=52.37&lon=4.89&limit=1000", "limit"},
	} {
		mustProblem(t, e.do(http.MethodGet, "/api/v1/options/nearby?"+bad.query, ""), http.StatusBadRequest, bad.field)
	}
}

// TestLadderLevelsAgree keeps the engine's level numbers in step with the
// ladder served in the taxonomy.
func TestLadderLevelsAgree(t *testing.T) {
	t.Parallel()
	ladder := care.Codes().Ladder
	if ladder[matching.LevelInformal].Code != "informal" || ladder[matching.LevelCollective].Code != "collective" {
		t.Errorf("engine levels %d and %d are %q and %q in the taxonomy", matching.LevelInformal, matching.LevelCollective,
			ladder[matching.LevelInformal].Code, ladder[matching.LevelCollective].Code)
	}
	if matching.KindVolunteer.Level() != matching.LevelInformal || matching.KindActivity.Level() != matching.LevelCollective {
		t.Error("kinds sit on the wrong rungs")
	}
}

func TestListRequestsByStatus(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	searched := e.create("/api/v1/requests", validRequest)
	e.create("/api/v1/requests", validRequest)
	if r := e.do(http.MethodPost, "/api/v1/requests/"+searched+"/matches", ""); r.status != http.StatusCreated {
		t.Fatalf("matches = %d %s", r.status, r.body)
	}
	if n := e.count("/api/v1/requests?status=searched"); n != 1 {
		t.Errorf("searched requests = %d; want 1", n)
	}
	if n := e.count("/api/v1/requests?status=open"); n != 1 {
		t.Errorf("open requests = %d; want 1", n)
	}
	mustProblem(t, e.do(http.MethodGet, "/api/v1/requests?status=paused", ""), http.StatusBadRequest, "status")
	mustProblem(t, e.do(http.MethodGet, "/api/v1/volunteers?status=searched", ""), http.StatusBadRequest, "status")
}

// TestEngineKeepsTakenPlacesAcrossEdits: an accepted referral takes one
// of the volunteer's two places in the engine; an edit of the offer
// keeps that count (it is not counted again from the store), and ending
// the referral frees the place.
func TestEngineKeepsTakenPlacesAcrossEdits(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	res := e.as(asResident)
	vol := res.create("/api/v1/volunteers", validVolunteer)
	req := e.create("/api/v1/requests", validRequest)
	ref := e.create("/api/v1/requests/"+req+"/referrals", `{"need":"groceries","option_id":"`+vol+`"}`)
	used := func() int {
		t.Helper()
		n, _, ok := e.engine.Taken(vol)
		if !ok {
			t.Fatal("the engine lost the volunteer")
		}
		return n
	}
	if r := res.do(http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", `{"to":"accepted"}`); r.status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if got := used(); got != 1 {
		t.Fatalf("places taken after the acceptance = %d; want 1", got)
	}
	if r := res.do(http.MethodPatch, "/api/v1/volunteers/"+vol, `{"display_name":"Anna B."}`, "Content-Type", "application/merge-patch+json"); r.status != http.StatusOK {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	if got := used(); got != 1 {
		t.Fatalf("places taken after an edit of the offer = %d; want 1", got)
	}
	if r := res.do(http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", `{"to":"ended","reason":"verhuisd"}`); r.status != http.StatusOK {
		t.Fatalf("end: %d %s", r.status, r.body)
	}
	if got := used(); got != 0 {
		t.Fatalf("places taken after the end = %d; want 0", got)
	}
}
