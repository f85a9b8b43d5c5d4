package geo

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/quadtree"
)

// Benchmarks for the spatial index against the two baselines measured
// when it was chosen: a brute-force scan and orb's quadtree. The synthetic options
// are clustered like the Dutch population: 70 % in Gaussian clusters
// around the centres of the 40 most populous municipalities, weighted by
// population, and 30 % uniform over Dutch municipal territory. Each has 1
// to 3 of 20 help-type bits. Queries come from the same distribution and
// ask for the 20 nearest within 1–15 km sharing one random help type.
//
// Run the searches with a fixed iteration count, so that every method
// answers the same queries, and the builds with a small one (each is a
// full 1M-point load):
//
//	go test -run '^$' -bench 'Nearest' -benchtime 2000x ./geo/   # about 30 s
//	go test -run '^$' -bench 'Build' -benchtime 3x ./geo/        # about 10 s
//
// Besides ns/op, each search benchmark reports p50-ns, p99-ns and max-ns
// over its individually timed queries, and hits/op.

// Shape of the synthetic data.
const (
	benchSeed      = 28992 // the data; queries use benchSeed+1
	benchClusters  = 40
	benchClustered = 0.70
	benchTags      = 20
	benchK         = 20
	benchMinR      = 1000.0
	benchMaxR      = 15000.0
	benchQueries   = 4096
)

// benchSizes are the index sizes every method is measured at.
var benchSizes = []struct {
	name string
	n    int
}{{"10k", 10000}, {"100k", 100000}, {"1M", 1000000}}

// benchPoint is one synthetic option: RD metres and help-type bits.
type benchPoint struct {
	p    orb.Point
	mask uint64
}

// benchCluster is a city: its centre in RD metres, spread and weight.
type benchCluster struct {
	name   string
	centre orb.Point
	sigma  float64 // metres
	weight float64 // share of the clustered points, summing to 1
}

// benchWorld is what the generators share: the municipalities for
// rejection sampling and the city clusters.
type benchWorld struct {
	m        *Municipalities
	clusters []benchCluster
}

// loadBenchWorld finds the 40 most populous municipalities and their
// centres: the mean RD position of a fixed 0.01° × 0.006° (about
// 700 m × 670 m) grid of sample points that Locate puts in each. That is
// an area centroid, deterministic and cheap enough (~0.5 s, once).
var loadBenchWorld = sync.OnceValues(func() (*benchWorld, error) {
	m, err := loadOnce()
	if err != nil {
		return nil, err
	}
	type acc struct {
		sum orb.Point
		n   int
	}
	sums := map[string]*acc{}
	for lat := nlBox.Min[1]; lat <= nlBox.Max[1]; lat += 0.006 {
		for lon := nlBox.Min[0]; lon <= nlBox.Max[0]; lon += 0.01 {
			mun, ok := m.Locate(orb.Point{lon, lat})
			if !ok {
				continue
			}
			a := sums[mun.Code]
			if a == nil {
				a = &acc{}
				sums[mun.Code] = a
			}
			rd := ToRD(orb.Point{lon, lat})
			a.sum[0] += rd[0]
			a.sum[1] += rd[1]
			a.n++
		}
	}
	codes := make([]string, 0, len(sums))
	for code := range sums {
		codes = append(codes, code)
	}
	pop := func(code string) int {
		mun, _ := m.Lookup(code)
		return mun.Population
	}
	slices.SortFunc(codes, func(a, b string) int { return cmp.Or(cmp.Compare(pop(b), pop(a)), cmp.Compare(a, b)) })
	if len(codes) < benchClusters {
		return nil, fmt.Errorf("found %d municipalities on the sample grid; want at least %d", len(codes), benchClusters)
	}
	w := &benchWorld{m: m}
	total := 0.0
	for _, code := range codes[:benchClusters] {
		a := sums[code]
		mun, _ := m.Lookup(code)
		p := float64(mun.Population)
		// Bigger cities spread wider: 2 km at 200k inhabitants, growing
		// with the square root, between 1.5 and 5 km.
		sigma := min(5000, max(1500, 2000*math.Sqrt(p/200000)))
		w.clusters = append(w.clusters, benchCluster{
			name:   mun.Name,
			centre: orb.Point{a.sum[0] / float64(a.n), a.sum[1] / float64(a.n)},
			sigma:  sigma,
			weight: p,
		})
		total += p
	}
	for i := range w.clusters {
		w.clusters[i].weight /= total
	}
	return w, nil
})

// benchWorldOrSkip returns the shared world or stops the benchmark.
func benchWorldOrSkip(tb testing.TB) *benchWorld {
	tb.Helper()
	w, err := loadBenchWorld()
	if err != nil {
		tb.Fatalf("bench world: %v", err)
	}
	return w
}

