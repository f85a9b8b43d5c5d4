package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// halfDiagonal returns half the diagonal in metres of a coarse cell at
// latitude lat: the furthest Coarsen may move a point there.
func halfDiagonal(lat float64) float64 {
	ew := CoarseCellMetres * math.Cos(lat*math.Pi/180) / math.Cos(coarseRefLat*math.Pi/180)
	return math.Hypot(CoarseCellMetres, ew) / 2
}

func TestCoarsenIdempotent(t *testing.T) {
	t.Parallel()
	const seed = 7
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	points := append(randomPoints(200000, nlBox, seed), randomPoints(50000, world, seed+1)...)
	points = append(points,
		orb.Point{0, 0}, orb.Point{-0.0001, -0.0001},
		orb.Point{180, 90}, orb.Point{-180, -90},
		orb.Point{179.9999, 89.9999}, orb.Point{-179.9999, -89.9999},
		orb.Point{200, 100}, orb.Point{-200, -100}, // out of range: clamped
	)
	for _, p := range points {
		c := Coarsen(p)
		if cc := Coarsen(c); cc != c {
			t.Fatalf("seed %d: Coarsen(%v) = %v but Coarsen(%v) = %v; want equal", seed, p, c, c, cc)
		}
		if c[0] < -180 || c[0] > 180 || c[1] < -90 || c[1] > 90 {
			t.Fatalf("Coarsen(%v) = %v; want lon in [-180, 180] and lat in [-90, 90]", p, c)
		}
		// Six decimals: the output times 1e6 is an integer up to the
		// float64 error of that multiplication.
		for _, x := range c {
			if d := math.Abs(x*1e6 - math.Round(x*1e6)); d > 1e-6 {
				t.Fatalf("Coarsen(%v) = %v; want coordinates rounded to 6 decimals", p, c)
			}
		}
	}
}

func TestCoarsenDisplacement(t *testing.T) {
	t.Parallel()
	const seed = 11
	var maxMoved float64
	for _, p := range randomPoints(200000, nlBox, seed) {
		c := Coarsen(p)
		moved := Distance(p, c)
		// 0.2 m of slack covers the 6-decimal rounding of the centre.
		if limit := halfDiagonal(p[1]) + 0.2; moved > limit {
			t.Fatalf("seed %d: Coarsen(%v) = %v moved %.1f m; want at most %.1f m", seed, p, c, moved, limit)
		}
		maxMoved = max(maxMoved, moved)
	}
	// Cells much smaller than 250 m would pass the check above yet leak
	// home locations: the worst case must come close to the half diagonal.
	if maxMoved < 170 {
		t.Errorf("largest displacement = %.1f m; want at least 170 m for ~250 m cells", maxMoved)
	}
	t.Logf("largest displacement over 200000 points: %.1f m", maxMoved)
}

func TestCoarsenCellSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		lat       float64
		wantEWMin float64 // metres
		wantEWMax float64
		wantNS    float64
	}{
		{"Maastricht, south", 50.76, 257, 258.5, 250},
		{"Amersfoort, reference latitude", 52.155, 249.5, 250.5, 250},
		{"Groningen, north", 53.54, 241.5, 243, 250},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Coarsen(orb.Point{5.3, tt.lat})
			east := Coarsen(orb.Point{c[0] + coarseCellLon, c[1]})
			north := Coarsen(orb.Point{c[0], c[1] + coarseCellLat})
			if ew := Distance(c, east); ew < tt.wantEWMin || ew > tt.wantEWMax {
				t.Errorf("east-west distance between cell centres at lat %v = %.1f m; want %.1f to %.1f", tt.lat, ew, tt.wantEWMin, tt.wantEWMax)
			}
			if ns := Distance(c, north); math.Abs(ns-tt.wantNS) > 0.5 {
				t.Errorf("north-south distance between cell centres at lat %v = %.1f m; want %.1f", tt.lat, ns, tt.wantNS)
			}
		})
	}
}

func TestCoarsen(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	tests := []struct {
		name string
		a, b orb.Point
		same bool // whether a and b should land in the same cell
	}{
		{"same point", orb.Point{4.8924, 52.3731}, orb.Point{4.8924, 52.3731}, true},
		{"Dam square and Centraal Station (800 m)", orb.Point{4.8924, 52.3731}, orb.Point{4.9003, 52.3791}, false},
		{"either side of the equator", orb.Point{5, 0.0001}, orb.Point{5, -0.0001}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca, cb := Coarsen(tt.a), Coarsen(tt.b)
			if (ca == cb) != tt.same {
				t.Errorf("Coarsen(%v) = %v, Coarsen(%v) = %v; want same cell: %v", tt.a, ca, tt.b, cb, tt.same)
			}
		})
	}
	// Points up to 40% of a cell from a centre share that centre, so the
	// centre really is the middle of a cell of the intended size.
	centre := Coarsen(orb.Point{5.3, 52.16})
	for _, f := range [][2]float64{{0.4, 0.4}, {-0.4, 0.4}, {0.4, -0.4}, {-0.4, -0.4}, {0.4, 0}, {0, -0.4}} {
		p := orb.Point{centre[0] + f[0]*coarseCellLon, centre[1] + f[1]*coarseCellLat}
		if got := Coarsen(p); got != centre {
			t.Errorf("Coarsen(%v) = %v; want the cell centre %v", p, got, centre)
		}
	}
	for _, p := range []orb.Point{{nan, 52}, {5, math.Inf(-1)}} {
		c := Coarsen(p)
		if !(c[0] == p[0] || math.IsNaN(c[0]) && math.IsNaN(p[0])) || c[1] != p[1] {
			t.Errorf("Coarsen(%v) = %v; want it unchanged", p, c)
		}
	}
}

func BenchmarkCoarsen(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Coarsen(benchPoints[i%len(benchPoints)])
	}
}
