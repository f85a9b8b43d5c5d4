package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestPublicMapAndServiceAreaImport exports Amsterdam's public options as
// GeoJSON and imports an initiative's service area from GeoJSON, also the
// exported circle back (round trip).
func TestPublicMapAndServiceAreaImport(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	org := e.as(asOrganiser)
	iniID := org.create("/api/v1/initiatives", validInitiative)
	provID := org.create("/api/v1/provisions", validProvision)
	org.create("/api/v1/activities", validActivity(provID))
	e.as(asResident).create("/api/v1/volunteers", validVolunteer)

	r := e.do(http.MethodGet, "/geojson/GM0363/options", "", "Authorization", "")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("export = %d %q", r.status, r.header.Get("Content-Type"))
	}
	if strings.Contains(string(r.body), "Anna") || strings.Contains(string(r.body), "Piet") {
		t.Errorf("the export holds a person: %s", r.body)
	}
	var fc struct {
		Features []struct {
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		} `json:"features"`
	}
	r.json(t, &fc)
	kinds := map[string]string{}
	var circle json.RawMessage
	for _, f := range fc.Features {
		var g struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal(f.Geometry, &g)
		kinds[f.Properties["kind"].(string)] = g.Type
		if f.Properties["kind"] == "initiative" {
			if f.Properties["radius_m"] != float64(3000) {
				t.Errorf("initiative properties = %v", f.Properties)
			}
			circle, _ = json.Marshal(map[string]any{"type": "Feature", "geometry": f.Geometry, "properties": map[string]any{}})
		}
	}
	if len(fc.Features) != 3 || kinds["initiative"] != "Polygon" || kinds["provision"] != "Point" || kinds["activity"] != "Point" {
		t.Fatalf("features = %v", kinds)
	}
	mustProblem(t, e.do(http.MethodGet, "/geojson/GM9999/options", "", "Authorization", ""), http.StatusNotFound, "")

	area := func(body string) (map[string]any, response) {
		t.Helper()
		r := org.do(http.MethodPost, "/api/v1/initiatives/"+iniID+"/service-area", body, "Content-Type", "application/geo+json")
		var got struct {
			ServiceArea map[string]any `json:"service_area"`
		}
		if r.status == http.StatusOK {
			r.json(t, &got)
		}
		return got.ServiceArea, r
	}
	// The exported 64-gon comes back as a polygon of 65 positions.
	got, r := area(string(circle))
	if r.status != http.StatusOK {
		t.Fatalf("import the circle = %d %s", r.status, r.body)
	}
	poly, _ := got["polygon"].(map[string]any)
	if rings, _ := poly["coordinates"].([]any); len(rings) != 1 || len(rings[0].([]any)) != 65 || got["center"] != nil {
		t.Errorf("service area after the polygon = %v", got)
	}
	got, r = area(`{"type":"Feature","geometry":{"type":"Point","coordinates":[4.9,52.37]},"properties":{"radius_m":1500}}`)
	if r.status != http.StatusOK || got["radius_m"] != float64(1500) || got["polygon"] != nil {
		t.Errorf("radius import = %d %v %s", r.status, got, r.body)
	}
	fcBody := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.36],[4.88,52.34]]]}}]}`
	if _, r := area(fcBody); r.status != http.StatusOK {
		t.Errorf("FeatureCollection import = %d %s", r.status, r.body)
	}
	mustProblem(t, org.do(http.MethodPost, "/api/v1/initiatives/"+iniID+"/service-area", `{"type":"Feature","geometry":{"type":"Point","coordinates":[4.9,52.37]},"properties":{}}`),
		http.StatusUnprocessableEntity, "properties.radius_m")
	mustProblem(t, org.do(http.MethodPost, "/api/v1/initiatives/"+iniID+"/service-area", `{"type":"LineString","coordinates":[[4.9,52.37],[4.91,52.38]]}`),
		http.StatusUnprocessableEntity, "type")
	mustProblem(t, org.do(http.MethodPost, "/api/v1/initiatives/"+iniID+"/service-area", `{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.34]]],[[[4.91,52.34],[4.92,52.34],[4.92,52.35],[4.91,52.34]]]]},"properties":{}}`),
		http.StatusUnprocessableEntity, "geometry")
	mustProblem(t, org.do(http.MethodPost, "/api/v1/initiatives/"+iniID+"/service-area", `not json`), http.StatusBadRequest, "body")
	// Utrecht's polygon is outside Amsterdam: the initiative's own rule.
	r = org.do(http.MethodPost, "/api/v1/initiatives/"+iniID+"/service-area", `{"type":"Polygon","coordinates":[[[5.10,52.08],[5.12,52.08],[5.12,52.10],[5.10,52.10],[5.10,52.08]]]}`)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "service_area") {
		t.Errorf("a polygon in Utrecht = %d %s", r.status, r.body)
	}
	mustProblem(t, e.as(asResident).do(http.MethodPost, "/api/v1/initiatives/"+iniID+"/service-area", fcBody), http.StatusForbidden, "")
}

// TestOwnerMe lists only one's own options with ?owner=me.
func TestOwnerMe(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	org := e.as(asOrganiser)
	mine := org.create("/api/v1/provisions", validProvision)
	e.create("/api/v1/provisions", validProvision) // the worker's
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	org.do(http.MethodGet, "/api/v1/provisions?owner=me", "").json(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != mine {
		t.Errorf("owner=me = %+v; want only %s", page.Items, mine)
	}
	if n := org.count("/api/v1/provisions"); n != 2 {
		t.Errorf("all provisions = %d", n)
	}
	mustProblem(t, org.do(http.MethodGet, "/api/v1/provisions?owner="+e.ids[asWorker], ""), http.StatusBadRequest, "owner")
}
