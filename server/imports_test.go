package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/hsds"
)

func importHSDS(t *testing.T, e *testEnv, query, body string) ImportReport {
	t.Helper()
	r := e.as(asAdmin).do(http.MethodPost, "/api/v1/imports/hsds"+query, body)
	if r.status != http.StatusOK {
		t.Fatalf("import = %d %s", r.status, r.body)
	}
	var rep ImportReport
	r.json(t, &rep)
	return rep
}

// TestHSDSRoundTrip exports a provision through the HSDS API, imports it
// back, and checks every mapped field came back; a second import changes
// nothing, a dry run of a change writes nothing, and the change itself
// updates the same provision.
func TestHSDSRoundTrip(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	full := editJSON(t, validProvision, "organisation", `"Stichting Buurtwerk"`, "description", `"Koffie, soep en een luisterend oor."`,
		"contact", `{"name":"Piet","email":"info@dekolk.nl","phone":"020 123 4567","website":"https://dekolk.nl"}`,
		"cost", `{"amount_eur":2.5,"unit":"per_visit","notes":"soep inbegrepen"}`,
		"accessibility", `{"wheelchair":true,"step_free":true,"accessible_toilet":false,"hearing_loop":true,"notes":"lift aan de achterkant"}`)
	provID := e.as(asOrganiser).create("/api/v1/provisions", full)
	orig, err := e.store.Provisions().Get(context.Background(), provID)
	if err != nil {
		t.Fatal(err)
	}
	export := e.do(http.MethodGet, "/hsds/GM0363/services/"+hsds.ID("service", "provision:"+provID), "", "Authorization", "")
	if export.status != http.StatusOK {
		t.Fatalf("export = %d", export.status)
	}

	rep := importHSDS(t, e, "", string(export.body))
	if rep.Created != 1 || len(rep.Rows) != 1 || rep.Rows[0].Action != "create" {
		t.Fatalf("first import = %+v", rep)
	}
	got, err := e.store.Provisions().Get(context.Background(), rep.Rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := orig.ProvisionFields
	// Not exported on purpose: the contact person (personal data) and
	// target groups (HSDS 3.0 has no field for them).
	want.Contact = &care.Contact{Email: want.Contact.Email, Phone: want.Contact.Phone, Website: want.Contact.Website}
	want.TargetGroups = got.TargetGroups
	gotJSON, _ := json.Marshal(got.ProvisionFields)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("round trip lost something:\n got  %s\n want %s", gotJSON, wantJSON)
	}
	if got.Municipality != "GM0363" || got.Area.NeighbourhoodCode == "" || got.OwnerID != "" {
		t.Errorf("imported meta = %+v area %+v", got.Meta, got.Area)
	}

	if again := importHSDS(t, e, "", string(export.body)); again.Unchanged != 1 || again.Created+again.Updated != 0 {
		t.Errorf("second import = %+v; want unchanged", again)
	}
	changed := strings.Replace(string(export.body), `"name":"Buurthuis De Kolk"`, `"name":"Buurthuis De Kolk (vernieuwd)"`, 1)
	if dry := importHSDS(t, e, "?dry_run=true", changed); dry.Updated != 1 || !dry.DryRun {
		t.Errorf("dry run = %+v", dry)
	}
	if p, _ := e.store.Provisions().Get(context.Background(), rep.Rows[0].ID); p.Name != "Buurthuis De Kolk" {
		t.Errorf("the dry run wrote: %q", p.Name)
	}
	if upd := importHSDS(t, e, "", changed); upd.Updated != 1 || upd.Rows[0].ID != rep.Rows[0].ID {
		t.Errorf("update = %+v", upd)
	}
	// The whole list, as the API pages it, imports too.
	list := e.do(http.MethodGet, "/hsds/GM0363/services?full=true", "", "Authorization", "")
	if r := importHSDS(t, e, "", string(list.body)); r.Created+r.Updated+r.Unchanged != 2 {
		t.Errorf("import of the paged list = %+v", r)
	}
}

