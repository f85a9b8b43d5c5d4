package geo

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// areasOnce loads the areas once for all tests; they are immutable, so
// sharing them is what production does too.
var areasOnce = sync.OnceValues(LoadAreas)

// testAreas returns the shared areas or stops the test.
func testAreas(tb testing.TB) *Areas {
	tb.Helper()
	a, err := areasOnce()
	if err != nil {
		tb.Fatalf("LoadAreas() error = %v", err)
	}
	return a
}

// areasOracle is a brute-force reference for Areas.Locate. It parses the
// data files from disk with orb's generic GeoJSON decoder, not the
// package's loader, and scans every polygon and every point, so it shares
// no index and no loading code with what it checks.
type areasOracle struct {
	districts []oracleDistrict // sorted by code
	hoods     []oracleHood     // sorted by code
	// municipalityCodes are the 2024 codes in the municipality file.
	municipalityCodes []string
}

// oracleDistrict is a wijk as the file has it, all polygons together.
type oracleDistrict struct {
	code, name string
	polys      orb.MultiPolygon
}

// oracleHood is a buurt label point as the file has it.
type oracleHood struct {
	code, name string
	p          orb.Point
}

// oracleOnce parses the data files once for all tests and benchmarks.
var oracleOnce = sync.OnceValues(loadAreasOracle)

// testOracle returns the shared oracle or stops the test.
func testOracle(tb testing.TB) *areasOracle {
	tb.Helper()
	o, err := oracleOnce()
	if err != nil {
		tb.Fatalf("load oracle: %v", err)
	}
	return o
}

// readFeatures parses a GeoJSON file in geo/data.
func readFeatures(name string) ([]*geojson.Feature, error) {
	b, err := os.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return fc.Features, nil
}

// loadAreasOracle parses the three data files. MustString and the type
// assertion panic on malformed features, which is fine for a test oracle.
func loadAreasOracle() (*areasOracle, error) {
	o := &areasOracle{}
	wijken, err := readFeatures("wijken_2014.geojson")
	if err != nil {
		return nil, err
	}
	for _, f := range wijken {
		d := oracleDistrict{code: f.Properties.MustString("statcode"), name: f.Properties.MustString("statnaam")}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			d.polys = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			d.polys = g
		}
		o.districts = append(o.districts, d)
	}
	slices.SortFunc(o.districts, func(x, y oracleDistrict) int { return strings.Compare(x.code, y.code) })
	buurten, err := readFeatures("buurten_2014_points.geojson")
	if err != nil {
		return nil, err
	}
	for _, f := range buurten {
		o.hoods = append(o.hoods, oracleHood{
			code: f.Properties.MustString("statcode"),
			name: f.Properties.MustString("statnaam"),
			p:    f.Geometry.(orb.Point),
		})
	}
	slices.SortFunc(o.hoods, func(x, y oracleHood) int { return strings.Compare(x.code, y.code) })
	gemeenten, err := readFeatures("gemeenten_2024.geojson")
	if err != nil {
		return nil, err
	}
	for _, f := range gemeenten {
		o.municipalityCodes = append(o.municipalityCodes, f.Properties.MustString("gemeentecode"))
	}
	return o, nil
}

// oracleLonScale is cos(52.2°), the scale the spec gives for longitude.
var oracleLonScale = math.Cos(52.2 * math.Pi / 180)

// nearest returns the hood nearest to p among those whose code starts
// with prefix, the first in code order on ties; ok is false if none has
// the prefix.
func (o *areasOracle) nearest(p orb.Point, prefix string) (h oracleHood, ok bool) {
	best := math.Inf(1)
	for _, c := range o.hoods {
		if !strings.HasPrefix(c.code, prefix) {
			continue
		}
		dx, dy := (p[0]-c.p[0])*oracleLonScale, p[1]-c.p[1]
		if d := dx*dx + dy*dy; d < best {
			h, best, ok = c, d, true
		}
	}
	return h, ok
}

