package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/hsds"
)

// matrixColumns are the callers of TestAuthorizationMatrix, in the order
// each route's cells run and its expectation lists them: anonymous, every
// role of Amsterdam (GM0363), a social worker of another team, and a
// social worker of Utrecht (GM0344) who reaches for Amsterdam's records.
var matrixColumns = []string{"anon", asResident, asOrganiser, asCoordinator, asAdmin, asElsewhere, asOtherTeam, asWorker}

// matrixFixture is one of every kind of record in Amsterdam: the
// resident's volunteer offer with a referral to it, a worker-made offer
// with another referral, the organiser's initiative, provision and
// activity, and the worker's request (team noord) with a specialist
// referral by safety override.
type matrixFixture map[string]string

func newMatrixFixture(t *testing.T) (*testEnv, matrixFixture) {
	e := newTestEnv(t)
	f := matrixFixture{}
	f["vol"] = e.as(asResident).create("/api/v1/volunteers", validVolunteer)
	f["vol2"] = e.create("/api/v1/volunteers", validVolunteer)
	org := e.as(asOrganiser)
	f["ini"] = org.create("/api/v1/initiatives", validInitiative)
	f["prov"] = org.create("/api/v1/provisions", validProvision)
	f["act"] = org.create("/api/v1/activities", validActivity(f["prov"]))
	f["req"] = e.create("/api/v1/requests", editJSON(t, validRequest, "household_id", `"hh-1"`))
	f["ref"] = e.create("/api/v1/requests/"+f["req"]+"/referrals", `{"need":"groceries","option_id":"`+f["vol"]+`"}`)
	f["ref2"] = e.create("/api/v1/requests/"+f["req"]+"/referrals", `{"need":"companionship","option_id":"`+f["vol2"]+`"}`)
	// Specialist care closes its request, so it gets one of its own.
	f["req2"] = e.create("/api/v1/requests", validRequest)
	f["spec"] = e.create("/api/v1/requests/"+f["req2"]+"/specialist-referrals", `{"needs":["companionship"],"safety_override":{"reason":"Acuut onveilig"}}`)
	f["acct"] = e.ids[asResident]
	f["hsdsService"] = hsds.ID("service", "provision:"+f["prov"])
	f["hsdsOrg"] = hsds.ID("organization", "provision:"+f["prov"])
	f["hsdsSAL"] = hsds.ID("service_at_location", "provision:"+f["prov"])
	f["hsdsTaxonomy"] = hsds.TaxonomyID
	f["hsdsTerm"] = hsds.TermID("meals")
	return e, f
}

// matrixRoute is one route's cells: the request sent and the status each
// column expects, as a string in matrixColumns order. fresh gives the
// route its own fixture, renewed after every cell that succeeded, for
// routes whose success changes what the next caller would find (deletes,
// one-way moves) or that count attempts per address (sign-in).
type matrixRoute struct {
	path, body string
	want       string
	fresh      bool
}

