package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// shared is one embedded store for the package's tests; each test gets
// its own database on it, so tests stay independent without paying for a
// server start each.
var shared *storetest.Server

// fixture is the test accounts' database, built once and copied for each
// test env (newTestEnvWith).
var fixture *storetest.Template[testAccountsFixture]

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, "dichtbij-server-test", func(s *storetest.Server) {
		shared = s
		fixture = storetest.NewTemplate(s, func(ctx context.Context, st *store.Store) (testAccountsFixture, error) {
			return makeTestAccounts(ctx, st, func() time.Time { return testNow })
		})
	}))
}

func quietLogger() *slog.Logger { return storetest.Quiet() }

// loadAreas parses the embedded boundaries once per test process; a
// LoadAreas per test would cost about 0.2 s each.
var loadAreas = sync.OnceValues(geo.LoadAreas)

// loadPostcodes parses the embedded postcodes once per test process, for
// every test app: NewApp would parse them again for each (about a third
// of building an app when its OpenAPI document is not counted).
var loadPostcodes = sync.OnceValues(geo.LoadPostcodes)

// renderedDoc is the OpenAPI document of the first test app, for all
// the others: rendering it is about three quarters of building an app
// under -race, and the package builds well over a hundred.
var renderedDoc atomic.Pointer[APIDoc]

// testAreas returns the shared, read-only Areas and the "nl" bounds over
// them, as Run builds them.
func testAreas(tb testing.TB) (*geo.Areas, geo.Bounds) {
	tb.Helper()
	areas, err := loadAreas()
	if err != nil {
		tb.Fatalf("LoadAreas() error = %v", err)
	}
	bounds, err := geo.ParseBounds("nl", areas.Municipalities())
	if err != nil {
		tb.Fatal(err)
	}
	return areas, bounds
}

// testWriter sends log output to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// testEnv is an app wired like production over a fresh database.
type testEnv struct {
	t      testing.TB
	app    *App
	store  *store.Store
	engine *matching.Engine
	// skew moves the app's clock forward (advance).
	skew *atomic.Int64
	// token is the API token do sends; tokens holds one per test account
	// (as), ids their account ids.
	token  string
	tokens map[string]string
	ids    map[string]string
}

// Test accounts: every role in Amsterdam (GM0363), a second team, and a
// social worker of Utrecht (GM0344).
const (
	asWorker      = "social_worker"
	asOtherTeam   = "social_worker_zuid"
	asResident    = "resident"
	asOrganiser   = "organiser"
	asCoordinator = "coordinator"
	asAdmin       = "admin"
	asElsewhere   = "social_worker_utrecht"
	asMolenlanden = "social_worker_molenlanden"
)

// testAccounts are the accounts every test env has: role, municipality, team.
var testAccounts = map[string][3]string{
	asWorker:      {"social_worker", "GM0363", "noord"},
	asOtherTeam:   {"social_worker", "GM0363", "zuid"},
	asResident:    {"resident", "GM0363", ""},
	asOrganiser:   {"organiser", "GM0363", ""},
	asCoordinator: {"coordinator", "GM0363", "stad"},
	asAdmin:       {"admin", "GM0363", ""},
	asElsewhere:   {"social_worker", "GM0344", "noord"},
	asMolenlanden: {"social_worker", "GM1978", "noord"},
}

// testParams make password hashing cheap in tests.
var testParams = auth.Params{Memory: 64, Time: 1, Threads: 1}

// withT returns the env reporting to t (a subtest).
func (e *testEnv) withT(t *testing.T) *testEnv {
	c := *e
	c.t = t
	return &c
}

// as returns the env acting as another test account.
func (e *testEnv) as(who string) *testEnv {
	e.t.Helper()
	tok, ok := e.tokens[who]
	if !ok {
		e.t.Fatalf("no test account %q", who)
	}
	c := *e
	c.token = tok
	return &c
}

// testAccountsFixture is what makeTestAccounts made: each test account's
// API token and account id.
type testAccountsFixture struct {
	tokens, ids map[string]string
}