// location draws one RD point from the population-like distribution.
func (w *benchWorld) location(r *rand.Rand) orb.Point {
	if r.Float64() >= benchClustered {
		return ToRD(nlLandPoint(r, w.m))
	}
	u := r.Float64()
	c := &w.clusters[len(w.clusters)-1]
	for i := range w.clusters {
		if u < w.clusters[i].weight {
			c = &w.clusters[i]
			break
		}
		u -= w.clusters[i].weight
	}
	for {
		p := orb.Point{c.centre[0] + r.NormFloat64()*c.sigma, c.centre[1] + r.NormFloat64()*c.sigma}
		if _, ok := w.m.Locate(FromRD(p)); ok {
			return p // on land, not in the North Sea off The Hague
		}
	}
}

// benchMask returns 1 to 3 distinct bits out of benchTags.
func benchMask(r *rand.Rand) uint64 {
	n := 1 + r.IntN(3)
	var m uint64
	for bits.OnesCount64(m) < n {
		m |= 1 << r.IntN(benchTags)
	}
	return m
}

// benchData is the cache of generated points. Points come from one
// seeded stream, so the first n of a larger set are the set of size n:
// each size extends the cache instead of starting over, and generation
// (a few seconds for 1M, mostly Locate) happens once per process.
var benchData struct {
	sync.Mutex
	r   *rand.Rand
	pts []benchPoint
}

// benchPointsN returns the first n synthetic points.
func benchPointsN(tb testing.TB, n int) []benchPoint {
	tb.Helper()
	w := benchWorldOrSkip(tb)
	benchData.Lock()
	defer benchData.Unlock()
	if benchData.r == nil {
		benchData.r = rand.New(rand.NewPCG(benchSeed, benchSeed))
	}
	for len(benchData.pts) < n {
		r := benchData.r
		p := w.location(r)
		benchData.pts = append(benchData.pts, benchPoint{p: p, mask: benchMask(r)})
	}
	return benchData.pts[:n:n]
}

// benchQuerySet returns the shared queries: centres from the same
// distribution as the data, radius uniform in 1–15 km, one help type.
var benchQuerySet = sync.OnceValues(func() ([]Query, error) {
	w, err := loadBenchWorld()
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(benchSeed+1, benchSeed+1))
	qs := make([]Query, benchQueries)
	for i := range qs {
		qs[i] = Query{
			Center: w.location(r),
			K:      benchK,
			Radius: benchMinR + r.Float64()*(benchMaxR-benchMinR),
			Mask:   1 << r.IntN(benchTags),
		}
	}
	return qs, nil
})

// benchQueriesOrSkip returns the shared queries or stops the benchmark.
func benchQueriesOrSkip(tb testing.TB) []Query {
	tb.Helper()
	qs, err := benchQuerySet()
	if err != nil {
		tb.Fatalf("bench queries: %v", err)
	}
	return qs
}

// nearestSearcher is one method under test, answering Query as Nearest does.
type nearestSearcher interface {
	nearest(q Query, dst []Hit) []Hit
}

// gridSearcher is the Index.
type gridSearcher struct{ ix *Index }

func (g gridSearcher) nearest(q Query, dst []Hit) []Hit { return g.ix.Nearest(q, dst) }

// buildBenchGrid indexes pts with ids 0…n−1.
func buildBenchGrid(pts []benchPoint, cellSize float64) *Index {
	ix := NewIndex(cellSize)
	for i, p := range pts {
		ix.Set(uint32(i), p.p, p.mask)
	}
	return ix
}

// bruteEntry is one point of the brute-force baseline, 24 bytes.
type bruteEntry struct {
	id   uint32
	x, y float32
	mask uint64
}

// bruteSearcher is the naive baseline: one flat slice of compact entries,
// scanned in full with the same bounded heap as the index.
type bruteSearcher struct{ entries []bruteEntry }

func newBruteSearcher(pts []benchPoint) bruteSearcher {
	es := make([]bruteEntry, len(pts))
	for i, p := range pts {
		es[i] = bruteEntry{id: uint32(i), x: float32(p.p[0]), y: float32(p.p[1]), mask: p.mask}
	}
	return bruteSearcher{entries: es}
}

