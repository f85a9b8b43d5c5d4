package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dichtbij/dichtbij/hsds"
)

// hsdsSchemas compiles the HSDS 3.0 schemas, with formats (uuid,
// date-time) asserted.
func hsdsSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	dir, err := filepath.Abs("../hsds/testdata/schema")
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for _, name := range []string{"service", "organization", "location", "service_at_location", "taxonomy", "taxonomy_term"} {
		s, err := c.Compile("file://" + filepath.ToSlash(filepath.Join(dir, name+".json")))
		if err != nil {
			t.Fatalf("compile %s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

func validate(t *testing.T, s *jsonschema.Schema, what string, raw []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not validate: %v\n%s", what, err, raw)
	}
}

// TestHSDSAPI publishes Amsterdam's initiative, provision and bi-weekly
// activity, and checks every endpoint's output against the HSDS 3.0
// schemas, the paging envelope, the filters, and that no volunteer,
// request or contact person appears.
func TestHSDSAPI(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	org := e.as(asOrganiser)
	org.create("/api/v1/initiatives", validInitiative)
	provID := org.create("/api/v1/provisions", validProvision)
	org.create("/api/v1/activities", validActivity(provID))
	e.as(asResident).create("/api/v1/volunteers", validVolunteer)
	e.create("/api/v1/requests", validRequest)
	schemas := hsdsSchemas(t)
	anon := []string{"Authorization", ""}
	get := func(path string) response {
		t.Helper()
		r := e.do(http.MethodGet, path, "", anon...)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, r.status, r.body)
		}
		for _, secret := range []string{"Anna", "Mevr. J.", "Kookt zelf", "Piet", e.ids[asResident], "owner_id"} {
			if bytes.Contains(r.body, []byte(secret)) {
				t.Errorf("GET %s holds %q: %s", path, secret, r.body)
			}
		}
		return r
	}
	base := "/hsds/GM0363"

	var root HSDSRoot
	get(base).json(t, &root)
	if root.Version != "3.0" || !strings.HasSuffix(root.OpenAPIURL, "/api/openapi.json") {
		t.Errorf("root = %+v", root)
	}

	type page struct {
		TotalItems int               `json:"total_items"`
		TotalPages int               `json:"total_pages"`
		PageNumber int               `json:"page_number"`
		Size       int               `json:"size"`
		FirstPage  bool              `json:"first_page"`
		LastPage   bool              `json:"last_page"`
		Empty      bool              `json:"empty"`
		Contents   []json.RawMessage `json:"contents"`
	}
	list := func(path string) page {
		t.Helper()
		var p page
		get(path).json(t, &p)
		return p
	}
	services := list(base + "/services")
	if services.TotalItems != 3 || services.Size != 3 || !services.FirstPage || !services.LastPage || services.Empty {
		t.Fatalf("services page = %+v", services)
	}
	ids := map[string]string{}
	for _, raw := range services.Contents {
		validate(t, schemas["service"], "a listed service", raw)
		var s hsds.Service
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		ids[s.Name] = s.ID
		if len(s.Schedules) != 0 || len(s.Attributes) != 0 {
			t.Errorf("a list item carries nested records: %s", raw)
		}
	}
	p2 := list(base + "/services?per_page=2&page=2")
	if p2.TotalPages != 2 || p2.PageNumber != 2 || p2.Size != 1 || p2.FirstPage || !p2.LastPage {
		t.Errorf("page 2 of 2 = %+v", p2)
	}

	// The activity in full: schedule with its RRULE parts, capacity.
	r := get(base + "/services/" + ids["Speelkamer"])
	validate(t, schemas["service"], "the activity's service", r.body)
	var act hsds.Service
	r.json(t, &act)
	if len(act.Schedules) != 1 || act.Organization == nil || len(act.Capacity) != 1 || *act.Capacity[0].Maximum != 5 {
		t.Fatalf("activity = %s", r.body)
	}
	s := act.Schedules[0]
	if s.Freq != "WEEKLY" || s.Interval == nil || *s.Interval != 2 || s.ByDay != "TU" || s.OpensAt != "14:00" || s.ClosesAt != "16:00" ||
		s.DTStart != "2026-12-01" || s.Timezone == nil || *s.Timezone != 1 || !strings.Contains(s.Notes, "exdates=2026-12-29T14:00") ||
		!strings.HasSuffix(s.ScheduleLink, "/calendar.ics") {
		t.Errorf("schedule = %+v", s)
	}
	if len(act.ServiceAtLocations) != 1 || act.ServiceAtLocations[0].Location == nil || act.ServiceAtLocations[0].Location.Latitude == nil {
		t.Errorf("activity's location = %+v", act.ServiceAtLocations)
	}

	// Organizations, services at locations, taxonomy.
	orgs := list(base + "/organizations")
	if orgs.TotalItems != 2 {
		t.Errorf("organizations = %d; want the initiative and the provision's", orgs.TotalItems)
	}
	for _, raw := range orgs.Contents {
		validate(t, schemas["organization"], "a listed organization", raw)
		var o hsds.Organization
		_ = json.Unmarshal(raw, &o)
		validate(t, schemas["organization"], "an organization in full", get(base+"/organizations/"+o.ID).body)
	}
	sals := list(base + "/service_at_locations?full=true")
	if sals.TotalItems != 2 {
		t.Errorf("services at locations = %d; want the provision's and the activity's", sals.TotalItems)
	}
	for _, raw := range sals.Contents {
		validate(t, schemas["service_at_location"], "a service at a location", raw)
	}
	terms := list(base + "/taxonomy_terms?per_page=500")
	if terms.TotalItems != 20 {
		t.Errorf("taxonomy terms = %d; want the 20 help types", terms.TotalItems)
	}
	var meals hsds.TaxonomyTerm
	for _, raw := range terms.Contents {
		validate(t, schemas["taxonomy_term"], "a taxonomy term", raw)
		var tt hsds.TaxonomyTerm
		_ = json.Unmarshal(raw, &tt)
		if tt.Code == "meals" {
			meals = tt
		}
	}
	for _, raw := range list(base + "/taxonomies").Contents {
		validate(t, schemas["taxonomy"], "the taxonomy", raw)
	}

	// Filters.
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"search=speelkamer", 1},
		{"search=buurthuis+kolk", 1},
		{"taxonomy_term_id=" + meals.ID, 1},
		{"taxonomy_id=" + hsds.TaxonomyID, 3},
		{"modified_after=2099-01-01", 0},
		{"modified_after=2020-01-01T00:00:00Z", 3},
	} {
		if got := list(base + "/services?" + tc.query).TotalItems; got != tc.want {
			t.Errorf("services?%s = %d; want %d", tc.query, got, tc.want)
		}
	}
	var minimal struct {
		Contents []map[string]any `json:"contents"`
	}
	get(base+"/services?minimal=true").json(t, &minimal)
	for _, m := range minimal.Contents {
		if len(m) != 2 || m["id"] == nil || m["last_modified"] == nil {
			t.Errorf("minimal item = %v", m)
		}
	}
	nd := get(base + "/services?format=ndjson")
	if ct := nd.header.Get("Content-Type"); ct != "application/x-ndjson" || bytes.Count(nd.body, []byte("\n")) != 3 {
		t.Errorf("ndjson = %q %q", ct, nd.body)
	}
	// De Kolk is in 1012; Zuidoost (1102) is kilometres away.
	if got := list(base + "/service_at_locations?postcode=1012&proximity=1500").TotalItems; got != 2 {
		t.Errorf("near 1012 = %d; want 2", got)
	}
	if got := list(base + "/service_at_locations?postcode=1102&proximity=1500").TotalItems; got != 0 {
		t.Errorf("near 1102 = %d; want 0", got)
	}
	mustProblem(t, e.do(http.MethodGet, base+"/service_at_locations?postcode=0000", "", anon...), http.StatusBadRequest, "postcode")
	mustProblem(t, e.do(http.MethodGet, base+"/services?per_page=0", "", anon...), http.StatusBadRequest, "per_page")
	mustProblem(t, e.do(http.MethodGet, base+"/services?colour=red", "", anon...), http.StatusBadRequest, "colour")
	mustProblem(t, e.do(http.MethodGet, base+"/services/"+hsds.ID("service", "nothing"), "", anon...), http.StatusNotFound, "")
	mustProblem(t, e.do(http.MethodGet, "/hsds/GM9999/services", "", anon...), http.StatusNotFound, "")
	if got := list("/hsds/GM0344/services").TotalItems; got != 0 {
		t.Errorf("Utrecht publishes %d of Amsterdam's services", got)
	}
}

