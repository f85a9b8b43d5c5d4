package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/monitor"
)

// indicatorEnv is a test env whose indicator index the test can reach.
func indicatorEnv(t *testing.T) (*testEnv, *monitor.Index) {
	idx := monitor.NewIndex()
	return newTestEnvWith(t, func(d *Deps) { d.Indicators = idx }), idx
}

func (e *testEnv) mustDo(status int, method, path, body string) response {
	e.t.Helper()
	r := e.do(method, path, body)
	if r.status != status {
		e.t.Fatalf("%s %s = %d %s; want %d", method, path, r.status, r.body, status)
	}
	return r
}

// workload runs the workflow through the API: 6 requests helped by a
// volunteer and closed as resolved locally with better scores, one sent
// to specialist care by safety override and stepped down, one declined,
// and one without monitoring consent.
func workload(t *testing.T, e *testEnv) {
	var volunteers []string
	for i := range 6 {
		body := strings.Replace(validVolunteer, `"Anna"`, fmt.Sprintf(`"Anna %d"`, i), 1)
		volunteers = append(volunteers, e.create("/api/v1/volunteers", strings.Replace(body, `"capacity":2`, `"capacity":1`, 1)))
	}
	withScores := strings.Replace(validRequest, `"intake_score":2}`, `"intake_score":2,"closure_score":4}`, 1)
	for i := range 6 {
		id := e.create("/api/v1/requests", validRequest)
		e.mustDo(http.StatusCreated, http.MethodPost, "/api/v1/requests/"+id+"/matches", "")
		ref := e.create("/api/v1/requests/"+id+"/referrals", `{"need":"groceries","option_id":"`+volunteers[i]+`"}`)
		for _, to := range []string{"accepted", "started", "completed"} {
			e.mustDo(http.StatusOK, http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", `{"to":"`+to+`","outcome":"Gaat goed"}`)
		}
		var cur struct{ Version int64 }
		e.mustDo(http.StatusOK, http.MethodGet, "/api/v1/requests/"+id, "").json(t, &cur)
		e.mustDo(http.StatusOK, http.MethodPut, "/api/v1/requests/"+id, withScores)
		e.mustDo(http.StatusOK, http.MethodPost, "/api/v1/requests/"+id+"/close", `{"closure":"resolved_locally"}`)
	}
	sp := e.create("/api/v1/requests/"+e.create("/api/v1/requests", validRequest)+"/specialist-referrals",
		`{"needs":["groceries"],"safety_override":{"reason":"Acuut onveilig"}}`)
	e.mustDo(http.StatusOK, http.MethodPost, "/api/v1/specialist-referrals/"+sp+"/end", `{"outcome":"Afgerond"}`)
	declined := e.create("/api/v1/requests", validRequest)
	ref := e.create("/api/v1/requests/"+declined+"/referrals", `{"need":"groceries","option_id":"`+volunteers[0]+`"}`)
	e.mustDo(http.StatusOK, http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", `{"to":"declined","reason":"Geen tijd"}`)
	e.create("/api/v1/requests", strings.Replace(validRequest, `,"monitoring"`, "", 1))
}

// TestIndicatorsFollowTheWorkflow checks that the indicators kept
// current write by write show what the workflow did, and agree exactly
// with a full recomputation from the store.
func TestIndicatorsFollowTheWorkflow(t *testing.T) {
	t.Parallel()
	e, idx := indicatorEnv(t)
	workload(t, e)
	co := e.as(asCoordinator)
	var rep IndicatorReport
	co.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators?level=municipality", "").json(t, &rep)
	tot := rep.Total
	checks := []struct {
		name      string
		got, want monitor.Count
	}{
		{"demand.requests", tot.Demand.Requests, 8},
		{"demand.without_consent", tot.Demand.WithoutConsent, monitor.Hidden},
		{"demand.by_need.groceries", tot.Demand.ByNeed["groceries"], 8},
		{"demand.by_life_domain.social_network", tot.Demand.ByLifeDomain["social_network"], 8},
		{"results.resolved_locally", tot.Results.ResolvedLocally, 6},
		{"results.safety_overrides", tot.Results.SafetyOverrides, monitor.Hidden},
		{"results.step_downs", tot.Results.StepDowns, monitor.Hidden},
		{"results.referrals", tot.Results.Referrals, 7},
		{"results.completed", tot.Results.Completed, 6},
		{"results.declined", tot.Results.Declined, monitor.Hidden},
		{"supply.by_kind.volunteer", tot.Supply.ByKind["volunteer"], 6},
		{"supply.capacity", tot.Supply.Capacity, 6},
		{"outcomes.improved", tot.Outcomes.Improved, 6},
		{"timeliness.first_contact.reached", tot.Timeliness.FirstContact.Reached, 6},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if s := tot.Results.AcceptanceRate; s != nil {
		t.Errorf("acceptance rate = %v, want null: 1 declined is fewer than 5", *s)
	}
	if m := tot.Outcomes.ByDomain["social_network"].MeanChange; m == nil || *m != 2 {
		t.Errorf("social network mean change = %v, want 2", m)
	}
	if len(rep.Areas) != 1 || rep.Areas[0].Code != "GM0363" || rep.Areas[0].Name != "Amsterdam" || rep.Municipality.Name != "Amsterdam" {
		t.Errorf("areas = %+v", rep.Areas)
	}

	// A full recomputation: a fresh index loaded from the store.
	fresh := monitor.NewIndex()
	if err := follow.NewIndicators(fresh, e.store, slog.New(slog.DiscardHandler), func() time.Time { return testNow }).Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, level := range []string{monitor.LevelMunicipality, monitor.LevelDistrict, monitor.LevelNeighbourhood} {
		q := monitor.Query{Municipality: "GM0363", From: testNow.AddDate(-1, 0, 0), To: testNow.AddDate(0, 0, 1), Level: level, TargetDays: 7, Now: testNow}
		if a, b := idx.Compute(q), fresh.Compute(q); !reflect.DeepEqual(a, b) {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			t.Errorf("level %s: incremental and recomputed differ:\n%s\n%s", level, ja, jb)
		}
	}
}

func TestIndicatorsExports(t *testing.T) {
	t.Parallel()
	e, _ := indicatorEnv(t)
	workload(t, e)
	co := e.as(asCoordinator)
	r := co.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators.csv?from=2026-01&to=2026-11", "")
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type = %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "municipality,from,to,level,area_code,area_name,indicator,value" {
		t.Errorf("header = %v", rows[0])
	}
	found := map[string]string{}
	districts := map[string]bool{}
	for _, row := range rows[1:] {
		if row[3] == "total" {
			found[row[6]] = row[7]
		} else {
			districts[row[4]] = true
		}
	}
	if found["results.resolved_locally"] != "6" || found["results.step_downs"] != "<5" || found["results.acceptance_rate"] != "" || found["avoided_costs.lines.transport.unit"] != "transport_ride" {
		t.Errorf("total rows: resolved %q, step-downs %q, acceptance %q, transport unit %q", found["results.resolved_locally"], found["results.step_downs"], found["results.acceptance_rate"], found["avoided_costs.lines.transport.unit"])
	}
	// Amsterdam's 2014 districts are its 8 stadsdelen (and more): every
	// one is listed, with or without records.
	if len(districts) < 8 {
		t.Errorf("csv lists %d districts: %v", len(districts), districts)
	}

	r = co.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators.geojson?level=district", "")
	if ct := r.header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("content type = %q", ct)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry   struct{ Type string } `json:"geometry"`
			Properties map[string]any        `json:"properties"`
		} `json:"features"`
	}
	r.json(t, &fc)
	total := 0.0
	for _, f := range fc.Features {
		if f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon" {
			t.Errorf("district %v has geometry %s", f.Properties["code"], f.Geometry.Type)
		}
		if n, ok := f.Properties["demand.requests"].(float64); ok {
			total += n
		}
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != len(districts) || total == 0 && len(fc.Features) > 0 && fc.Features[0].Properties["demand.requests"] != "<5" {
		t.Errorf("geojson: %s with %d features (csv had %d districts)", fc.Type, len(fc.Features), len(districts))
	}
	var hoods struct {
		Features []struct {
			Geometry struct{ Type string } `json:"geometry"`
		} `json:"features"`
	}
	co.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators.geojson?level=neighbourhood", "").json(t, &hoods)
	if len(hoods.Features) < 50 || hoods.Features[0].Geometry.Type != "Point" {
		t.Errorf("neighbourhoods: %d features, first %+v", len(hoods.Features), hoods.Features)
	}
}

func TestIndicatorsRefuseBadQueries(t *testing.T) {
	t.Parallel()
	e, _ := indicatorEnv(t)
	co := e.as(asCoordinator)
	for _, c := range []struct{ query, field string }{
		{"from=2026-13", "from"},
		{"to=26-01", "to"},
		{"from=2026-05&to=2026-04", "from"},
		{"from=2020-01&to=2026-01", "from"},
		{"level=street", "level"},
		{"area=WK034401", "area"}, // Utrecht's, not Amsterdam's
		{"area=GM0363&level=district", "area"},
		{"area=WK036300&level=municipality", "level"},
	} {
		for _, path := range []string{"/api/v1/monitoring/indicators", "/api/v1/monitoring/indicators.csv", "/api/v1/monitoring/indicators.geojson"} {
			mustProblem(t, co.do(http.MethodGet, path+"?"+c.query, ""), http.StatusBadRequest, c.field)
		}
	}
	// One district, broken down by its neighbourhoods.
	var rep IndicatorReport
	co.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators?area=WK036300&level=neighbourhood", "").json(t, &rep)
	if len(rep.Areas) == 0 {
		t.Fatal("no neighbourhoods in WK036300")
	}
	for _, a := range rep.Areas {
		if !strings.HasPrefix(a.Code, "BU036300") {
			t.Errorf("neighbourhood %s is not in WK036300", a.Code)
		}
	}
}

// TestIndicatorsFollowOtherProcesses runs the workflow through a second
// app on its own connection to the same database, as another server
// process would, and checks that the first process's indicators learn
// every write from the logs alone: casework from the event log (which
// the maintenance round delivers), the options from the change log.
func TestIndicatorsFollowOtherProcesses(t *testing.T) {
	t.Parallel()
	e, idx := indicatorEnv(t)
	areas, bounds := testAreas(t)
	eng, err := matching.New(fromcare.HelpTypes(), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewApp(Deps{Store: shared.Open(t, e.store.Database()), Checker: care.NewChecker(bounds, areas), Engine: eng, Bounds: bounds,
		Log: slog.New(slog.DiscardHandler), BodyLimit: 64 << 10, Now: func() time.Time { return testNow.Add(time.Hour) }, PasswordParams: testParams, APIDoc: e.app.APIDoc()})
	if err != nil {
		t.Fatal(err)
	}
	b := *e
	b.app = other
	workload(t, &b)

	q := monitor.Query{Municipality: "GM0363", From: testNow.AddDate(-1, 0, 0), To: testNow.AddDate(0, 0, 1), Level: monitor.LevelDistrict, TargetDays: 7, Now: testNow}
	if got := idx.Compute(q).Total.Demand.Requests; got != 0 {
		t.Fatalf("before following the change log the first process counts %d requests; want 0 (its writes went through the other)", got)
	}
	follower := follow.NewIndicators(idx, e.store, slog.New(slog.DiscardHandler), func() time.Time { return testNow })
	if err := follower.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("DEBUG after catchup supply %d", idx.Compute(q).Total.Supply.Options)
	if got := idx.Compute(q).Total.Demand.Requests; got != 0 {
		t.Fatalf("the change log alone told the first process of %d requests; want 0 (casework reaches it as events)", got)
	}
	if err := e.app.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	fresh := monitor.NewIndex()
	if err := follow.NewIndicators(fresh, e.store, slog.New(slog.DiscardHandler), func() time.Time { return testNow }).Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, f := idx.Compute(q), fresh.Compute(q)
	if a.Total.Supply.Options != 6 {
		t.Errorf("after following the first process counts %d options; want the other's 6 volunteers", a.Total.Supply.Options)
	}
	if a.Total.Demand.Requests != 8 || !reflect.DeepEqual(a, f) {
		ja, _ := json.Marshal(a.Total)
		jf, _ := json.Marshal(f.Total)
		t.Errorf("after following: %d requests; followed and reloaded indicators:\n%s\n%s", a.Total.Demand.Requests, ja, jf)
	}
}

// TestIndicatorsAnswer503WhileLoading: a server that loads its
// indicators in the background answers 503 with Retry-After until the
// load is in place, never numbers from a half-read store.
func TestIndicatorsAnswer503WhileLoading(t *testing.T) {
	t.Parallel()
	idx := monitor.NewIndex()
	e := newTestEnvWith(t, func(d *Deps) { d.Indicators, d.IndicatorsLoadedElsewhere = idx, true })
	co := e.as(asCoordinator)
	r := co.do(http.MethodGet, "/api/v1/monitoring/indicators", "")
	mustProblem(t, r, http.StatusServiceUnavailable, "")
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if err := follow.NewIndicators(idx, e.store, slog.New(slog.DiscardHandler), func() time.Time { return testNow }).Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	co.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators", "")
}

// TestIndicatorAnswersFollowChanges: a coordinator's report is kept
// between reads while nothing it rests on changed (the same bytes, the
// same generated_at), and a change of the facts shows in the next read,
// in each of its forms (five requests more: counts of 1 to 4 all read
// "<5"); with nothing written it is computed again after answerMaxAge.
func TestIndicatorAnswersFollowChanges(t *testing.T) {
	t.Parallel()
	e, idx := indicatorEnv(t)
	idx.ReplaceWith(monitor.NewIndex()) // loaded: nothing stored yet
	coord := e.as(asCoordinator)
	for _, path := range []string{"/api/v1/monitoring/indicators", "/api/v1/monitoring/indicators.csv", "/api/v1/monitoring/indicators.geojson"} {
		first := coord.mustDo(http.StatusOK, http.MethodGet, path, "")
		again := coord.mustDo(http.StatusOK, http.MethodGet, path, "")
		if !bytes.Equal(first.body, again.body) {
			t.Errorf("GET %s twice without a change gave different answers", path)
		}
		if got := again.header.Get("Content-Disposition"); path != "/api/v1/monitoring/indicators" && !strings.Contains(got, "GM0363") {
			t.Errorf("GET %s kept answer: Content-Disposition %q; want the file name", path, got)
		}
		for range monitor.MinCount { // enough to pass the suppression of small counts
			e.create("/api/v1/requests", validRequest)
		}
		if after := coord.mustDo(http.StatusOK, http.MethodGet, path, ""); bytes.Equal(after.body, first.body) {
			t.Errorf("GET %s after a new request = the answer before it", path)
		}
	}
	// With nothing written, an answer is computed again after a while:
	// a request becomes due when its deadline passes.
	kept := coord.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators", "")
	e.advance(answerMaxAge)
	if later := coord.mustDo(http.StatusOK, http.MethodGet, "/api/v1/monitoring/indicators", ""); bytes.Equal(later.body, kept.body) {
		t.Error("the kept answer was still given after answerMaxAge")
	}
}
