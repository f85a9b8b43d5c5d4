// Package geo holds the geography dichtbij needs to match neighbours with
// care requests: which Dutch municipality a point lies in, where the service
// may operate, how residents' home locations are blurred before anyone else
// sees them, distances, and checks on service areas drawn by users.
//
// Points are orb.Point values, [longitude, latitude] in WGS84 degrees,
// unless a name says otherwise.
package geo

import (
	_ "embed" // for the municipality boundaries
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// gemeentenGeoJSON is the CBS 2024 municipality layer; see data/NOTICE.md
// for its source, licence and changes.
//
//go:embed data/gemeenten_2024.geojson
var gemeentenGeoJSON []byte

// abroadCode is the CBS placeholder "Buitenland" (abroad). Its polygons are
// the Belgian enclaves in Baarle, which are not part of the Netherlands.
const abroadCode = "GM0998"

// Municipality is a Dutch municipality (gemeente) as published by CBS.
type Municipality struct {
	// Code is the CBS gemeentecode, e.g. "GM0363" for Amsterdam.
	Code string
	// Name is the CBS gemeentenaam, e.g. "Amsterdam".
	Name string
	// Population is the number of inhabitants in 2024 (CBS aantal_inwoners),
	// 0 when unknown.
	Population int
	// Centre is a representative WGS84 [lon, lat] point of the municipality,
	// rounded to 6 decimals: its area centroid when that lies inside,
	// otherwise a point found inside by a deterministic search. It always
	// satisfies Locate(Centre).Code == Code. It is a geometric centre, not
	// the town hall or the busiest street.
	Centre orb.Point
}

// Municipalities is the set of Dutch municipalities with their boundaries.
// It is immutable after LoadMunicipalities returns, so it is safe for
// concurrent readers.
type Municipalities struct {
	// areas is in the order of the embedded file; Locate returns the first
	// match, so that order breaks ties where simplified borders overlap.
	areas []area
	// byCode maps Municipality.Code to an index in areas.
	byCode map[string]int
	// bound encloses every area; points outside it are nowhere.
	bound orb.Bound
	// grid lists the areas whose bound overlaps each cell.
	grid cellGrid
}

// area is one municipality with its geometry. Every polygon has at least
// one ring with at least 4 points.
type area struct {
	Municipality
	// bound encloses all polys.
	bound orb.Bound
	polys []polygon
}

// polygon is one part of a municipality (the Wadden islands, exclaves).
type polygon struct {
	// bound encloses the outer ring, so a point outside it skips the
	// point-in-polygon test, which walks every vertex.
	bound orb.Bound
	poly  orb.Polygon
}

// LoadMunicipalities parses the embedded CBS 2024 municipality boundaries.
// It parses on every call (a few milliseconds), so load once at start-up
// and share the result. The CBS placeholder GM0998 "Buitenland" is left out.
func LoadMunicipalities() (*Municipalities, error) {
	fc, err := geojson.UnmarshalFeatureCollection(gemeentenGeoJSON)
	if err != nil {
		return nil, fmt.Errorf("geo: parse municipalities: %w", err)
	}
	m := &Municipalities{
		byCode: make(map[string]int, len(fc.Features)),
		bound:  orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}},
	}
	for i, f := range fc.Features {
		code, ok := f.Properties["gemeentecode"].(string)
		if !ok || code == "" {
			return nil, fmt.Errorf("geo: municipality feature %d has no gemeentecode", i)
		}
		if code == abroadCode {
			continue
		}
		name, ok := f.Properties["gemeentenaam"].(string)
		if !ok || name == "" {
			return nil, fmt.Errorf("geo: municipality %s has no gemeentenaam", code)
		}
		if _, dup := m.byCode[code]; dup {
			return nil, fmt.Errorf("geo: municipality %s appears twice", code)
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			return nil, fmt.Errorf("geo: municipality %s has geometry %T; want Polygon or MultiPolygon", code, f.Geometry)
		}
		// Properties.MustInt would panic on a bad value; an error is
		// kinder to whoever swaps in next year's file.
		pop := 0
		switch v := f.Properties["aantal_inwoners"].(type) {
		case nil:
			// Unknown population; leave 0.
		case float64:
			if v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
				return nil, fmt.Errorf("geo: municipality %s has aantal_inwoners %v; want a whole number >= 0", code, v)
			}
			pop = int(v)
		default:
			return nil, fmt.Errorf("geo: municipality %s has aantal_inwoners of type %T; want a number", code, v)
		}
		a := area{
			Municipality: Municipality{Code: code, Name: name, Population: pop},
		}
		for j, p := range mp {
			if len(p) == 0 || len(p[0]) < 4 {
				return nil, fmt.Errorf("geo: municipality %s polygon %d has no usable outer ring", code, j)
			}
			b := p[0].Bound()
			if len(a.polys) == 0 {
				a.bound = b
			} else {
				a.bound = a.bound.Union(b)
			}
			a.polys = append(a.polys, polygon{bound: b, poly: p})
		}
		if len(a.polys) == 0 {
			return nil, fmt.Errorf("geo: municipality %s has no polygons", code)
		}
		m.bound = m.bound.Union(a.bound)
		m.byCode[code] = len(m.areas)
		m.areas = append(m.areas, a)
	}
	if len(m.areas) == 0 {
		return nil, fmt.Errorf("geo: no municipalities in embedded data")
	}
	m.grid = newCellGrid(m.bound, len(m.areas), func(i int) orb.Bound { return m.areas[i].bound })
	// Centres need every area loaded: Locate breaks ties between
	// overlapping borders by file order.
	for i := range m.areas {
		a := &m.areas[i]
		c, ok := m.centre(a)
		if !ok {
			return nil, fmt.Errorf("geo: municipality %s: no point found inside it", a.Code)
		}
		a.Centre = c
	}
	return m, nil
}