// hoodCount returns how many buurten belong to the wijk with code wk.
func (o *areasOracle) hoodCount(wk string) int {
	n := 0
	for _, h := range o.hoods {
		if strings.HasPrefix(h.code, "BU"+wk[2:]) {
			n++
		}
	}
	return n
}

// containing returns the codes of all districts with a polygon containing
// p, in code order.
func (o *areasOracle) containing(p orb.Point) []string {
	var codes []string
	for _, d := range o.districts {
		if planar.MultiPolygonContains(d.polys, p) {
			codes = append(codes, d.code)
		}
	}
	return codes
}

// locate is Areas.Locate as the spec words it, by linear scans.
func (o *areasOracle) locate(m *Municipalities, p orb.Point) (Area, bool) {
	mun, ok := m.Locate(p)
	if !ok {
		return Area{}, false
	}
	r := Area{MunicipalityCode: mun.Code, MunicipalityName: mun.Name}
	prefix := "BU"
districts:
	for _, d := range o.districts {
		for _, poly := range d.polys {
			if planar.PolygonContains(poly, p) {
				r.DistrictCode, r.DistrictName = d.code, d.name
				prefix += d.code[2:]
				break districts
			}
		}
	}
	h, ok := o.nearest(p, prefix)
	if !ok {
		h, _ = o.nearest(p, "BU")
	}
	r.NeighbourhoodCode, r.NeighbourhoodName = h.code, h.name
	return r, true
}

// areasNLBox is the bounding box of the Netherlands, sea and neighbours
// included.
var areasNLBox = orb.Bound{Min: orb.Point{3.2, 50.7}, Max: orb.Point{7.3, 53.6}}

