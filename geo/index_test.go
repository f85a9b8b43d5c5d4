package geo_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/dichtbij/dichtbij/geo"
	"github.com/paulmach/orb"
)

// Tag bits for the table tests.
const (
	idxTagA uint64 = 1 << iota
	idxTagB
)

// indexFixture builds the index the table tests share, with 100 m cells
// so that the points spread over several cells and rings. In RD metres:
//
//	y
//	400 |                         5 (B)
//	    |
//	120 |  4 (A)
//	 40 |      2 (B)
//	  0 | 3 .  1+7
//	    +----------------------------- x
//	     -50   0 30            300
//
// 1 (A) and 7 (B) share the origin; 2 (B) and 3 (A|B) are both exactly
// 50 m from it.
func indexFixture() *geo.Index {
	ix := geo.NewIndex(100)
	ix.Set(1, orb.Point{0, 0}, idxTagA)
	ix.Set(2, orb.Point{30, 40}, idxTagB)
	ix.Set(3, orb.Point{-50, 0}, idxTagA|idxTagB)
	ix.Set(4, orb.Point{0, 120}, idxTagA)
	ix.Set(5, orb.Point{300, 400}, idxTagB)
	ix.Set(7, orb.Point{0, 0}, idxTagB)
	return ix
}

// wantHits builds a []Hit from id, distance pairs.
func wantHits(pairs ...float64) []geo.Hit {
	h := make([]geo.Hit, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		h = append(h, geo.Hit{ID: uint32(pairs[i]), Dist: pairs[i+1]})
	}
	return h
}

