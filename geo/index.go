package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// DefaultCellSize is the grid cell size in metres that NewIndex uses for
// a cellSize <= 0. Smaller cells scan fewer points in dense cities but
// look up many more empty cells for rural queries with a wide radius;
// larger cells do the opposite. BenchmarkNearestCellSize measured the
// p99 per query, in µs, on the benchmark data (see Index):
//
//	cell     10k   100k   1M
//	250 m    221   167    93
//	500 m     50    59    37
//	1 km      20    33    23
//	1.5 km    20    28    23
//	2 km      14    21    24
//	3 km      11    16    34
//	4 km       7    11    48
//
// 2 km has the lowest worst case over the three sizes, and keeps p99 at
// 1M within 3× of p99 at 10k (1.7× in this run, 1.3–2.9× in others).
const DefaultCellSize = 2000.0

// Hit is one result of a search: an indexed id and its distance in metres.
type Hit struct {
	// ID is the caller's handle, as given to Index.Set.
	ID uint32
	// Dist is the straight-line distance in metres from the query centre
	// to the indexed point, as stored (see Index).
	Dist float64
}

// Query asks for up to K points within Radius metres of Center (RD
// metres) whose tag mask shares a bit with Mask (Mask 0 means any), and
// for which Filter (optional) returns true. Results are in ascending
// distance, ties broken by ascending ID.
type Query struct {
	// Center is the query point in RD metres (see ToRD).
	Center orb.Point
	// K is the most hits to return; K <= 0 returns none.
	K int
	// Radius in metres; a point exactly Radius away counts as within. A
	// negative or NaN Radius matches nothing; +Inf means no limit.
	Radius float64
	// Mask selects points whose mask shares at least one bit with it; 0
	// selects every point.
	Mask uint64
	// Filter, when not nil, is asked about each point that passes the
	// distance and mask tests and would enter the current best K, at most
	// once per point and query. It must not modify the index. Keeping the
	// expensive checks (capacity, availability) here means they run for a
	// few dozen candidates, not for everything in range.
	Filter func(id uint32) bool
}

// Index is an in-memory spatial index of points in a metric plane, RD
// metres in practice, each with a caller-assigned id and a 64-bit tag
// mask (help types, say). It answers "the K nearest within R with a
// matching tag" (Nearest) and "everything within R" (Within).
//
// Ids are small dense handles (0, 1, 2, …) assigned by the caller: the
// index keeps a table indexed by id, so memory grows with the largest id
// ever set, 8 bytes per id.
//
// Coordinates are stored as float32, which rounds them by at most about
// 0.03 m at 600 km (the largest RD y); Get and every Hit.Dist use the
// stored values, so results are exactly reproducible from Get.
//
// Index is not safe for concurrent writes. It is safe for concurrent
// readers (Nearest, Within, Get, Len) when no writer runs; guard it with a
// sync.RWMutex or swap whole indexes.
//
// # Why this structure
//
// A uniform grid of square cells, found through a map keyed by cell
// coordinates and searched in square rings from the query's cell outwards.
// The search stops at the first ring whose nearest possible point is
// further than the radius, or than the K-th hit once K are held, and it
// skips cells whose box is out of reach or whose tag union misses the
// mask. A query's cost is thus bounded by its radius and the density
// around it: a rural query with few matches looks at the cells within its
// radius and stops, instead of walking the country. A point takes 20
// bytes in its cell, its mask in one slice (scanned first) and its id
// and float32 x and y in a parallel one, and a dense id → (cell, slot)
// table makes Set and Delete O(1), by moving the cell's last point into
// the hole.
//
// Measured with index_bench_test.go on this project's 2-vCPU machine, one
// core: options clustered like the Dutch population (70 % around the 40
// largest municipalities, 30 % uniform over the land, 1–3 of 20 help
// types each), 2000 queries for the 20 nearest within 1–15 km sharing one
// help type; p50 / p99 per query in µs:
//
//	options  grid (2 km cells)  brute-force scan  orb quadtree KNearestMatching
//	10k      2.8 / 8.8          10 / 19           174 / 241
//	100k     3.2 / 12           125 / 255         36 / 8,855
//	1M       8.8 / 25           1,293 / 1,588     64 / 120,601
//
// The grid allocates nothing per query (the quadtree 4 times), builds 1M
// points in 0.18 s (the quadtree in 0.52 s) and holds them in 37 bytes of
// heap per point (the quadtree 80). The quadtree's tail comes from its
// search not pruning by its maxDistance, so a query with few matches
// visits the whole tree. An in-process R-tree (85 / 168 µs at 1M on
// similar data, measured when the index was chosen) was not measured
// again; the grid's tail is shorter still and it needs no dependency. The
// machine is shared, so repeated runs vary by about ±30 %.
type Index struct {
	// cellSize is the side of a grid cell in metres, > 0.
	cellSize float64
	// cells holds every cell that ever held a point. Cells are never
	// removed, so indexes into it are stable; their number is bounded by
	// the area covered (the Netherlands is about 11,000 cells of 2 km).
	cells []gridCell
	// byKey maps cellKey(cx, cy) to an index in cells.
	byKey map[uint64]int32
	// locs maps an id to where its entry is; locs[id].cell == 0 means the
	// id is not in the index.
	locs []gridLoc
	// n is the number of ids in the index.
	n int
	// minCX…maxCY is the range of cell coordinates of all cells; a query
	// never looks outside it. Valid only when cells is not empty.
	minCX, minCY, maxCX, maxCY int64
}

