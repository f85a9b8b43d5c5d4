package geo

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// loadOnce parses the embedded boundaries once for all tests; they are
// immutable, so sharing them is what production does too.
var loadOnce = sync.OnceValues(LoadMunicipalities)

// testMunicipalities returns the shared municipalities or stops the test.
func testMunicipalities(tb testing.TB) *Municipalities {
	tb.Helper()
	m, err := loadOnce()
	if err != nil {
		tb.Fatalf("LoadMunicipalities() error = %v", err)
	}
	return m
}

// nlBox is the bounding box of the Netherlands, sea and neighbours included.
var nlBox = orb.Bound{Min: orb.Point{3.2, 50.7}, Max: orb.Point{7.3, 53.6}}

// randomPoints returns n points uniformly in b, from a fixed seed so that
// failures and benchmarks repeat.
func randomPoints(n int, b orb.Bound, seed uint64) []orb.Point {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ps := make([]orb.Point, n)
	for i := range ps {
		ps[i] = orb.Point{
			b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1]),
		}
	}
	return ps
}

// locateNaive is Locate without any bounding-box prefilter: the baseline
// that shows the prefilter pays, and an oracle for its correctness.
func locateNaive(m *Municipalities, p orb.Point) (Municipality, bool) {
	for _, a := range m.areas {
		for _, pg := range a.polys {
			if planar.PolygonContains(pg.poly, p) {
				return a.Municipality, true
			}
		}
	}
	return Municipality{}, false
}

func TestLoadMunicipalities(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	if got, want := m.Len(), 342; got != want {
		t.Errorf("Len() = %d; want %d", got, want)
	}
	tests := []struct {
		name   string
		code   string
		want   Municipality
		wantOK bool
	}{
		{"Amsterdam", "GM0363", Municipality{Code: "GM0363", Name: "Amsterdam", Population: 931298}, true},
		{"Molenlanden", "GM1978", Municipality{Code: "GM1978", Name: "Molenlanden", Population: 45271}, true},
		{"abroad placeholder is skipped", "GM0998", Municipality{}, false},
		{"empty code", "", Municipality{}, false},
		{"2014 code that no longer exists", "GM0689", Municipality{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := m.Lookup(tt.code)
			got.Centre = orb.Point{} // checked by TestCentre
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Lookup(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.wantOK)
			}
		})
	}
	for _, a := range m.areas {
		if a.Population <= 0 {
			t.Errorf("municipality %s %s has population %d; want > 0", a.Code, a.Name, a.Population)
		}
	}
}

// locateTests are places whose municipality is not in doubt: far from any
// border, so simplification cannot move them.
var locateTests = []struct {
	name     string
	p        orb.Point
	wantCode string // "" means not in any municipality
}{
	{"Amsterdam Dam square", orb.Point{4.8924, 52.3731}, "GM0363"},
	{"Rotterdam centre", orb.Point{4.4777, 51.9244}, "GM0599"},
	{"Utrecht Domtoren", orb.Point{5.1214, 52.0907}, "GM0344"},
	{"Groningen Martinitoren", orb.Point{6.5682, 53.2194}, "GM0014"},
	{"Maastricht Vrijthof", orb.Point{5.6883, 50.8486}, "GM0935"},
	{"North Sea", orb.Point{3.5, 52.5}, ""},
	{"Brussels", orb.Point{4.35, 50.85}, ""},
	{"Germany", orb.Point{7.5, 52.0}, ""},
	{"Belgian enclave in Baarle (GM0998)", orb.Point{4.91859, 51.43495}, ""},
	{"NaN longitude", orb.Point{math.NaN(), 52.0}, ""},
	{"infinite latitude", orb.Point{5.0, math.Inf(1)}, ""},
}

func TestLocate(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	for _, tt := range locateTests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := m.Locate(tt.p)
			if ok != (tt.wantCode != "") || got.Code != tt.wantCode {
				t.Errorf("Locate(%v) = %q (%s), %v; want %q", tt.p, got.Code, got.Name, ok, tt.wantCode)
			}
		})
	}
}

// TestLocateMatchesNaive checks the prefilter never hides a match: on
// random points Locate must agree with the plain linear scan.
func TestLocateMatchesNaive(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	const seed = 20240101
	const n = 2000 // the naive scan takes about 0.4 ms a point
	found := 0
	for _, p := range randomPoints(n, nlBox, seed) {
		got, gotOK := m.Locate(p)
		want, wantOK := locateNaive(m, p)
		if got != want || gotOK != wantOK {
			t.Fatalf("seed %d: Locate(%v) = %q, %v; want %q, %v (naive)", seed, p, got.Code, gotOK, want.Code, wantOK)
		}
		if gotOK {
			found++
		}
	}
	// About 38% of the box is Dutch land or inland water; a much lower
	// share means polygons went missing.
	t.Logf("found %d of %d", found, n)
	if found < n*3/10 {
		t.Errorf("Locate found %d of %d random points; want at least %d", found, n, n*3/10)
	}
}

