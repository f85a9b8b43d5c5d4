package matching_test

import (
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/synth"
)

// benchNow fixes the clock so activities' occurrences are the same in
// every run.
var benchNow = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// world is an engine loaded with generated options and requests.
type world struct {
	eng      *matching.Engine
	requests []matching.Request
	options  int
}

var (
	worldsMu sync.Mutex
	worlds   = map[int]*world{}
)

// loadAreas parses the embedded boundaries once per process.
var loadAreas = sync.OnceValues(geo.LoadAreas)

// loadWorld builds (once per process) an engine over n generated options.
func loadWorld(b *testing.B, n int) *world {
	b.Helper()
	worldsMu.Lock()
	defer worldsMu.Unlock()
	if w, ok := worlds[n]; ok {
		return w
	}
	areas, err := loadAreas()
	if err != nil {
		b.Fatal(err)
	}
	ds, err := synth.Generate(synth.Config{Seed: 42, Options: n, Requests: 2000, Now: benchNow}, areas)
	if err != nil {
		b.Fatal(err)
	}
	eng, err := matching.New(fromcare.HelpTypes(), func() time.Time { return benchNow })
	if err != nil {
		b.Fatal(err)
	}
	if err := loadDataset(eng, ds); err != nil {
		b.Fatal(err)
	}
	w := &world{eng: eng, options: n}
	for _, r := range ds.Requests {
		w.requests = append(w.requests, fromcare.Request(r))
	}
	worlds[n] = w
	return w
}

func loadDataset(eng *matching.Engine, ds synth.Dataset) error {
	for _, v := range ds.Volunteers {
		if err := eng.Upsert(fromcare.Volunteer(v)); err != nil {
			return err
		}
	}
	for _, i := range ds.Initiatives {
		if err := eng.Upsert(fromcare.Initiative(i)); err != nil {
			return err
		}
	}
	wheelchair := map[string]bool{}
	for _, p := range ds.Provisions {
		o := fromcare.Provision(p)
		wheelchair[p.ID] = o.WheelchairAccess
		if err := eng.Upsert(o); err != nil {
			return err
		}
	}
	for _, a := range ds.Activities {
		o, err := fromcare.Activity(a, benchNow, wheelchair[a.ProvisionID])
		if err != nil {
			return err
		}
		if err := eng.Upsert(o); err != nil {
			return err
		}
	}
	return nil
}

var sizes = []int{10_000, 100_000, 1_000_000}

func sizeName(n int) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

// latencies runs op b.N times and reports p50 and p99 per call.
func latencies(b *testing.B, op func(i int)) {
	b.Helper()
	d := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		op(i)
		d[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkRetrieval: the 20 nearest options within R (1–15 km) that share
// a help type with the request and have places left, through the indexes
// and by a linear scan of the same engine.
func BenchmarkRetrieval(b *testing.B) {
	for _, n := range sizes {
		for _, method := range []string{"index", "linear"} {
			if method == "linear" && n == 1_000_000 && testing.Short() {
				continue
			}
			b.Run(sizeName(n)+"/"+method, func(b *testing.B) {
				w := loadWorld(b, n)
				rng := rand.New(rand.NewSource(7))
				qs := make([]matching.NearbyQuery, 1024)
				for i := range qs {
					r := w.requests[rng.Intn(len(w.requests))]
					qs[i] = matching.NearbyQuery{Location: r.Location, RadiusM: float64(1000 + rng.Intn(14001)), HelpTypes: r.Needs[:1], Limit: 20}
				}
				find := w.eng.Nearby
				if method == "linear" {
					find = w.eng.NearbyLinear
				}
				latencies(b, func(i int) { find(qs[i%len(qs)]) })
			})
		}
	}
}

// BenchmarkMatch: the full search of a stored request (every need, every
// filter, scoring and explanations).
func BenchmarkMatch(b *testing.B) {
	for _, n := range sizes {
		for _, method := range []string{"index", "linear"} {
			if method == "linear" && n == 1_000_000 && testing.Short() {
				continue
			}
			b.Run(sizeName(n)+"/"+method, func(b *testing.B) {
				w := loadWorld(b, n)
				match := w.eng.Match
				if method == "linear" {
					match = w.eng.MatchLinear
				}
				latencies(b, func(i int) { match(w.requests[i%len(w.requests)], 10) })
			})
		}
	}
}

// BenchmarkBuild1M: loading 1M generated options into a fresh engine, and
// the heap it holds per option.
func BenchmarkBuild1M(b *testing.B) {
	areas, err := loadAreas()
	if err != nil {
		b.Fatal(err)
	}
	ds, err := synth.Generate(synth.Config{Seed: 42, Options: 1_000_000, Now: benchNow}, areas)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		eng, err := matching.New(fromcare.HelpTypes(), func() time.Time { return benchNow })
		if err != nil {
			b.Fatal(err)
		}
		if err := loadDataset(eng, ds); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(took.Seconds(), "build-s")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(eng.Len()), "heap-B/option")
		runtime.KeepAlive(eng)
	}
}
