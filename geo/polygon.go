package geo

import (
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Limits on user-supplied polygons. They bound the work ValidatePolygon does
// for one request and the size of the answer.
const (
	// maxPolygonPositions caps the positions of all rings together.
	maxPolygonPositions = 5000
	// maxProblems caps the problems ValidatePolygon reports; the last one
	// then says that more were left out.
	maxProblems = 20
)

// Problem is one reason a polygon is invalid.
type Problem struct {
	// Path points into the GeoJSON coordinates of the polygon:
	// "coordinates" for the whole polygon, "coordinates[1]" for ring 1,
	// "coordinates[1][3]" for position 3 of ring 1.
	Path string `json:"path"`
	// Reason is a short English sentence, e.g.
	// "ring is not closed: first and last position differ".
	Reason string `json:"reason"`
}

// ValidatePolygon checks the coordinates of a GeoJSON Polygon drawn by a
// user as a service area: rings[0] is the outer ring, the others are holes,
// positions are [lon, lat] in WGS84 degrees. It returns nil when the polygon
// is valid, otherwise at most 20 problems in a stable order; when more were
// found, the 20th says so.
//
// The rules: at least one ring and at most 5,000 positions in total; every
// ring has at least 4 positions, is closed (first position equals last),
// has no repeated consecutive positions, does not double back on itself,
// has a non-zero area and does not cross or touch itself; rings do not
// cross or touch each other; holes lie inside the outer ring and not inside
// another hole; every position is finite and inside bounds. Edge k of a
// ring runs from position k to position k+1. Winding order is not checked:
// RFC 7946 asks parsers not to reject polygons for it.
//
// Geometry (intersections, holes) is only checked once every ring is
// well-formed, so a broken ring gives one clear problem, not a cascade;
// positions outside bounds do not hold the geometry checks back. The
// intersection test is exact, so a vertex placed exactly on another edge
// counts as touching it. Cost: one bounds.Contains per position plus a
// sweep over the edges, O(n log n) for ordinary shapes and O(n²) at worst,
// which the position cap keeps to milliseconds. ValidatePolygon is safe
// for concurrent use.
func ValidatePolygon(rings [][][2]float64, bounds Bounds) []Problem {
	v := &validator{}
	if len(rings) == 0 {
		v.add("coordinates", "polygon has no rings; want an outer ring")
		return v.result()
	}
	total := 0
	for _, r := range rings {
		total += len(r)
	}
	if total > maxPolygonPositions {
		// Stop here so that an oversized polygon costs no more than counting.
		v.add("coordinates", fmt.Sprintf("polygon has %d positions; the maximum is %d", total, maxPolygonPositions))
		return v.result()
	}

	wellFormed := true
	for i, r := range rings {
		if !v.checkRing(i, r, bounds) {
			wellFormed = false
		}
		if v.full() {
			return v.result()
		}
	}
	if !wellFormed {
		return v.result()
	}
	crossed := v.checkIntersections(rings)
	if v.full() {
		return v.result()
	}
	v.checkHoles(rings, crossed)
	return v.result()
}

// PolygonFromRings converts GeoJSON Polygon coordinates to an orb.Polygon
// without checking them; run ValidatePolygon first. Nil gives an empty
// polygon.
func PolygonFromRings(rings [][][2]float64) orb.Polygon {
	p := make(orb.Polygon, len(rings))
	for i, r := range rings {
		ring := make(orb.Ring, len(r))
		for j, pos := range r {
			ring[j] = orb.Point(pos)
		}
		p[i] = ring
	}
	return p
}

// validator collects problems up to maxProblems.
type validator struct {
	problems []Problem
	// truncated is set once a problem was dropped because problems was
	// full; callers stop looking then.
	truncated bool
}

// add records a problem, or notes that it was dropped.
func (v *validator) add(path, reason string) {
	if len(v.problems) < maxProblems {
		v.problems = append(v.problems, Problem{Path: path, Reason: reason})
		return
	}
	v.truncated = true
}

// full reports whether a problem was dropped, so there is no point in
// looking further.
func (v *validator) full() bool {
	return v.truncated
}

// result returns the problems, the last replaced by a note when some were
// dropped, so the caller knows the list is incomplete.
func (v *validator) result() []Problem {
	if v.truncated {
		v.problems[maxProblems-1] = Problem{
			Path:   "coordinates",
			Reason: fmt.Sprintf("too many problems; only the first %d are reported", maxProblems-1),
		}
	}
	return v.problems
}

// checkRing checks ring i on its own: positions, size, closure, repeats,
// spikes and area. It reports whether the ring is well-formed enough for
// the geometric checks; positions outside bounds do not prevent those.
func (v *validator) checkRing(i int, r [][2]float64, bounds Bounds) bool {
	ringPath := fmt.Sprintf("coordinates[%d]", i)
	ok := true
	for j, pos := range r {
		if !finite(pos[0]) || !finite(pos[1]) {
			v.add(fmt.Sprintf("%s[%d]", ringPath, j), "position is not a finite number")
			ok = false
		} else if !bounds.Contains(orb.Point(pos)) {
			v.add(fmt.Sprintf("%s[%d]", ringPath, j), fmt.Sprintf("position is outside the service bounds (%s)", bounds))
		}
		if v.full() {
			return false
		}
	}
	if len(r) < 4 {
		v.add(ringPath, fmt.Sprintf("ring has %d positions; want at least 4", len(r)))
		return false
	}
	if !ok {
		// NaN never equals itself, so the checks below would only add
		// confusing problems.
		return false
	}
	if r[0] != r[len(r)-1] {
		v.add(ringPath, "ring is not closed: first and last position differ")
		return false
	}
	for j := 1; j < len(r); j++ {
		if r[j] == r[j-1] {
			v.add(fmt.Sprintf("%s[%d]", ringPath, j), fmt.Sprintf("position repeats position %d, making a zero-length edge", j-1))
			ok = false
		}
	}
	if !ok {
		return false
	}
	// A ring on one line encloses nothing; say so once rather than list
	// every place where it turns back below. r[1] differs from r[0], as
	// repeats were ruled out above.
	if collinear(r) {
		v.add(ringPath, "ring has zero area: all positions lie on one line")
		return false
	}
	// Adjacent edges share a position, so the intersection test skips
	// them; they are only wrong when they overlap, i.e. the ring turns
	// back on itself. Position j sits between edges j-1 and j; position 0
	// between the last edge and edge 0.
	n := len(r) - 1 // distinct positions
	for j := 0; j < n; j++ {
		prev := r[(j+n-1)%n]
		if spike(prev, r[j], r[j+1]) {
			v.add(fmt.Sprintf("%s[%d]", ringPath, j), "ring turns back on itself at this position")
			ok = false
		}
	}
	return ok
}

// edge is one segment of a ring, with its bounding box for the sweep.
type edge struct {
	ring, index            int
	a, b                   [2]float64
	minX, maxX, minY, maxY float64
}

// checkIntersections reports rings that cross or touch themselves or each
// other, and returns which rings (by index) met another ring, so the hole
// checks can skip them. It sorts all edges by their west end and compares
// only edges whose longitude ranges overlap: O(n log n + k) for k
// overlapping pairs, O(n²) at worst, which maxPolygonPositions bounds.
func (v *validator) checkIntersections(rings [][][2]float64) map[int]bool {
	n := 0
	for _, r := range rings {
		n += max(len(r)-1, 0)
	}
	edges := make([]edge, 0, n)
	for i, r := range rings {
		for k := 0; k+1 < len(r); k++ {
			a, b := r[k], r[k+1]
			edges = append(edges, edge{
				ring: i, index: k, a: a, b: b,
				minX: min(a[0], b[0]), maxX: max(a[0], b[0]),
				minY: min(a[1], b[1]), maxY: max(a[1], b[1]),
			})
		}
	}
	sort.Slice(edges, func(x, y int) bool {
		if edges[x].minX != edges[y].minX {
			return edges[x].minX < edges[y].minX
		}
		// Tie-break on position so the order of problems is stable.
		if edges[x].ring != edges[y].ring {
			return edges[x].ring < edges[y].ring
		}
		return edges[x].index < edges[y].index
	})

	// Collect one hit more than there is room for, so add can tell that
	// problems were dropped, and stop sweeping then: a zigzag can have
	// millions of crossings.
	room := maxProblems - len(v.problems) + 1
	type pair struct{ e, f edge }
	var hits []pair
sweep:
	for x := range edges {
		e := &edges[x]
		for y := x + 1; y < len(edges) && edges[y].minX <= e.maxX; y++ {
			f := &edges[y]
			if f.maxY < e.minY || f.minY > e.maxY {
				continue
			}
			if e.ring == f.ring && adjacent(e.index, f.index, len(rings[e.ring])-1) {
				continue
			}
			if segmentsIntersect(e.a, e.b, f.a, f.b) {
				p, q := *e, *f
				if q.ring < p.ring || (q.ring == p.ring && q.index < p.index) {
					p, q = q, p
				}
				hits = append(hits, pair{p, q})
				if len(hits) >= room {
					break sweep
				}
			}
		}
	}
	// Report in ring and edge order, not sweep order, so the problems read
	// like the input.
	sort.Slice(hits, func(x, y int) bool {
		a, b := hits[x], hits[y]
		if a.e.ring != b.e.ring {
			return a.e.ring < b.e.ring
		}
		if a.f.ring != b.f.ring {
			return a.f.ring < b.f.ring
		}
		if a.e.index != b.e.index {
			return a.e.index < b.e.index
		}
		return a.f.index < b.f.index
	})
	crossed := map[int]bool{}
	for _, h := range hits {
		if h.e.ring == h.f.ring {
			v.add(fmt.Sprintf("coordinates[%d]", h.e.ring),
				fmt.Sprintf("ring intersects itself between edges %d and %d", h.e.index, h.f.index))
		} else {
			crossed[h.e.ring] = true
			crossed[h.f.ring] = true
			v.add(fmt.Sprintf("coordinates[%d]", h.f.ring),
				fmt.Sprintf("ring intersects ring %d: its edge %d meets edge %d of ring %d", h.e.ring, h.f.index, h.e.index, h.e.ring))
		}
		if v.full() {
			break
		}
	}
	return crossed
}

// checkHoles reports holes outside the outer ring or inside another hole.
// Rings in crossed already have a problem and are skipped. Because the
// remaining rings neither cross nor touch, one position of a hole tells
// where the whole hole lies.
func (v *validator) checkHoles(rings [][][2]float64, crossed map[int]bool) {
	poly := PolygonFromRings(rings)
	for i := 1; i < len(poly); i++ {
		if crossed[i] {
			continue
		}
		p := poly[i][0]
		if !planar.RingContains(poly[0], p) {
			v.add(fmt.Sprintf("coordinates[%d]", i), "hole is not inside the outer ring")
		} else {
			for k := 1; k < len(poly); k++ {
				if k != i && !crossed[k] && planar.RingContains(poly[k], p) {
					v.add(fmt.Sprintf("coordinates[%d]", i), fmt.Sprintf("hole lies inside hole %d", k))
					break
				}
			}
		}
		if v.full() {
			return
		}
	}
}

// adjacent reports whether edges k and l of a closed ring with n edges
// share a position: consecutive, or the last and the first.
func adjacent(k, l, n int) bool {
	if k > l {
		k, l = l, k
	}
	return l == k+1 || (k == 0 && l == n-1)
}

// ccwErrBound bounds the rounding error of the floating-point determinant
// in orient relative to the sum of its terms' magnitudes: (3 + 16ε)ε with
// ε = 2⁻⁵³ (Shewchuk, "Adaptive Precision Floating-Point Arithmetic and
// Fast Robust Geometric Predicates", 1997).
const ccwErrBound = (3 + 16*0x1p-53) * 0x1p-53

// orient returns 1 when c lies left of the line a→b (a counter-clockwise
// turn), -1 when right, 0 when the three are collinear. The answer is
// exact: when the floating-point determinant is too close to zero to trust
// its sign, orient recomputes it with rationals. A vertex that lies exactly
// on another edge thus counts as touching, and one a hair off does not.
func orient(a, b, c [2]float64) int {
	if (b[0] == a[0] || c[1] == a[1]) && (b[1] == a[1] || c[0] == a[0]) {
		return 0 // both products have an exactly zero factor
	}
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	det := l - r
	bound := ccwErrBound * (math.Abs(l) + math.Abs(r))
	switch {
	case det > bound:
		return 1
	case -det > bound:
		return -1
	}
	// Near zero, or overflowed to Inf or NaN: rare, so slow is fine.
	return orientExact(a, b, c)
}

// orientExact is orient in exact rational arithmetic. Every finite float64
// is a rational, so this is the true sign; non-finite input gives 0.
func orientExact(a, b, c [2]float64) int {
	rat := func(x float64) *big.Rat { return new(big.Rat).SetFloat64(x) }
	for _, p := range [][2]float64{a, b, c} {
		if !finite(p[0]) || !finite(p[1]) {
			return 0
		}
	}
	bx := new(big.Rat).Sub(rat(b[0]), rat(a[0]))
	by := new(big.Rat).Sub(rat(b[1]), rat(a[1]))
	cx := new(big.Rat).Sub(rat(c[0]), rat(a[0]))
	cy := new(big.Rat).Sub(rat(c[1]), rat(a[1]))
	l := new(big.Rat).Mul(bx, cy)
	r := new(big.Rat).Mul(by, cx)
	return l.Cmp(r)
}

// sign returns -1, 0 or 1 for the sign of x; it is exact for the
// difference of two floats, which rounds to zero only when they are equal.
func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	default:
		return 0
	}
}

