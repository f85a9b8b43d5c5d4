package geo

import (
	_ "embed" // for the district polygons and neighbourhood points
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// wijkenGeoJSON is the CBS 2014 district (wijk) layer; see data/NOTICE.md
// for its source, licence and changes.
//
//go:embed data/wijken_2014.geojson
var wijkenGeoJSON []byte

// buurtenGeoJSON holds one CBS 2014 label point per neighbourhood (buurt);
// the 2014 buurt polygons were not available. See data/NOTICE.md.
//
//go:embed data/buurten_2014_points.geojson
var buurtenGeoJSON []byte

// nearLonScale turns longitude degrees into latitude-sized degrees at
// 52.2° N, the middle of the country, so that nearest-neighbourhood
// distances are close to metric without projecting: between 50.75° and
// 53.55° N the east-west error stays within 3.5%.
var nearLonScale = math.Cos(52.2 * math.Pi / 180)

// Cell sizes of the grids that index district polygons and neighbourhood
// points: about 1.1 km × 1.1 km. A typical district spans a few cells and a
// city cell holds a handful of points, so a lookup touches few candidates.
const (
	areaCellLat = 0.01
	areaCellLon = 0.0163 // areaCellLat / cos(52.2°), rounded
)

// Area names where a point lies: its 2024 municipality, and its 2014
// district and neighbourhood.
//
// The years differ because no recent district or neighbourhood boundaries
// were available (see data/NOTICE.md). The municipality always comes from
// the 2024 boundaries, never from the district code: municipalities merged
// between 2014 and 2024, so a point in Molenlanden (GM1978, 2024) has a
// district of its predecessors Giessenlanden (WK0689..) or Molenwaard
// (WK1927..), and a point in Weesp has a WK0457.. district but municipality
// GM0363 Amsterdam. Do not join district or neighbourhood codes to
// municipality codes. Treat the 2014 codes as a rough, stable label for
// reporting, not as the current division.
type Area struct {
	// MunicipalityCode and MunicipalityName are the CBS 2024 gemeente,
	// e.g. "GM0363" "Amsterdam". They are always set when Locate succeeds.
	MunicipalityCode, MunicipalityName string
	// DistrictCode and DistrictName are the CBS 2014 wijk whose polygon
	// contains the point, e.g. "WK036300" "Stadsdeel Centrum". Both are
	// empty when the point is in no 2014 district (reclaimed land, or a
	// coast or border that moved or was simplified differently).
	DistrictCode, DistrictName string
	// NeighbourhoodCode and NeighbourhoodName are the CBS 2014 buurt with
	// the nearest label point, e.g. "BU03630000" "Burgwallen-Oude Zijde".
	// Only the buurten of DistrictCode are considered when it has any, so
	// then NeighbourhoodCode starts with "BU" + DistrictCode[2:].
	// Otherwise it is the nearest label point anywhere, which near the
	// coast can be across the water. Because label points stand in for
	// polygons, the buurt can be a neighbour of the true one. Distances
	// scale longitude by cos(52.2°), which is within 4% of metric across
	// the Netherlands.
	NeighbourhoodCode, NeighbourhoodName string
}

// Areas finds the 2024 municipality and the 2014 district and neighbourhood
// of a point. Create it with LoadAreas. It is immutable after LoadAreas
// returns, so it is safe for concurrent readers.
type Areas struct {
	mun *Municipalities
	// districts is sorted by code, so index order is code order.
	districts []district
	// districtByCode maps a district code to its index in districts.
	districtByCode map[string]int
	// parts holds the polygons of all districts, ordered by district index
	// and then by their order in the file. Locate takes the first part
	// that contains the point, which makes shared edges go to the lowest
	// district code.
	parts []districtPart
	// partGrid lists, per cell, the indices of the parts whose bound
	// overlaps the cell, ascending.
	partGrid cellGrid
	// hoods is sorted by code, so the buurten of one wijk are contiguous
	// (see district.hoodLo).
	hoods []hood
	// hoodGrid lists, per cell, the indices of the hoods in the cell.
	hoodGrid cellGrid
	// byMunicipality maps a 2024 municipality code to the sorted 2014
	// district codes whose representative point lies in it.
	byMunicipality map[string][]string
	// units is Units' answer, computed at the first call: finding a
	// point inside each district and the municipality of each lone
	// neighbourhood costs tens of milliseconds, and every app built over
	// these Areas asks (hundreds in one test process).
	units     []Unit
	unitsOnce sync.Once
}

// district is one CBS 2014 wijk.
type district struct {
	code, name string
	// hoods[hoodLo:hoodHi] are the buurten whose code starts with
	// "BU" + code[2:]; the range is empty when there are none.
	hoodLo, hoodHi int
}

// districtPart is one polygon of a district (an island, an exclave).
type districtPart struct {
	// district is an index in Areas.districts.
	district int
	// bound encloses the outer ring, so a point outside it skips the
	// point-in-polygon test.
	bound orb.Bound
	poly  orb.Polygon
}

// hood is one CBS 2014 buurt, reduced to its label point.
type hood struct {
	code, name string
	// p is the label point, WGS84 [lon, lat].
	p orb.Point
}

// LoadAreas loads the 2024 municipalities (as LoadMunicipalities does) and
// the embedded 2014 district polygons and neighbourhood label points, and
// indexes them. It parses on every call (tens of milliseconds), so load
// once at start-up and share the result.
func LoadAreas() (*Areas, error) {
	m, err := LoadMunicipalities()
	if err != nil {
		return nil, err
	}
	a := &Areas{mun: m}
	if err := a.loadDistricts(); err != nil {
		return nil, err
	}
	if err := a.loadHoods(); err != nil {
		return nil, err
	}
	a.linkHoods()
	a.indexParts()
	a.indexHoods()
	a.crosswalk()
	return a, nil
}

// loadDistricts parses the embedded wijken into a.districts and a.parts.
func (a *Areas) loadDistricts() error {
	fc, err := geojson.UnmarshalFeatureCollection(wijkenGeoJSON)
	if err != nil {
		return fmt.Errorf("geo: parse districts: %w", err)
	}
	type feature struct {
		district
		polys orb.MultiPolygon
	}
	fs := make([]feature, 0, len(fc.Features))
	for i, f := range fc.Features {
		code, _ := f.Properties["statcode"].(string)
		if !isStatCode(code, "WK", 6) {
			return fmt.Errorf("geo: district feature %d has statcode %q; want WK and 6 digits", i, code)
		}
		name, _ := f.Properties["statnaam"].(string)
		if name == "" {
			return fmt.Errorf("geo: district %s has no statnaam", code)
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			return fmt.Errorf("geo: district %s has geometry %T; want Polygon or MultiPolygon", code, f.Geometry)
		}
		if len(mp) == 0 {
			return fmt.Errorf("geo: district %s has no polygons", code)
		}
		for j, p := range mp {
			if len(p) == 0 || len(p[0]) < 4 {
				return fmt.Errorf("geo: district %s polygon %d has no usable outer ring", code, j)
			}
		}
		fs = append(fs, feature{district: district{code: code, name: name}, polys: mp})
	}
	if len(fs) == 0 {
		return fmt.Errorf("geo: no districts in embedded data")
	}
	// Sort by code so that the first match is the lowest code, whatever
	// order next year's file comes in.
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].code < fs[j].code })
	a.districts = make([]district, len(fs))
	a.districtByCode = make(map[string]int, len(fs))
	for i, f := range fs {
		if _, dup := a.districtByCode[f.code]; dup {
			return fmt.Errorf("geo: district %s appears twice", f.code)
		}
		a.districtByCode[f.code] = i
		a.districts[i] = f.district
		for _, p := range f.polys {
			a.parts = append(a.parts, districtPart{district: i, bound: p[0].Bound(), poly: p})
		}
	}
	return nil
}

