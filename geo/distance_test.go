package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b orb.Point
		want float64 // metres
		tol  float64 // metres
	}{
		{"same point", orb.Point{5.1214, 52.0907}, orb.Point{5.1214, 52.0907}, 0, 0},
		// One degree along the equator is 2πR/360 for R = 6378137 m.
		{"one degree of longitude at the equator", orb.Point{0, 0}, orb.Point{1, 0}, 111319.49, 0.01},
		{"one degree of latitude", orb.Point{5, 52}, orb.Point{5, 53}, 111319.49, 0.01},
		// Geodesic distance is about 35.1 km; allow the sphere 0.5%.
		{"Dam square to Domtoren", orb.Point{4.8924, 52.3731}, orb.Point{5.1214, 52.0907}, 35100, 175},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Distance(tt.a, tt.b)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("Distance(%v, %v) = %.2f m; want %.2f ± %.2f", tt.a, tt.b, got, tt.want, tt.tol)
			}
			if back := Distance(tt.b, tt.a); back != got {
				t.Errorf("Distance(%v, %v) = %.2f m; want %.2f, the same both ways", tt.b, tt.a, back, got)
			}
		})
	}
}
