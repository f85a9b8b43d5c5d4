package monitor

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/dichtbij/dichtbij/geo"
)

// Areas is the division the reports name, break down and draw areas by:
// the units of geo.Areas indexed by municipality and district. Building
// one walks every unit of the country, so a process builds it once from
// its geo.Areas and shares it; it is read-only after NewAreas but for
// the shapes it encodes once each, on first use.
type Areas struct {
	units      map[string]geo.Unit
	districts  map[string][]string // municipality → its districts
	hoods      map[string][]string // district → its neighbourhoods
	loneHoods  map[string][]string // municipality → neighbourhoods in no district
	municipals *geo.Municipalities

	// shapes are the units' geometries as GeoJSON, encoded once: a
	// polygon's coordinates were most of a map's cost, for every map.
	shapesMu sync.Mutex
	shapes   map[string]json.RawMessage
}

// NewAreas indexes the units of a.
func NewAreas(a *geo.Areas) *Areas {
	b := &Areas{units: map[string]geo.Unit{}, districts: map[string][]string{}, hoods: map[string][]string{}, loneHoods: map[string][]string{},
		municipals: a.Municipalities()}
	for _, u := range a.Units() {
		b.units[u.Code] = u
		switch {
		case u.Level == LevelDistrict && u.Municipality != "":
			b.districts[u.Municipality] = append(b.districts[u.Municipality], u.Code)
		case u.Level == LevelNeighbourhood && u.District != "":
			b.hoods[u.District] = append(b.hoods[u.District], u.Code)
		case u.Level == LevelNeighbourhood && u.Municipality != "":
			b.loneHoods[u.Municipality] = append(b.loneHoods[u.Municipality], u.Code)
		}
	}
	return b
}

// Within reports whether code is a district or neighbourhood of mun.
func (b *Areas) Within(mun, code string) bool {
	u, ok := b.units[code]
	if !ok || u.Level == LevelMunicipality {
		return false
	}
	return u.Municipality == mun
}

// UnitsOf lists the codes of level in mun, or in area when set.
func (b *Areas) UnitsOf(mun, level, area string) []string {
	switch level {
	case LevelMunicipality:
		return []string{mun}
	case LevelDistrict:
		if area != "" {
			return []string{"WK" + area[2:8]}
		}
		return b.districts[mun]
	}
	switch {
	case strings.HasPrefix(area, "BU"):
		return []string{area}
	case area != "":
		return b.hoods[area]
	}
	var out []string
	for _, d := range b.districts[mun] {
		out = append(out, b.hoods[d]...)
	}
	return append(out, b.loneHoods[mun]...)
}

// Name is the name of a district or neighbourhood; facts outside every
// district fall under the code "".
func (b *Areas) Name(code string) string {
	if code == "" {
		return "(outside the districts)"
	}
	if u, ok := b.units[code]; ok {
		return u.Name
	}
	return code
}

// MunicipalityName is the name of municipality code, or the code when
// the division does not know it.
func (b *Areas) MunicipalityName(code string) string {
	if m, ok := b.municipals.Lookup(code); ok {
		return m.Name
	}
	return code
}
