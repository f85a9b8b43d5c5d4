package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// testBox is the bounds for most polygon tests: a plain box, so the
// tests do not depend on municipality borders.
func testBox(tb testing.TB) Bounds {
	tb.Helper()
	b, err := ParseBounds("4,51,6,53", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ring is shorthand for a ring of [lon, lat] positions.
type ring = [][2]float64

// Shapes around Amersfoort (5.0, 52.0), in the test box. The outer square
// is 0.2° wide:
//
//	(4.9,52.1) +-----------+ (5.1,52.1)
//	           |  +-----+  |
//	           |  | hole|  |
//	           |  +-----+  |
//	(4.9,51.9) +-----------+ (5.1,51.9)
var (
	square    = ring{{4.9, 51.9}, {5.1, 51.9}, {5.1, 52.1}, {4.9, 52.1}, {4.9, 51.9}}
	squareCW  = ring{{4.9, 51.9}, {4.9, 52.1}, {5.1, 52.1}, {5.1, 51.9}, {4.9, 51.9}}
	hole      = ring{{4.95, 51.95}, {4.95, 52.05}, {5.05, 52.05}, {5.05, 51.95}, {4.95, 51.95}}
	innerHole = ring{{4.99, 51.99}, {4.99, 52.01}, {5.01, 52.01}, {5.01, 51.99}, {4.99, 51.99}}
)

func TestValidatePolygon(t *testing.T) {
	t.Parallel()
	box := testBox(t)
	nl, err := ParseBounds("nl", testMunicipalities(t))
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	tests := []struct {
		name   string
		rings  [][][2]float64
		bounds Bounds
		want   []Problem
	}{
		{name: "valid square", rings: [][][2]float64{square}, bounds: box},
		{name: "valid square, clockwise", rings: [][][2]float64{squareCW}, bounds: box},
		{name: "valid square with a hole", rings: [][][2]float64{square, hole}, bounds: box},
		{name: "valid square with two separate holes", rings: [][][2]float64{square,
			{{4.91, 51.91}, {4.93, 51.91}, {4.93, 51.93}, {4.91, 51.91}},
			{{5.07, 52.07}, {5.09, 52.07}, {5.09, 52.09}, {5.07, 52.07}},
		}, bounds: box},
		{name: "valid concave ring", rings: [][][2]float64{{{4.9, 51.9}, {5.1, 51.9}, {5.0, 52.0}, {5.1, 52.1}, {4.9, 52.1}, {4.9, 51.9}}}, bounds: box},
		{name: "valid in Amersfoort with nl bounds", rings: [][][2]float64{{{5.37, 52.15}, {5.40, 52.15}, {5.40, 52.17}, {5.37, 52.15}}}, bounds: nl},

		{name: "no rings", rings: nil, bounds: box, want: []Problem{
			{"coordinates", "polygon has no rings; want an outer ring"},
		}},
		{name: "open ring", rings: [][][2]float64{square[:4]}, bounds: box, want: []Problem{
			{"coordinates[0]", "ring is not closed: first and last position differ"},
		}},
		{name: "too few positions", rings: [][][2]float64{{{4.9, 51.9}, {5.1, 51.9}, {4.9, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0]", "ring has 3 positions; want at least 4"},
		}},
		{name: "empty hole", rings: [][][2]float64{square, {}}, bounds: box, want: []Problem{
			{"coordinates[1]", "ring has 0 positions; want at least 4"},
		}},
		// Edges 0 and 2 are the diagonals of the square:
		//
		//	3 +   + 1        edge 0: 0→1, edge 2: 2→3
		//	  | X |
		//	0 +   + 2
		{name: "bow-tie", rings: [][][2]float64{{{4.9, 51.9}, {5.1, 52.1}, {5.1, 51.9}, {4.9, 52.1}, {4.9, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0]", "ring intersects itself between edges 0 and 2"},
		}},
		{name: "ring touches itself at a vertex", rings: [][][2]float64{{
			{4.9, 51.9}, {5.0, 52.0}, {5.1, 51.9}, {5.1, 52.1}, {5.0, 52.0}, {4.9, 52.1}, {4.9, 51.9},
		}}, bounds: box, want: []Problem{
			{"coordinates[0]", "ring intersects itself between edges 0 and 3"},
			{"coordinates[0]", "ring intersects itself between edges 0 and 4"},
			{"coordinates[0]", "ring intersects itself between edges 1 and 3"},
			{"coordinates[0]", "ring intersects itself between edges 1 and 4"},
		}},
		{name: "repeated position", rings: [][][2]float64{{{4.9, 51.9}, {5.1, 51.9}, {5.1, 51.9}, {5.1, 52.1}, {4.9, 52.1}, {4.9, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0][2]", "position repeats position 1, making a zero-length edge"},
		}},
		{name: "spike", rings: [][][2]float64{{{4.9, 51.9}, {5.1, 51.9}, {5.1, 52.1}, {5.1, 52.0}, {4.9, 52.1}, {4.9, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0][2]", "ring turns back on itself at this position"},
		}},
		{name: "zero area", rings: [][][2]float64{{{4.9, 51.9}, {5.0, 52.0}, {5.1, 52.1}, {4.9, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0]", "ring has zero area: all positions lie on one line"},
		}},
		{name: "hole outside", rings: [][][2]float64{square, {{5.2, 52.2}, {5.3, 52.2}, {5.3, 52.3}, {5.2, 52.2}}}, bounds: box, want: []Problem{
			{"coordinates[1]", "hole is not inside the outer ring"},
		}},
		{name: "outer ring inside the hole", rings: [][][2]float64{hole, square}, bounds: box, want: []Problem{
			{"coordinates[1]", "hole is not inside the outer ring"},
		}},
		{name: "hole inside hole", rings: [][][2]float64{square, hole, innerHole}, bounds: box, want: []Problem{
			{"coordinates[2]", "hole lies inside hole 1"},
		}},
		{name: "hole crosses the outer ring", rings: [][][2]float64{square, {{5.0, 52.0}, {5.2, 52.0}, {5.2, 52.05}, {5.0, 52.0}}}, bounds: box, want: []Problem{
			{"coordinates[1]", "ring intersects ring 0: its edge 0 meets edge 1 of ring 0"},
			{"coordinates[1]", "ring intersects ring 0: its edge 2 meets edge 1 of ring 0"},
		}},
		{name: "hole touches the outer ring", rings: [][][2]float64{square, {{5.0, 52.0}, {5.1, 52.0}, {5.05, 52.05}, {5.0, 52.0}}}, bounds: box, want: []Problem{
			{"coordinates[1]", "ring intersects ring 0: its edge 0 meets edge 1 of ring 0"},
			{"coordinates[1]", "ring intersects ring 0: its edge 1 meets edge 1 of ring 0"},
		}},
		{name: "holes overlap", rings: [][][2]float64{square, hole, {{5.0, 52.0}, {5.08, 52.0}, {5.08, 52.02}, {5.0, 52.0}}}, bounds: box, want: []Problem{
			{"coordinates[2]", "ring intersects ring 1: its edge 0 meets edge 2 of ring 1"},
			{"coordinates[2]", "ring intersects ring 1: its edge 2 meets edge 2 of ring 1"},
		}},
		{name: "NaN", rings: [][][2]float64{{{4.9, 51.9}, {5.1, 51.9}, {5.1, nan}, {4.9, 52.1}, {4.9, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0][2]", "position is not a finite number"},
		}},
		{name: "NaN closing position", rings: [][][2]float64{{{nan, 51.9}, {5.1, 51.9}, {5.1, 52.1}, {nan, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0][0]", "position is not a finite number"},
			{"coordinates[0][3]", "position is not a finite number"},
		}},
		{name: "infinity", rings: [][][2]float64{square, {{math.Inf(1), 52}, {5, 52}, {5.01, 52.01}, {math.Inf(1), 52}}}, bounds: box, want: []Problem{
			{"coordinates[1][0]", "position is not a finite number"},
			{"coordinates[1][3]", "position is not a finite number"},
		}},
		{name: "outside bounds", rings: [][][2]float64{{{4.9, 51.9}, {6.1, 51.9}, {5.1, 52.1}, {4.9, 52.1}, {4.9, 51.9}}}, bounds: box, want: []Problem{
			{"coordinates[0][1]", "position is outside the service bounds (4,51,6,53)"},
		}},
		{name: "North Sea with nl bounds", rings: [][][2]float64{{{3.5, 52.5}, {3.6, 52.5}, {3.6, 52.6}, {3.5, 52.5}}}, bounds: nl, want: []Problem{
			{"coordinates[0][0]", "position is outside the service bounds (nl)"},
			{"coordinates[0][1]", "position is outside the service bounds (nl)"},
			{"coordinates[0][2]", "position is outside the service bounds (nl)"},
			{"coordinates[0][3]", "position is outside the service bounds (nl)"},
		}},
		{name: "zero Bounds accepts nothing", rings: [][][2]float64{{{4.9, 51.9}, {5.1, 51.9}, {5.1, 52.1}, {4.9, 51.9}}}, bounds: Bounds{}, want: []Problem{
			{"coordinates[0][0]", "position is outside the service bounds (empty)"},
			{"coordinates[0][1]", "position is outside the service bounds (empty)"},
			{"coordinates[0][2]", "position is outside the service bounds (empty)"},
			{"coordinates[0][3]", "position is outside the service bounds (empty)"},
		}},
		{name: "too many positions", rings: [][][2]float64{circle(5.0, 52.0, 0.05, 3999), circle(5.0, 52.0, 0.01, 1000)}, bounds: box, want: []Problem{
			{"coordinates", "polygon has 5001 positions; the maximum is 5000"},
		}},
		{name: "5000 positions is fine", rings: [][][2]float64{circle(5.0, 52.0, 0.05, 3999), circle(5.0, 52.0, 0.01, 999)}, bounds: box},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ValidatePolygon(tt.rings, tt.bounds)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ValidatePolygon(%s) = %s; want %s", tt.name, formatProblems(got), formatProblems(tt.want))
			}
		})
	}
}

// TestValidatePolygonCap checks the problem list stops at 20, and says so
// only when something was left out.
func TestValidatePolygonCap(t *testing.T) {
	t.Parallel()
	box := testBox(t)
	tests := []struct {
		name     string
		outside  int // positions outside the box in a valid ring
		wantLen  int
		wantNote bool
	}{
		{"19 problems", 19, 19, false},
		{"exactly 20 problems", 20, 20, false},
		{"21 problems", 21, 20, true},
		{"1000 problems", 1000, 20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A circle west of the box with tt.outside positions, the
			// closing one included.
			r := circle(3.0, 52.0, 0.1, tt.outside-1)
			got := ValidatePolygon([][][2]float64{r}, box)
			if len(got) != tt.wantLen {
				t.Fatalf("ValidatePolygon(circle of %d) gave %d problems; want %d", tt.outside, len(got), tt.wantLen)
			}
			note := Problem{"coordinates", "too many problems; only the first 19 are reported"}
			if gotNote := got[len(got)-1] == note; gotNote != tt.wantNote {
				t.Errorf("last problem = %v; want the truncation note: %v", got[len(got)-1], tt.wantNote)
			}
		})
	}
}

// circle returns a closed ring of n distinct positions (n+1 in all) on a
// circle around (lon, lat) with radius r degrees.
func circle(lon, lat, r float64, n int) [][2]float64 {
	out := make([][2]float64, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		out = append(out, [2]float64{lon + r*math.Cos(a), lat + r*math.Sin(a)})
	}
	return append(out, out[0])
}

// formatProblems prints problems one a line, for readable failures.
func formatProblems(ps []Problem) string {
	if len(ps) == 0 {
		return "no problems"
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n\t%s: %s", p.Path, p.Reason)
	}
	return b.String()
}

func TestSegmentsIntersect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		p1, p2, q1, q2 [2]float64
		want           bool
	}{
		{"proper crossing", [2]float64{0, 0}, [2]float64{2, 2}, [2]float64{0, 2}, [2]float64{2, 0}, true},
		{"parallel", [2]float64{0, 0}, [2]float64{2, 0}, [2]float64{0, 1}, [2]float64{2, 1}, false},
		{"would cross if longer", [2]float64{0, 0}, [2]float64{1, 1}, [2]float64{3, 0}, [2]float64{2, 1}, false},
		{"T junction", [2]float64{0, 0}, [2]float64{2, 0}, [2]float64{1, 0}, [2]float64{1, 1}, true},
		{"shared endpoint", [2]float64{0, 0}, [2]float64{1, 1}, [2]float64{1, 1}, [2]float64{2, 0}, true},
		{"collinear overlap", [2]float64{0, 0}, [2]float64{2, 0}, [2]float64{1, 0}, [2]float64{3, 0}, true},
		{"collinear apart", [2]float64{0, 0}, [2]float64{1, 0}, [2]float64{2, 0}, [2]float64{3, 0}, false},
		{"collinear, one inside the other", [2]float64{0, 0}, [2]float64{3, 0}, [2]float64{1, 0}, [2]float64{2, 0}, true},
		{"end near but not on", [2]float64{0, 0}, [2]float64{2, 0}, [2]float64{1, 1e-9}, [2]float64{1, 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := segmentsIntersect(tt.p1, tt.p2, tt.q1, tt.q2)
			if got != tt.want {
				t.Errorf("segmentsIntersect(%v, %v, %v, %v) = %v; want %v", tt.p1, tt.p2, tt.q1, tt.q2, got, tt.want)
			}
			if back := segmentsIntersect(tt.q1, tt.q2, tt.p2, tt.p1); back != got {
				t.Errorf("segmentsIntersect(%v, %v, %v, %v) = %v; want %v, the same with the segments swapped", tt.q1, tt.q2, tt.p2, tt.p1, back, got)
			}
		})
	}
}

func TestPolygonFromRings(t *testing.T) {
	t.Parallel()
	got := PolygonFromRings([][][2]float64{square, hole})
	want := orb.Polygon{
		{{4.9, 51.9}, {5.1, 51.9}, {5.1, 52.1}, {4.9, 52.1}, {4.9, 51.9}},
		{{4.95, 51.95}, {4.95, 52.05}, {5.05, 52.05}, {5.05, 51.95}, {4.95, 51.95}},
	}
	if !got.Equal(want) {
		t.Errorf("PolygonFromRings(square, hole) = %v; want %v", got, want)
	}
	if got := PolygonFromRings(nil); len(got) != 0 {
		t.Errorf("PolygonFromRings(nil) = %v; want an empty polygon", got)
	}
}

// decodeRings turns fuzz bytes into polygon coordinates. Positions come
// from a coarse 8×8 grid inside the test box, so repeats, collinear
// points, touching and crossing edges are common; a few byte values give
// NaN, ±Inf, huge or out-of-bounds numbers instead.
func decodeRings(data []byte) [][][2]float64 {
	if len(data) == 0 {
		return nil
	}
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	coord := func(b byte, base float64) float64 {
		switch b >> 3 {
		case 31:
			return [8]float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308, 3.0, 90, 0}[b&7]
		default:
			return base + float64(b&7)*0.025
		}
	}
	rings := make([][][2]float64, int(next()%5))
	for i := range rings {
		head := next()
		n := int(head & 0x3f)
		var r [][2]float64
		for j := 0; j < n && len(data) > 0; j++ {
			b := next()
			// Low bits pick the grid cell; 0xf8 and up are specials.
			if b >= 0xf8 {
				r = append(r, [2]float64{coord(b, 4.9), 52.0})
				continue
			}
			r = append(r, [2]float64{coord(b&7, 4.9), coord((b>>3)&7, 51.9)})
		}
		// Close most rings, so the geometric checks get exercised.
		if head&0x40 != 0 && len(r) > 0 {
			r = append(r, r[0])
		}
		rings[i] = r
	}
	return rings
}

// fuzzSquareWithHole decodes to a valid square with a triangular hole, so
// the fuzzer starts from a polygon that passes every check.
var fuzzSquareWithHole = []byte{2, 0x44, 0, 7, 63, 56, 0x43, 9, 10, 18}

func TestDecodeRings(t *testing.T) {
	t.Parallel()
	rings := decodeRings(fuzzSquareWithHole)
	want := [][][2]float64{
		{{4.9, 51.9}, {5.075, 51.9}, {5.075, 52.075}, {4.9, 52.075}, {4.9, 51.9}},
		{{4.925, 51.925}, {4.95, 51.925}, {4.95, 51.95}, {4.925, 51.925}},
	}
	if len(rings) != len(want) {
		t.Fatalf("decodeRings(fuzzSquareWithHole) = %v; want %v", rings, want)
	}
	for i := range want {
		if len(rings[i]) != len(want[i]) {
			t.Fatalf("decodeRings(fuzzSquareWithHole) = %v; want %v", rings, want)
		}
		for j := range want[i] {
			for k := 0; k < 2; k++ {
				if math.Abs(rings[i][j][k]-want[i][j][k]) > 1e-12 {
					t.Fatalf("decodeRings(fuzzSquareWithHole) = %v; want %v", rings, want)
				}
			}
		}
	}
	if p := ValidatePolygon(rings, testBox(t)); p != nil {
		t.Errorf("ValidatePolygon(decodeRings(fuzzSquareWithHole)) = %s; want no problems", formatProblems(p))
	}
}

func FuzzValidatePolygon(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0x44, 0, 2, 18, 16})    // a triangle, closed
	f.Add([]byte{1, 0x45, 0, 2, 18, 16, 0}) // a repeated position
	f.Add([]byte{1, 0x44, 0, 18, 2, 16})    // a bow-tie
	f.Add(fuzzSquareWithHole)
	f.Add([]byte{1, 0x44, 0, 0xf8, 18, 16}) // NaN
	f.Add([]byte{3, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x7f, 0xff, 0xfe})
	box := testBox(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rings := decodeRings(data)
		problems := ValidatePolygon(rings, box)
		if len(problems) > maxProblems {
			t.Fatalf("ValidatePolygon gave %d problems; want at most %d", len(problems), maxProblems)
		}
		for _, p := range problems {
			if !strings.HasPrefix(p.Path, "coordinates") || p.Reason == "" {
				t.Fatalf("ValidatePolygon gave problem %+v; want a coordinates path and a reason", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		// A polygon without problems must really be valid. Check the
		// simple rules again, and intersections by brute force, which
		// catches edges the sweep might skip.
		if len(rings) == 0 {
			t.Fatal("ValidatePolygon(no rings) = no problems; want one")
		}
		for i, r := range rings {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Fatalf("ring %d %v is too short or open, yet no problems", i, r)
			}
			for _, pos := range r {
				if !box.Contains(orb.Point(pos)) {
					t.Fatalf("ring %d position %v is outside %v, yet no problems", i, pos, box)
				}
			}
		}
		for i, r := range rings {
			for k := 0; k+1 < len(r); k++ {
				for j := i; j < len(rings); j++ {
					s := rings[j]
					for l := 0; l+1 < len(s); l++ {
						if j == i && (l <= k || adjacent(k, l, len(r)-1)) {
							continue
						}
						if segmentsIntersect(r[k], r[k+1], s[l], s[l+1]) {
							t.Fatalf("ring %d edge %d meets ring %d edge %d, yet no problems: %v", i, k, j, l, rings)
						}
					}
				}
			}
		}
	})
}

func BenchmarkValidatePolygon(b *testing.B) {
	box := testBox(b)
	nl, err := ParseBounds("nl", testMunicipalities(b))
	if err != nil {
		b.Fatal(err)
	}
	// A zigzag whose edges all span the full width: every pair overlaps in
	// longitude, the worst case for the sweep.
	zigzag := make([][2]float64, 0, 5000)
	for i := 0; i < 4998; i++ {
		zigzag = append(zigzag, [2]float64{5.0 + 0.1*float64(i%2), 52.0 + 0.00002*float64(i)})
	}
	zigzag = append(zigzag, [2]float64{4.9, 52.2}, zigzag[0])
	benches := []struct {
		name   string
		rings  [][][2]float64
		bounds Bounds
	}{
		{"square/box", [][][2]float64{square}, box},
		{"circle5000/box", [][][2]float64{circle(5.0, 52.0, 0.05, 4999)}, box},
		{"circle5000/nl", [][][2]float64{circle(5.39, 52.16, 0.02, 4999)}, nl},
		{"zigzag5000/box", [][][2]float64{zigzag}, box},
	}
	for _, bb := range benches {
		if p := ValidatePolygon(bb.rings, bb.bounds); len(p) > 0 {
			b.Fatalf("%s: ValidatePolygon = %s; want no problems", bb.name, formatProblems(p))
		}
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				ValidatePolygon(bb.rings, bb.bounds)
			}
		})
	}
}