// buurtenFile is the shape of the embedded buurt points. Decoding the
// 12,005 points into structs, instead of a geojson.FeatureCollection with
// a property map per point, is about three times faster and allocates a
// fifth of the bytes.
type buurtenFile struct {
	Features []struct {
		Properties struct {
			Code string `json:"statcode"`
			Name string `json:"statnaam"`
		} `json:"properties"`
		Geometry struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// loadHoods parses the embedded buurt points into a.hoods.
func (a *Areas) loadHoods() error {
	var f buurtenFile
	if err := json.Unmarshal(buurtenGeoJSON, &f); err != nil {
		return fmt.Errorf("geo: parse neighbourhoods: %w", err)
	}
	a.hoods = make([]hood, 0, len(f.Features))
	for i, ft := range f.Features {
		code, name, g := ft.Properties.Code, ft.Properties.Name, ft.Geometry
		if !isStatCode(code, "BU", 8) {
			return fmt.Errorf("geo: neighbourhood feature %d has statcode %q; want BU and 8 digits", i, code)
		}
		if name == "" {
			return fmt.Errorf("geo: neighbourhood %s has no statnaam", code)
		}
		if g.Type != "Point" || len(g.Coordinates) != 2 || !finite(g.Coordinates[0]) || !finite(g.Coordinates[1]) {
			return fmt.Errorf("geo: neighbourhood %s has geometry %s %v; want a Point with finite lon, lat", code, g.Type, g.Coordinates)
		}
		a.hoods = append(a.hoods, hood{code: code, name: name, p: orb.Point{g.Coordinates[0], g.Coordinates[1]}})
	}
	if len(a.hoods) == 0 {
		return fmt.Errorf("geo: no neighbourhoods in embedded data")
	}
	slices.SortFunc(a.hoods, func(x, y hood) int { return strings.Compare(x.code, y.code) })
	for i := 1; i < len(a.hoods); i++ {
		if a.hoods[i].code == a.hoods[i-1].code {
			return fmt.Errorf("geo: neighbourhood %s appears twice", a.hoods[i].code)
		}
	}
	return nil
}

// linkHoods sets each district's range of buurten. A buurt BUggggwwbb
// belongs to wijk WKggggww. Buurten without a wijk (the 2014 data has one,
// BU02431601) stay reachable through the nearest-overall fallback.
func (a *Areas) linkHoods() {
	for i := range a.districts {
		d := &a.districts[i]
		prefix := "BU" + d.code[2:]
		d.hoodLo = sort.Search(len(a.hoods), func(j int) bool { return a.hoods[j].code >= prefix })
		d.hoodHi = d.hoodLo
		for d.hoodHi < len(a.hoods) && strings.HasPrefix(a.hoods[d.hoodHi].code, prefix) {
			d.hoodHi++
		}
	}
}

// indexParts builds partGrid over the bounds of all district polygons.
func (a *Areas) indexParts() {
	b := a.parts[0].bound
	for _, p := range a.parts[1:] {
		b = b.Union(p.bound)
	}
	a.partGrid = newCellGrid(b, len(a.parts), func(i int) orb.Bound { return a.parts[i].bound })
}

// indexHoods builds hoodGrid over the label points.
func (a *Areas) indexHoods() {
	b := a.hoods[0].p.Bound()
	for _, h := range a.hoods[1:] {
		b = b.Extend(h.p)
	}
	a.hoodGrid = newCellGrid(b, len(a.hoods), func(i int) orb.Bound { return a.hoods[i].p.Bound() })
}

// crosswalk fills byMunicipality. Each district is assigned to the 2024
// municipality containing its representative point: an interior point of
// its largest polygon or, when that lies in no municipality, the first of
// its buurt label points, in code order, that does. The fallback matters
// for two 2014 districts: WK053000, whose interior point falls in a gap of
// the simplified 2024 borders, and WK071560, whose polygon has no area.
// Districts with no such point are left out. One point per district keeps
// the lists disjoint, at the price of putting a district that straddles a
// 2024 border on one side only.
func (a *Areas) crosswalk() {
	largest := make([]int, len(a.districts))
	size := make([]float64, len(a.districts))
	for i := range largest {
		largest[i] = -1
	}
	for i, p := range a.parts {
		if s := planar.Area(p.poly); largest[p.district] < 0 || s > size[p.district] {
			largest[p.district], size[p.district] = i, s
		}
	}
	a.byMunicipality = make(map[string][]string)
	for i, d := range a.districts {
		m, ok := a.mun.Locate(interiorPoint(a.parts[largest[i]].poly))
		for _, h := range a.hoods[d.hoodLo:d.hoodHi] {
			if ok {
				break
			}
			m, ok = a.mun.Locate(h.p)
		}
		if !ok {
			continue
		}
		// districts is sorted, so each list comes out sorted.
		a.byMunicipality[m.Code] = append(a.byMunicipality[m.Code], d.code)
	}
}

// Locate returns the 2024 municipality and the 2014 district and
// neighbourhood of p, a WGS84 [lon, lat] point. The boolean is false, with
// a zero Area, when p is outside every municipality (see
// Municipalities.Locate, whose borders and caveats apply). A point on an
// edge shared by districts goes to the lowest district code. See Area for
// how the district and neighbourhood are chosen and why their codes are
// from 2014. Locate is safe for concurrent readers.
func (a *Areas) Locate(p orb.Point) (Area, bool) {
	m, ok := a.mun.Locate(p)
	if !ok {
		return Area{}, false
	}
	r := Area{MunicipalityCode: m.Code, MunicipalityName: m.Name}
	h := -1
	if d := a.districtAt(p); d >= 0 {
		dd := &a.districts[d]
		r.DistrictCode, r.DistrictName = dd.code, dd.name
		h = a.nearestHoodIn(p, dd.hoodLo, dd.hoodHi)
	}
	if h < 0 {
		h = a.nearestHood(p)
	}
	r.NeighbourhoodCode, r.NeighbourhoodName = a.hoods[h].code, a.hoods[h].name
	return r, true
}

// districtAt returns the index of the first district, in code order, with
// a polygon containing p (edges included), or -1.
func (a *Areas) districtAt(p orb.Point) int {
	for _, i := range a.partGrid.cell(p) {
		pt := &a.parts[i]
		if inBound(pt.bound, p) && planar.PolygonContains(pt.poly, p) {
			return pt.district
		}
	}
	return -1
}

// nearDist2 is the squared near-metric distance between p and q in
// latitude degrees: longitude differences are scaled by nearLonScale.
func nearDist2(p, q orb.Point) float64 {
	dx := (p[0] - q[0]) * nearLonScale
	dy := p[1] - q[1]
	return dx*dx + dy*dy
}

// nearestHoodIn returns the index in hoods[lo:hi] of the label point
// nearest to p, the lowest index on ties, or -1 if the range is empty. A
// wijk has at most a few dozen buurten, so a scan beats any index.
func (a *Areas) nearestHoodIn(p orb.Point, lo, hi int) int {
	best, bestD := -1, math.Inf(1)
	for i := lo; i < hi; i++ {
		if d := nearDist2(p, a.hoods[i].p); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// nearestHood returns the index of the label point nearest to p, the
// lowest index on ties. It visits grid cells in square rings around p's
// cell and stops once no unvisited cell can hold a nearer point.
func (a *Areas) nearestHood(p orb.Point) int {
	g := &a.hoodGrid
	cx, cy := g.clampedCell(p)
	best, bestD := -1, math.Inf(1)
	for k := 0; ; k++ {
		x0, x1, y0, y1 := cx-k, cx+k, cy-k, cy+k
		for y := max(y0, 0); y <= min(y1, g.ny-1); y++ {
			step := 1
			if y != y0 && y != y1 {
				step = x1 - x0 // only the left and right sides of the ring
			}
			for x := x0; x <= x1; x += step {
				if x < 0 || x >= g.nx {
					continue
				}
				for _, i := range g.items[g.start[y*g.nx+x]:g.start[y*g.nx+x+1]] {
					if d := nearDist2(p, a.hoods[i].p); d < bestD || d == bestD && int(i) < best {
						best, bestD = int(i), d
					}
				}
			}
		}
		// reach is how far p is from the nearest unvisited cell, in the
		// units of nearDist2; sides at the grid's edge have nothing beyond.
		reach := math.Inf(1)
		if x0 > 0 {
			reach = min(reach, (p[0]-(g.bound.Min[0]+float64(x0)*g.cellLon))*nearLonScale)
		}
		if x1 < g.nx-1 {
			reach = min(reach, (g.bound.Min[0]+float64(x1+1)*g.cellLon-p[0])*nearLonScale)
		}
		if y0 > 0 {
			reach = min(reach, p[1]-(g.bound.Min[1]+float64(y0)*g.cellLat))
		}
		if y1 < g.ny-1 {
			reach = min(reach, g.bound.Min[1]+float64(y1+1)*g.cellLat-p[1])
		}
		if math.IsInf(reach, 1) {
			return best // the whole grid is visited
		}
		// The margin of 1e-9° (0.1 mm) covers rounding in the cell
		// arithmetic, so a point on a cell edge is never skipped.
		if reach -= 1e-9; best >= 0 && reach > 0 && reach*reach > bestD {
			return best
		}
	}
}

// Municipalities returns the 2024 municipalities that a uses, for lookups
// by code. It is shared, not copied; it is immutable too.
func (a *Areas) Municipalities() *Municipalities {
	return a.mun
}

// District returns the name of the 2014 district (wijk) with code code,
// e.g. "Stadsdeel Centrum" for "WK036300". The boolean is false for
// unknown codes, including current (post-2014) district codes.
func (a *Areas) District(code string) (name string, ok bool) {
	i, ok := a.districtByCode[code]
	if !ok {
		return "", false
	}
	return a.districts[i].name, true
}

// DistrictsOf returns the sorted codes of the 2014 districts assigned to
// the 2024 municipality municipalityCode, e.g. "GM1978" Molenlanden gets
// the districts of Giessenlanden (WK0689..) and Molenwaard (WK1927..). A
// district belongs to the municipality containing one interior point of its
// largest polygon (or, failing that, of one of its buurt label points), so
// every district is in at most one list and a district that straddles a
// 2024 border counts on one side only. With the embedded data every 2014
// district is in exactly one list. The result is nil for unknown codes; the
// caller may modify it.
func (a *Areas) DistrictsOf(municipalityCode string) []string {
	return slices.Clone(a.byMunicipality[municipalityCode])
}

// interiorPoint returns a point strictly inside poly for any polygon with
// area: the middle of the widest stretch of the horizontal line through the
// middle of its bound that lies inside (GEOS InteriorPoint does the same).
// The centroid would be simpler but falls outside concave districts.
func interiorPoint(poly orb.Polygon) orb.Point {
	b := poly[0].Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	var xs []float64
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			s, e := r[i], r[i+1]
			// Half-open in y, so a vertex on the line counts once.
			if (s[1] > y) != (e[1] > y) {
				xs = append(xs, s[0]+(y-s[1])*(e[0]-s[0])/(e[1]-s[1]))
			}
		}
	}
	slices.Sort(xs)
	best, width := poly[0][0], -1.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			best, width = orb.Point{(xs[i] + xs[i+1]) / 2, y}, w
		}
	}
	return best
}

