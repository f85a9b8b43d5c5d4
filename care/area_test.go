package care

import (
	"strings"
	"sync"
	"testing"

	"github.com/dichtbij/dichtbij/geo"
)

// loadAreas parses the embedded boundaries once for all tests (about 0.2 s).
var loadAreas = sync.OnceValues(geo.LoadAreas)

// testChecker returns a Checker built as the server builds it, for the
// whole country.
func testChecker(tb testing.TB) (*Checker, geo.Bounds) {
	tb.Helper()
	areas, err := loadAreas()
	if err != nil {
		tb.Fatalf("LoadAreas() error = %v", err)
	}
	bounds, err := geo.ParseBounds("nl", areas.Municipalities())
	if err != nil {
		tb.Fatal(err)
	}
	return NewChecker(bounds, areas), bounds
}

// TestCheckDerivesArea: a record's Area names its 2024 municipality and
// its 2014 district and neighbourhood.
func TestCheckDerivesArea(t *testing.T) {
	t.Parallel()
	c, _ := testChecker(t)
	f := VolunteerFields{DisplayName: "Els", HelpTypes: []string{"garden"}, HomeLocation: &Location{Lat: 52.3731, Lon: 4.8924}, MaxTravelM: 1000, Capacity: 1} // the Dam, Amsterdam
	got, err := c.Check(&f)
	if err != nil {
		t.Fatalf("Check(the Dam) error = %v", err)
	}
	if got.MunicipalityCode != "GM0363" || got.MunicipalityName != "Amsterdam" {
		t.Errorf("Check(the Dam) municipality = %q %q; want GM0363 Amsterdam", got.MunicipalityCode, got.MunicipalityName)
	}
	if !strings.HasPrefix(got.DistrictCode, "WK0363") || got.DistrictName == "" {
		t.Errorf("Check(the Dam) district = %q %q; want a WK0363.. district with a name", got.DistrictCode, got.DistrictName)
	}
	if !strings.HasPrefix(got.NeighbourhoodCode, "BU0363") || got.NeighbourhoodName == "" {
		t.Errorf("Check(the Dam) neighbourhood = %q %q; want a BU0363.. neighbourhood with a name", got.NeighbourhoodCode, got.NeighbourhoodName)
	}
	if want := "BU" + got.DistrictCode[min(2, len(got.DistrictCode)):]; !strings.HasPrefix(got.NeighbourhoodCode, want) {
		t.Errorf("Check(the Dam) neighbourhood %s is not in district %s", got.NeighbourhoodCode, got.DistrictCode)
	}
}
