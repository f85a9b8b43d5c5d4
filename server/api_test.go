package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCRUDEveryResource runs create, read, list, patch, put and delete for
// each resource through Fiber against the embedded store.
func TestCRUDEveryResource(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	provID := e.create("/api/v1/provisions", validProvision)
	cases := []struct {
		name, path, body, patch, patchField string
		patchWant                           any
	}{
		{"volunteer", "/api/v1/volunteers", validVolunteer, `{"status":"paused"}`, "status", "paused"},
		{"initiative radius", "/api/v1/initiatives", validInitiative, `{"capacity":12}`, "capacity", 12.0},
		{"initiative polygon", "/api/v1/initiatives", validPolygonInitiative, `{"active":false}`, "active", false},
		{"provision", "/api/v1/provisions", validProvision, `{"name":"Buurthuis De Kolk (nieuw)"}`, "name", "Buurthuis De Kolk (nieuw)"},
		{"activity", "/api/v1/activities", validActivity(provID), `{"spots_per_occurrence":8}`, "spots_per_occurrence", 8.0},
		{"request", "/api/v1/requests", validRequest, `{"urgency":"high"}`, "urgency", "high"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.count(tc.path)
			r := e.do(http.MethodPost, tc.path, tc.body)
			if r.status != http.StatusCreated {
				t.Fatalf("POST = %d %s; want 201", r.status, r.body)
			}
			var created map[string]any
			r.json(t, &created)
			id, _ := created["id"].(string)
			if loc := r.header.Get("Location"); loc != tc.path+"/"+id {
				t.Errorf("Location = %q; want %q", loc, tc.path+"/"+id)
			}
			if created["version"] != 1.0 {
				t.Errorf("version = %v; want 1", created["version"])
			}
			if got := e.count(tc.path); got != before+1 {
				t.Errorf("count after create = %d; want %d", got, before+1)
			}

			g := e.do(http.MethodGet, tc.path+"/"+id, "")
			if g.status != http.StatusOK || string(g.body) != string(r.body) {
				t.Fatalf("GET = %d %s; want 200 %s", g.status, g.body, r.body)
			}
			if g.header.Get("ETag") != `"1"` {
				t.Errorf("ETag = %q; want \"1\"", g.header.Get("ETag"))
			}

			p := e.do(http.MethodPatch, tc.path+"/"+id, tc.patch, "Content-Type", "application/merge-patch+json", "If-Match", `"1"`)
			if p.status != http.StatusOK {
				t.Fatalf("PATCH = %d %s; want 200", p.status, p.body)
			}
			var patched map[string]any
			p.json(t, &patched)
			if patched[tc.patchField] != tc.patchWant || patched["version"] != 2.0 {
				t.Errorf("after PATCH %s = %v, version %v; want %v, 2", tc.patchField, patched[tc.patchField], patched["version"], tc.patchWant)
			}
			if patched["created_at"] != created["created_at"] {
				t.Errorf("created_at changed on PATCH: %v -> %v", created["created_at"], patched["created_at"])
			}

			stale := e.do(http.MethodPut, tc.path+"/"+id, tc.body, "If-Match", `"1"`)
			mustProblem(t, stale, http.StatusPreconditionFailed, "If-Match")

			u := e.do(http.MethodPut, tc.path+"/"+id, tc.body, "If-Match", `"2"`)
			if u.status != http.StatusOK {
				t.Fatalf("PUT = %d %s; want 200", u.status, u.body)
			}
			var replaced map[string]any
			u.json(t, &replaced)
			if replaced["version"] != 3.0 {
				t.Errorf("version after PUT = %v; want 3", replaced["version"])
			}

			d := e.do(http.MethodDelete, tc.path+"/"+id, "")
			if d.status != http.StatusNoContent {
				t.Fatalf("DELETE = %d %s; want 204", d.status, d.body)
			}
			mustProblem(t, e.do(http.MethodGet, tc.path+"/"+id, ""), http.StatusNotFound, "")
			mustProblem(t, e.do(http.MethodDelete, tc.path+"/"+id, ""), http.StatusNotFound, "")
		})
	}
}

// TestResidentLocationsAreStoredCoarse checks that a volunteer's home and a
// request's location never come back as sent.
func TestResidentLocationsAreStoredCoarse(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for _, path := range []string{"/api/v1/volunteers", "/api/v1/requests"} {
		body := validVolunteer
		field := "home_location"
		if strings.Contains(path, "requests") {
			body, field = validRequest, "location"
		}
		var rec map[string]any
		r := e.do(http.MethodPost, path, body)
		r.json(t, &rec)
		loc := rec[field].(map[string]any)
		var sent map[string]any
		if err := json.Unmarshal([]byte(body), &sent); err != nil {
			t.Fatal(err)
		}
		orig := sent[field].(map[string]any)
		if loc["lat"] == orig["lat"] || loc["lon"] == orig["lon"] {
			t.Errorf("%s %s = %v; want a coarse cell centre, not the sent %v", path, field, loc, orig)
		}
		if rec["location_precision"] != "grid_250m" {
			t.Errorf("%s location_precision = %v; want grid_250m", path, rec["location_precision"])
		}
		if area := rec["area"].(map[string]any); area["municipality_code"] != "GM0363" {
			t.Errorf("%s area = %v; want Amsterdam GM0363", path, area)
		}
	}
}

