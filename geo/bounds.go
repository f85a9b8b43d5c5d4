package geo

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// specNL is the bounds spec for "inside a Dutch municipality", the default
// for ParseBounds.
const specNL = "nl"

// boundsKind says how Bounds decides containment. The zero kind contains
// nothing, so a forgotten Bounds rejects points instead of accepting all.
type boundsKind int

const (
	boundsEmpty boundsKind = iota
	boundsBox
	boundsMunicipalities
)

// Bounds is the area where dichtbij operates: either the land of the Dutch
// municipalities or a plain longitude/latitude box. Create it with
// ParseBounds. The zero Bounds contains no point. Bounds is safe for
// concurrent readers.
type Bounds struct {
	kind boundsKind
	// box is the user's box for boundsBox; unused for the other kinds.
	box orb.Bound
	// m is non-nil exactly when kind is boundsMunicipalities.
	m *Municipalities
}

// ParseBounds parses a bounds spec. The spec is "nl" (the default, also
// used for an empty spec): a point is inside when it lies in one of the
// Dutch municipalities of m, so the North Sea, Belgium and Germany are
// outside even though they are in the Dutch bounding box. Otherwise spec
// is "minLon,minLat,maxLon,maxLat" in WGS84 degrees, a plain box with its
// edges inside; m may then be nil.
func ParseBounds(spec string, m *Municipalities) (Bounds, error) {
	s := strings.TrimSpace(spec)
	if s == "" || strings.EqualFold(s, specNL) {
		if m == nil {
			return Bounds{}, fmt.Errorf("geo: bounds %q need the municipalities; got nil", specNL)
		}
		return Bounds{kind: boundsMunicipalities, m: m}, nil
	}
	parts := strings.Split(s, ",")
	switch {
	case len(parts) == 1:
		return Bounds{}, fmt.Errorf("geo: bounds %q: want %q or a box minLon,minLat,maxLon,maxLat", spec, specNL)
	case len(parts) != 4:
		return Bounds{}, fmt.Errorf("geo: bounds %q: got %d comma-separated values; want 4: minLon,minLat,maxLon,maxLat", spec, len(parts))
	}
	names := [4]string{"minLon", "minLat", "maxLon", "maxLat"}
	var v [4]float64
	for i, part := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return Bounds{}, fmt.Errorf("geo: bounds %q: %s is not a number: %w", spec, names[i], err)
		}
		// ParseFloat accepts "NaN" and "Inf", which would make every
		// comparison in Contains meaningless.
		if !finite(x) {
			return Bounds{}, fmt.Errorf("geo: bounds %q: %s is %v; want a finite number", spec, names[i], x)
		}
		limit := 90.0
		if i%2 == 0 {
			limit = 180
		}
		if x < -limit || x > limit {
			return Bounds{}, fmt.Errorf("geo: bounds %q: %s is %v; want it in [%v, %v]", spec, names[i], x, -limit, limit)
		}
		v[i] = x
	}
	if v[0] >= v[2] {
		return Bounds{}, fmt.Errorf("geo: bounds %q: minLon %v is not less than maxLon %v", spec, v[0], v[2])
	}
	if v[1] >= v[3] {
		return Bounds{}, fmt.Errorf("geo: bounds %q: minLat %v is not less than maxLat %v", spec, v[1], v[3])
	}
	return Bounds{kind: boundsBox, box: orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}}, nil
}

// Contains reports whether p, a WGS84 [lon, lat] point, is inside b. It is
// false for NaN or infinite coordinates and for the zero Bounds. For "nl"
// bounds it costs one Municipalities.Locate.
func (b Bounds) Contains(p orb.Point) bool {
	if !finite(p[0]) || !finite(p[1]) {
		return false
	}
	switch b.kind {
	case boundsBox:
		return inBound(b.box, p)
	case boundsMunicipalities:
		_, ok := b.m.Locate(p)
		return ok
	default:
		return false
	}
}

// String returns the spec of b, which ParseBounds accepts again: "nl", or
// "minLon,minLat,maxLon,maxLat" with the shortest exact decimals. The zero
// Bounds returns "empty".
func (b Bounds) String() string {
	switch b.kind {
	case boundsBox:
		f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
		return f(b.box.Min[0]) + "," + f(b.box.Min[1]) + "," + f(b.box.Max[0]) + "," + f(b.box.Max[1])
	case boundsMunicipalities:
		return specNL
	default:
		return "empty"
	}
}

// compile-time check that Bounds prints as its spec in logs and errors.
var _ fmt.Stringer = Bounds{}