// pointsInNL returns n random points that Locate finds, drawn uniformly
// over areasNLBox from a fixed seed and rejected when outside every
// municipality, so failures and benchmarks repeat.
func pointsInNL(tb testing.TB, a *Areas, n int, seed uint64) []orb.Point {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := areasNLBox
	ps := make([]orb.Point, 0, n)
	for tries := 0; len(ps) < n; tries++ {
		if tries > 10*n {
			tb.Fatalf("seed %d: only %d of %d tries were in the Netherlands", seed, len(ps), tries)
		}
		p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
		if _, ok := a.Locate(p); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// areaTests are places whose areas were checked by hand against the data
// files (with an independent script), far enough from borders that the
// answer is not in doubt.
var areaTests = []struct {
	name   string
	p      orb.Point
	want   Area
	wantOK bool
}{
	{
		"Amsterdam Dam square", orb.Point{4.8924, 52.3731},
		Area{"GM0363", "Amsterdam", "WK036300", "Stadsdeel Centrum", "BU03630000", "Burgwallen-Oude Zijde"}, true,
	},
	{
		"Utrecht Domtoren", orb.Point{5.1214, 52.0907},
		Area{"GM0344", "Utrecht", "WK034406", "Wijk 06 Binnenstad", "BU03440611", "Domplein. Neude. Janskerkhof"}, true,
	},
	{
		// The buurt "Arkel" has its label point 1.3 km west of the
		// village centre, so the nearest label is the industrial estate.
		"Arkel: Molenlanden 2024, Giessenlanden 2014", orb.Point{4.993, 51.866},
		Area{"GM1978", "Molenlanden", "WK068904", "Wijk 04 Arkel", "BU06890402", "Industrieterrein"}, true,
	},
	{
		"Bleskensgraaf: Molenlanden 2024, Molenwaard 2014", orb.Point{4.7812, 51.8716},
		Area{"GM1978", "Molenlanden", "WK192701", "Wijk 01 Bleskensgraaf", "BU19270100", "Bleskensgraaf Kern"}, true,
	},
	{
		"Weesp: Amsterdam 2024, Weesp 2014", orb.Point{5.0417, 52.3075},
		Area{"GM0363", "Amsterdam", "WK045700", "Wijk 00", "BU04570000", "Centrum"}, true,
	},
	{
		// Harderwijk's Waterfront was built into the Veluwemeer after
		// the 2014 division, so there is no wijk and the nearest buurt
		// anywhere is used.
		"Harderwijk Waterfront: no 2014 district", orb.Point{5.64, 52.365},
		Area{"GM0243", "Harderwijk", "", "", "BU02431302", "Lorentz II"}, true,
	},
	{"North Sea", orb.Point{3.5, 52.5}, Area{}, false},
	{"Germany", orb.Point{7.5, 52.0}, Area{}, false},
	{"Belgian enclave in Baarle", orb.Point{4.91859, 51.43495}, Area{}, false},
	{"NaN longitude", orb.Point{math.NaN(), 52.0}, Area{}, false},
}

func TestAreasLocate(t *testing.T) {
	t.Parallel()
	a := testAreas(t)
	for _, tt := range areaTests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := a.Locate(tt.p)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Locate(%v) = %+v, %v; want %+v, %v", tt.p, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestAreasLocateSharedVertex checks that a point on the border of several
// districts goes to the lowest code, whatever their order in the file
// (which lists higher codes first).
func TestAreasLocateSharedVertex(t *testing.T) {
	t.Parallel()
	a, o := testAreas(t), testOracle(t)
	tests := []struct {
		name      string
		p         orb.Point
		wantOwner []string // districts whose polygons contain p, edges included
	}{
		{"Utrecht, 4 districts meet", orb.Point{5.12187, 52.078333}, []string{"WK034405", "WK034406", "WK034407", "WK034408"}},
		{"Amsterdam, 3 districts meet", orb.Point{4.910623, 52.379823}, []string{"WK036300", "WK036305", "WK036306"}},
		{"Amsterdam, Diemen and Weesp (2014) meet", orb.Point{5.017407, 52.322891}, []string{"WK036307", "WK042400", "WK045700"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Guard the premise: without it the case proves nothing.
			if got := o.containing(tt.p); !slices.Equal(got, tt.wantOwner) {
				t.Fatalf("districts containing %v = %v; want %v", tt.p, got, tt.wantOwner)
			}
			for range 3 {
				got, ok := a.Locate(tt.p)
				if !ok || got.DistrictCode != tt.wantOwner[0] {
					t.Fatalf("Locate(%v) = %q, %v; want %q, true", tt.p, got.DistrictCode, ok, tt.wantOwner[0])
				}
			}
		})
	}
}

// TestAreasLocateMatchesNaive checks the grids never hide a polygon or a
// nearer point: on random Dutch points Locate must agree with the linear
// scans of the oracle, which parses the data on its own.
func TestAreasLocateMatchesNaive(t *testing.T) {
	t.Parallel()
	a, o := testAreas(t), testOracle(t)
	m := a.Municipalities()
	const seed = 20140101
	const n = 2000
	noDistrict, hoodsChecked := 0, 0
	for _, p := range pointsInNL(t, a, n, seed) {
		got, _ := a.Locate(p)
		want, _ := o.locate(m, p)
		if got != want {
			t.Fatalf("seed %d: Locate(%v) = %+v; want %+v (naive)", seed, p, got, want)
		}
		if got.DistrictCode == "" {
			noDistrict++
			continue
		}
		if o.hoodCount(got.DistrictCode) > 0 {
			hoodsChecked++
			if wk := "WK" + got.NeighbourhoodCode[2:8]; wk != got.DistrictCode {
				t.Errorf("seed %d: Locate(%v) has neighbourhood %s of district %s; want one of district %s",
					seed, p, got.NeighbourhoodCode, wk, got.DistrictCode)
			}
		}
	}
	// About 0.5% of Dutch points are in no 2014 wijk (Wadden, coasts,
	// reclaimed land); many more would mean districts went missing.
	t.Logf("%d of %d points in no 2014 district; %d neighbourhoods checked against their district", noDistrict, n, hoodsChecked)
	if noDistrict > n/50 {
		t.Errorf("%d of %d points are in no district; want at most %d", noDistrict, n, n/50)
	}
}

// TestAreasLocateFallbackMatchesNaive checks the nearest-overall search,
// which runs only for points in no 2014 district: about 1 in 200 Dutch
// points, on the coasts, the Wadden and land reclaimed since 2014. It finds
// such points among many random ones, then samples densely around them,
// and compares each point in no district with the oracle.
func TestAreasLocateFallbackMatchesNaive(t *testing.T) {
	t.Parallel()
	a, o := testAreas(t), testOracle(t)
	m := a.Municipalities()
	const seed = 20140102
	const n, jitters, radius = 50_000, 40, 0.01
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := areasNLBox
	checked := 0
	check := func(p orb.Point) bool {
		got, ok := a.Locate(p)
		if !ok || got.DistrictCode != "" {
			return false
		}
		checked++
		if want, _ := o.locate(m, p); got != want {
			t.Fatalf("seed %d: Locate(%v) = %+v; want %+v (naive)", seed, p, got, want)
		}
		return true
	}
	for range n {
		p := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
		if !check(p) {
			continue
		}
		for range jitters {
			check(orb.Point{p[0] + (2*r.Float64()-1)*radius, p[1] + (2*r.Float64()-1)*radius})
		}
	}
	t.Logf("checked %d points in no 2014 district", checked)
	if checked < 500 {
		t.Errorf("only %d points were in no 2014 district; want at least 500 to test the fallback", checked)
	}
}

// TestNearestHood checks the grid's ring search against a scan of all
// points, on points spread over and around the grid: Locate reaches it
// only for the few points in no 2014 district, too few to test it.
func TestNearestHood(t *testing.T) {
	t.Parallel()
	a := testAreas(t)
	const seed = 20140103
	const n = 5000
	b := a.hoodGrid.bound
	around := orb.Bound{Min: orb.Point{b.Min[0] - 0.5, b.Min[1] - 0.5}, Max: orb.Point{b.Max[0] + 0.5, b.Max[1] + 0.5}}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ps := make([]orb.Point, 0, n+len(a.hoods))
	for range n {
		ps = append(ps, orb.Point{
			around.Min[0] + r.Float64()*(around.Max[0]-around.Min[0]),
			around.Min[1] + r.Float64()*(around.Max[1]-around.Min[1]),
		})
	}
	// Every 25th label point itself, where the answer is that point.
	for i := 0; i < len(a.hoods); i += 25 {
		ps = append(ps, a.hoods[i].p)
	}
	for _, p := range ps {
		want, wantD := -1, math.Inf(1)
		for i, h := range a.hoods {
			if d := nearDist2(p, h.p); d < wantD {
				want, wantD = i, d
			}
		}
		if got := a.nearestHood(p); got != want {
			t.Fatalf("seed %d: nearestHood(%v) = %s at %v; want %s at %v", seed, p, a.hoods[got].code, a.hoods[got].p, a.hoods[want].code, a.hoods[want].p)
		}
	}
}

func TestAreasLocateConcurrent(t *testing.T) {
	t.Parallel()
	a := testAreas(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				for _, tt := range areaTests {
					if got, _ := a.Locate(tt.p); got != tt.want {
						t.Errorf("Locate(%v) = %+v; want %+v", tt.p, got, tt.want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestAreasDistrict(t *testing.T) {
	t.Parallel()
	a := testAreas(t)
	tests := []struct {
		name     string
		code     string
		wantName string
		wantOK   bool
	}{
		{"Amsterdam centre", "WK036300", "Stadsdeel Centrum", true},
		{"Arkel", "WK068904", "Wijk 04 Arkel", true},
		{"unknown code", "WK999999", "", false},
		{"buurt code", "BU03630000", "", false},
		{"municipality code", "GM0363", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := a.District(tt.code)
			if got != tt.wantName || ok != tt.wantOK {
				t.Errorf("District(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.wantName, tt.wantOK)
			}
		})
	}
}

func TestAreasDistrictsOf(t *testing.T) {
	t.Parallel()
	a := testAreas(t)
	tests := []struct {
		name string
		code string
		want []string
	}{
		{
			"Utrecht: unchanged since 2014", "GM0344",
			[]string{"WK034401", "WK034402", "WK034403", "WK034404", "WK034405", "WK034406", "WK034407", "WK034408", "WK034409", "WK034410"},
		},
		{
			"Amsterdam: its 2014 stadsdelen and Weesp (merged 2022)", "GM0363",
			[]string{"WK036300", "WK036301", "WK036302", "WK036303", "WK036304", "WK036305", "WK036306", "WK036307", "WK045700"},
		},
		{
			"Molenlanden: Giessenlanden and Molenwaard (merged 2019)", "GM1978",
			[]string{
				"WK068900", "WK068901", "WK068902", "WK068903", "WK068904", "WK068905", "WK068906", "WK068907", "WK068908",
				"WK192700", "WK192701", "WK192702", "WK192703", "WK192704", "WK192705", "WK192706", "WK192707", "WK192708", "WK192709", "WK192710", "WK192711",
			},
		},
		{
			// Brielle, Hellevoetsluis and Westvoorne (merged 2023), plus
			// Oudenhoorn, a 2014 district of Bernisse that lies wholly in
			// Voorne aan Zee. WK053000 is placed by a buurt label point:
			// its interior point falls in a gap of the 2024 borders.
			"Voorne aan Zee: three 2014 municipalities and a stray district", "GM1992",
			[]string{
				"WK050100", "WK050101", "WK050102", "WK050103",
				"WK053000", "WK053001", "WK053002", "WK053003", "WK053004", "WK053005", "WK053006", "WK053007", "WK053008", "WK053009",
				"WK056804", "WK061400", "WK061401",
			},
		},
		{"2014 code that no longer exists", "GM0689", nil},
		{"abroad placeholder", "GM0998", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.DistrictsOf(tt.code)
			if !slices.Equal(got, tt.want) {
				t.Errorf("DistrictsOf(%q) = %v; want %v", tt.code, got, tt.want)
			}
		})
	}
}

// TestAreasDistrictsOfPartition checks the crosswalk as a whole: every 2014
// district is in exactly one municipality's list, lists are sorted, and
// callers cannot change them.
func TestAreasDistrictsOfPartition(t *testing.T) {
	t.Parallel()
	a, o := testAreas(t), testOracle(t)
	owner := make(map[string]string)
	for _, gm := range o.municipalityCodes {
		got := a.DistrictsOf(gm)
		if !slices.IsSorted(got) {
			t.Errorf("DistrictsOf(%q) = %v; want sorted", gm, got)
		}
		for _, wk := range got {
			if prev, dup := owner[wk]; dup {
				t.Errorf("district %s is in DistrictsOf(%q) and DistrictsOf(%q); want one", wk, prev, gm)
			}
			owner[wk] = gm
		}
	}
	for _, d := range o.districts {
		if _, ok := owner[d.code]; !ok {
			t.Errorf("district %s %s is in no DistrictsOf list; want one", d.code, d.name)
		}
	}
	if got, want := len(owner), len(o.districts); got != want {
		t.Errorf("DistrictsOf lists hold %d districts; want %d", got, want)
	}

	first := a.DistrictsOf("GM0344")
	first[0] = "changed"
	if got := a.DistrictsOf("GM0344"); got[0] != "WK034401" {
		t.Errorf("after changing a returned slice, DistrictsOf(%q)[0] = %q; want %q", "GM0344", got[0], "WK034401")
	}
}

func ExampleAreas_Locate() {
	areas, err := LoadAreas()
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range []orb.Point{
		{4.8924, 52.3731}, // Dam square
		{4.993, 51.866},   // Arkel: Molenlanden since 2019
		{3.5, 52.5},       // North Sea
	} {
		a, ok := areas.Locate(p)
		if !ok {
			fmt.Printf("%v: not in the Netherlands\n", p)
			continue
		}
		fmt.Printf("%v: %s %s; 2014: %s %s, %s %s\n", p,
			a.MunicipalityCode, a.MunicipalityName, a.DistrictCode, a.DistrictName, a.NeighbourhoodCode, a.NeighbourhoodName)
	}
	// Output:
	// [4.8924 52.3731]: GM0363 Amsterdam; 2014: WK036300 Stadsdeel Centrum, BU03630000 Burgwallen-Oude Zijde
	// [4.993 51.866]: GM1978 Molenlanden; 2014: WK068904 Wijk 04 Arkel, BU06890402 Industrieterrein
	// [3.5 52.5]: not in the Netherlands
}

// BenchmarkAreasLocate and BenchmarkAreasLocateNaive share 4,096 random
// points in the Netherlands, so every call does the full work.
func BenchmarkAreasLocate(b *testing.B) {
	a := testAreas(b)
	ps := pointsInNL(b, a, 4096, 42)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Locate(ps[i%len(ps)])
	}
}

func BenchmarkAreasLocateNaive(b *testing.B) {
	a, o := testAreas(b), testOracle(b)
	m := a.Municipalities()
	ps := pointsInNL(b, a, 4096, 42)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		o.locate(m, ps[i%len(ps)])
	}
}

// BenchmarkLoadAreas reports, besides the time, heap-MB: the heap a loaded
// Areas keeps alive, municipalities included.
func BenchmarkLoadAreas(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept, err := LoadAreas()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadAreas(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "heap-MB")
}

func TestUnits(t *testing.T) {
	t.Parallel()
	a, err := LoadAreas()
	if err != nil {
		t.Fatal(err)
	}
	units := a.Units()
	count := map[string]int{}
	byCode := map[string]Unit{}
	for _, u := range units {
		count[u.Level]++
		byCode[u.Code] = u
		if u.Level != "neighbourhood" && len(u.Geometry) == 0 {
			t.Errorf("%s %s has no geometry", u.Level, u.Code)
		}
	}
	if count["municipality"] != 342 || count["district"] != 2745 || count["neighbourhood"] != 12005 {
		t.Errorf("units = %v; want 342, 2745 and 12005", count)
	}
	if u := byCode["WK036300"]; u.Municipality != "GM0363" || u.Name == "" {
		t.Errorf("Amsterdam's centre district = %+v", u)
	}
	if u := byCode["BU03630000"]; u.District != "WK036300" || u.Municipality != "GM0363" {
		t.Errorf("Burgwallen-Oude Zijde = %+v", u)
	}
	if u := byCode["GM0344"]; u.Name != "Utrecht" || u.Municipality != "GM0344" {
		t.Errorf("Utrecht = %+v", u)
	}
	// Units is computed once; each caller still gets a slice of its own.
	units[0].Name = "changed by a caller"
	if again := a.Units(); len(again) != len(units) || again[0].Name == units[0].Name || again[1].Code != units[1].Code {
		t.Errorf("Units() after a caller changed its slice: %d units, first %q; want %d, the original name", len(again), again[0].Name, len(units))
	}
}

// TestAreasOutlines: a municipality's map is its outline first, then its
// districts, each named; an unknown code has none.
func TestAreasOutlines(t *testing.T) {
	t.Parallel()
	a := testAreas(t)
	fc, ok := a.Outlines("GM0344")
	if !ok || len(fc.Features) != 11 {
		t.Fatalf("Outlines(GM0344) = %v features, %v; want the outline and 10 districts", len(fc.Features), ok)
	}
	if p := fc.Features[0].Properties; p["kind"] != "municipality" || p["code"] != "GM0344" || fc.Features[0].ID != "GM0344" {
		t.Errorf("first feature = %v %v; want Utrecht's outline", fc.Features[0].ID, p)
	}
	if p := fc.Features[1].Properties; p["kind"] != "district" || p["code"] != "WK034401" || p["name"] == "" {
		t.Errorf("second feature = %v; want district WK034401 with its name", p)
	}
	if _, ok := a.Outlines("GM9999"); ok {
		t.Error("Outlines(GM9999) found a map; want none")
	}
}
