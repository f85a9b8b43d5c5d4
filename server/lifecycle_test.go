package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// clockedEnv is a testEnv whose app clock the test shares, so that what
// the test records through the lifecycle and what the API records fall
// on one timeline.
type clockedEnv struct {
	*testEnv
	clock func() time.Time
	l     *lifecycle
}

func newClockedEnv(t *testing.T) clockedEnv {
	t.Helper()
	e := newTestEnv(t)
	areas, bounds := testAreas(t)
	var ticks atomic.Int64
	clock := func() time.Time { return testNow.Add(time.Duration(ticks.Add(1)) * time.Millisecond) }
	d := Deps{Store: e.store, Checker: care.NewChecker(bounds, areas), Engine: e.engine, Bounds: bounds,
		Log: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})), BodyLimit: 64 << 10, Now: clock, APIDoc: e.app.APIDoc()}
	app, err := NewApp(d)
	if err != nil {
		t.Fatal(err)
	}
	e.app = app
	return clockedEnv{testEnv: e, clock: clock, l: newLifecycle(d)}
}

// requestView is what the lifecycle tests read of a request.
type requestView struct {
	ID          string      `json:"id"`
	Version     int64       `json:"version"`
	CreatedAt   time.Time   `json:"created_at"`
	Status      string      `json:"status"`
	Closure     string      `json:"closure"`
	ClosureNote string      `json:"closure_note"`
	Steps       []care.Step `json:"steps"`
	Area        struct {
		MunicipalityCode string `json:"municipality_code"`
	} `json:"area"`
	Timeliness *struct {
		FirstContactAt     *time.Time `json:"first_contact_at"`
		MatchedAt          *time.Time `json:"matched_at"`
		DaysToFirstContact *float64   `json:"days_to_first_contact"`
		DaysToMatch        *float64   `json:"days_to_match"`
		ContactTargetDays  int        `json:"contact_target_days"`
		ContactDueAt       time.Time  `json:"contact_due_at"`
		WithinTarget       *bool      `json:"within_target"`
	} `json:"timeliness"`
}

func (e clockedEnv) request(id string) requestView {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/v1/requests/"+id, "")
	if r.status != http.StatusOK {
		e.t.Fatalf("GET request = %d %s", r.status, r.body)
	}
	var v requestView
	r.json(e.t, &v)
	return v
}

func (e clockedEnv) moved(id, to string, at time.Time) {
	e.t.Helper()
	if err := e.l.referralMoved(context.Background(), id, to, at); err != nil {
		e.t.Fatalf("referralMoved(%s) error = %v", to, err)
	}
}

// TestRequestLifecycleSteps walks a request through every status and
// checks that each step is recorded once, in order, with its time. The
// referral-driven steps go through referralMoved, the hook the referral
// routes call.
func TestRequestLifecycleSteps(t *testing.T) {
	t.Parallel()
	e := newClockedEnv(t)
	id := e.create("/api/v1/requests", validRequest)
	if got := e.request(id); len(got.Steps) != 1 || got.Steps[0].State != "open" || !got.Steps[0].At.Equal(got.CreatedAt) {
		t.Fatalf("steps after create = %+v; want [open at %v]", got.Steps, got.CreatedAt)
	}
	if r := e.do(http.MethodPost, "/api/v1/requests/"+id+"/matches", ""); r.status != http.StatusCreated {
		t.Fatalf("search = %d %s", r.status, r.body)
	}
	// A second search is no status change and adds no step.
	if r := e.do(http.MethodPost, "/api/v1/requests/"+id+"/matches", ""); r.status != http.StatusCreated {
		t.Fatalf("search again = %d %s", r.status, r.body)
	}
	e.moved(id, care.RefProposed, e.clock())
	accepted := e.clock()
	e.moved(id, care.RefAccepted, accepted)
	started := e.clock()
	e.moved(id, care.RefStarted, started)
	// Repeats and later moves change nothing.
	before := e.request(id)
	e.moved(id, care.RefAccepted, e.clock())
	e.moved(id, care.RefProposed, e.clock())
	e.moved(id, care.RefCompleted, e.clock())
	if after := e.request(id); after.Version != before.Version {
		t.Errorf("version after repeated moves = %d; want %d unchanged", after.Version, before.Version)
	}
	r := e.do(http.MethodPost, "/api/v1/requests/"+id+"/close", `{"closure":"resolved_locally","note":"Boodschappen lopen via buurman."}`)
	if r.status != http.StatusOK {
		t.Fatalf("close = %d %s", r.status, r.body)
	}

	got := e.request(id)
	want := []string{"open", "searched", "referred", "in_progress", "closed"}
	if len(got.Steps) != len(want) {
		t.Fatalf("steps = %+v; want states %v", got.Steps, want)
	}
	for i, s := range got.Steps {
		if s.State != want[i] {
			t.Errorf("steps[%d].state = %s; want %s", i, s.State, want[i])
		}
		if i > 0 && !s.At.After(got.Steps[i-1].At) {
			t.Errorf("steps[%d].at = %v; want after steps[%d].at %v", i, s.At, i-1, got.Steps[i-1].At)
		}
	}
	if got.Status != "closed" || got.Closure != "resolved_locally" || got.ClosureNote != "Boodschappen lopen via buurman." {
		t.Errorf("request = %s %s %q; want closed resolved_locally with the note", got.Status, got.Closure, got.ClosureNote)
	}
	tl := got.Timeliness
	if tl == nil || tl.FirstContactAt == nil || !tl.FirstContactAt.Equal(accepted.Truncate(time.Millisecond)) ||
		tl.MatchedAt == nil || !tl.MatchedAt.Equal(started.Truncate(time.Millisecond)) {
		t.Errorf("timeliness = %+v; want first contact %v, matched %v", tl, accepted, started)
	}

	// Closing twice, or a referral proposed for a closed request.
	p := mustProblem(t, e.do(http.MethodPost, "/api/v1/requests/"+id+"/close", `{"closure":"withdrawn"}`), http.StatusConflict, "status")
	if !strings.Contains(p.Detail, "closed") {
		t.Errorf("detail = %q; want the current status closed named", p.Detail)
	}
	if got := e.request(id); got.Closure != "resolved_locally" || len(got.Steps) != 5 {
		t.Errorf("after refused close: %s, %d steps; want resolved_locally, 5", got.Closure, len(got.Steps))
	}
}