func (s bruteSearcher) nearest(q Query, dst []Hit) []Hit {
	h := dst[:0]
	bound := q.Radius
	for i := range s.entries {
		e := &s.entries[i]
		if q.Mask != 0 && e.mask&q.Mask == 0 {
			continue
		}
		d := planeDist(e.x, e.y, q.Center[0], q.Center[1])
		if d > bound {
			continue
		}
		if q.Filter != nil && !q.Filter(e.id) {
			continue
		}
		if len(h) == q.K {
			if d == h[0].Dist && e.id > h[0].ID {
				continue
			}
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
	for n := len(h) - 1; n > 0; n-- {
		h[0], h[n] = h[n], h[0]
		siftDownHits(h[:n], 0)
	}
	return h
}

// qtPoint is an option in orb's quadtree.
type qtPoint struct {
	p    orb.Point
	id   uint32
	mask uint64
}

// Point implements orb.Pointer.
func (p *qtPoint) Point() orb.Point { return p.p }

var _ orb.Pointer = (*qtPoint)(nil)

// quadtreeSearcher is orb's quadtree with KNearestMatching, the
// candidate found to have 300 ms tails when the index was chosen.
type quadtreeSearcher struct {
	qt  *quadtree.Quadtree
	buf []orb.Pointer
}

func newQuadtreeSearcher(tb testing.TB, pts []benchPoint) *quadtreeSearcher {
	tb.Helper()
	// Same float32-rounded coordinates as the other methods, so that all
	// three see identical data.
	qps := make([]qtPoint, len(pts))
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, p := range pts {
		qps[i] = qtPoint{p: orb.Point{float64(float32(p.p[0])), float64(float32(p.p[1]))}, id: uint32(i), mask: p.mask}
		b = b.Extend(qps[i].p)
	}
	qt := quadtree.New(b.Pad(1))
	for i := range qps {
		if err := qt.Add(&qps[i]); err != nil {
			tb.Fatalf("quadtree Add(%v): %v", qps[i].p, err)
		}
	}
	return &quadtreeSearcher{qt: qt}
}

func (s *quadtreeSearcher) nearest(q Query, dst []Hit) []Hit {
	mask := q.Mask
	s.buf = s.qt.KNearestMatching(s.buf[:0], q.Center, q.K, func(p orb.Pointer) bool {
		return mask == 0 || p.(*qtPoint).mask&mask != 0
	}, q.Radius)
	dst = dst[:0]
	for _, p := range s.buf {
		qp := p.(*qtPoint)
		dst = append(dst, Hit{ID: qp.id, Dist: math.Hypot(qp.p[0]-q.Center[0], qp.p[1]-q.Center[1])})
	}
	return dst
}

// builtSearchers caches searchers by method, size and cell size, so the b.N=1
// warm-up run and the real run share one build.
var builtSearchers struct {
	sync.Mutex
	m map[string]nearestSearcher
}

func cachedSearcher(tb testing.TB, key string, mk func() nearestSearcher) nearestSearcher {
	tb.Helper()
	builtSearchers.Lock()
	defer builtSearchers.Unlock()
	if builtSearchers.m == nil {
		builtSearchers.m = map[string]nearestSearcher{}
	}
	s, ok := builtSearchers.m[key]
	if !ok {
		s = mk()
		builtSearchers.m[key] = s
	}
	return s
}

// runNearestQueries times each query separately and reports the median, the
// 99th percentile and the maximum, besides the usual mean and allocs.
func runNearestQueries(b *testing.B, s nearestSearcher) {
	qs := benchQueriesOrSkip(b)
	durs := make([]time.Duration, 0, b.N)
	dst := make([]Hit, 0, benchK)
	found := 0
	// Collect the garbage of data generation and building now, so that
	// the GC does not run during, and tax, the timed queries.
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		t0 := time.Now()
		dst = s.nearest(q, dst)
		durs = append(durs, time.Since(t0))
		found += len(dst)
	}
	b.StopTimer()
	slices.Sort(durs)
	pct := func(p float64) float64 {
		return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))].Nanoseconds())
	}
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
	b.ReportMetric(float64(durs[len(durs)-1].Nanoseconds()), "max-ns")
	b.ReportMetric(float64(found)/float64(b.N), "hits/op")
}

func BenchmarkNearest(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			s := cachedSearcher(b, "grid/"+sz.name, func() nearestSearcher {
				return gridSearcher{buildBenchGrid(benchPointsN(b, sz.n), DefaultCellSize)}
			})
			runNearestQueries(b, s)
		})
	}
}