func TestLocateConcurrent(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				for _, tt := range locateTests {
					if got, _ := m.Locate(tt.p); got.Code != tt.wantCode {
						t.Errorf("Locate(%v) = %q; want %q", tt.p, got.Code, tt.wantCode)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// benchPoints are random points over the Dutch bounding box, so the
// benchmark mixes land, sea and neighbouring countries as real input
// might.
var benchPoints = randomPoints(4096, nlBox, 42)

func BenchmarkLocate(b *testing.B) {
	m := testMunicipalities(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Locate(benchPoints[i%len(benchPoints)])
	}
}

func BenchmarkLocateNaive(b *testing.B) {
	m := testMunicipalities(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		locateNaive(m, benchPoints[i%len(benchPoints)])
	}
}

func BenchmarkLoadMunicipalities(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := LoadMunicipalities(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCentre(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	fallback := 0
	for _, a := range m.areas {
		c := a.Centre
		if got, ok := m.Locate(c); !ok || got.Code != a.Code {
			t.Errorf("Locate(%s %s Centre %v) = %q, %v; want %q", a.Code, a.Name, c, got.Code, ok, a.Code)
		}
		if c != round6(c) {
			t.Errorf("%s Centre %v is not rounded to 6 decimals", a.Code, c)
		}
		mp := make(orb.MultiPolygon, len(a.polys))
		for i, p := range a.polys {
			mp[i] = p.poly
		}
		if whole, _ := planar.CentroidArea(mp); round6(whole) != c {
			fallback++
			t.Logf("%s %s: centroid %v is not inside; Centre %v", a.Code, a.Name, round6(whole), c)
		}
	}
	t.Logf("%d of %d municipalities needed a fallback", fallback, len(m.areas))

	// Geometric centres of compact cities lie within a few km of the
	// historic centre.
	near := []struct {
		code   string
		centre orb.Point
		maxM   float64
	}{
		{"GM0363", orb.Point{4.8924, 52.3731}, 4000}, // Amsterdam, Dam square
		{"GM0344", orb.Point{5.1214, 52.0907}, 5000}, // Utrecht, Domtoren
		{"GM0599", orb.Point{4.4777, 51.9244}, 5000}, // Rotterdam, centre
		{"GM0935", orb.Point{5.6883, 50.8486}, 3000}, // Maastricht, Vrijthof
		{"GM0014", orb.Point{6.5682, 53.2194}, 6000}, // Groningen, Martinitoren
	}
	for _, tt := range near {
		mu, _ := m.Lookup(tt.code)
		if d := Distance(mu.Centre, tt.centre); d > tt.maxM {
			t.Errorf("%s Centre %v is %.0f m from %v; want at most %.0f m", tt.code, mu.Centre, d, tt.centre, tt.maxM)
		}
	}
}

// TestCentreFallback draws a U whose centroid and vertex mean both fall in
// the gap between its arms, so only the grid search can find the centre:
//
//	+--+  +--+
//	|  |  |  |   the centroid (x) and vertex mean (v) are outside
//	|  |xv|  |
//	|  +--+  |
//	|   c    |   c: the innermost grid point, in the middle of the base
//	+--------+
func TestCentreFallback(t *testing.T) {
	t.Parallel()
	const s = 0.03 // degrees per unit of the drawing
	var ring orb.Ring
	for _, p := range [][2]float64{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}} {
		ring = append(ring, orb.Point{5 + p[0]*s, 52 + p[1]*s})
	}
	poly := orb.Polygon{ring}
	a := area{Municipality: Municipality{Code: "GM9999", Name: "U"}, bound: ring.Bound(),
		polys: []polygon{{bound: ring.Bound(), poly: poly}}}
	m := &Municipalities{areas: []area{a}, byCode: map[string]int{"GM9999": 0}, bound: ring.Bound()}
	m.grid = newCellGrid(m.bound, 1, func(int) orb.Bound { return a.bound })

	if c, _ := planar.CentroidArea(poly); m.locatesTo(round6(c), "GM9999") {
		t.Fatalf("centroid %v lies inside the U; the drawing no longer tests the fallback", c)
	}
	c, ok := m.centre(&m.areas[0])
	if !ok || !m.locatesTo(c, "GM9999") {
		t.Fatalf("centre() = %v, %v; want a point inside the U", c, ok)
	}
	// The innermost points of the U are 0.5 units from its outline: the
	// middle of the base and of each arm. A 16 × 16 grid gets within
	// 0.1 units of that.
	kx := math.Cos(52 * math.Pi / 180)
	d := math.Inf(1)
	for k := 0; k+1 < len(ring); k++ {
		d = math.Min(d, segmentDistance(c, ring[k], ring[k+1], kx))
	}
	if d < 0.4*s*kx {
		t.Errorf("centre() = %v is %.5f° from the outline; want at least %.5f°", c, d, 0.4*s*kx)
	}
}

func TestAll(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	all := m.All()
	if len(all) != m.Len() {
		t.Fatalf("len(All()) = %d; want %d", len(all), m.Len())
	}
	for i, mu := range all {
		if i > 0 && all[i-1].Code >= mu.Code {
			t.Errorf("All()[%d].Code = %q follows %q; want strictly increasing codes", i, mu.Code, all[i-1].Code)
		}
		if got, ok := m.Lookup(mu.Code); !ok || got != mu {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v as in All()", mu.Code, got, ok, mu)
		}
	}
	all[0].Name = "changed"
	if again := m.All(); again[0].Name == "changed" {
		t.Errorf("All() shares its slice with the Municipalities; want a copy")
	}
}