func TestCloseRequestBadInput(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	id := e.create("/api/v1/requests", validRequest)
	closeURL := "/api/v1/requests/" + id + "/close"
	for _, tc := range []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"unknown closure", closeURL, `{"closure":"finished"}`, 422, "closure"},
		{"specialist closure is the gate's", closeURL, `{"closure":"referred_to_specialist"}`, 422, "closure"},
		{"no closure", closeURL, `{"note":"klaar"}`, 422, "closure"},
		{"operator as note", closeURL, `{"closure":"withdrawn","note":"$where"}`, 422, "note"},
		{"closure not a string", closeURL, `{"closure":{"$ne":""}}`, 400, "closure"},
		{"unknown field", closeURL, `{"closure":"withdrawn","status":"open"}`, 400, "status"},
		{"no such request", "/api/v1/requests/0123456789abcdef01234567/close", `{"closure":"withdrawn"}`, 404, ""},
		{"malformed id", "/api/v1/requests/nope/close", `{"closure":"withdrawn"}`, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustProblem(t, e.do(http.MethodPost, tc.path, tc.body), tc.status, tc.field)
		})
	}
	mustProblem(t, e.do(http.MethodPost, closeURL, `closure=withdrawn`, "Content-Type", "application/x-www-form-urlencoded"), 415, "Content-Type")
	var got struct{ Status string }
	e.do(http.MethodGet, "/api/v1/requests/"+id, "").json(t, &got)
	if got.Status != "open" {
		t.Errorf("status after refused closes = %s; want open", got.Status)
	}
}