// BenchmarkNearestCapacity is the retrieval of issue 3 in full: the 20
// nearest within 1–15 km that share a help type and have capacity left.
// A fixed 30 % of the points are full; the filter looks that up per
// point, as the engine's filter looks at an option's places.
func BenchmarkNearestCapacity(b *testing.B) {
	for _, sz := range benchSizes {
		full := make([]bool, sz.n)
		r := rand.New(rand.NewPCG(30, 3))
		for i := range full {
			full[i] = r.IntN(10) < 3
		}
		withCapacity := func(s nearestSearcher) nearestSearcher {
			return filteredSearcher{s, func(id uint32) bool { return int(id) < len(full) && !full[id] }}
		}
		b.Run(sz.name+"/grid", func(b *testing.B) {
			s := cachedSearcher(b, "grid/"+sz.name, func() nearestSearcher {
				return gridSearcher{buildBenchGrid(benchPointsN(b, sz.n), DefaultCellSize)}
			})
			runNearestQueries(b, withCapacity(s))
		})
		b.Run(sz.name+"/brute", func(b *testing.B) {
			s := cachedSearcher(b, "brute/"+sz.name, func() nearestSearcher {
				return newBruteSearcher(benchPointsN(b, sz.n))
			})
			runNearestQueries(b, withCapacity(s))
		})
	}
}

// filteredSearcher adds a Filter to every query.
type filteredSearcher struct {
	s      nearestSearcher
	filter func(id uint32) bool
}

func (f filteredSearcher) nearest(q Query, dst []Hit) []Hit {
	q.Filter = f.filter
	return f.s.nearest(q, dst)
}

func BenchmarkNearestBrute(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			s := cachedSearcher(b, "brute/"+sz.name, func() nearestSearcher {
				return newBruteSearcher(benchPointsN(b, sz.n))
			})
			runNearestQueries(b, s)
		})
	}
}

func BenchmarkNearestQuadtree(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			s := cachedSearcher(b, "quadtree/"+sz.name, func() nearestSearcher {
				return newQuadtreeSearcher(b, benchPointsN(b, sz.n))
			})
			runNearestQueries(b, s)
		})
	}
}

// BenchmarkNearestCellSize is the measurement behind DefaultCellSize:
// small cells scan fewer points in dense cities but look up more empty
// cells for wide rural queries.
func BenchmarkNearestCellSize(b *testing.B) {
	for _, cs := range []float64{250, 500, 1000, 1500, 2000, 3000, 4000} {
		for _, sz := range benchSizes {
			name := fmt.Sprintf("cell=%gm/%s", cs, sz.name)
			b.Run(name, func(b *testing.B) {
				s := cachedSearcher(b, "grid/"+name, func() nearestSearcher {
					return gridSearcher{buildBenchGrid(benchPointsN(b, sz.n), cs)}
				})
				runNearestQueries(b, s)
			})
		}
	}
}

// BenchmarkBuild1M measures loading 1M options and the live heap they
// take, per point, for the grid and for the quadtree.
func BenchmarkBuild1M(b *testing.B) {
	pts := benchPointsN(b, 1000000)
	methods := []struct {
		name  string
		build func(testing.TB) any
	}{
		{"grid", func(testing.TB) any { return buildBenchGrid(pts, DefaultCellSize) }},
		{"quadtree", func(tb testing.TB) any { return newQuadtreeSearcher(tb, pts) }},
	}
	for _, m := range methods {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			var heap float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				b.StartTimer()
				builtSearchers := m.build(b)
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&after)
				runtime.KeepAlive(builtSearchers)
				heap += float64(after.HeapAlloc) - float64(before.HeapAlloc)
				b.StartTimer()
			}
			b.ReportMetric(heap/float64(b.N)/float64(len(pts)), "B/point")
		})
	}
}

// TestBenchMethodsAgree checks that the benchmarks compare like with
// like: on the benchmark data and queries, the grid and brute force give
// identical hits, and the quadtree the same distances (its order among
// equal distances is its own).
func TestBenchMethodsAgree(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates the benchmark data set")
	}
	pts := benchPointsN(t, 10000)
	grid := gridSearcher{buildBenchGrid(pts, DefaultCellSize)}
	brute := newBruteSearcher(pts)
	qt := newQuadtreeSearcher(t, pts)
	qs := benchQueriesOrSkip(t)[:500]
	total := 0
	for i, q := range qs {
		got := grid.nearest(q, nil)
		want := brute.nearest(q, nil)
		if !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Fatalf("query %d %+v: grid = %v; want %v (brute force)", i, q, got, want)
		}
		other := qt.nearest(q, nil)
		if len(other) != len(got) {
			t.Fatalf("query %d %+v: quadtree found %d; want %d", i, q, len(other), len(got))
		}
		for j := range got {
			if math.Abs(other[j].Dist-got[j].Dist) > 1e-6 {
				t.Fatalf("query %d %+v: hit %d at %.6f m in the quadtree; want %.6f m", i, q, j, other[j].Dist, got[j].Dist)
			}
		}
		total += len(got)
	}
	t.Logf("%d queries, %.1f hits each on average", len(qs), float64(total)/float64(len(qs)))
}