// gridCell is one square of the grid with its points in no particular
// order. A point is stored in two parallel slices, so that a search reads
// 8 bytes of mask per point and the other 12 only for points that match.
// Measured against one 24-byte struct per point, that was as fast and
// 12 % smaller.
type gridCell struct {
	// masks[i] is the tag mask of the point pts[i].
	masks []uint64
	// pts are the points; for each, the stored x lies in
	// [cx·cellSize, (cx+1)·cellSize), and likewise y.
	pts []gridPoint
	// mask is a superset of the OR of masks (deletes do not clear bits),
	// so a query whose mask misses it can skip the cell.
	mask uint64
	// cx, cy are the cell's grid coordinates.
	cx, cy int32
}

// gridPoint is one indexed point without its mask, 12 bytes.
type gridPoint struct {
	id   uint32
	x, y float32
}

// gridLoc says where an id's point is.
type gridLoc struct {
	// cell is 1 + the index in Index.cells, so that the zero gridLoc
	// means "absent".
	cell int32
	// slot is the index in that cell's masks and pts.
	slot int32
}

// NewIndex returns an empty index with square cells of cellSize metres,
// or of DefaultCellSize (2 km, see there for why) when cellSize <= 0 or is
// not finite. The cell size affects speed and memory, never results (as
// long as points stay within 2^31 cells of the origin; see Set).
func NewIndex(cellSize float64) *Index {
	if !(cellSize > 0) || math.IsInf(cellSize, 0) {
		cellSize = DefaultCellSize
	}
	return &Index{cellSize: cellSize, byKey: make(map[uint64]int32)}
}

// Len returns the number of points in the index.
func (ix *Index) Len() int {
	return ix.n
}

// Get returns the point (as stored, in float32 precision) and mask of id.
// The boolean is false when id is not in the index.
func (ix *Index) Get(id uint32) (orb.Point, uint64, bool) {
	if int64(id) >= int64(len(ix.locs)) {
		return orb.Point{}, 0, false
	}
	l := ix.locs[id]
	if l.cell == 0 {
		return orb.Point{}, 0, false
	}
	c := &ix.cells[l.cell-1]
	e := c.pts[l.slot]
	return orb.Point{float64(e.x), float64(e.y)}, c.masks[l.slot], true
}