func TestNearest(t *testing.T) {
	t.Parallel()
	origin := orb.Point{0, 0}
	odd := func(id uint32) bool { return id%2 == 1 }
	tests := []struct {
		name   string
		empty  bool             // start from an empty index instead of the fixture
		change func(*geo.Index) // applied to the index before the query
		q      geo.Query
		want   []geo.Hit
	}{
		{name: "empty index", empty: true, q: geo.Query{Center: origin, K: 5, Radius: 1000}, want: nil},
		{name: "radius 0 finds the points at the centre, by ID", q: geo.Query{Center: origin, K: 5, Radius: 0}, want: wantHits(1, 0, 7, 0)},
		{name: "radius 0 off any point", q: geo.Query{Center: orb.Point{1, 1}, K: 5, Radius: 0}, want: nil},
		{name: "ties at 50 m broken by ID", q: geo.Query{Center: origin, K: 10, Radius: 60}, want: wantHits(1, 0, 7, 0, 2, 50, 3, 50)},
		{name: "K cuts inside a tie: lower ID wins", q: geo.Query{Center: origin, K: 3, Radius: 60}, want: wantHits(1, 0, 7, 0, 2, 50)},
		{name: "K 1 at a shared location", q: geo.Query{Center: origin, K: 1, Radius: 60}, want: wantHits(1, 0)},
		{name: "radius exactly 50 m includes both at 50 m", q: geo.Query{Center: origin, K: 10, Radius: 50}, want: wantHits(1, 0, 7, 0, 2, 50, 3, 50)},
		{name: "radius just under 50 m excludes them", q: geo.Query{Center: origin, K: 10, Radius: 49.999}, want: wantHits(1, 0, 7, 0)},
		{name: "mask A", q: geo.Query{Center: origin, K: 10, Radius: 1000, Mask: idxTagA}, want: wantHits(1, 0, 3, 50, 4, 120)},
		{name: "mask B", q: geo.Query{Center: origin, K: 10, Radius: 1000, Mask: idxTagB}, want: wantHits(7, 0, 2, 50, 3, 50, 5, 500)},
		{name: "mask A|B is either", q: geo.Query{Center: origin, K: 10, Radius: 1000, Mask: idxTagA | idxTagB}, want: wantHits(1, 0, 7, 0, 2, 50, 3, 50, 4, 120, 5, 500)},
		{name: "mask with no match", q: geo.Query{Center: origin, K: 10, Radius: 1000, Mask: 1 << 40}, want: nil},
		{name: "filter keeps odd IDs", q: geo.Query{Center: origin, K: 10, Radius: 1000, Filter: odd}, want: wantHits(1, 0, 7, 0, 3, 50, 5, 500)},
		{name: "filter and mask together", q: geo.Query{Center: origin, K: 10, Radius: 1000, Mask: idxTagB, Filter: odd}, want: wantHits(7, 0, 3, 50, 5, 500)},
		{name: "filter rejecting all", q: geo.Query{Center: origin, K: 10, Radius: 1000, Filter: func(uint32) bool { return false }}, want: nil},
		{name: "K larger than matches", q: geo.Query{Center: origin, K: 100, Radius: 1000}, want: wantHits(1, 0, 7, 0, 2, 50, 3, 50, 4, 120, 5, 500)},
		{name: "infinite radius", q: geo.Query{Center: origin, K: 100, Radius: math.Inf(1)}, want: wantHits(1, 0, 7, 0, 2, 50, 3, 50, 4, 120, 5, 500)},
		{name: "centre far outside the data, infinite radius", q: geo.Query{Center: orb.Point{300, 1e6 + 400}, K: 1, Radius: math.Inf(1)}, want: wantHits(5, 1e6)},
		{name: "centre far outside the data, finite radius", q: geo.Query{Center: orb.Point{1e6, 1e6}, K: 1, Radius: 1000}, want: nil},
		{name: "K 0", q: geo.Query{Center: origin, K: 0, Radius: 1000}, want: nil},
		{name: "negative radius", q: geo.Query{Center: origin, K: 5, Radius: -1}, want: nil},
		{name: "NaN radius", q: geo.Query{Center: origin, K: 5, Radius: math.NaN()}, want: nil},
		{name: "NaN centre", q: geo.Query{Center: orb.Point{math.NaN(), 0}, K: 5, Radius: 1000}, want: nil},
		{
			name:   "after a move within the cell",
			change: func(ix *geo.Index) { ix.Set(4, orb.Point{0, 10}, idxTagA) },
			q:      geo.Query{Center: origin, K: 3, Radius: 1000, Mask: idxTagA},
			want:   wantHits(1, 0, 4, 10, 3, 50),
		},
		{
			name:   "after a move to a far cell",
			change: func(ix *geo.Index) { ix.Set(1, orb.Point{5000, 0}, idxTagA) },
			q:      geo.Query{Center: origin, K: 10, Radius: 1000, Mask: idxTagA},
			want:   wantHits(3, 50, 4, 120),
		},
		{
			name:   "after a move away and back",
			change: func(ix *geo.Index) { ix.Set(5, orb.Point{9000, 9000}, idxTagB); ix.Set(5, orb.Point{3, 4}, idxTagB) },
			q:      geo.Query{Center: origin, K: 3, Radius: 1000, Mask: idxTagB},
			want:   wantHits(7, 0, 5, 5, 2, 50),
		},
		{
			name:   "after a retag",
			change: func(ix *geo.Index) { ix.Set(5, orb.Point{300, 400}, idxTagA) },
			q:      geo.Query{Center: origin, K: 10, Radius: 1000, Mask: idxTagA},
			want:   wantHits(1, 0, 3, 50, 4, 120, 5, 500),
		},
		{
			name:   "after a delete",
			change: func(ix *geo.Index) { ix.Delete(1); ix.Delete(3) },
			q:      geo.Query{Center: origin, K: 10, Radius: 1000},
			want:   wantHits(7, 0, 2, 50, 4, 120, 5, 500),
		},
		{
			name: "after deleting everything",
			change: func(ix *geo.Index) {
				for _, id := range []uint32{1, 2, 3, 4, 5, 7} {
					ix.Delete(id)
				}
			},
			q:    geo.Query{Center: origin, K: 10, Radius: math.Inf(1)},
			want: nil,
		},
		{
			name:   "after a delete and re-insert",
			change: func(ix *geo.Index) { ix.Delete(7); ix.Set(7, orb.Point{0, 0}, idxTagB) },
			q:      geo.Query{Center: origin, K: 2, Radius: 1000},
			want:   wantHits(1, 0, 7, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := geo.NewIndex(100)
			if !tt.empty {
				ix = indexFixture()
			}
			if tt.change != nil {
				tt.change(ix)
			}
			got := ix.Nearest(tt.q, nil)
			if len(got) != 0 || len(tt.want) != 0 {
				if !slices.Equal(got, tt.want) {
					t.Errorf("Nearest(%+v) = %v; want %v", tt.q, got, tt.want)
				}
			}
		})
	}
}