// makeTestAccounts makes the teams and test accounts in st, with an API
// token each holding every perm of its role.
func makeTestAccounts(ctx context.Context, st *store.Store, now func() time.Time) (testAccountsFixture, error) {
	accounts := auth.NewAccounts(st, testParams, now)
	tokens := auth.NewTokens(accounts, func(string) bool { return true })
	f := testAccountsFixture{tokens: map[string]string{}, ids: map[string]string{}}
	teams := st.Teams()
	for _, a := range testAccounts {
		if a[2] == "" {
			continue
		}
		at := now()
		team := care.Team{Meta: care.Meta{ID: teamID(a[1], a[2]), Version: 1, CreatedAt: at, UpdatedAt: at, Municipality: a[1]},
			Code: a[2], TeamFields: care.TeamFields{Name: "Team " + a[2], Districts: []string{}}}
		if err := teams.Insert(ctx, team); err != nil && !errors.Is(err, store.ErrConflict) {
			return f, fmt.Errorf("team %s: %w", a[2], err)
		}
	}
	for who, a := range testAccounts {
		acc, err := accounts.Create(ctx, auth.NewAccount{Email: who + "@example.org", Password: "correct horse battery", Role: a[0],
			Municipality: a[1], Team: a[2], Name: who})
		if err != nil {
			return f, fmt.Errorf("account %s: %w", who, err)
		}
		var scopes []string
		for _, p := range rolePerms()[a[0]] {
			scopes = append(scopes, string(p))
		}
		secret, _, err := tokens.Issue(ctx, acc.ID, "test", scopes, nil)
		if err != nil {
			return f, fmt.Errorf("token %s: %w", who, err)
		}
		f.tokens[who], f.ids[who] = secret, acc.ID
	}
	return f, nil
}

// advance moves the app's clock forward by d.
func (e *testEnv) advance(d time.Duration) { e.skew.Add(int64(d)) }

// testNow is the clock of API tests: activities in the valid bodies start
// in the following weeks.
var testNow = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, nil)
}

// newTestEnvWith is newTestEnv with the app's dependencies changed by
// edit first (a logger to read, say).
func newTestEnvWith(t testing.TB, edit func(*Deps)) *testEnv {
	t.Helper()
	// The test accounts come copied from the fixture: building them for
	// each env cost a third of it.
	st, accounts := fixture.Open(t)
	areas, bounds := testAreas(t)
	// Server errors (500s) show up in the test's output.
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	eng, err := matching.New(fromcare.HelpTypes(), func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	// The API's clock starts at testNow and ticks 1 ms per reading, so
	// that "before" and "after" are told apart as on a real clock.
	var ticks, skew atomic.Int64
	clock := func() time.Time {
		return testNow.Add(time.Duration(ticks.Add(1))*time.Millisecond + time.Duration(skew.Load()))
	}
	postcodes, err := loadPostcodes()
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Store: st, Checker: care.NewChecker(bounds, areas), Engine: eng, Bounds: bounds, Log: log, BodyLimit: 64 << 10,
		Now: clock, PasswordParams: testParams, BaseURL: "http://dichtbij.test", Postcodes: postcodes, APIDoc: renderedDoc.Load()}
	if edit != nil {
		edit(&d)
	}
	app, err := NewApp(d)
	if err != nil {
		t.Fatal(err)
	}
	renderedDoc.CompareAndSwap(nil, app.APIDoc())
	e := &testEnv{t: t, app: app, store: st, engine: eng, skew: &skew, tokens: accounts.tokens, ids: accounts.ids}
	e.token = e.tokens[asWorker]
	return e
}

