package synth

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/geo"
)

// The spatial shape of national data.
const (
	// clusterShare of the points are drawn around the centres of the
	// clusterCount most populous municipalities, the rest uniformly over
	// land.
	clusterShare = 0.70
	clusterCount = 40
	// A cluster's spread (sigma of a 2-D Gaussian, in metres) grows with
	// the square root of its population, from minSigmaM to maxSigmaM for
	// the largest city.
	minSigmaM = 1500
	maxSigmaM = 5000
)

// The spatial shape of one municipality (Config.Municipality).
const (
	// centreShare of the points are drawn from a Gaussian around the
	// municipality's centre with sigma a third of its radius, the rest
	// uniformly over a disc of its radius.
	centreShare = 0.65
	// radiusDirections and radiusStepM set the walk that measures the
	// radius: the farthest point inside along any of the directions.
	radiusDirections = 16
	radiusStepM      = 500
	maxRadiusM       = 80_000
)

// maxTries bounds rejection sampling; no Dutch municipality comes near it.
const maxTries = 1000

// nlBox encloses the Netherlands; points drawn in it are kept only when
// Locate finds them in a municipality.
var nlBox = orb.Bound{Min: orb.Point{3.3, 50.7}, Max: orb.Point{7.3, 53.6}}

// metresPerDegree is the length of a degree of latitude, on the sphere
// geo.Distance uses.
const metresPerDegree = orb.EarthRadius * math.Pi / 180

// cluster is a city that attracts a share of the points.
type cluster struct {
	centre orb.Point
	sigmaM float64
}

// space draws locations and finds their Area. It is read-only after
// newSpace, so workers share it.
type space struct {
	areas *geo.Areas
	munis *geo.Municipalities // areas.Municipalities(), for rejection
	// clusters are sorted by population, largest first; cum holds their
	// cumulative population shares, ending at 1.
	clusters []cluster
	cum      []float64
	// only is the municipality of Config.Municipality; its Code is empty
	// for national data.
	only geo.Municipality
	// radiusM is the distance from only.Centre to the farthest point of
	// only found by the radius walk, plus one step.
	radiusM float64
}

// cellCache memoises areas.Locate for coarse points, which fall on a fixed
// grid. Residents cluster, so most coarse points hit it. It is not safe
// for concurrent use: each worker has its own.
type cellCache struct {
	// at maps a cell centre to an index in areas. A national dataset
	// touches hundreds of thousands of cells but far fewer distinct Areas
	// (about one per neighbourhood), so a cell costs a 4-byte index
	// rather than a 96-byte Area.
	at map[orb.Point]int32
	// areas holds each Area seen once, the zero Area (no municipality)
	// first; index is its inverse.
	areas []geo.Area
	index map[geo.Area]int32
}

func newCellCache() *cellCache {
	return &cellCache{at: map[orb.Point]int32{}, areas: []geo.Area{{}}, index: map[geo.Area]int32{{}: 0}}
}

// locate is areas.Locate, memoised.
func (c *cellCache) locate(areas *geo.Areas, p orb.Point) geo.Area {
	if i, ok := c.at[p]; ok {
		return c.areas[i]
	}
	a, _ := areas.Locate(p)
	i, ok := c.index[a]
	if !ok {
		i = int32(len(c.areas))
		c.areas = append(c.areas, a)
		c.index[a] = i
	}
	c.at[p] = i
	return a
}

// accept reports whether p may hold a record, as allowed does, and returns
// its Area, as care.Checker derives it. With cells, p is a coarse point and
// the lookup is memoised there; with nil cells, p is exact.
//
// Rejection needs only the municipality, but accept calls areas.Locate
// rather than allowed and then areas.Locate: Locate finds the
// municipality first and returns at once for a point in none (the sea,
// abroad), so those draws cost what munis.Locate costs, and a kept point
// is located once, not twice. Only a draw in the wrong municipality (with
// Config.Municipality) searches the districts in vain.
func (s *space) accept(p orb.Point, cells *cellCache) (geo.Area, bool) {
	var a geo.Area
	if cells == nil {
		a, _ = s.areas.Locate(p)
	} else {
		a = cells.locate(s.areas, p)
	}
	return a, a.MunicipalityCode != "" && (s.only.Code == "" || a.MunicipalityCode == s.only.Code)
}

func newSpace(areas *geo.Areas, code string) (*space, error) {
	munis := areas.Municipalities()
	s := &space{areas: areas, munis: munis}
	if code != "" {
		m, ok := munis.Lookup(code)
		if !ok {
			return nil, fmt.Errorf("synth: Config.Municipality %q: unknown CBS 2024 code: %w", code, ErrConfig)
		}
		s.only = m
		s.radiusM = s.radius(m)
		return s, nil
	}
	all := munis.All()
	slices.SortStableFunc(all, func(a, b geo.Municipality) int { return cmp.Compare(b.Population, a.Population) })
	all = all[:min(clusterCount, len(all))]
	// Weights are populations, at least 1 so that an unknown (0) one
	// cannot divide by zero.
	weight := func(m geo.Municipality) float64 { return float64(max(1, m.Population)) }
	total, largest := 0.0, weight(all[0])
	for _, m := range all {
		total += weight(m)
	}
	sum := 0.0
	for _, m := range all {
		sigma := maxSigmaM * math.Sqrt(weight(m)/largest)
		s.clusters = append(s.clusters, cluster{centre: m.Centre, sigmaM: max(minSigmaM, sigma)})
		sum += weight(m)
		s.cum = append(s.cum, sum/total)
	}
	s.cum[len(s.cum)-1] = 1
	return s, nil
}

