package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// CoarseCellMetres is the north-south size in metres of the grid cells
// Coarsen snaps to. Residents' home locations are stored and shown only at
// this resolution, so a match reveals the neighbourhood, not the front door.
const CoarseCellMetres = 250

// coarseRefLat is the latitude in degrees where a coarse cell is exactly
// CoarseCellMetres wide: Amersfoort, the origin of the Dutch RD grid and
// roughly the middle of the country.
const coarseRefLat = 52.155

// Cell sizes in degrees. The grid is equirectangular with fixed degree
// steps, so the cell a point falls in never depends on where it is: a cell
// is CoarseCellMetres north-south everywhere and CoarseCellMetres east-west
// at coarseRefLat. Across the Netherlands (lat 50.75–53.55) the east-west
// size runs from about 257.8 m in the south to 242.1 m in the north, and
// half the diagonal from 179.6 m to 174.0 m. The metres use the same earth
// radius as Distance, orb.EarthRadius.
var (
	coarseCellLat = CoarseCellMetres / (orb.EarthRadius * math.Pi / 180)
	coarseCellLon = coarseCellLat / math.Cos(coarseRefLat*math.Pi/180)
)

// Coarsen snaps p, a WGS84 [lon, lat] point, to the centre of its grid cell
// of about CoarseCellMetres × CoarseCellMetres, rounded to 6 decimals
// (about 0.1 m). In the Netherlands the result is at most about 180 m
// from p. Coarsen is idempotent: Coarsen(Coarsen(p)) == Coarsen(p)
// exactly, so coarsening stored data again changes nothing. Both p and the
// result are clamped to lon [-180, 180] and lat [-90, 90]; points with NaN
// or infinite coordinates are returned unchanged.
func Coarsen(p orb.Point) orb.Point {
	if !finite(p[0]) || !finite(p[1]) {
		return p
	}
	return orb.Point{
		cellCentre(clamp(p[0], 180), coarseCellLon, 180),
		cellCentre(clamp(p[1], 90), coarseCellLat, 90),
	}
}

// cellCentre returns the centre of the cell of size step that x falls in.
// The output depends only on the cell index, and it lies about half a cell
// from the cell's edges (over 2000 times the 5e-7° moved by rounding to 6
// decimals), so it falls in the same cell again: that makes Coarsen
// idempotent. Clamping only happens in the outermost cells, and the
// clamped value stays in its cell.
func cellCentre(x, step, limit float64) float64 {
	i := math.Floor(x / step)
	c := math.Round((i+0.5)*step*1e6) / 1e6
	return clamp(c, limit)
}

// clamp limits x to [-limit, limit].
func clamp(x, limit float64) float64 {
	return math.Max(-limit, math.Min(limit, x))
}

// CellSamples returns points spread over the grid cell whose centre is c:
// the centre first, then the corners and the edges' midpoints, each pulled
// 1 % inwards so they stay in the cell. A coarse point near a border or
// the coast can itself lie outside every municipality while its cell does
// not; the samples find where the cell touches land.
func CellSamples(c orb.Point) []orb.Point {
	out := make([]orb.Point, 0, 9)
	for _, f := range [][2]float64{{0, 0}, {-1, -1}, {1, -1}, {-1, 1}, {1, 1}, {0, -1}, {0, 1}, {-1, 0}, {1, 0}} {
		out = append(out, orb.Point{c[0] + f[0]*0.49*coarseCellLon, c[1] + f[1]*0.49*coarseCellLat})
	}
	return out
}