// Set inserts id at p (RD metres) with tag mask, or moves and retags id if
// it is already in the index. It panics if a coordinate of p is NaN or
// infinite, or so large that its cell number overflows an int32 (beyond
// 2^31 cells, 2.1e12 m with the default cell size), since such a point
// could never be found: validate input before it gets here.
func (ix *Index) Set(id uint32, p orb.Point, mask uint64) {
	x, y := float32(p[0]), float32(p[1])
	cx, okx := ix.cellOf(x)
	cy, oky := ix.cellOf(y)
	if !okx || !oky {
		panic(fmt.Sprintf("geo: Index.Set(%d, %v): coordinates must be finite and within 2^31 cells of the origin", id, p))
	}
	if int64(id) < int64(len(ix.locs)) {
		if l := ix.locs[id]; l.cell != 0 {
			c := &ix.cells[l.cell-1]
			if c.cx == cx && c.cy == cy {
				// Same cell: update in place, the common case for a
				// retag or a small move.
				c.pts[l.slot] = gridPoint{id: id, x: x, y: y}
				c.masks[l.slot] = mask
				c.mask |= mask
				return
			}
			ix.remove(id, l)
			ix.n--
		}
	} else {
		ix.growLocs(id)
	}
	ci := ix.cellIndex(cx, cy)
	c := &ix.cells[ci]
	c.pts = append(c.pts, gridPoint{id: id, x: x, y: y})
	c.masks = append(c.masks, mask)
	c.mask |= mask
	ix.locs[id] = gridLoc{cell: ci + 1, slot: int32(len(c.pts) - 1)}
	ix.n++
}

// Delete removes id from the index and reports whether it was there.
func (ix *Index) Delete(id uint32) bool {
	if int64(id) >= int64(len(ix.locs)) {
		return false
	}
	l := ix.locs[id]
	if l.cell == 0 {
		return false
	}
	ix.remove(id, l)
	ix.n--
	return true
}

// remove takes id, found at l, out of its cell by moving the cell's last
// entry into its slot, so removal is O(1) and cells stay dense.
func (ix *Index) remove(id uint32, l gridLoc) {
	c := &ix.cells[l.cell-1]
	last := int32(len(c.pts) - 1)
	if l.slot != last {
		moved := c.pts[last]
		c.pts[l.slot] = moved
		c.masks[l.slot] = c.masks[last]
		ix.locs[moved.id].slot = l.slot
	}
	c.pts = c.pts[:last]
	c.masks = c.masks[:last]
	if last == 0 {
		c.mask = 0
	}
	ix.locs[id] = gridLoc{}
}

// growLocs makes locs long enough to hold id.
func (ix *Index) growLocs(id uint32) {
	n := int(id) + 1
	if n <= cap(ix.locs) {
		old := len(ix.locs)
		ix.locs = ix.locs[:n]
		clear(ix.locs[old:])
		return
	}
	// Grow by at least a quarter so that ascending ids cost amortised
	// O(1), as append would.
	grown := make([]gridLoc, n, max(n, cap(ix.locs)+cap(ix.locs)/4+16))
	copy(grown, ix.locs)
	ix.locs = grown
}

// cellOf returns the grid coordinate of the cell holding coordinate v,
// and false if v is not finite or the cell number does not fit in an
// int32. It makes sure that cellLo(c) <= v < cellLo(c+1) holds exactly in
// floating point, despite the rounding of the division, because the
// search prunes with cellLo and must never prune a cell that holds a
// point in range.
func (ix *Index) cellOf(v float32) (int32, bool) {
	x := float64(v)
	f := math.Floor(x / ix.cellSize)
	// The margin of one keeps c±1 below in range; NaN fails both tests.
	if !(f > math.MinInt32+1 && f < math.MaxInt32-1) {
		return 0, false
	}
	c := int64(f)
	if ix.cellLo(c) > x {
		c--
	} else if ix.cellLo(c+1) <= x {
		c++
	}
	return int32(c), true
}

// cellLo returns the lower edge of cell coordinate c in metres.
func (ix *Index) cellLo(c int64) float64 {
	return float64(c) * ix.cellSize
}

// cellKey packs grid coordinates into a map key. The packing is exact
// for int32 coordinates: stored cells are int32 (see cellOf), and
// visitCells only asks for cells inside their extent.
func cellKey(cx, cy int64) uint64 {
	return uint64(uint32(cx))<<32 | uint64(uint32(cy))
}