// TestTimeliness checks the derived time to first contact against the
// default target and a municipality's own.
func TestTimeliness(t *testing.T) {
	t.Parallel()
	e := newClockedEnv(t)
	id := e.create("/api/v1/requests", validRequest)
	quiet := e.create("/api/v1/requests", validRequest)
	req := e.request(id)
	if req.Area.MunicipalityCode != "GM0363" {
		t.Fatalf("municipality = %s; want GM0363", req.Area.MunicipalityCode)
	}
	if tl := req.Timeliness; tl == nil || tl.ContactTargetDays != 7 || tl.WithinTarget != nil || tl.DaysToFirstContact != nil {
		t.Fatalf("timeliness before contact = %+v; want target 7, within_target null", tl)
	}
	r := e.do(http.MethodGet, "/api/v1/municipalities/GM0363/settings", "")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"contact_target_days":7`) || !strings.Contains(string(r.body), `"version":0`) {
		t.Fatalf("default settings = %d %s; want 7 at version 0", r.status, r.body)
	}

	// First contact five days after the request was made.
	e.moved(id, care.RefAccepted, req.CreatedAt.Add(5*24*time.Hour))
	tl := e.request(id).Timeliness
	if tl.DaysToFirstContact == nil || *tl.DaysToFirstContact != 5 || tl.WithinTarget == nil || !*tl.WithinTarget || tl.DaysToMatch != nil {
		t.Fatalf("timeliness with the default = %+v; want 5 days, within the 7-day target, no match yet", tl)
	}

	// Amsterdam aims for three days: the same contact is now late.
	r = e.as(asCoordinator).do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", `{"contact_target_days":3}`)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"version":1`) {
		t.Fatalf("PUT settings = %d %s", r.status, r.body)
	}
	tl = e.request(id).Timeliness
	if tl.ContactTargetDays != 3 || tl.WithinTarget == nil || *tl.WithinTarget || !tl.ContactDueAt.Equal(req.CreatedAt.Add(72*time.Hour)) {
		t.Fatalf("timeliness with GM0363 at 3 days = %+v; want late, due 3 days after creation", tl)
	}
	var page struct {
		Items []requestView `json:"items"`
	}
	e.do(http.MethodGet, "/api/v1/requests?municipality=GM0363", "").json(t, &page)
	if len(page.Items) != 2 {
		t.Fatalf("list = %d items; want 2", len(page.Items))
	}
	for _, it := range page.Items {
		if it.Timeliness == nil || it.Timeliness.ContactTargetDays != 3 {
			t.Errorf("list item %s timeliness = %+v; want target 3", it.ID, it.Timeliness)
		}
		if it.ID == quiet && it.Timeliness.WithinTarget != nil {
			t.Errorf("request without contact, target not passed: within_target = %v; want null", *it.Timeliness.WithinTarget)
		}
	}

	// Bad settings.
	co := e.as(asCoordinator)
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", `{"contact_target_days":0}`), 422, "contact_target_days")
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", `{"contact_target_days":91}`), 422, "contact_target_days")
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", `{"contact_target_days":"3"}`), 400, "contact_target_days")
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", `{"contact_target_days":3,"x":1}`), 400, "x")
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM363/settings", `{"contact_target_days":3}`), 400, "code")
	mustProblem(t, e.do(http.MethodGet, "/api/v1/municipalities/gm0363/settings", ""), 400, "code")
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", `{"contact_target_days":4}`, "If-Match", `"7"`), 412, "If-Match")
	if r := co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", `{"contact_target_days":4}`, "If-Match", `"1"`); r.status != http.StatusOK {
		t.Errorf("PUT with the current If-Match = %d %s", r.status, r.body)
	}

	// Unit prices for the avoided costs in monitoring.
	prices := `{"contact_target_days":4,"unit_prices":{"support_hour_eur":78.5,"specialist_trajectory_eur":4200,"transport_ride_eur":17,"source":"Begroting 2026"}}`
	if r := co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", prices); r.status != http.StatusOK {
		t.Fatalf("PUT unit prices = %d %s", r.status, r.body)
	}
	var got care.MunicipalitySettings
	e.do(http.MethodGet, "/api/v1/municipalities/GM0363/settings", "").json(t, &got)
	if p := got.UnitPrices; p == nil || p.SupportHourEUR != 78.5 || p.SpecialistTrajectoryEUR != 4200 || p.TransportRideEUR != 17 || p.Source != "Begroting 2026" {
		t.Errorf("unit prices read back = %+v", got.UnitPrices)
	}
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", strings.Replace(prices, "78.5", "-1", 1)), 422, "unit_prices.support_hour_eur")
	mustProblem(t, co.do(http.MethodPut, "/api/v1/municipalities/GM0363/settings", strings.Replace(prices, `"transport_ride_eur":17`, `"transport_ride_eur":"17"`, 1)), 400, "unit_prices.transport_ride_eur")
}

// TestTimelinessOf covers the derivation on its own, where the clock can
// pass the target.
func TestTimelinessOf(t *testing.T) {
	t.Parallel()
	created := testNow
	day := 24 * time.Hour
	at := func(d time.Duration) *time.Time { x := created.Add(d); return &x }
	base := care.Request{Meta: care.Meta{CreatedAt: created}, Status: care.ReqReferred}
	closedAt := func(d time.Duration) care.Request {
		r := base
		r.Status = care.ReqClosed
		r.Steps = []care.Step{{State: care.ReqOpen, At: created}, {State: care.ReqClosed, At: created.Add(d)}}
		return r
	}
	withContact := func(d time.Duration) care.Request { r := base; r.FirstContactAt = at(d); return r }
	for _, tc := range []struct {
		name   string
		req    care.Request
		now    time.Duration
		within string // "true", "false" or "null"
	}{
		{"no contact, target not passed", base, 6 * day, "null"},
		{"no contact, target passed", base, 8 * day, "false"},
		{"contact exactly at the target", withContact(7 * day), 30 * day, "true"},
		{"contact a minute late", withContact(7*day + time.Minute), 30 * day, "false"},
		{"closed before the target without contact", closedAt(2 * day), 30 * day, "null"},
		{"closed after the target without contact", closedAt(9 * day), 30 * day, "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := care.TimelinessOf(tc.req, 7, created.Add(tc.now))
			s := "null"
			if got.WithinTarget != nil {
				s = map[bool]string{true: "true", false: "false"}[*got.WithinTarget]
			}
			if s != tc.within {
				t.Errorf("within_target = %s; want %s", s, tc.within)
			}
		})
	}
	got := care.TimelinessOf(withContact(36*time.Hour), 7, created)
	if got.DaysToFirstContact == nil || *got.DaysToFirstContact != 1.5 {
		t.Errorf("days_to_first_contact = %v; want 1.5", got.DaysToFirstContact)
	}
}