// Columns:                   anon res  org  coord adm  utr  zuid noord
var matrixRoutes = map[string]matrixRoute{
	"GET /healthz":                           {path: "/healthz", want: "200 200 200 200 200 200 200 200"},
	"GET /readyz":                            {path: "/readyz", want: "200 200 200 200 200 200 200 200"},
	"GET /api/openapi.json":                  {path: "/api/openapi.json", want: "200 200 200 200 200 200 200 200"},
	"GET /api/v1/taxonomy":                   {path: "/api/v1/taxonomy", want: "200 200 200 200 200 200 200 200"},
	"GET /api/v1/config":                     {path: "/api/v1/config", want: "200 200 200 200 200 200 200 200"},
	"GET /api/v1/municipalities":             {path: "/api/v1/municipalities", want: "200 200 200 200 200 200 200 200"},
	"GET /api/v1/municipalities/:code/areas": {path: "/api/v1/municipalities/GM0363/areas", want: "200 200 200 200 200 200 200 200"},
	"GET /api/v1/postcodes/:postcode":        {path: "/api/v1/postcodes/1011", want: "200 200 200 200 200 200 200 200"},

	// The HSDS API: public, read-only, per municipality.
	"GET /hsds/:municipality":                          {path: "/hsds/GM0363", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/services":                 {path: "/hsds/GM0363/services", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/services/:id":             {path: "/hsds/GM0363/services/{hsdsService}", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/organizations":            {path: "/hsds/GM0363/organizations", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/organizations/:id":        {path: "/hsds/GM0363/organizations/{hsdsOrg}", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/service_at_locations":     {path: "/hsds/GM0363/service_at_locations", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/service_at_locations/:id": {path: "/hsds/GM0363/service_at_locations/{hsdsSAL}", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/taxonomies":               {path: "/hsds/GM0363/taxonomies", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/taxonomies/:id":           {path: "/hsds/GM0363/taxonomies/{hsdsTaxonomy}", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/taxonomy_terms":           {path: "/hsds/GM0363/taxonomy_terms", want: "200 200 200 200 200 200 200 200"},
	"GET /hsds/:municipality/taxonomy_terms/:id":       {path: "/hsds/GM0363/taxonomy_terms/{hsdsTerm}", want: "200 200 200 200 200 200 200 200"},

	// Signing in and out, and one's own account.
	"GET /api/v1/session":    {path: "/api/v1/session", want: "401 200 200 200 200 200 200 200"},
	"POST /api/v1/session":   {path: "/api/v1/session", fresh: true, body: `{"email":"nobody@example.org","password":"not a password"}`, want: "401 401 401 401 401 401 401 401"},
	"DELETE /api/v1/session": {path: "/api/v1/session", want: "401 400 400 400 400 400 400 400"},
	"POST /api/v1/signup": {path: "/api/v1/signup", fresh: true,
		body: `{"email":"nieuw@example.org","password":"een lang wachtwoord","name":"Nieuw","municipality":"GM0363","role":"resident"}`,
		want: "201 201 201 201 201 201 201 201"},
	"POST /api/v1/password-reset":         {path: "/api/v1/password-reset", fresh: true, body: `{"email":"resident@example.org"}`, want: "202 202 202 202 202 202 202 202"},
	"POST /api/v1/password-reset/confirm": {path: "/api/v1/password-reset/confirm", fresh: true, body: `{"token":"dbr_nonsense","password":"een lang wachtwoord"}`, want: "400 400 400 400 400 400 400 400"},
	"GET /api/v1/me":                      {path: "/api/v1/me", want: "401 200 200 200 200 200 200 200"},
	"GET /api/v1/me/tokens":               {path: "/api/v1/me/tokens", want: "401 200 200 200 200 200 200 200"},
	"POST /api/v1/me/tokens":              {path: "/api/v1/me/tokens", body: `{"name":"script","scopes":["self"]}`, want: "401 201 201 201 201 201 201 201"},
	"DELETE /api/v1/me/tokens/:id":        {path: "/api/v1/me/tokens/0123456789abcdef", want: "401 404 404 404 404 404 404 404"},
	"GET /api/v1/me/export":               {path: "/api/v1/me/export", want: "401 200 200 200 200 200 200 200"},
	"GET /api/v1/me/access-log":           {path: "/api/v1/me/access-log", want: "401 200 200 200 200 200 200 200"},
	"DELETE /api/v1/me": {path: "/api/v1/me", body: `{"password":"correct horse battery"}`, fresh: true,
		want: "401 204 204 409 409 409 409 409"},

	// Accounts and mail: admins of the municipality only.
	"GET /api/v1/accounts": {path: "/api/v1/accounts", want: "401 403 403 403 200 403 403 403"},
	"POST /api/v1/accounts": {path: "/api/v1/accounts", fresh: true,
		body: `{"email":"nieuw@example.org","password":"een lang wachtwoord","name":"Nieuw","role":"social_worker","team":"noord"}`,
		want: "401 403 403 403 201 403 403 403"},
	"PATCH /api/v1/accounts/:id": {path: "/api/v1/accounts/{acct}", body: `{"name":"Anna"}`, want: "401 403 403 403 200 403 403 403"},
	"GET /api/v1/teams":          {path: "/api/v1/teams", want: "401 403 403 200 200 200 200 200"},
	"PUT /api/v1/teams/:code":    {path: "/api/v1/teams/west", body: `{"name":"Team West","districts":[]}`, fresh: true, want: "401 403 403 403 201 403 403 403"},
	"DELETE /api/v1/teams/:code": {path: "/api/v1/teams/noord", want: "401 403 403 403 409 403 403 403"},
	"POST /api/v1/imports/hsds": {path: "/api/v1/imports/hsds?dry_run=true", want: "401 403 403 403 200 403 403 403",
		body: `{"id":"s1","name":"Buurthuis","status":"active"}`},
	"GET /api/v1/outbox": {path: "/api/v1/outbox", want: "401 403 403 403 200 403 403 403"},

	// Volunteer offers: the resident's own, and the workers'.
	"GET /api/v1/volunteers":        {path: "/api/v1/volunteers", want: "401 200 403 403 403 200 200 200"},
	"POST /api/v1/volunteers":       {path: "/api/v1/volunteers", body: validVolunteer, want: "401 409 403 403 403 422 201 201"},
	"GET /api/v1/volunteers/:id":    {path: "/api/v1/volunteers/{vol}", want: "401 200 403 403 403 404 200 200"},
	"PUT /api/v1/volunteers/:id":    {path: "/api/v1/volunteers/{vol}", body: validVolunteer, want: "401 200 403 403 403 404 200 200"},
	"PATCH /api/v1/volunteers/:id":  {path: "/api/v1/volunteers/{vol}", body: `{"max_travel_m":3000}`, want: "401 200 403 403 403 404 200 200"},
	"DELETE /api/v1/volunteers/:id": {path: "/api/v1/volunteers/{vol}", fresh: true, want: "401 204 403 403 403 404 204 204"},

	// Collective options: read by all but admins, kept by organisers
	// (their own), workers and coordinators.
	"GET /api/v1/initiatives":       {path: "/api/v1/initiatives", want: "401 200 200 200 403 200 200 200"},
	"POST /api/v1/initiatives":      {path: "/api/v1/initiatives", body: validInitiative, want: "401 403 201 201 403 422 201 201"},
	"GET /api/v1/initiatives/:id":   {path: "/api/v1/initiatives/{ini}", want: "401 200 200 200 403 404 200 200"},
	"PUT /api/v1/initiatives/:id":   {path: "/api/v1/initiatives/{ini}", body: validInitiative, want: "401 403 200 200 403 404 200 200"},
	"PATCH /api/v1/initiatives/:id": {path: "/api/v1/initiatives/{ini}", body: `{"capacity":12}`, want: "401 403 200 200 403 404 200 200"},
	"POST /api/v1/initiatives/:id/service-area": {path: "/api/v1/initiatives/{ini}/service-area", want: "401 403 200 200 403 404 200 200",
		body: `{"type":"Polygon","coordinates":[[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.36],[4.88,52.34]]]}`},
	"GET /geojson/:municipality/options": {path: "/geojson/GM0363/options", want: "200 200 200 200 200 200 200 200"},
	"DELETE /api/v1/initiatives/:id":     {path: "/api/v1/initiatives/{ini}", fresh: true, want: "401 403 204 204 403 404 204 204"},
	"GET /api/v1/provisions":             {path: "/api/v1/provisions", want: "401 200 200 200 403 200 200 200"},
	"POST /api/v1/provisions":            {path: "/api/v1/provisions", body: validProvision, want: "401 403 201 201 403 422 201 201"},
	"GET /api/v1/provisions/:id":         {path: "/api/v1/provisions/{prov}", want: "401 200 200 200 403 404 200 200"},
	"PUT /api/v1/provisions/:id":         {path: "/api/v1/provisions/{prov}", body: validProvision, want: "401 403 200 200 403 404 200 200"},
	"PATCH /api/v1/provisions/:id":       {path: "/api/v1/provisions/{prov}", body: `{"name":"Buurthuis De Kolk (Oost)"}`, want: "401 403 200 200 403 404 200 200"},
	// The provision still has its activity.
	"DELETE /api/v1/provisions/:id": {path: "/api/v1/provisions/{prov}", fresh: true, want: "401 403 409 409 403 404 409 409"},
	"GET /api/v1/activities":        {path: "/api/v1/activities", want: "401 200 200 200 403 200 200 200"},
	"POST /api/v1/activities":       {path: "/api/v1/activities", body: "activity", want: "401 403 201 201 403 422 201 201"},
	"GET /api/v1/activities/:id":    {path: "/api/v1/activities/{act}", want: "401 200 200 200 403 404 200 200"},
	"PUT /api/v1/activities/:id":    {path: "/api/v1/activities/{act}", body: "activity", want: "401 403 200 200 403 404 200 200"},
	"PATCH /api/v1/activities/:id":  {path: "/api/v1/activities/{act}", body: `{"spots_per_occurrence":6}`, want: "401 403 200 200 403 404 200 200"},
	"DELETE /api/v1/activities/:id": {path: "/api/v1/activities/{act}", fresh: true, want: "401 403 204 204 403 404 204 204"},
	"GET /api/v1/options/nearby":    {path: "/api/v1/options/nearby?lat=52.3731&lon=4.8924&radius_m=2000", want: "401 403 403 200 403 200 200 200"},

	// Support requests: the team's own; another team breaks the glass
	// (TestBreakTheGlass); coordinators and admins never open one.
	"GET /api/v1/requests":                           {path: "/api/v1/requests", want: "401 403 403 403 403 200 200 200"},
	"POST /api/v1/requests":                          {path: "/api/v1/requests", body: validRequest, want: "401 403 403 403 403 422 201 201"},
	"GET /api/v1/requests/:id":                       {path: "/api/v1/requests/{req}", want: "401 403 403 403 403 404 403 200"},
	"PUT /api/v1/requests/:id":                       {path: "/api/v1/requests/{req}", body: "request", want: "401 403 403 403 403 404 403 200"},
	"PATCH /api/v1/requests/:id":                     {path: "/api/v1/requests/{req}", body: `{"urgency":"high"}`, want: "401 403 403 403 403 404 403 200"},
	"DELETE /api/v1/requests/:id":                    {path: "/api/v1/requests/{req}", fresh: true, want: "401 403 403 403 403 404 403 204"},
	"POST /api/v1/requests/:id/matches":              {path: "/api/v1/requests/{req}/matches", want: "401 403 403 403 403 404 403 201"},
	"POST /api/v1/requests/:id/referrals":            {path: "/api/v1/requests/{req}/referrals", body: `{"need":"groceries","option_id":"{ini}"}`, want: "401 403 403 403 403 404 403 201"},
	"GET /api/v1/requests/:id/referrals":             {path: "/api/v1/requests/{req}/referrals", want: "401 403 403 403 403 404 403 200"},
	"GET /api/v1/requests/:id/audit":                 {path: "/api/v1/requests/{req}/audit", want: "401 403 403 403 403 404 403 200"},
	"POST /api/v1/requests/:id/close":                {path: "/api/v1/requests/{req}/close", body: `{"closure":"withdrawn"}`, fresh: true, want: "401 403 403 403 403 404 403 200"},
	"POST /api/v1/requests/:id/specialist-referrals": {path: "/api/v1/requests/{req}/specialist-referrals", body: `{"needs":["groceries"],"safety_override":{"reason":"Acuut onveilig"}}`, fresh: true, want: "401 403 403 403 403 404 403 201"},
	"GET /api/v1/requests/:id/specialist-referrals":  {path: "/api/v1/requests/{req2}/specialist-referrals", want: "401 403 403 403 403 404 403 200"},
	"GET /api/v1/specialist-referrals/:id":           {path: "/api/v1/specialist-referrals/{spec}", want: "401 403 403 403 403 404 403 200"},
	"POST /api/v1/specialist-referrals/:id/end":      {path: "/api/v1/specialist-referrals/{spec}/end", body: `{"outcome":"Weer thuis."}`, fresh: true, want: "401 403 403 403 403 404 403 200"},
	// Follow-ups exist only after specialist care ended or a referral
	// started: before, follow-up 1 is not found.
	"POST /api/v1/specialist-referrals/:id/follow-ups/:n/done": {path: "/api/v1/specialist-referrals/{spec}/follow-ups/1/done", body: `{}`, want: "401 403 403 403 403 404 403 404"},
	"GET /api/v1/follow-ups":                                   {path: "/api/v1/follow-ups?due_before=2027-01-01T00:00:00Z", want: "401 403 403 403 403 200 200 200"},
	"GET /api/v1/households/:id/plan":                          {path: "/api/v1/households/hh-1/plan", want: "401 403 403 403 403 404 404 200"},
	"POST /api/v1/referrals/:id/follow-ups/:n/done":            {path: "/api/v1/referrals/{ref}/follow-ups/1/done", body: `{}`, want: "401 403 403 403 403 404 403 404"},
	"POST /api/v1/referrals/:id/no-shows":                      {path: "/api/v1/referrals/{ref}/no-shows", body: `{"at":"2026-11-20T10:00:00Z"}`, want: "401 403 403 403 403 404 403 409"},

	// Referrals: the team in full, the option's owner minimised (with the
	// owner's notifications in it; the full list is the team's).
	"GET /api/v1/referrals/:id":               {path: "/api/v1/referrals/{ref}", want: "401 200 404 403 403 404 403 200"},
	"GET /api/v1/referrals/:id/notifications": {path: "/api/v1/referrals/{ref}/notifications", want: "401 404 404 403 403 404 403 200"},
	"POST /api/v1/referrals/:id/transitions":  {path: "/api/v1/referrals/{ref}/transitions", body: `{"to":"accepted"}`, fresh: true, want: "401 200 404 403 403 404 403 200"},
	"GET /api/v1/my/referrals":                {path: "/api/v1/my/referrals", want: "401 200 200 403 403 200 200 200"},

	// The municipality's settings (not secret: another municipality's
	// are a 403, not a 404), aggregates and access log.
	"GET /api/v1/municipalities/:code/settings": {path: "/api/v1/municipalities/GM0363/settings", want: "401 403 403 200 200 403 200 200"},
	"PUT /api/v1/municipalities/:code/settings": {path: "/api/v1/municipalities/GM0363/settings", body: `{"contact_target_days":3}`, want: "401 403 403 200 403 403 403 403"},
	"GET /api/v1/aggregates":                    {path: "/api/v1/aggregates", want: "401 403 403 200 403 403 403 403"},
	"GET /api/v1/monitoring/indicators":         {path: "/api/v1/monitoring/indicators", want: "401 403 403 200 403 403 403 403"},
	"GET /api/v1/monitoring/indicators.csv":     {path: "/api/v1/monitoring/indicators.csv", want: "401 403 403 200 403 403 403 403"},
	"GET /api/v1/monitoring/indicators.geojson": {path: "/api/v1/monitoring/indicators.geojson", want: "401 403 403 200 403 403 403 403"},
	"GET /api/v1/access-log":                    {path: "/api/v1/access-log", want: "401 403 403 200 403 403 403 403"},
	"GET /api/v1/access-log/unusual":            {path: "/api/v1/access-log/unusual", want: "401 403 403 200 403 403 403 403"},
	"GET /api/v1/access-log/verify":             {path: "/api/v1/access-log/verify", want: "401 403 403 200 403 403 403 403"},

	// iCalendar feeds: activities and provisions are public; the
	// personal feed's token is any account's own, and the feed itself
	// is reached by its secret alone (TestCalendarTokenRotationAndRevocation), so a
	// made-up one is a 404 for everyone.
	"GET /api/v1/activities/:id/calendar.ics": {path: "/api/v1/activities/{act}/calendar.ics", want: "200 200 200 200 200 200 200 200"},
	"GET /api/v1/provisions/:id/calendar.ics": {path: "/api/v1/provisions/{prov}/calendar.ics", want: "200 200 200 200 200 200 200 200"},
	"GET /api/v1/me/calendar-token":           {path: "/api/v1/me/calendar-token", want: "401 200 200 200 200 200 200 200"},
	"POST /api/v1/me/calendar-token":          {path: "/api/v1/me/calendar-token", want: "401 201 201 201 201 201 201 201"},
	"DELETE /api/v1/me/calendar-token":        {path: "/api/v1/me/calendar-token", want: "401 204 204 204 204 204 204 204"},
	"GET /ical/:token":                        {path: "/ical/dbc_AAAAAAAAAAAAAAAAAAAAAAAAAA", want: "404 404 404 404 404 404 404 404"},
}

// TestAuthorizationMatrix calls every route of the route table as every
// column and checks each cell's status. It fails when a route has no
// entry here, so a new route cannot ship without deciding who may call
// it, and when Fiber serves a route the table does not declare. For
// residents and organisers it also checks that no response holds case
// contents.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	shared, sharedFix := newMatrixFixture(t)
	var missing []string
	declared := map[string]bool{}
	routes := make([]string, 0, len(shared.app.routes))
	for _, r := range shared.app.routes {
		declared[r.key()] = true
		routes = append(routes, r.key())
		if _, ok := matrixRoutes[r.key()]; !ok {
			missing = append(missing, r.key())
		}
	}
	for _, route := range servedRoutes(shared.app) {
		if !declared[route] {
			missing = append(missing, route+" (served, but not in the route table)")
		}
	}
	for route := range matrixRoutes {
		if !declared[route] {
			missing = append(missing, route+" (in the matrix, but no such route)")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes without a matrix entry, or entries without a route:\n%s", strings.Join(missing, "\n"))
	}
	sort.Strings(routes)
	for _, route := range routes {
		mr := matrixRoutes[route]
		t.Run(strings.ReplaceAll(route, "/", "_"), func(t *testing.T) {
			if mr.fresh {
				// Its own fixtures: it can run beside the others, once
				// those on the shared fixture are done.
				t.Parallel()
			}
			want := strings.Fields(mr.want)
			if len(want) != len(matrixColumns) {
				t.Fatalf("want has %d cells; need %d (%v)", len(want), len(matrixColumns), matrixColumns)
			}
			method, _, _ := strings.Cut(route, " ")
			got := make([]string, len(matrixColumns))
			e, fix := shared, sharedFix
			if mr.fresh {
				e, fix = newMatrixFixture(t)
			}
			for i, col := range matrixColumns {
				if mr.fresh && i > 0 && got[i-1][0] == '2' {
					// The last cell changed the fixture: start again.
					e, fix = newMatrixFixture(t)
				}
				r := matrixCall(t, e.withT(t), fix, col, method, mr)
				got[i] = strconv.Itoa(r.status)
				if r.status >= 500 {
					t.Errorf("%s as %s: %d %s", route, col, r.status, r.body)
				}
				if (col == asResident || col == asOrganiser) && r.status < 300 {
					checkMinimal(t, route, col, fix, r.body)
				}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s\n columns %v\n    want %s\n     got %s", route, matrixColumns, strings.Join(want, " "), strings.Join(got, " "))
			}
		})
	}
}

// matrixCall sends one cell's request.
func matrixCall(t *testing.T, e *testEnv, fix matrixFixture, col, method string, mr matrixRoute) response {
	t.Helper()
	fill := func(s string) string {
		for k, v := range fix {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
	body := mr.body
	switch body {
	case "activity":
		body = validActivity(fix["prov"])
	case "request":
		body = validRequest
	}
	body = fill(body)
	if col == "anon" {
		// An anonymous browser: it has the CSRF cookie of its
		// anonymous session (TestCSRF covers one without).
		b := newBrowser(e)
		b.do(http.MethodGet, "/api/v1/session", "", false)
		return b.do(method, fill(mr.path), body, true)
	}
	return e.as(col).do(method, fill(mr.path), body)
}

// caseKeys are fields of a support request that no volunteer or
// organiser may see; caseValues are the fixture's texts in them.
var (
	caseKeys   = []string{"own_strength", "network", "life_domains", "note", "notes", "household_id", "resident_alias", "constraints", "closure_note", "reasons", "consents", "consent_history", "safety_override", "urgency"}
	caseValues = []string{"Kookt zelf.", "Dochter woont ver weg.", "Acuut onveilig", "hh-1"}
)

// checkMinimal fails when body, an answer to a resident or organiser,
// holds a support request's contents, its alias before acceptance, or
// another referral than the caller's own.
func checkMinimal(t *testing.T, route, col string, fix matrixFixture, body []byte) {
	t.Helper()
	if route == "GET /api/openapi.json" || route == "GET /api/v1/taxonomy" {
		return // the API's description and code lists name fields, and hold no data
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return // not JSON (none of the routes they reach answers otherwise)
	}
	// HSDS has its own "notes" (a schedule's); its values are still checked.
	if k := findKey(v, caseKeys); k != "" && !ownRecord(route) && !strings.HasPrefix(route, "GET /hsds/") {
		t.Errorf("%s as %s: the answer holds %q: %s", route, col, k, body)
	}
	text := string(body)
	vals := slices.Clone(caseValues)
	vals = append(vals, fix["ref2"], fix["spec"])
	if route != "POST /api/v1/referrals/:id/transitions" {
		vals = append(vals, "Mevr. J.") // only after acceptance
	}
	for _, s := range vals {
		if strings.Contains(text, s) {
			t.Errorf("%s as %s: the answer holds %q: %s", route, col, s, body)
		}
	}
}

// ownRecord reports routes whose answer is the caller's own record, where
// a key such as "note" is the caller's own field and not a case's.
func ownRecord(route string) bool {
	return strings.Contains(route, "/me/export")
}

// findKey returns the first of keys that v holds as an object key at any
// depth, or "".
func findKey(v any, keys []string) string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if slices.Contains(keys, k) {
				return k
			}
			if f := findKey(x, keys); f != "" {
				return f
			}
		}
	case []any:
		for _, x := range v {
			if f := findKey(x, keys); f != "" {
				return f
			}
		}
	}
	return ""
}