// TestHSDSImportReportsRows imports the HSDS 3.0 examples and documents
// with faults: nothing is refused as a whole, every faulty row is
// reported with its reason and skipped.
func TestHSDSImportReportsRows(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	files, err := filepath.Glob("../hsds/testdata/examples/*.json")
	if err != nil || len(files) < 5 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if name == "base.json" || name == "tabular.json" || name == "location.json" {
			continue // not documents of services
		}
		rep := importHSDS(t, e, "?dry_run=true", string(body))
		if rep.Skipped != len(rep.Rows) || len(rep.Rows)+len(rep.Notes) == 0 {
			t.Errorf("%s: %+v; want every row skipped (the examples' coordinates are 100, 101) or a note", name, rep)
		}
		t.Logf("%s: %d rows skipped, notes %v", name, rep.Skipped, rep.Notes)
		for _, r := range rep.Rows {
			if len(r.Problems) == 0 {
				t.Errorf("%s: row %s skipped without a reason", name, r.Source)
			}
		}
	}

	lat, lon := 52.09, 5.12 // Utrecht
	utrecht := hsds.Service{ID: "s-utrecht", Name: "Buurthuis Oog in Al", Status: "active",
		ServiceAtLocations: []hsds.ServiceAtLocation{{ID: "sal", Location: &hsds.Location{ID: "l", LocationType: "physical", Latitude: &lat, Longitude: &lon,
			Addresses: []hsds.Address{{Address1: "Cornelis Trooststraat 2", City: "Utrecht", PostalCode: "3531 PH", Country: "NL", AddressType: "physical"}}}}}}
	body, _ := json.Marshal(utrecht)
	rep := importHSDS(t, e, "?default_help_type=meeting_place", string(body))
	if rep.Skipped != 1 || !strings.Contains(strings.Join(rep.Rows[0].Problems, " "), "outside GM0363") {
		t.Errorf("a location in Utrecht = %+v", rep)
	}
	rep = importHSDS(t, e, "", string(body))
	if rep.Skipped != 1 || !strings.Contains(strings.Join(rep.Rows[0].Problems, " "), "help type") {
		t.Errorf("without a help type = %+v", rep)
	}

	admin := e.as(asAdmin)
	mustProblem(t, admin.do(http.MethodPost, "/api/v1/imports/hsds", `{"nothing":true}`), http.StatusBadRequest, "body")
	mustProblem(t, admin.do(http.MethodPost, "/api/v1/imports/hsds", `not json`), http.StatusBadRequest, "body")
	mustProblem(t, admin.do(http.MethodPost, "/api/v1/imports/hsds?default_help_type=knitting", string(body)), http.StatusBadRequest, "default_help_type")
	mustProblem(t, admin.do(http.MethodPost, "/api/v1/imports/hsds", "a,b", "Content-Type", "text/csv"), http.StatusUnsupportedMediaType, "")
	mustProblem(t, e.do(http.MethodPost, "/api/v1/imports/hsds", string(body)), http.StatusForbidden, "")
	if n := e.count("/api/v1/provisions"); n != 0 {
		t.Errorf("%d provisions written by imports that should have written none", n)
	}
}

// TestHSDSImportZip uploads a tabular HSDS directory as a zip, its files
// in one folder as archivers make it, with 2.0 table names.
func TestHSDSImportZip(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"sociale-kaart/services.csv":            "id,organization_id,name,description,status\ns1,o1,Inloop Oost,Koffie en een praatje,active\n",
		"sociale-kaart/organizations.csv":       "id,name,description\no1,Buurtwerk Oost,Welzijn\n",
		"sociale-kaart/locations.csv":           "id,organization_id,name,latitude,longitude\nl1,o1,Buurthuis,52.3600,4.9300\n",
		"sociale-kaart/service_at_location.csv": "id,service_id,location_id\na1,s1,l1\n",
		"sociale-kaart/physical_addresses.csv":  "id,location_id,address_1,city,postal_code,country\nad1,l1,Linnaeusstraat 12,Amsterdam,1092 CK,NL\n",
		"sociale-kaart/regular_schedules.csv":   "id,service_id,weekday,opens_at,closes_at\nr1,s1,Wednesday,10:00,12:00\n",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	admin := e.as(asAdmin)
	r := admin.do(http.MethodPost, "/api/v1/imports/hsds?default_help_type=meeting_place", buf.String(), "Content-Type", "application/zip")
	if r.status != http.StatusOK {
		t.Fatalf("zip import = %d %s", r.status, r.body)
	}
	var rep ImportReport
	r.json(t, &rep)
	if rep.Created != 1 {
		t.Fatalf("zip import = %+v", rep)
	}
	p, err := e.store.Provisions().Get(context.Background(), rep.Rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Inloop Oost" || len(p.OpeningHours) != 1 || p.OpeningHours[0].Day != "wed" || p.Area.MunicipalityCode != "GM0363" {
		t.Errorf("imported = %+v", p.ProvisionFields)
	}
	mustProblem(t, admin.do(http.MethodPost, "/api/v1/imports/hsds", "not a zip", "Content-Type", "application/zip"), http.StatusBadRequest, "body")
}
