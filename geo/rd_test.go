package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// rdKnownPoints are the worked examples of Schreutelkamp & Strang van
// Hees: RD points of the triangulation network with the WGS84 coordinates
// the paper lists for them. Those agree with the formulas to a millimetre,
// so they pin the coefficient tables (a typo would show) rather than the
// accuracy; rdProjPoints below check that.
var rdKnownPoints = []struct {
	name string
	wgs  orb.Point // [lon, lat]
	rd   orb.Point // [x, y]
	tol  float64   // metres, both directions
}{
	// The origin is exact by construction of the polynomials.
	{"Amersfoort, Onze Lieve Vrouwetoren (origin)", orb.Point{5.38720621, 52.15517440}, orb.Point{155000, 463000}, 1e-6},
	{"Amsterdam, Westertoren", orb.Point{4.88352559, 52.37453253}, orb.Point{120700.723, 487525.501}, 0.01},
	{"Groningen, Martinitoren", orb.Point{6.56820053, 53.21938317}, orb.Point{233883.131, 582065.167}, 0.01},
}

// rdProjPoints are an independent check of the accuracy, at the middle and
// the far ends of the country: RD coordinates computed with PROJ 9.1.1
// (cs2cs EPSG:4326 EPSG:28992), which uses the exact oblique stereographic
// projection on the Bessel ellipsoid and the EPSG "Amersfoort to WGS 84
// (4)" datum shift, whose stated accuracy is 1 m. Both that and the
// polynomials approximate the official RDNAPTRANS™ transformation to
// within a metre, so they must agree to about that.
var rdProjPoints = []struct {
	name string
	wgs  orb.Point // [lon, lat]
	rd   orb.Point // [x, y] from PROJ
}{
	{"Amersfoort", orb.Point{5.38720621, 52.15517440}, orb.Point{155000.1850, 463000.2340}},
	{"Amsterdam, Westertoren", orb.Point{4.88352559, 52.37453253}, orb.Point{120700.9068, 487525.7344}},
	{"Groningen, Martinitoren", orb.Point{6.56820053, 53.21938317}, orb.Point{233883.3137, 582065.4050}},
	{"Vaals (south-east)", orb.Point{6.0207, 50.7548}, orb.Point{199706.6145, 307398.4125}},
	{"Cadzand (south-west)", orb.Point{3.3810, 51.3698}, orb.Point{15309.8441, 377544.5531}},
	{"Eemshaven (north-east)", orb.Point{6.8300, 53.4457}, orb.Point{250863.5225, 607568.0983}},
	{"Den Helder (north-west)", orb.Point{4.7601, 52.9563}, orb.Point{112857.4060, 552324.2824}},
	{"Maastricht", orb.Point{5.6909, 50.8514}, orb.Point{176387.9592, 317996.1612}},
	{"Texel", orb.Point{4.8500, 53.1800}, orb.Point{119084.1536, 577169.4486}},
}

func TestToRDAgainstPROJ(t *testing.T) {
	t.Parallel()
	var worst float64
	for _, tt := range rdProjPoints {
		t.Run(tt.name, func(t *testing.T) {
			got := ToRD(tt.wgs)
			d := DistanceRD(got, tt.rd)
			if d > 1 {
				t.Errorf("ToRD(%v) = [%.3f %.3f]; want [%.3f %.3f] (PROJ) within 1 m, off by %.3f m", tt.wgs, got[0], got[1], tt.rd[0], tt.rd[1], d)
			}
			worst = max(worst, d)
		})
	}
	t.Logf("largest difference from PROJ: %.3f m", worst)
}

func TestToRD(t *testing.T) {
	t.Parallel()
	for _, tt := range rdKnownPoints {
		t.Run(tt.name, func(t *testing.T) {
			got := ToRD(tt.wgs)
			if d := DistanceRD(got, tt.rd); d > tt.tol {
				t.Errorf("ToRD(%v) = [%.3f %.3f]; want [%.3f %.3f] within %g m, off by %.3f m", tt.wgs, got[0], got[1], tt.rd[0], tt.rd[1], tt.tol, d)
			}
		})
	}
}

func TestFromRD(t *testing.T) {
	t.Parallel()
	for _, tt := range rdKnownPoints {
		t.Run(tt.name, func(t *testing.T) {
			got := FromRD(tt.rd)
			if d := GeodesicDistance(got, tt.wgs); d > tt.tol {
				t.Errorf("FromRD(%v) = [%.8f %.8f]; want [%.8f %.8f] within %g m, off by %.3f m", tt.rd, got[0], got[1], tt.wgs[0], tt.wgs[1], tt.tol, d)
			}
		})
	}
}

// rdTestBox covers the Netherlands and a margin in RD metres.
var rdTestBox = orb.Bound{Min: orb.Point{0, 300000}, Max: orb.Point{290000, 630000}}

// TestRDRoundTrip checks that FromRD inverts ToRD both ways, so that a
// point projected for the index maps back to where it came from.
func TestRDRoundTrip(t *testing.T) {
	t.Parallel()
	const seed = 28992
	var worstRD, worstWGS float64
	for _, p := range randomPoints(20000, rdTestBox, seed) {
		back := ToRD(FromRD(p))
		if d := DistanceRD(p, back); d > 0.01 {
			t.Fatalf("seed %d: ToRD(FromRD(%v)) = %v, %.4f m away; want within 0.01 m", seed, p, back, d)
		} else {
			worstRD = max(worstRD, d)
		}
	}
	for _, p := range randomPoints(20000, nlBox, seed+1) {
		back := FromRD(ToRD(p))
		if d := GeodesicDistance(p, back); d > 0.01 {
			t.Fatalf("seed %d: FromRD(ToRD(%v)) = %v, %.4f m away; want within 0.01 m", seed+1, p, back, d)
		} else {
			worstWGS = max(worstWGS, d)
		}
	}
	t.Logf("worst round trip: RD→WGS84→RD %.2g m, WGS84→RD→WGS84 %.2g m", worstRD, worstWGS)
}