// within reports whether c, known to be collinear with a and b, lies on
// the closed segment a–b.
func within(a, b, c [2]float64) bool {
	return min(a[0], b[0]) <= c[0] && c[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= c[1] && c[1] <= max(a[1], b[1])
}

// segmentsIntersect reports whether the closed segments p1–p2 and q1–q2
// share at least one point: a proper crossing, an endpoint touching the
// other segment, or a collinear overlap.
func segmentsIntersect(p1, p2, q1, q2 [2]float64) bool {
	d1 := orient(q1, q2, p1)
	d2 := orient(q1, q2, p2)
	d3 := orient(p1, p2, q1)
	d4 := orient(p1, p2, q2)
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return (d1 == 0 && within(q1, q2, p1)) ||
		(d2 == 0 && within(q1, q2, p2)) ||
		(d3 == 0 && within(p1, p2, q1)) ||
		(d4 == 0 && within(p1, p2, q2))
}

// spike reports whether the path a→b→c turns straight back at b, so that
// edges a–b and b–c overlap. a and c must differ from b.
func spike(a, b, c [2]float64) bool {
	if orient(a, b, c) != 0 {
		return false
	}
	// Collinear: they overlap when a and c lie on the same side of b,
	// which shows in whichever axis the line is not perpendicular to.
	return sign(a[0]-b[0])*sign(c[0]-b[0]) > 0 || sign(a[1]-b[1])*sign(c[1]-b[1]) > 0
}

// collinear reports whether all positions of r lie on the line through
// r[0] and r[1], which must differ.
func collinear(r [][2]float64) bool {
	for _, p := range r[2:] {
		if orient(r[0], r[1], p) != 0 {
			return false
		}
	}
	return true
}
