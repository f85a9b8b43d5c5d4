package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestBoundaries reads the public geography the portal draws its base map
// from, without an account.
func TestBoundaries(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	anon := []string{"Authorization", ""}

	var ms []MunicipalityView
	r := e.do(http.MethodGet, "/api/v1/municipalities", "", anon...)
	if r.status != http.StatusOK {
		t.Fatalf("municipalities = %d %s", r.status, r.body)
	}
	r.json(t, &ms)
	if len(ms) != 342 || ms[0].Code >= ms[1].Code {
		t.Errorf("got %d municipalities starting %v, want 342 sorted by code", len(ms), ms[:2])
	}

	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Geometry struct {
				Type string `json:"type"`
			} `json:"geometry"`
			Properties map[string]string `json:"properties"`
		} `json:"features"`
	}
	r = e.do(http.MethodGet, "/api/v1/municipalities/GM0344/areas", "", anon...)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/geo+json") {
		t.Fatalf("areas = %d %s %s", r.status, r.header.Get("Content-Type"), r.body[:min(200, len(r.body))])
	}
	r.json(t, &fc)
	kinds := map[string]int{}
	for _, f := range fc.Features {
		kinds[f.Properties["kind"]]++
		if f.Geometry.Type != "MultiPolygon" {
			t.Errorf("%s has geometry %s", f.Properties["code"], f.Geometry.Type)
		}
		if f.Properties["kind"] == "district" && !strings.HasPrefix(f.Properties["code"], "WK0344") {
			t.Errorf("Utrecht has district %s %s", f.Properties["code"], f.Properties["name"])
		}
	}
	if fc.Type != "FeatureCollection" || kinds["municipality"] != 1 || kinds["district"] < 5 {
		t.Errorf("Utrecht areas: %s with %v", fc.Type, kinds)
	}
	mustProblem(t, e.do(http.MethodGet, "/api/v1/municipalities/GM9999/areas", "", anon...), http.StatusNotFound, "")

	var pc PostcodeView
	r = e.do(http.MethodGet, "/api/v1/postcodes/3511%20AB", "", anon...)
	if r.status != http.StatusOK {
		t.Fatalf("postcode = %d %s", r.status, r.body)
	}
	r.json(t, &pc)
	if pc.Postcode != "3511" || pc.City != "Utrecht" || pc.Municipality != "GM0344" || pc.Lat < 52 || pc.Lon < 5 {
		t.Errorf("postcode 3511 AB = %+v", pc)
	}
	mustProblem(t, e.do(http.MethodGet, "/api/v1/postcodes/0123", "", anon...), http.StatusNotFound, "postcode")
}
