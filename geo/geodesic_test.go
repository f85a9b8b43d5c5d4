package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// fromDMS converts degrees, minutes and seconds to degrees; the sign of d
// applies to the whole angle.
func fromDMS(d, m, s float64) float64 {
	if d < 0 {
		return d - m/60 - s/3600
	}
	return d + m/60 + s/3600
}

func TestGeodesicDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b orb.Point
		want float64 // metres
		tol  float64 // metres
	}{
		{"same point", orb.Point{5.1214, 52.0907}, orb.Point{5.1214, 52.0907}, 0, 0},
		// Along the equator the geodesic is the equator itself, an arc of
		// the semi-major circle: a·π/180 per degree.
		{"one degree along the equator", orb.Point{0, 0}, orb.Point{1, 0}, wgs84A * math.Pi / 180, 0.001},
		// The WGS84 quarter meridian, equator to pole: 10,001,965.729 m.
		{"equator to north pole", orb.Point{0, 0}, orb.Point{0, 90}, 10001965.729, 0.001},
		// Vincenty's (1975) and Geoscience Australia's worked example,
		// Flinders Peak to Buninyong: 54,972.271 m on GRS80, whose
		// flattening differs from WGS84's by 2e-11, far below a millimetre
		// over 55 km.
		{
			"Flinders Peak to Buninyong",
			orb.Point{fromDMS(144, 25, 29.52440), fromDMS(-37, 57, 3.72030)},
			orb.Point{fromDMS(143, 55, 35.38390), fromDMS(-37, 39, 10.15610)},
			54972.271, 0.001,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GeodesicDistance(tt.a, tt.b)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("GeodesicDistance(%v, %v) = %.4f m; want %.4f ± %.4f", tt.a, tt.b, got, tt.want, tt.tol)
			}
			if back := GeodesicDistance(tt.b, tt.a); math.Abs(back-got) > 1e-6 {
				t.Errorf("GeodesicDistance(%v, %v) = %.6f m; want %.6f, the same both ways", tt.b, tt.a, back, got)
			}
		})
	}
}

// TestGeodesicDistanceAntipodal checks the documented failure mode:
// where Vincenty's iteration does not converge, the answer is NaN rather
// than a wrong number.
func TestGeodesicDistanceAntipodal(t *testing.T) {
	t.Parallel()
	for _, p := range [][2]orb.Point{
		{{0, 0.5}, {179.7, -0.5}},
		{{0, 0}, {179.9, 0.1}},
	} {
		if got := GeodesicDistance(p[0], p[1]); !math.IsNaN(got) {
			t.Errorf("GeodesicDistance(%v, %v) = %.1f m; want NaN (no convergence)", p[0], p[1], got)
		}
	}
}

// TestDistanceAgainstGeodesic keeps the existing spherical Distance
// honest: its documented error in the Netherlands is a few tenths of a
// percent.
func TestDistanceAgainstGeodesic(t *testing.T) {
	t.Parallel()
	pairs := [][2]orb.Point{
		{{4.8924, 52.3731}, {5.1214, 52.0907}}, // Dam square to Domtoren
		{{6.5682, 53.2194}, {5.6909, 50.8514}}, // Groningen to Maastricht
		{{3.5737, 51.4988}, {7.0470, 52.2215}}, // Vlissingen to Enschede
	}
	for _, p := range pairs {
		got, want := Distance(p[0], p[1]), GeodesicDistance(p[0], p[1])
		if rel := math.Abs(got-want) / want; rel > 0.005 {
			t.Errorf("Distance(%v, %v) = %.1f m; want %.1f (geodesic) within 0.5%%, off by %.3f%%", p[0], p[1], got, want, 100*rel)
		}
	}
}