// TestHSDSSchemasAreThere guards against a test that validates nothing:
// the copied schemas must exist and reject a service without a name.
func TestHSDSSchemasAreThere(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("../hsds/testdata/schema/service.json"); err != nil {
		t.Fatal(err)
	}
	s := hsdsSchemas(t)["service"]
	v, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"id":"ac148810-d857-441c-9679-408f346de14b","status":"active"}`))
	if s.Validate(v) == nil {
		t.Error("a service without a name validates")
	}
	v, _ = jsonschema.UnmarshalJSON(strings.NewReader(`{"id":"not-a-uuid","name":"x","status":"active"}`))
	if s.Validate(v) == nil {
		t.Error("a service with a malformed id validates: formats are not asserted")
	}
}

// TestHSDSCatalogFollowsWrites: the catalog is kept between reads while
// nothing of the municipality changes, and every create, edit and
// delete of a public record shows in the next read.
func TestHSDSCatalogFollowsWrites(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	org := e.as(asOrganiser)
	services := func() []string {
		t.Helper()
		r := e.do(http.MethodGet, "/hsds/GM0363/services?per_page=500", "", "Authorization", "")
		if r.status != http.StatusOK {
			t.Fatalf("GET services = %d %s", r.status, r.body)
		}
		var p struct {
			Contents []struct {
				Name string `json:"name"`
			} `json:"contents"`
		}
		r.json(t, &p)
		var names []string
		for _, s := range p.Contents {
			names = append(names, s.Name)
		}
		return names
	}
	if got := services(); len(got) != 0 {
		t.Fatalf("services of an empty municipality = %v", got)
	}
	id := org.create("/api/v1/initiatives", validInitiative)
	if got := services(); len(got) != 1 || got[0] != "Buurtkracht Oost" {
		t.Fatalf("services after creating an initiative = %v; want Buurtkracht Oost", got)
	}
	if got := services(); len(got) != 1 {
		t.Fatalf("services read again = %v", got)
	}
	if r := org.do(http.MethodPatch, "/api/v1/initiatives/"+id, `{"organisation":"Buurtkracht West"}`, "Content-Type", "application/merge-patch+json"); r.status != http.StatusOK {
		t.Fatalf("PATCH = %d %s", r.status, r.body)
	}
	if got := services(); len(got) != 1 || got[0] != "Buurtkracht West" {
		t.Fatalf("services after renaming = %v; want Buurtkracht West", got)
	}
	// A record of another municipality leaves this catalog as it was.
	e.as(asElsewhere).do(http.MethodGet, "/hsds/GM0344/services", "")
	if r := org.do(http.MethodDelete, "/api/v1/initiatives/"+id, ""); r.status != http.StatusNoContent {
		t.Fatalf("DELETE = %d %s", r.status, r.body)
	}
	if got := services(); len(got) != 0 {
		t.Fatalf("services after deleting = %v; want none", got)
	}
}