func TestIndexSetGetDelete(t *testing.T) {
	t.Parallel()
	ix := indexFixture()
	if got, want := ix.Len(), 6; got != want {
		t.Fatalf("Len() = %d; want %d", got, want)
	}
	tests := []struct {
		name     string
		id       uint32
		wantP    orb.Point
		wantMask uint64
		wantOK   bool
	}{
		{"present", 2, orb.Point{30, 40}, idxTagB, true},
		{"hole between ids", 6, orb.Point{}, 0, false},
		{"beyond the largest id", 1000, orb.Point{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, mask, ok := ix.Get(tt.id)
			if p != tt.wantP || mask != tt.wantMask || ok != tt.wantOK {
				t.Errorf("Get(%d) = %v, %d, %v; want %v, %d, %v", tt.id, p, mask, ok, tt.wantP, tt.wantMask, tt.wantOK)
			}
		})
	}

	// Moving and retagging keeps the count.
	ix.Set(2, orb.Point{250, -70}, idxTagA)
	if p, mask, ok := ix.Get(2); p != (orb.Point{250, -70}) || mask != idxTagA || !ok {
		t.Errorf("after Set(2, [250 -70], A): Get(2) = %v, %d, %v; want [250 -70], %d, true", p, mask, ok, idxTagA)
	}
	if got, want := ix.Len(), 6; got != want {
		t.Errorf("after a move: Len() = %d; want %d", got, want)
	}
	if !ix.Delete(2) {
		t.Errorf("Delete(2) = false; want true")
	}
	if ix.Delete(2) {
		t.Errorf("second Delete(2) = true; want false")
	}
	if ix.Delete(99) {
		t.Errorf("Delete(99) = true; want false for an id never set")
	}
	if _, _, ok := ix.Get(2); ok {
		t.Errorf("after Delete(2): Get(2) ok = true; want false")
	}
	if got, want := ix.Len(), 5; got != want {
		t.Errorf("after a delete: Len() = %d; want %d", got, want)
	}

	// Coordinates are stored as float32.
	p := orb.Point{155000.123456789, 463000.987654321}
	ix.Set(10, p, 0)
	got, _, _ := ix.Get(10)
	want := orb.Point{float64(float32(p[0])), float64(float32(p[1]))}
	if got != want {
		t.Errorf("Get(10) = %v; want %v, the float32-rounded point", got, want)
	}
	// Half a float32 step at 2^18–2^19 m is 1/64 m per axis.
	if d := geo.DistanceRD(got, p); d > 0.023 {
		t.Errorf("float32 rounding moved %v by %.4f m; want under 0.023 m", p, d)
	}
}

func TestIndexSetPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    orb.Point
	}{
		{"NaN", orb.Point{math.NaN(), 0}},
		{"infinite", orb.Point{0, math.Inf(-1)}},
		{"beyond float32", orb.Point{1e39, 0}},
		{"beyond 2^31 cells", orb.Point{0, 3e9 * geo.DefaultCellSize}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := geo.NewIndex(geo.DefaultCellSize)
			defer func() {
				if recover() == nil {
					t.Errorf("Set(0, %v, 0) did not panic; want a panic", tt.p)
				}
				if ix.Len() != 0 {
					t.Errorf("after the panic Len() = %d; want 0", ix.Len())
				}
			}()
			ix.Set(0, tt.p, 0)
		})
	}
}