// response is what a test request returned.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends a request through Fiber. A non-empty body is sent as
// application/json unless headers set Content-Type.
func (e *testEnv) do(method, path, body string, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Authorization" && headers[i+1] == "" {
			req.Header.Del("Authorization")
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	// Generous: the concurrency tests send hundreds of requests at once,
	// and under -race on two shared cores some wait long for the store.
	res, err := e.app.Test(req, int((3 * time.Minute).Milliseconds()))
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// create posts body and returns the new record's id, failing the test
// unless the status is 201.
func (e *testEnv) create(path, body string) string {
	e.t.Helper()
	r := e.do(http.MethodPost, path, body)
	if r.status != http.StatusCreated {
		e.t.Fatalf("POST %s = %d %s; want 201", path, r.status, r.body)
	}
	var got struct {
		ID string `json:"id"`
	}
	r.json(e.t, &got)
	return got.ID
}

// count returns how many records a list endpoint holds, following cursors.
func (e *testEnv) count(path string) int {
	e.t.Helper()
	n, cursor := 0, ""
	for {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		url := path + sep + "limit=200"
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		r := e.do(http.MethodGet, url, "")
		if r.status != http.StatusOK {
			e.t.Fatalf("GET %s = %d %s", url, r.status, r.body)
		}
		var page struct {
			Items      []json.RawMessage `json:"items"`
			NextCursor string            `json:"next_cursor"`
		}
		r.json(e.t, &page)
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		cursor = page.NextCursor
	}
}

// Valid bodies, one per resource, used as the base of many tests.
const (
	validVolunteer = `{"display_name":"Anna","help_types":["groceries","companionship"],
		"home_location":{"lat":52.3731,"lon":4.8924},"max_travel_m":2000,
		"availability":[{"day":"tue","start":"09:00","end":"12:00"}],"languages":["nl","en"],"capacity":2}`
	validInitiative = `{"organisation":"Buurtkracht Oost","description":"Buren helpen buren met klussen en boodschappen.",
		"help_types":["odd_jobs","groceries"],"service_area":{"center":{"lat":52.36,"lon":4.91},"radius_m":3000},
		"contact":{"name":"Piet","email":"piet@example.org"},"capacity":10}`
	validPolygonInitiative = `{"organisation":"Tuinclub Zuid","description":"Samen tuinieren.","help_types":["garden"],
		"service_area":{"polygon":{"type":"Polygon","coordinates":[[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.36],[4.88,52.34]]]}},
		"contact":{"phone":"020 123 4567"},"capacity":5}`
	validProvision = `{"name":"Buurthuis De Kolk","help_types":["meeting_place","meals"],
		"address":{"street":"Kolksteeg","house_number":"1","postcode":"1012 AB","city":"Amsterdam"},
		"location":{"lat":52.3765,"lon":4.8966},"opening_hours":[{"day":"mon","start":"09:00","end":"17:00"},{"day":"tue","start":"09:00","end":"17:00"}],
		"target_groups":["seniors","everyone"],"cost":{"amount_eur":0,"unit":"free"},
		"accessibility":{"wheelchair":true,"step_free":true,"accessible_toilet":true,"hearing_loop":false}}`
	validRequest = `{"resident_alias":"Mevr. J.","needs":["groceries","companionship"],
		"life_domains":[{"domain":"social_network","intake_score":2},{"domain":"daily_living","intake_score":3}],
		"location":{"lat":52.37,"lon":4.90},"constraints":{"max_distance_m":1500,
		"time_windows":[{"day":"tue","start":"09:00","end":"12:00"}],"languages":["nl"],"mobility":"walking_aid"},
		"own_strength":"Kookt zelf.","network":"Dochter woont ver weg.","urgency":"normal",
		"consents":["share_volunteer","share_provision","monitoring"]}`
)

// validActivity returns an activity body owned by the given provision.
func validActivity(provisionID string) string {
	return `{"provision_id":"` + provisionID + `","name":"Speelkamer","help_types":["day_activities","play_and_youth"],
		"place":{"name":"Buurthuis De Kolk","location":{"lat":52.3765,"lon":4.8966}},
		"schedule":{"start":"2026-12-01T14:00","timezone":"Europe/Amsterdam","duration_minutes":120,
		"rrule":"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU","exdates":["2026-12-29T14:00"]},
		"spots_per_occurrence":5,"target_groups":["children","disability"],"age_min":4,"age_max":12}`
}

// mustProblem checks that r is a problem+json with the status and names
// field among its errors.
func mustProblem(t *testing.T, r response, status int, field string) Problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d %s; want %d", r.status, r.body, status)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, problemContentType) {
		t.Fatalf("Content-Type = %q; want %s", ct, problemContentType)
	}
	var p Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %s: %v", r.body, err)
	}
	if p.Status != status || p.Title == "" || p.Type == "" {
		t.Fatalf("problem = %+v; want status %d with type and title", p, status)
	}
	if field == "" {
		return p
	}
	var fields []string
	for _, f := range p.Errors {
		if f.Field == field {
			if f.Reason == "" {
				t.Fatalf("problem field %s has no reason: %s", field, r.body)
			}
			return p
		}
		fields = append(fields, f.Field)
	}
	t.Fatalf("problem names fields %v; want %q among them (%s)", fields, field, r.body)
	return p
}