// cellIndex returns the index in ix.cells of the cell at (cx, cy),
// creating it if needed.
func (ix *Index) cellIndex(cx, cy int32) int32 {
	k := cellKey(int64(cx), int64(cy))
	if i, ok := ix.byKey[k]; ok {
		return i
	}
	x, y := int64(cx), int64(cy)
	if len(ix.cells) == 0 {
		ix.minCX, ix.maxCX, ix.minCY, ix.maxCY = x, x, y, y
	} else {
		ix.minCX, ix.maxCX = min(ix.minCX, x), max(ix.maxCX, x)
		ix.minCY, ix.maxCY = min(ix.minCY, y), max(ix.maxCY, y)
	}
	i := int32(len(ix.cells))
	ix.cells = append(ix.cells, gridCell{cx: cx, cy: cy})
	ix.byKey[k] = i
	return i
}

// planeDist is the distance every search reports and compares: from the
// stored float32 point to a float64 centre. The explicit float64
// conversions forbid fused multiply-adds, so the result is the same on
// every platform and in every caller, which exact tie-breaking needs.
func planeDist(x, y float32, qx, qy float64) float64 {
	dx := float64(x) - qx
	dy := float64(y) - qy
	return math.Sqrt(float64(dx*dx) + float64(dy*dy))
}

// cellDist returns a lower bound on planeDist from (qx, qy) to any point
// that cellOf puts in cell (cx, cy).
func (ix *Index) cellDist(cx, cy int64, qx, qy float64) float64 {
	return math.Sqrt(axisGap(ix.cellLo(cx), ix.cellLo(cx+1), qx) + axisGap(ix.cellLo(cy), ix.cellLo(cy+1), qy))
}

// axisGap returns the squared distance from q to the interval [lo, hi]
// along one axis.
func axisGap(lo, hi, q float64) float64 {
	var d float64
	switch {
	case q < lo:
		d = lo - q
	case q > hi:
		d = q - hi
	}
	return float64(d * d)
}

// pruneSlack is a margin, in metres, on every comparison of a lower bound
// computed from cell edges with a distance limit. Because cellOf keeps
// stored coordinates within their cell's edges exactly and rounding is
// monotone, those bounds should never exceed the true distances anyway;
// the margin makes that hold without relying on the last bit, and costs
// nothing measurable.
const pruneSlack = 1e-6