// centre returns a representative point of a that Locate assigns to a,
// trying in turn the centroid of all its parts, the centroid and the
// vertex mean of its largest part, and finally the point of a grid over
// the largest part that lies farthest from that part's outline (an
// approximate pole of inaccessibility). The boolean is false only when no
// grid point up to 128 × 128 lies inside.
func (m *Municipalities) centre(a *area) (orb.Point, bool) {
	mp := make(orb.MultiPolygon, len(a.polys))
	largest, largestArea := 0, -1.0
	for i, p := range a.polys {
		mp[i] = p.poly
		if ar := math.Abs(planar.Area(p.poly)); ar > largestArea {
			largest, largestArea = i, ar
		}
	}
	big := a.polys[largest]
	whole, _ := planar.CentroidArea(mp)
	part, _ := planar.CentroidArea(big.poly)
	var mean orb.Point
	outer := big.poly[0]
	for _, p := range outer[:len(outer)-1] { // the last point repeats the first
		mean[0] += p[0]
		mean[1] += p[1]
	}
	mean[0] /= float64(len(outer) - 1)
	mean[1] /= float64(len(outer) - 1)
	for _, c := range []orb.Point{whole, part, mean} {
		c = round6(c)
		if m.locatesTo(c, a.Code) {
			return c, true
		}
	}
	for n := 16; n <= 128; n *= 2 {
		if c, ok := m.innermost(a.Code, big, n); ok {
			return c, true
		}
	}
	return orb.Point{}, false
}

// innermost returns, among the centres of an n × n grid over pg's bound
// that Locate assigns to code, the one farthest from pg's outline, with
// ties going to the first in row order. Distances are measured in a plane
// where a degree of longitude is scaled by the cosine of the latitude, so
// they are proportional to metres.
func (m *Municipalities) innermost(code string, pg polygon, n int) (orb.Point, bool) {
	b := pg.bound
	kx := math.Cos(b.Center()[1] * math.Pi / 180)
	best, bestD, found := orb.Point{}, -1.0, false
	for iy := 0; iy < n; iy++ {
		for ix := 0; ix < n; ix++ {
			c := round6(orb.Point{
				b.Min[0] + (float64(ix)+0.5)*(b.Max[0]-b.Min[0])/float64(n),
				b.Min[1] + (float64(iy)+0.5)*(b.Max[1]-b.Min[1])/float64(n),
			})
			if !m.locatesTo(c, code) {
				continue
			}
			d := math.Inf(1)
			for _, ring := range pg.poly {
				for k := 0; k+1 < len(ring); k++ {
					d = math.Min(d, segmentDistance(c, ring[k], ring[k+1], kx))
				}
			}
			if d > bestD {
				best, bestD, found = c, d, true
			}
		}
	}
	return best, found
}