// indexModel is the brute-force reference for the property tests: a plain
// map of what the index should hold, with float32-rounded coordinates as
// the index stores them.
type indexModel map[uint32]indexModelPoint

// indexModelPoint is what the model holds for one id.
type indexModelPoint struct {
	p    orb.Point // float32-rounded, as Index.Get returns it
	mask uint64
}

// set records id at p with mask, rounding p as Index.Set does.
func (m indexModel) set(id uint32, p orb.Point, mask uint64) {
	m[id] = indexModelPoint{orb.Point{float64(float32(p[0])), float64(float32(p[1]))}, mask}
}

// modelDist is the index's documented distance, computed independently:
// from the stored float32 point, rounding each square separately.
func modelDist(p, c orb.Point) float64 {
	dx, dy := p[0]-c[0], p[1]-c[1]
	return math.Sqrt(float64(dx*dx) + float64(dy*dy))
}

// within returns every point within r of c matching mask and filter,
// sorted by distance and then ID.
func (m indexModel) within(c orb.Point, r float64, mask uint64, filter func(uint32) bool) []geo.Hit {
	var out []geo.Hit
	for id, mp := range m {
		if mask != 0 && mp.mask&mask == 0 {
			continue
		}
		if filter != nil && !filter(id) {
			continue
		}
		if d := modelDist(mp.p, c); d <= r {
			out = append(out, geo.Hit{ID: id, Dist: d})
		}
	}
	slices.SortFunc(out, func(a, b geo.Hit) int {
		return cmp.Or(cmp.Compare(a.Dist, b.Dist), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// nearest is the reference for Index.Nearest.
func (m indexModel) nearest(q geo.Query) []geo.Hit {
	if q.K <= 0 || !(q.Radius >= 0) {
		return nil
	}
	all := m.within(q.Center, q.Radius, q.Mask, q.Filter)
	return all[:min(len(all), q.K)]
}

// randomIndexData fills ix and m with n points in a 40 km square around
// Amersfoort: clusters of various spreads, a uniform background, exact
// duplicates (ties) and points on cell edges (the pruning's corner cases).
func randomIndexData(r *rand.Rand, ix *geo.Index, m indexModel, n int, cellSize float64) {
	const side = 40000.0
	x0, y0 := 155000.0-side/2, 463000.0-side/2
	nc := 1 + r.IntN(8)
	centres := make([]orb.Point, nc)
	sigmas := make([]float64, nc)
	for i := range centres {
		centres[i] = orb.Point{x0 + r.Float64()*side, y0 + r.Float64()*side}
		sigmas[i] = 50 * math.Pow(60, r.Float64()) // 50 m to 3 km
	}
	var placed []orb.Point
	// Sparse ids: some handles are never used.
	ids := r.Perm(n + n/4 + 1)
	for i := range n {
		var p orb.Point
		switch k := r.IntN(100); {
		case k < 10 && len(placed) > 0:
			p = placed[r.IntN(len(placed))] // an exact duplicate
		case k < 15:
			// On a cell corner or edge.
			p = orb.Point{
				math.Round((x0+r.Float64()*side)/cellSize) * cellSize,
				math.Round((y0+r.Float64()*side)/cellSize) * cellSize,
			}
			if r.IntN(2) == 0 {
				p[1] = y0 + r.Float64()*side
			}
		case k < 35:
			p = orb.Point{x0 + r.Float64()*side, y0 + r.Float64()*side}
		default:
			c := r.IntN(nc)
			p = orb.Point{centres[c][0] + r.NormFloat64()*sigmas[c], centres[c][1] + r.NormFloat64()*sigmas[c]}
		}
		mask := uint64(r.IntN(16)) // 4 tag bits; 0 sometimes
		id := uint32(ids[i])
		ix.Set(id, p, mask)
		m.set(id, p, mask)
		placed = append(placed, p)
	}
}

// mutateIndex applies random moves, retags, deletes and re-inserts to both ix
// and m.
func mutateIndex(r *rand.Rand, ix *geo.Index, m indexModel, ops int) {
	keys := make([]uint32, 0, len(m))
	for id := range m {
		keys = append(keys, id)
	}
	slices.Sort(keys) // map order is random; the seed must decide
	for range ops {
		if len(keys) == 0 {
			return
		}
		id := keys[r.IntN(len(keys))]
		switch r.IntN(4) {
		case 0: // small move, often the same cell
			mp, ok := m[id]
			if !ok {
				continue
			}
			p := orb.Point{mp.p[0] + r.NormFloat64()*30, mp.p[1] + r.NormFloat64()*30}
			ix.Set(id, p, mp.mask)
			m.set(id, p, mp.mask)
		case 1: // far move and retag
			p := orb.Point{135000 + r.Float64()*40000, 443000 + r.Float64()*40000}
			mask := uint64(r.IntN(16))
			ix.Set(id, p, mask)
			m.set(id, p, mask)
		case 2: // delete
			_, want := m[id]
			if got := ix.Delete(id); got != want {
				panic(fmt.Sprintf("Delete(%d) = %v; want %v", id, got, want))
			}
			delete(m, id)
		case 3: // re-insert a deleted id, or a fresh one past the end
			if r.IntN(2) == 0 {
				id = keys[len(keys)-1] + 1 + uint32(r.IntN(5))
				keys = append(keys, id)
			}
			p := orb.Point{135000 + r.Float64()*40000, 443000 + r.Float64()*40000}
			ix.Set(id, p, 1)
			m.set(id, p, 1)
		}
	}
}

// randomIndexQuery returns a query near the data: on a point, near one, or
// anywhere in or around the square, with radii from 0 to infinite. A
// fifth of the queries put a stored point exactly on the radius, often
// straight along an axis, where it sits exactly on a ring or cell edge if
// the point is on a cell line: the cases an off-by-a-hair pruning bound
// gets wrong.
func randomIndexQuery(r *rand.Rand, m indexModel, ids []uint32) geo.Query {
	var q geo.Query
	switch k := r.IntN(10); {
	case k < 2 && len(ids) > 0:
		q.Center = m[ids[r.IntN(len(ids))]].p // exactly on a stored point
	case k < 6 && len(ids) > 0:
		p := m[ids[r.IntN(len(ids))]].p
		q.Center = orb.Point{p[0] + r.NormFloat64()*500, p[1] + r.NormFloat64()*500}
	default:
		q.Center = orb.Point{125000 + r.Float64()*60000, 433000 + r.Float64()*60000}
	}
	switch k := r.IntN(10); {
	case k == 0:
		q.Radius = 0
	case k == 1:
		q.Radius = math.Inf(1)
	case k <= 3 && len(ids) > 0:
		p := m[ids[r.IntN(len(ids))]].p
		if r.IntN(2) == 0 {
			// Straight along an axis, a whole number of metres away.
			d := float64(1 + r.IntN(3000))
			q.Center = [...]orb.Point{{p[0] + d, p[1]}, {p[0] - d, p[1]}, {p[0], p[1] + d}, {p[0], p[1] - d}}[r.IntN(4)]
		}
		q.Radius = modelDist(p, q.Center)
	default:
		q.Radius = math.Pow(10, r.Float64()*4.5) // 1 m to 30 km
	}
	q.K = []int{1, 2, 5, 20, 100, 100000}[r.IntN(6)]
	if r.IntN(3) > 0 {
		q.Mask = uint64(1 + r.IntN(15))
	}
	if r.IntN(3) == 0 {
		salt := uint32(r.IntN(7))
		q.Filter = func(id uint32) bool { return (id+salt)%3 != 0 }
	}
	return q
}

// TestIndexMatchesBruteForce compares Nearest and Within with the
// brute-force model on random clustered data sets, before and after
// random mutations: identical hits, distances and tie order.
func TestIndexMatchesBruteForce(t *testing.T) {
	t.Parallel()
	const baseSeed = 20250101
	cellSizes := []float64{37, 100, 250, 1000, 5000, 0}
	for ds := range 20 {
		seed := uint64(baseSeed + ds)
		r := rand.New(rand.NewPCG(seed, 1))
		cellSize := cellSizes[r.IntN(len(cellSizes))]
		n := []int{0, 1, 2, 10, 300, 3000}[r.IntN(6)]
		if ds >= 6 {
			n = 300 + r.IntN(3000)
		}
		t.Run(fmt.Sprintf("seed=%d/n=%d/cell=%g", seed, n, cellSize), func(t *testing.T) {
			ix := geo.NewIndex(cellSize)
			m := indexModel{}
			randomIndexData(r, ix, m, n, max(cellSize, 1))
			for round := range 2 {
				if round == 1 {
					mutateIndex(r, ix, m, n/3+5)
				}
				checkAgainstModel(t, r, ix, m, 150)
				if t.Failed() {
					t.Fatalf("seed %d round %d: stopping after the first failures", seed, round)
				}
			}
		})
	}
}

// checkAgainstModel runs random queries on ix and m and reports any
// difference, and checks Len and Get.
func checkAgainstModel(t *testing.T, r *rand.Rand, ix *geo.Index, m indexModel, queries int) {
	t.Helper()
	if ix.Len() != len(m) {
		t.Errorf("Len() = %d; want %d", ix.Len(), len(m))
	}
	ids := make([]uint32, 0, len(m))
	for id, mp := range m {
		ids = append(ids, id)
		if p, mask, ok := ix.Get(id); !ok || p != mp.p || mask != mp.mask {
			t.Errorf("Get(%d) = %v, %d, %v; want %v, %d, true", id, p, mask, ok, mp.p, mp.mask)
		}
	}
	slices.Sort(ids)
	var dst []geo.Hit
	for range queries {
		q := randomIndexQuery(r, m, ids)
		dst = ix.Nearest(q, dst)
		if want := m.nearest(q); !slices.Equal(dst, want) && (len(dst) != 0 || len(want) != 0) {
			t.Errorf("Nearest(center %v, K %d, radius %g, mask %b, filter %v) =\n%v\nwant\n%v",
				q.Center, q.K, q.Radius, q.Mask, q.Filter != nil, dst, want)
		}

		var got []geo.Hit
		ix.Within(q.Center, q.Radius, q.Mask, func(id uint32, d float64) bool {
			got = append(got, geo.Hit{ID: id, Dist: d})
			return true
		})
		slices.SortFunc(got, func(a, b geo.Hit) int {
			return cmp.Or(cmp.Compare(a.Dist, b.Dist), cmp.Compare(a.ID, b.ID))
		})
		want := m.within(q.Center, q.Radius, q.Mask, nil)
		if !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Errorf("Within(%v, %g, %b) found %d points; want %d\ngot  %v\nwant %v", q.Center, q.Radius, q.Mask, len(got), len(want), got, want)
		}

		// Within stops as soon as fn says so.
		if len(want) > 1 {
			stop := 1 + r.IntN(len(want)-1)
			calls := 0
			ix.Within(q.Center, q.Radius, q.Mask, func(uint32, float64) bool {
				calls++
				return calls < stop
			})
			if calls != stop {
				t.Errorf("Within(%v, %g, %b) with fn returning false on call %d: %d calls; want %d", q.Center, q.Radius, q.Mask, stop, calls, stop)
			}
		}
	}
}

// TestNearestNoAllocs holds Nearest to its promise: once dst has grown,
// a search allocates nothing, with or without a Filter; nor does Within.
func TestNearestNoAllocs(t *testing.T) {
	// Not parallel: AllocsPerRun counts every goroutine's allocations,
	// and refuses to run beside parallel tests.
	r := rand.New(rand.NewPCG(3, 3))
	ix := geo.NewIndex(geo.DefaultCellSize)
	randomIndexData(r, ix, indexModel{}, 20000, geo.DefaultCellSize)
	keep := func(id uint32) bool { return id%2 == 0 }
	q := geo.Query{Center: orb.Point{155000, 463000}, K: 20, Radius: 15000, Mask: 2, Filter: keep}
	dst := ix.Nearest(q, nil)
	if len(dst) == 0 {
		t.Fatalf("Nearest(%+v) found nothing; want hits for the test to mean anything", q)
	}
	if n := testing.AllocsPerRun(100, func() { dst = ix.Nearest(q, dst) }); n != 0 {
		t.Errorf("Nearest allocated %.1f times per call; want 0", n)
	}
	count := 0
	if n := testing.AllocsPerRun(100, func() {
		ix.Within(q.Center, 2000, 0, func(uint32, float64) bool { count++; return true })
	}); n != 0 {
		t.Errorf("Within allocated %.1f times per call; want 0", n)
	}
}

// TestIndexConcurrentReaders runs searches from several goroutines at
// once; under -race it proves readers do not write shared state.
func TestIndexConcurrentReaders(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 5))
	ix := geo.NewIndex(geo.DefaultCellSize)
	m := indexModel{}
	randomIndexData(r, ix, m, 5000, geo.DefaultCellSize)
	ids := make([]uint32, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	queries := make([]geo.Query, 200)
	wants := make([][]geo.Hit, len(queries))
	for i := range queries {
		queries[i] = randomIndexQuery(r, m, ids)
		wants[i] = ix.Nearest(queries[i], nil)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			var dst []geo.Hit
			for i := range queries {
				j := (i + g*50) % len(queries)
				dst = ix.Nearest(queries[j], dst)
				if !slices.Equal(dst, wants[j]) && (len(dst) != 0 || len(wants[j]) != 0) {
					t.Errorf("goroutine %d: Nearest(query %d) = %v; want %v", g, j, dst, wants[j])
					return
				}
			}
		})
	}
	wg.Wait()
}

