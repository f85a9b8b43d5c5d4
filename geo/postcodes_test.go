package geo_test

import (
	"testing"

	"github.com/dichtbij/dichtbij/geo"
)

func TestPostcodes(t *testing.T) {
	t.Parallel()
	pcs, err := geo.LoadPostcodes()
	if err != nil {
		t.Fatal(err)
	}
	if pcs.Len() != 4766-3 {
		t.Errorf("Len() = %d, want the 4,766 keys of the source less the 3 placed abroad", pcs.Len())
	}
	areas, err := geo.LoadAreas()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, city, municipality string }{
		{"3511", "Utrecht", "GM0344"},
		{"3511 AB", "Utrecht", "GM0344"},
		{"1011ab", "Amsterdam", "GM0363"},
	} {
		pc, ok := pcs.Lookup(tc.in)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", tc.in)
			continue
		}
		if pc.City != tc.city || pc.Code != tc.in[:4] {
			t.Errorf("Lookup(%q) = %+v, want city %s", tc.in, pc, tc.city)
		}
		if a, ok := areas.Locate(pc.Point); !ok || a.MunicipalityCode != tc.municipality {
			t.Errorf("Lookup(%q) point %v lies in %+v, want %s", tc.in, pc.Point, a, tc.municipality)
		}
	}
	for _, bad := range []string{"", "351", "0351", "35x1", "abcd", "9640"} {
		if pc, ok := pcs.Lookup(bad); ok {
			t.Errorf("Lookup(%q) = %+v, want nothing", bad, pc)
		}
	}
}

func TestGeometries(t *testing.T) {
	t.Parallel()
	areas, err := geo.LoadAreas()
	if err != nil {
		t.Fatal(err)
	}
	mun, ok := areas.Municipalities().Geometry("GM0344")
	if !ok || len(mun) == 0 {
		t.Fatalf("Geometry(GM0344) = %d polygons, %v", len(mun), ok)
	}
	if _, ok := areas.Municipalities().Geometry("GM0998"); ok {
		t.Error("Geometry(GM0998) found the abroad placeholder")
	}
	ds := areas.DistrictsOf("GM0344")
	if len(ds) == 0 {
		t.Fatal("Utrecht has no districts")
	}
	for _, d := range ds {
		g, ok := areas.DistrictGeometry(d)
		if !ok || len(g) == 0 {
			t.Errorf("DistrictGeometry(%s) = %d polygons, %v", d, len(g), ok)
		}
	}
	if _, ok := areas.DistrictGeometry("WK999999"); ok {
		t.Error("DistrictGeometry of an unknown code found something")
	}
}