// radius walks out from m's centre in radiusDirections directions and
// returns the farthest distance still inside m, plus one step.
func (s *space) radius(m geo.Municipality) float64 {
	far := 0.0
	for k := range radiusDirections {
		a := 2 * math.Pi * float64(k) / radiusDirections
		for d := float64(radiusStepM); d <= maxRadiusM; d += radiusStepM {
			if s.allowed(offset(m.Centre, d*math.Cos(a), d*math.Sin(a))) {
				far = max(far, d)
			}
		}
	}
	return far + radiusStepM
}

// point draws a location with the dataset's spatial shape and returns it
// with its Area. With cells, the point is coarse, snapped with
// geo.Coarsen as residents' homes are, and cells memoises the lookups;
// with nil cells it is exact, rounded to 6 decimals.
func (s *space) point(r *rand.Rand, cells *cellCache) (orb.Point, geo.Area, error) {
	if s.only.Code != "" {
		return s.inMunicipality(r, cells)
	}
	if r.Float64() < clusterShare {
		c := s.clusters[pickCum(r, s.cum)]
		for range 50 { // a city on the coast loses some draws to the sea
			p := finish(offset(c.centre, r.NormFloat64()*c.sigmaM, r.NormFloat64()*c.sigmaM), cells != nil)
			if a, ok := s.accept(p, cells); ok {
				return p, a, nil
			}
		}
	}
	return s.onLand(r, cells)
}

// onLand draws a point uniformly over the municipalities' area.
func (s *space) onLand(r *rand.Rand, cells *cellCache) (orb.Point, geo.Area, error) {
	cosMin := math.Cos(nlBox.Min[1] * math.Pi / 180)
	for range maxTries {
		p := orb.Point{
			nlBox.Min[0] + r.Float64()*(nlBox.Max[0]-nlBox.Min[0]),
			nlBox.Min[1] + r.Float64()*(nlBox.Max[1]-nlBox.Min[1]),
		}
		// A degree box is narrower in the north; thin the draws there so
		// that every square kilometre is equally likely.
		if r.Float64()*cosMin > math.Cos(p[1]*math.Pi/180) {
			continue
		}
		p = finish(p, cells != nil)
		if a, ok := s.accept(p, cells); ok {
			return p, a, nil
		}
	}
	return orb.Point{}, geo.Area{}, fmt.Errorf("synth: no point on land after %d tries", maxTries)
}

// inMunicipality draws a point inside s.only, denser near its centre.
func (s *space) inMunicipality(r *rand.Rand, cells *cellCache) (orb.Point, geo.Area, error) {
	for range maxTries {
		var dx, dy float64
		if r.Float64() < centreShare {
			dx, dy = r.NormFloat64()*s.radiusM/3, r.NormFloat64()*s.radiusM/3
		} else {
			d, a := s.radiusM*math.Sqrt(r.Float64()), 2*math.Pi*r.Float64()
			dx, dy = d*math.Cos(a), d*math.Sin(a)
		}
		p := finish(offset(s.only.Centre, dx, dy), cells != nil)
		if a, ok := s.accept(p, cells); ok {
			return p, a, nil
		}
	}
	return orb.Point{}, geo.Area{}, fmt.Errorf("synth: no point inside %s %s after %d tries", s.only.Code, s.only.Name, maxTries)
}

// near draws an exact point about sigmaM metres from origin, which must
// itself be allowed and have Area originArea, and returns it with its
// Area; after a few misses (the sea, the border of Config.Municipality) it
// returns origin.
func (s *space) near(r *rand.Rand, origin orb.Point, originArea geo.Area, sigmaM float64) (orb.Point, geo.Area) {
	for range 20 {
		p := round6(offset(origin, r.NormFloat64()*sigmaM, r.NormFloat64()*sigmaM))
		if a, ok := s.accept(p, nil); ok {
			return p, a
		}
	}
	return origin, originArea
}

// allowed reports whether p may hold a record: on land, and inside
// Config.Municipality when set.
func (s *space) allowed(p orb.Point) bool {
	m, ok := s.munis.Locate(p)
	return ok && (s.only.Code == "" || m.Code == s.only.Code)
}

// offset moves p by dx metres east and dy metres north.
func offset(p orb.Point, dx, dy float64) orb.Point {
	lat := p[1] + dy/metresPerDegree
	return orb.Point{p[0] + dx/(metresPerDegree*math.Cos(p[1]*math.Pi/180)), lat}
}

// finish snaps p to its coarse cell or rounds it to 6 decimals.
func finish(p orb.Point, coarse bool) orb.Point {
	if coarse {
		return geo.Coarsen(p)
	}
	return round6(p)
}

// round6 rounds p to 6 decimals (about 0.1 m), as stored coordinates are.
func round6(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6}
}

// pickCum returns the index of the first cumulative weight above a
// uniform draw.
func pickCum(r *rand.Rand, cum []float64) int {
	x := r.Float64()
	i, _ := slices.BinarySearch(cum, x)
	if i < len(cum) && cum[i] == x {
		i++ // BinarySearch finds equal values; we want strictly above
	}
	return min(i, len(cum)-1)
}