// visitCells calls visit for every non-empty cell that may hold a point
// within *bound of (qx, qy) with a mask sharing a bit with mask (any
// mask if 0), nearest rings first, until visit returns false or no cell
// can qualify. The caller may shrink *bound between calls, as Nearest
// does once it holds K hits.
//
// Cells are visited in square rings around the centre's cell. Ring r's
// cells are all at least (r−1)·cellSize plus the centre's distance to its
// own cell edge away, so once that exceeds *bound the search stops: a
// query's cost depends on its radius and on the density near it, never on
// the size of the country. If the rings would touch more grid positions
// than there are non-empty cells (a sparse index or a huge radius), it
// scans the cell list instead, so no query costs more than a look at
// every cell.
func (ix *Index) visitCells(qx, qy float64, mask uint64, bound *float64, visit func(c *gridCell) bool) {
	if len(ix.cells) == 0 {
		return
	}
	// A centre far from every cell (a point abroad, a unit mix-up) ends
	// here instead of walking rings towards the data.
	gap := math.Sqrt(axisGap(ix.cellLo(ix.minCX), ix.cellLo(ix.maxCX+1), qx) + axisGap(ix.cellLo(ix.minCY), ix.cellLo(ix.maxCY+1), qy))
	if gap > *bound+pruneSlack {
		return
	}
	// Clamp the centre's cell into the extent's neighbourhood so that
	// ring arithmetic cannot overflow for absurd centres; the lower
	// bounds stay correct because they are computed from real edges.
	qcx := clampCell(math.Floor(qx/ix.cellSize), ix.minCX-1, ix.maxCX+1)
	qcy := clampCell(math.Floor(qy/ix.cellSize), ix.minCY-1, ix.maxCY+1)
	budget := len(ix.cells)
	for r := int64(0); ; r++ {
		if r > 0 {
			// Distance from the centre to the outside of the rings
			// already done, a lower bound for every cell of ring r.
			lo := min(qx-ix.cellLo(qcx-r+1), ix.cellLo(qcx+r)-qx, qy-ix.cellLo(qcy-r+1), ix.cellLo(qcy+r)-qy)
			if lo > *bound+pruneSlack {
				return
			}
		}
		// Clip the ring to the extent; with the centre clamped next to
		// the extent, only ring 0 can miss it.
		x0, x1 := max(qcx-r, ix.minCX), min(qcx+r, ix.maxCX)
		y0, y1 := max(qcy-r, ix.minCY), min(qcy+r, ix.maxCY)
		positions := 0
		if x0 <= x1 && y0 <= y1 {
			positions = ringPositions(r, qcx, qcy, x0, x1, y0, y1)
		}
		if positions > budget {
			ix.visitRemaining(qx, qy, qcx, qcy, r, mask, bound, visit)
			return
		}
		budget -= positions
		// Top and bottom rows, then the left and right columns between.
		for _, cy := range [2]int64{qcy - r, qcy + r} {
			if positions == 0 || cy < y0 || cy > y1 {
				continue
			}
			for cx := x0; cx <= x1; cx++ {
				if !ix.visitCell(cx, cy, qx, qy, mask, *bound, visit) {
					return
				}
			}
			if r == 0 {
				break // one cell, not two rows
			}
		}
		for _, cx := range [2]int64{qcx - r, qcx + r} {
			if r == 0 || positions == 0 || cx < x0 || cx > x1 {
				continue
			}
			for cy := max(qcy-r+1, y0); cy <= min(qcy+r-1, y1); cy++ {
				if !ix.visitCell(cx, cy, qx, qy, mask, *bound, visit) {
					return
				}
			}
		}
		if qcx-r <= ix.minCX && qcx+r >= ix.maxCX && qcy-r <= ix.minCY && qcy+r >= ix.maxCY {
			return // the rings so far cover every cell
		}
	}
}

// clampCell converts a floored coordinate to a cell coordinate in
// [lo, hi].
func clampCell(f float64, lo, hi int64) int64 {
	if f < float64(lo) {
		return lo
	}
	if f > float64(hi) {
		return hi
	}
	return int64(f)
}

// ringPositions returns how many grid positions of ring r around
// (qcx, qcy) lie in the clipped range [x0, x1] × [y0, y1].
func ringPositions(r, qcx, qcy, x0, x1, y0, y1 int64) int {
	if r == 0 {
		return 1
	}
	n := int64(0)
	w := x1 - x0 + 1
	if qcy-r >= y0 {
		n += w
	}
	if qcy+r <= y1 {
		n += w
	}
	h := min(qcy+r-1, y1) - max(qcy-r+1, y0) + 1
	if h > 0 {
		if qcx-r >= x0 {
			n += h
		}
		if qcx+r <= x1 {
			n += h
		}
	}
	return int(n)
}

// visitCell visits the cell at (cx, cy) if it exists, is not empty, may
// match mask and may hold a point within bound. It returns false when
// visit asks to stop.
func (ix *Index) visitCell(cx, cy int64, qx, qy float64, mask uint64, bound float64, visit func(c *gridCell) bool) bool {
	if ix.cellDist(cx, cy, qx, qy) > bound+pruneSlack {
		return true
	}
	i, ok := ix.byKey[cellKey(cx, cy)]
	if !ok {
		return true
	}
	c := &ix.cells[i]
	if len(c.pts) == 0 || (mask != 0 && c.mask&mask == 0) {
		return true
	}
	return visit(c)
}

// visitRemaining is the fallback of visitCells: it visits, in list
// order, every qualifying cell not in the rings before ring r.
func (ix *Index) visitRemaining(qx, qy float64, qcx, qcy, r int64, mask uint64, bound *float64, visit func(c *gridCell) bool) {
	for i := range ix.cells {
		c := &ix.cells[i]
		cx, cy := int64(c.cx), int64(c.cy)
		if max(absInt64(cx-qcx), absInt64(cy-qcy)) < r {
			continue // done by the ring scan
		}
		if len(c.pts) == 0 || (mask != 0 && c.mask&mask == 0) {
			continue
		}
		if ix.cellDist(cx, cy, qx, qy) > *bound+pruneSlack {
			continue
		}
		if !visit(c) {
			return
		}
	}
}