func ExampleIndex() {
	// Tag bits, one per help type.
	const (
		groceries uint64 = 1 << iota
		transport
		visits
	)
	volunteers := []struct {
		name string
		home orb.Point // WGS84 [lon, lat]
		tags uint64
	}{
		{"Anna, near the Domtoren", orb.Point{5.1214, 52.0907}, groceries | visits},
		{"Bram, at Utrecht Centraal", orb.Point{5.1107, 52.0894}, transport},
		{"Chris, by the Wilhelminapark", orb.Point{5.1361, 52.0852}, groceries},
		{"Dewi, in Amersfoort", orb.Point{5.3872, 52.1552}, groceries},
	}
	ix := geo.NewIndex(geo.DefaultCellSize)
	for id, v := range volunteers {
		ix.Set(uint32(id), geo.ToRD(v.home), v.tags)
	}

	// Who can do groceries within 5 km of the Neude?
	q := geo.Query{Center: geo.ToRD(orb.Point{5.1180, 52.0930}), K: 10, Radius: 5000, Mask: groceries}
	for _, h := range ix.Nearest(q, nil) {
		fmt.Printf("%s: %.0f m\n", volunteers[h.ID].name, h.Dist)
	}
	// Output:
	// Anna, near the Domtoren: 346 m
	// Chris, by the Wilhelminapark: 1514 m
}

func ExampleToRD() {
	amersfoort := orb.Point{5.38720621, 52.15517440} // Onze Lieve Vrouwetoren
	rd := geo.ToRD(amersfoort)
	fmt.Printf("RD %.0f, %.0f\n", rd[0], rd[1])
	back := geo.FromRD(orb.Point{120700.723, 487525.501}) // Westertoren
	fmt.Printf("WGS84 %.5f, %.5f\n", back[1], back[0])
	// Output:
	// RD 155000, 463000
	// WGS84 52.37453, 4.88353
}