// TestListFiltersAndCursor pages through a filtered list.
func TestListFiltersAndCursor(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	var groceries []string
	for i := 0; i < 7; i++ {
		body := validVolunteer
		if i%2 == 1 {
			body = strings.Replace(body, `["groceries","companionship"]`, `["garden"]`, 1)
		} else {
			groceries = append(groceries, "")
		}
		e.create("/api/v1/volunteers", body)
	}
	var seen []string
	url := "/api/v1/volunteers?help_type=groceries&limit=2"
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("cursor does not end")
		}
		r := e.do(http.MethodGet, url, "")
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", url, r.status, r.body)
		}
		var page struct {
			Items []struct {
				ID        string   `json:"id"`
				HelpTypes []string `json:"help_types"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		r.json(t, &page)
		for _, it := range page.Items {
			if it.HelpTypes[0] != "groceries" {
				t.Errorf("filter let through %v", it.HelpTypes)
			}
			if len(seen) > 0 && it.ID <= seen[len(seen)-1] {
				t.Errorf("ids out of order: %s after %s", it.ID, seen[len(seen)-1])
			}
			seen = append(seen, it.ID)
		}
		if page.NextCursor == "" {
			break
		}
		url = "/api/v1/volunteers?help_type=groceries&limit=2&cursor=" + page.NextCursor
	}
	if len(seen) != len(groceries) {
		t.Errorf("paged through %d volunteers; want %d", len(seen), len(groceries))
	}

	for _, bad := range []struct{ query, field string }{
		{"limit=0", "limit"}, {"limit=201", "limit"}, {"limit=x", "limit"},
		{"cursor=zzz", "cursor"}, {"help_type=flying", "help_type"}, {"help_type=%24gt", "help_type"},
		{"colour=red", "colour"}, {"status=%7B%22%24ne%22%3A1%7D", "status"}, {"municipality=GM12", "municipality"},
	} {
		mustProblem(t, e.do(http.MethodGet, "/api/v1/volunteers?"+bad.query, ""), http.StatusBadRequest, bad.field)
	}
}

func TestActivityOwnership(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	provID := e.create("/api/v1/provisions", validProvision)
	actID := e.create("/api/v1/activities", validActivity(provID))
	mustProblem(t, e.do(http.MethodDelete, "/api/v1/provisions/"+provID, ""), http.StatusConflict, "")
	if n := e.count("/api/v1/activities?provision_id=" + provID); n != 1 {
		t.Errorf("activities of provision = %d; want 1", n)
	}
	if r := e.do(http.MethodDelete, "/api/v1/activities/"+actID, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete activity = %d %s", r.status, r.body)
	}
	if r := e.do(http.MethodDelete, "/api/v1/provisions/"+provID, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete provision without activities = %d %s; want 204", r.status, r.body)
	}
}

func TestHealthAndTaxonomy(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	if r := e.do(http.MethodGet, "/healthz", ""); r.status != http.StatusOK {
		t.Errorf("/healthz = %d", r.status)
	}
	if r := e.do(http.MethodGet, "/readyz", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), "ready") {
		t.Errorf("/readyz = %d %s", r.status, r.body)
	}
	var tax struct {
		HelpTypes []struct {
			Code  string            `json:"code"`
			Label map[string]string `json:"label"`
		} `json:"help_types"`
		LifeDomains []struct {
			Code string `json:"code"`
		} `json:"life_domains"`
	}
	e.do(http.MethodGet, "/api/v1/taxonomy", "").json(t, &tax)
	if len(tax.HelpTypes) < 15 || len(tax.LifeDomains) != 12 {
		t.Fatalf("taxonomy has %d help types and %d life domains; want >= 15 and the 12 ZRM domains", len(tax.HelpTypes), len(tax.LifeDomains))
	}
	for _, h := range tax.HelpTypes {
		if h.Label["nl"] == "" || h.Label["en"] == "" {
			t.Errorf("help type %s lacks a Dutch or English label", h.Code)
		}
	}
	mustProblem(t, e.do(http.MethodGet, "/api/v1/nothing", ""), http.StatusNotFound, "")
	if r := e.do(http.MethodGet, "/", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), "dichtbij") {
		t.Errorf("portal / = %d", r.status)
	}
}