// isStatCode reports whether s is prefix followed by exactly n ASCII digits,
// the shape of CBS codes such as "WK036300".
func isStatCode(s, prefix string, n int) bool {
	if len(s) != len(prefix)+n || !strings.HasPrefix(s, prefix) {
		return false
	}
	for _, c := range s[len(prefix):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// cellGrid is a uniform grid of areaCellLon × areaCellLat cells over a
// bound, listing per cell the items whose bound overlaps the cell. The
// lists are stored back to back (compressed sparse rows) to keep the heap
// small and the lookups cache-friendly.
type cellGrid struct {
	// bound is the area covered; cell (0, 0) has its corner at bound.Min.
	bound            orb.Bound
	cellLon, cellLat float64
	nx, ny           int
	// items[start[c]:start[c+1]] are the items of cell c = y*nx + x, in
	// ascending order.
	start []int32
	items []int32
}

// newCellGrid indexes the n items whose bounds boundOf returns; every item
// bound must lie within b.
func newCellGrid(b orb.Bound, n int, boundOf func(i int) orb.Bound) cellGrid {
	g := cellGrid{
		bound:   b,
		cellLon: areaCellLon,
		cellLat: areaCellLat,
		nx:      max(1, int(math.Ceil((b.Max[0]-b.Min[0])/areaCellLon))),
		ny:      max(1, int(math.Ceil((b.Max[1]-b.Min[1])/areaCellLat))),
	}
	g.start = make([]int32, g.nx*g.ny+1)
	// Two passes: count per cell, then fill; filling in item order keeps
	// each cell's list ascending.
	for i := 0; i < n; i++ {
		x0, y0 := g.clampedCell(boundOf(i).Min)
		x1, y1 := g.clampedCell(boundOf(i).Max)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				g.start[y*g.nx+x+1]++
			}
		}
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.items = make([]int32, g.start[len(g.start)-1])
	next := slices.Clone(g.start[:len(g.start)-1])
	for i := 0; i < n; i++ {
		x0, y0 := g.clampedCell(boundOf(i).Min)
		x1, y1 := g.clampedCell(boundOf(i).Max)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*g.nx + x
				g.items[next[c]] = int32(i)
				next[c]++
			}
		}
	}
	return g
}

