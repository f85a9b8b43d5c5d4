package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// TestRecordArea checks that a created record's area names its CBS 2024
// municipality and its CBS 2014 district and neighbourhood, also where
// municipalities merged after 2014, and that reading it back gives the
// same area.
func TestRecordArea(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cases := []struct {
		name, path, body string
		municipality     string
		// districts lists the code prefixes (WK + 2014 municipality) a
		// district_code may start with.
		districts []string
		// who writes the record: a worker of its municipality.
		who string
	}{
		{
			name: "provision at the Dam", path: "/api/v1/provisions",
			body:         editJSON(t, validProvision, "location", `{"lat":52.3731,"lon":4.8924}`),
			municipality: "GM0363", districts: []string{"WK0363"},
		},
		{
			// Molenlanden was formed in 2019 from Giessenlanden (GM0689)
			// and Molenwaard (GM1927), so Arkel has a district of one of
			// them.
			name: "request in Arkel, Molenlanden", path: "/api/v1/requests",
			body:         editJSON(t, validRequest, "location", `{"lat":51.866,"lon":4.993}`),
			municipality: "GM1978", districts: []string{"WK0689", "WK1927"}, who: asMolenlanden,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e
			if tc.who != "" {
				w = e.as(tc.who)
			}
			r := w.withT(t).do(http.MethodPost, tc.path, tc.body)
			if r.status != http.StatusCreated {
				t.Fatalf("POST %s = %d %s; want 201", tc.path, r.status, r.body)
			}
			var rec struct {
				ID   string    `json:"id"`
				Area care.Area `json:"area"`
			}
			r.json(t, &rec)
			a := rec.Area
			if a.MunicipalityCode != tc.municipality || a.MunicipalityName == "" {
				t.Errorf("area municipality = %q %q; want %s", a.MunicipalityCode, a.MunicipalityName, tc.municipality)
			}
			if !hasAnyPrefix(a.DistrictCode, tc.districts) || a.DistrictName == "" {
				t.Errorf("area district = %q %q; want a code starting with one of %v, and a name", a.DistrictCode, a.DistrictName, tc.districts)
			}
			// A neighbourhood code extends its district's: WK036300 → BU036300xx.
			if wantPrefix := "BU" + strings.TrimPrefix(a.DistrictCode, "WK"); !strings.HasPrefix(a.NeighbourhoodCode, wantPrefix) || a.NeighbourhoodName == "" {
				t.Errorf("area neighbourhood = %q %q; want a code starting with %s, and a name", a.NeighbourhoodCode, a.NeighbourhoodName, wantPrefix)
			}

			g := w.withT(t).do(http.MethodGet, tc.path+"/"+rec.ID, "")
			if g.status != http.StatusOK {
				t.Fatalf("GET = %d %s; want 200", g.status, g.body)
			}
			var got struct {
				Area care.Area `json:"area"`
			}
			g.json(t, &got)
			if got.Area != a {
				t.Errorf("GET area = %+v; want the created %+v", got.Area, a)
			}
		})
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
