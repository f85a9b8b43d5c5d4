package geo

import (
	_ "embed" // for the postcode centroids
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// pc4JSON maps four-digit postcodes to a place name and a mean point;
// see data/NOTICE.md for its source, licence and age.
//
//go:embed data/pc4_city_centroids.json
var pc4JSON []byte

// Postcode is a Dutch four-digit postcode area reduced to one point.
type Postcode struct {
	// Code is the four digits, e.g. "3511".
	Code string
	// City is the place name the source gives, e.g. "Utrecht".
	City string
	// Point is the mean WGS84 [lon, lat] of the addresses in the area
	// (around 2016), rounded to 6 decimals.
	Point orb.Point
}

// Postcodes looks up four-digit postcodes. Create it with LoadPostcodes; it
// is immutable afterwards, so safe for concurrent readers.
type Postcodes struct {
	byCode map[string]Postcode
}

// LoadPostcodes parses the embedded PC4 centroids (a few milliseconds).
func LoadPostcodes() (*Postcodes, error) {
	var raw map[string]struct {
		City string     `json:"city"`
		C    [2]float64 `json:"c"` // [lat, lon]
	}
	if err := json.Unmarshal(pc4JSON, &raw); err != nil {
		return nil, fmt.Errorf("geo: parse postcodes: %w", err)
	}
	p := &Postcodes{byCode: make(map[string]Postcode, len(raw))}
	for code, v := range raw {
		if !isPC4(code) {
			return nil, fmt.Errorf("geo: postcode key %q is not four digits from 1000", code)
		}
		lat, lon := v.C[0], v.C[1]
		// Three source points (1940, 3440, 9640) lie in Belgium or
		// France, hundreds of kilometres from their city; a wrong point
		// would send a search there, so those postcodes are unknown.
		if !finite(lat) || !finite(lon) || lat < 50.7 || lat > 53.6 || lon < 3.3 || lon > 7.3 {
			continue
		}
		p.byCode[code] = Postcode{Code: code, City: v.City, Point: round6(orb.Point{lon, lat})}
	}
	if len(p.byCode) == 0 {
		return nil, fmt.Errorf("geo: no postcodes in embedded data")
	}
	return p, nil
}

// Lookup returns the area of a four-digit postcode; letters after the
// digits ("3511 AB", "3511ab") are ignored, since only PC4 is known.
func (p *Postcodes) Lookup(postcode string) (Postcode, bool) {
	if len(postcode) < 4 || !isPC4(postcode[:4]) {
		return Postcode{}, false
	}
	pc, ok := p.byCode[postcode[:4]]
	return pc, ok
}

// Len is the number of known postcodes.
func (p *Postcodes) Len() int { return len(p.byCode) }

// isPC4 reports whether s is a Dutch PC4: four digits, the first not 0.
func isPC4(s string) bool {
	if len(s) != 4 || s[0] < '1' || s[0] > '9' {
		return false
	}
	for i := 1; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