// clampedCell returns the cell of p, or the nearest edge cell when p is
// outside the grid. It is monotonic in each coordinate, so a point inside
// an item's bound always maps to one of the item's cells.
func (g *cellGrid) clampedCell(p orb.Point) (x, y int) {
	x = int(math.Floor((p[0] - g.bound.Min[0]) / g.cellLon))
	y = int(math.Floor((p[1] - g.bound.Min[1]) / g.cellLat))
	return min(max(x, 0), g.nx-1), min(max(y, 0), g.ny-1)
}

// cell returns the items of the cell containing p, or nil when p is
// outside the grid (no item bound can contain it then).
func (g *cellGrid) cell(p orb.Point) []int32 {
	if !inBound(g.bound, p) {
		return nil
	}
	x, y := g.clampedCell(p)
	c := y*g.nx + x
	return g.items[g.start[c]:g.start[c+1]]
}

// DistrictGeometry returns the polygons of the 2014 district with code
// code. They are shared, not copied: the caller must not change them.
func (a *Areas) DistrictGeometry(code string) (orb.MultiPolygon, bool) {
	i, ok := a.districtByCode[code]
	if !ok {
		return nil, false
	}
	var out orb.MultiPolygon
	for _, p := range a.parts {
		if p.district == i {
			out = append(out, p.poly)
		}
	}
	return out, true
}

