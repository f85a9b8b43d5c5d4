package care

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/geo"
)

// TestStoredBorderLocationCanBeSentBack: a home near the border is stored
// as a cell centre that lies outside every municipality; sending the
// stored record back (an edit of another field) must not fail on it.
func TestStoredBorderLocationCanBeSentBack(t *testing.T) {
	t.Parallel()
	c, bounds := testChecker(t)
	home := orb.Point{6.023271889494597, 51.09373489237687} // Echt-Susteren, by the German border
	if centre := geo.Coarsen(home); bounds.Contains(centre) || !bounds.Contains(home) {
		t.Fatalf("fixture no longer shows the case: home inside %v, centre inside %v", bounds.Contains(home), bounds.Contains(centre))
	}
	f := VolunteerFields{DisplayName: "Els", HelpTypes: []string{"garden"}, HomeLocation: &Location{Lat: home[1], Lon: home[0]}, MaxTravelM: 1000, Capacity: 1}
	area, err := c.Check(&f)
	if err != nil || area.MunicipalityCode == "" {
		t.Fatalf("first Check = %v, %v; want the home accepted", area, err)
	}
	again, err := c.Check(&f) // f now holds the stored, coarse location
	if err != nil || again != area {
		t.Fatalf("Check of the stored location = %+v, %v; want %+v", again, err, area)
	}
	sea := VolunteerFields{DisplayName: "Els", HelpTypes: []string{"garden"}, HomeLocation: &Location{Lat: 52.5, Lon: 3.5}, MaxTravelM: 1000, Capacity: 1}
	c2 := geo.Coarsen(orb.Point{3.5, 52.5})
	sea.HomeLocation = &Location{Lat: c2[1], Lon: c2[0]}
	if _, err := c.Check(&sea); err == nil {
		t.Error("a cell centre far out at sea was accepted")
	}
}