// absInt64 returns |x|.
func absInt64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Nearest appends to dst[:0] up to q.K hits, the points nearest to
// q.Center within q.Radius that match q.Mask and q.Filter, in ascending
// distance with ties broken by ascending ID, and returns the extended
// slice. Pass the previous result back as dst to search without
// allocating. An empty index, K <= 0, a negative or NaN Radius, or a
// non-finite Center give no hits.
func (ix *Index) Nearest(q Query, dst []Hit) []Hit {
	h := dst[:0]
	qx, qy := q.Center[0], q.Center[1]
	if q.K <= 0 || ix.n == 0 || !(q.Radius >= 0) || !finite(qx) || !finite(qy) {
		return h
	}
	// h is a max-heap on (Dist, ID) while searching: h[0] is the worst
	// hit held, the one a better candidate replaces once K are held.
	bound := q.Radius
	ix.visitCells(qx, qy, q.Mask, &bound, func(c *gridCell) bool {
		pts := c.pts[:len(c.masks)] // one bounds check for the loop
		for i, m := range c.masks {
			if q.Mask != 0 && m&q.Mask == 0 {
				continue
			}
			e := &pts[i]
			d := planeDist(e.x, e.y, qx, qy)
			if d > bound {
				continue
			}
			full := len(h) == q.K
			if full && d == h[0].Dist && e.id > h[0].ID {
				continue // a tie that loses on ID
			}
			if q.Filter != nil && !q.Filter(e.id) {
				continue
			}
			if full {
				h[0] = Hit{ID: e.id, Dist: d}
				siftDownHits(h, 0)
			} else {
				h = append(h, Hit{ID: e.id, Dist: d})
				siftUpHits(h, len(h)-1)
			}
			if len(h) == q.K {
				bound = min(q.Radius, h[0].Dist)
			}
		}
		return true
	})
	// Heap sort in place: moving the worst to the end each time leaves
	// the slice ascending.
	for n := len(h) - 1; n > 0; n-- {
		h[0], h[n] = h[n], h[0]
		siftDownHits(h[:n], 0)
	}
	return h
}

// hitWorse reports whether a ranks after b: further away, or as far with a
// larger ID.
func hitWorse(a, b Hit) bool {
	return a.Dist > b.Dist || (a.Dist == b.Dist && a.ID > b.ID)
}

// siftUpHits restores the max-heap order of h (by hitWorse) after h[i] changed.
func siftUpHits(h []Hit, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !hitWorse(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

// siftDownHits restores the max-heap order of h (by hitWorse) after h[i] changed.
func siftDownHits(h []Hit, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && hitWorse(h[r], h[l]) {
			m = r
		}
		if !hitWorse(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// Within calls fn for every point within radius metres of center (RD
// metres) whose mask shares a bit with mask (mask 0 means any), with its
// distance, in no particular order (roughly nearest cells first), and
// stops early when fn returns false. A point exactly radius away counts
// as within. fn must not modify the index. A negative or NaN radius or a
// non-finite center visit nothing.
func (ix *Index) Within(center orb.Point, radius float64, mask uint64, fn func(id uint32, dist float64) bool) {
	qx, qy := center[0], center[1]
	if ix.n == 0 || !(radius >= 0) || !finite(qx) || !finite(qy) {
		return
	}
	bound := radius
	ix.visitCells(qx, qy, mask, &bound, func(c *gridCell) bool {
		pts := c.pts[:len(c.masks)]
		for i, m := range c.masks {
			if mask != 0 && m&mask == 0 {
				continue
			}
			e := &pts[i]
			if d := planeDist(e.x, e.y, qx, qy); d <= radius && !fn(e.id, d) {
				return false
			}
		}
		return true
	})
}