// Unit is one area of the division Areas uses, as stored and reported:
// a 2024 municipality, a 2014 district or a 2014 neighbourhood.
type Unit struct {
	// Level is "municipality", "district" or "neighbourhood".
	Level string
	// Code and Name are the CBS code and name, e.g. "WK036300"
	// "Stadsdeel Centrum".
	Code, Name string
	// Municipality is the 2024 municipality the unit belongs to (for a
	// district as DistrictsOf assigns it, for a neighbourhood that of its
	// district or of its point); District is a neighbourhood's district.
	Municipality, District string
	// Geometry is a municipality's or district's outline; neighbourhoods
	// have only a Point (their label point). For the others Point is a
	// point inside them.
	Geometry orb.MultiPolygon
	Point    orb.Point
}

// Units lists every municipality, district and neighbourhood, in that
// order, each sorted by code. The slice is the caller's; the geometries
// are shared with a, not copied: the caller must not change them.
func (a *Areas) Units() []Unit {
	a.unitsOnce.Do(func() { a.units = a.listUnits() })
	return slices.Clone(a.units)
}

func (a *Areas) listUnits() []Unit {
	var out []Unit
	for _, m := range a.mun.All() {
		g, _ := a.mun.Geometry(m.Code)
		out = append(out, Unit{Level: "municipality", Code: m.Code, Name: m.Name, Municipality: m.Code, Geometry: g, Point: m.Centre})
	}
	districtMun := map[string]string{}
	for mun, ds := range a.byMunicipality {
		for _, d := range ds {
			districtMun[d] = mun
		}
	}
	for _, d := range a.districts {
		g, _ := a.DistrictGeometry(d.code)
		u := Unit{Level: "district", Code: d.code, Name: d.name, Municipality: districtMun[d.code], Geometry: g}
		if len(g) > 0 {
			u.Point = interiorPoint(g[0])
		}
		out = append(out, u)
	}
	for _, h := range a.hoods {
		u := Unit{Level: "neighbourhood", Code: h.code, Name: h.name, Point: h.p}
		if _, ok := a.districtByCode["WK"+h.code[2:8]]; ok {
			u.District = "WK" + h.code[2:8]
			u.Municipality = districtMun[u.District]
		}
		if u.Municipality == "" {
			if m, ok := a.mun.Locate(h.p); ok {
				u.Municipality = m.Code
			}
		}
		out = append(out, u)
	}
	return out
}

// Outlines is the map of municipality code: its outline (kind
// municipality) and its 2014 districts (kind district), each a feature
// with its code as id and kind, code and name as properties. The
// boolean is false for an unknown code.
func (a *Areas) Outlines(code string) (*geojson.FeatureCollection, bool) {
	m, ok := a.Municipalities().Lookup(code)
	if !ok {
		return nil, false
	}
	outline, _ := a.Municipalities().Geometry(code)
	fc := geojson.NewFeatureCollection()
	f := geojson.NewFeature(outline)
	f.ID = m.Code
	f.Properties = geojson.Properties{"kind": "municipality", "code": m.Code, "name": m.Name}
	fc.Append(f)
	for _, d := range a.DistrictsOf(code) {
		g, _ := a.DistrictGeometry(d)
		name, _ := a.District(d)
		f := geojson.NewFeature(g)
		f.ID = d
		f.Properties = geojson.Properties{"kind": "district", "code": d, "name": name}
		fc.Append(f)
	}
	return fc, true
}