// segmentDistance returns the distance from p to the segment a–b with
// longitudes scaled by kx.
func segmentDistance(p, a, b orb.Point, kx float64) float64 {
	px, py := (p[0]-a[0])*kx, p[1]-a[1]
	dx, dy := (b[0]-a[0])*kx, b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, (px*dx+py*dy)/l))
	}
	return math.Hypot(px-t*dx, py-t*dy)
}

// locatesTo reports whether Locate assigns p to the municipality code.
func (m *Municipalities) locatesTo(p orb.Point, code string) bool {
	got, ok := m.Locate(p)
	return ok && got.Code == code
}

// round6 rounds both coordinates of p to 6 decimals (about 0.1 m).
func round6(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6}
}

// Len returns the number of municipalities (342 for 2024).
func (m *Municipalities) Len() int {
	return len(m.areas)
}

// All returns every municipality, sorted by code. The slice is a fresh
// copy that the caller may change.
func (m *Municipalities) All() []Municipality {
	out := make([]Municipality, len(m.areas))
	for i, a := range m.areas {
		out[i] = a.Municipality
	}
	slices.SortFunc(out, func(a, b Municipality) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// Lookup returns the municipality with CBS code code, e.g. "GM0363".
// The boolean is false for unknown codes and for GM0998 "Buitenland".
func (m *Municipalities) Lookup(code string) (Municipality, bool) {
	i, ok := m.byCode[code]
	if !ok {
		return Municipality{}, false
	}
	return m.areas[i].Municipality, true
}

// Locate returns the municipality containing p, a WGS84 [lon, lat] point.
// Points on a border count as inside. The boolean is false outside the
// Netherlands (sea, Belgium, Germany, the Belgian enclaves in Baarle) and
// for non-finite coordinates. Because the borders are simplified to about
// 0.001°, points within roughly 100 m of a border or the coast may be
// assigned to the neighbour or to nothing. Locate is safe for concurrent
// readers.
func (m *Municipalities) Locate(p orb.Point) (Municipality, bool) {
	if !finite(p[0]) || !finite(p[1]) || !inBound(m.bound, p) {
		return Municipality{}, false
	}
	// The grid lists, per ~1 km cell, the municipalities whose bound
	// overlaps it, in file order, so the first match is the same as in a
	// scan of all 342 (measured: 4.2 µs per Locate before, see
	// BenchmarkLocate now).
	for _, i := range m.grid.cell(p) {
		a := &m.areas[i]
		if !inBound(a.bound, p) {
			continue
		}
		for j := range a.polys {
			if inBound(a.polys[j].bound, p) && planar.PolygonContains(a.polys[j].poly, p) {
				return a.Municipality, true
			}
		}
	}
	return Municipality{}, false
}

// inBound reports whether p lies in b, edges included. Unlike
// orb.Bound.Contains it is false for NaN coordinates.
func inBound(b orb.Bound, p orb.Point) bool {
	return p[0] >= b.Min[0] && p[0] <= b.Max[0] && p[1] >= b.Min[1] && p[1] <= b.Max[1]
}

// finite reports whether x is neither NaN nor ±Inf.
func finite(x float64) bool {
	return !math.IsNaN(x) && !math.IsInf(x, 0)
}

// Geometry returns the outline of the municipality with code code as it
// was loaded (simplified to about 0.001°). The polygons are shared, not
// copied: the caller must not change them.
func (m *Municipalities) Geometry(code string) (orb.MultiPolygon, bool) {
	i, ok := m.byCode[code]
	if !ok {
		return nil, false
	}
	out := make(orb.MultiPolygon, len(m.areas[i].polys))
	for j, p := range m.areas[i].polys {
		out[j] = p.poly
	}
	return out, true
}