// TestOrientMatchesExact checks the floating-point filter in orient never
// returns a sign the exact computation disagrees with, on triples that are
// collinear or within a few ulps of it, where plain floats fail.
func TestOrientMatchesExact(t *testing.T) {
	t.Parallel()
	var triples [][3][2]float64
	// Kettner et al., "Classroom examples of robustness problems in
	// geometric computations" (2008): a on a grid of ulps near (0.5, 0.5),
	// b and c far out on the diagonal. Plain floats give the wrong sign,
	// not just zero, on part of this grid.
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			a := [2]float64{0.5 + float64(i)*0x1p-53, 0.5 + float64(j)*0x1p-53}
			triples = append(triples, [3][2]float64{a, {12, 12}, {24, 24}})
		}
	}
	// Random near-collinear triples in the Netherlands, fixed seed.
	const seed = 3
	r := rand.New(rand.NewPCG(seed, seed))
	for i := 0; i < 20000; i++ {
		a := [2]float64{4 + 2*r.Float64(), 51 + 2*r.Float64()}
		b := [2]float64{4 + 2*r.Float64(), 51 + 2*r.Float64()}
		f := r.Float64()
		c := [2]float64{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
		for k := r.IntN(3); k > 0; k-- {
			axis := r.IntN(2)
			c[axis] = math.Nextafter(c[axis], math.Inf(2*r.IntN(2)-1))
		}
		triples = append(triples, [3][2]float64{a, b, c})
	}

	wrongSign, falseZero := 0, 0
	for _, tr := range triples {
		a, b, c := tr[0], tr[1], tr[2]
		got, want := orient(a, b, c), orientExact(a, b, c)
		if got != want {
			t.Fatalf("orient(%v, %v, %v) = %d; want %d (seed %d)", a, b, c, got, want, seed)
		}
		det := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
		switch {
		case sign(det) == want:
		case det == 0:
			falseZero++
		default:
			wrongSign++
		}
	}
	// If plain floats never got the sign wrong, the test did not probe
	// the cases the filter exists for.
	if wrongSign == 0 {
		t.Errorf("plain float determinant never had the wrong sign; want some hard cases")
	}
	t.Logf("plain float determinant: %d wrong signs, %d false zeros in %d triples", wrongSign, falseZero, len(triples))
}