// TestFromRDNearInversePolynomial checks that the Newton refinement stays
// next to the published inverse polynomial, which has the same metre-level
// accuracy: a large gap would mean a wrong coefficient in either table.
func TestFromRDNearInversePolynomial(t *testing.T) {
	t.Parallel()
	const seed = 7415
	var worst float64
	for _, p := range randomPoints(5000, rdTestBox, seed) {
		pu := rdPowers((p[0] - rdX0) * 1e-5)
		pv := rdPowers((p[1] - rdY0) * 1e-5)
		dLat, _, _ := rdEval(rdLatTerms[:], &pu, &pv)
		dLon, _, _ := rdEval(rdLonTerms[:], &pu, &pv)
		poly := orb.Point{rdLon0 + dLon/3600, rdLat0 + dLat/3600}
		got := FromRD(p)
		d := GeodesicDistance(got, poly)
		if d > 1 {
			t.Fatalf("seed %d: FromRD(%v) = %v is %.3f m from the inverse polynomial's %v; want within 1 m", seed, p, got, d, poly)
		}
		worst = max(worst, d)
	}
	t.Logf("largest gap between FromRD and the inverse polynomial: %.3f m", worst)
}

func TestDistanceRD(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b orb.Point
		want float64
	}{
		{"same point", orb.Point{155000, 463000}, orb.Point{155000, 463000}, 0},
		{"3-4-5 triangle", orb.Point{100000, 400000}, orb.Point{100003, 400004}, 5},
		{"due north 10 km", orb.Point{155000, 463000}, orb.Point{155000, 473000}, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DistanceRD(tt.a, tt.b); got != tt.want {
				t.Errorf("DistanceRD(%v, %v) = %v m; want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// nlLandPoint returns a uniformly random point on Dutch municipal territory
// (WGS84 [lon, lat]), by rejection from nlBox with Locate.
func nlLandPoint(r *rand.Rand, m *Municipalities) orb.Point {
	for {
		p := orb.Point{
			nlBox.Min[0] + r.Float64()*(nlBox.Max[0]-nlBox.Min[0]),
			nlBox.Min[1] + r.Float64()*(nlBox.Max[1]-nlBox.Min[1]),
		}
		if _, ok := m.Locate(p); ok {
			return p
		}
	}
}

// TestDistanceRDMatchesGeodesic is the property that justifies indexing
// in RD: for pairs of points anywhere in the Netherlands, 50 m to 250 km
// apart, the grid distance is within 0.5 % of the ellipsoidal one. The
// theory says about 0.01 % (the RD scale factor runs from 0.9999079 at
// Amersfoort to about 1.0001 at the ends of the country); the test also
// holds a 0.02 % line so that a wrong coefficient cannot hide under the
// loose one.
func TestDistanceRDMatchesGeodesic(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	const (
		seed  = 52155
		pairs = 3000
		spec  = 0.005  // the requirement
		tight = 0.0002 // what the RD scale factor allows, with margin
	)
	r := rand.New(rand.NewPCG(seed, seed))
	var worst float64
	var worstPair string
	for n := 0; n < pairs; {
		a := nlLandPoint(r, m)
		// Log-uniform length, so that short pairs, where the metre of
		// projection error would show, get as much weight as long ones.
		length := 50 * math.Pow(250000.0/50, r.Float64())
		s, c := math.Sincos(2 * math.Pi * r.Float64())
		ra := ToRD(a)
		b := FromRD(orb.Point{ra[0] + length*c, ra[1] + length*s})
		if _, ok := m.Locate(b); !ok {
			continue // the other end fell in the sea or abroad
		}
		n++
		got := DistanceRD(ra, ToRD(b))
		want := GeodesicDistance(a, b)
		rel := math.Abs(got-want) / want
		if rel > spec {
			t.Fatalf("seed %d: DistanceRD(ToRD(%v), ToRD(%v)) = %.3f m; want %.3f m (geodesic) within %.1f%%, off by %.4f%%", seed, a, b, got, want, 100*spec, 100*rel)
		}
		if rel > worst {
			worst = rel
			worstPair = fmt.Sprintf("%v–%v, %.0f m", a, b, want)
		}
	}
	t.Logf("seed %d: largest relative error over %d pairs: %.4f%% (%s)", seed, pairs, 100*worst, worstPair)
	if worst > tight {
		t.Errorf("largest relative error %.4f%%; want under %.3f%%, the RD scale factor's range", 100*worst, 100*tight)
	}
}

func BenchmarkToRD(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ToRD(benchPoints[i%len(benchPoints)])
	}
}

func BenchmarkFromRD(b *testing.B) {
	ps := randomPoints(4096, rdTestBox, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		FromRD(ps[i%len(ps)])
	}
}

func BenchmarkGeodesicDistance(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		GeodesicDistance(benchPoints[i%len(benchPoints)], benchPoints[(i+1)%len(benchPoints)])
	}
}

func TestCircle(t *testing.T) {
	t.Parallel()
	dam := orb.Point{4.8924, 52.3731}
	ring := Circle(dam, 3000, 64)
	if len(ring) != 65 || ring[0] != ring[64] {
		t.Fatalf("ring has %d points, closed %v", len(ring), ring[0] == ring[len(ring)-1])
	}
	for _, p := range ring {
		if d := Distance(dam, p); math.Abs(d-3000) > 15 {
			t.Errorf("point %v is %.1f m from the centre; want 3000 ± 15", p, d)
		}
	}
}
