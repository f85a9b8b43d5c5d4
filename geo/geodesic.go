package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// WGS84 ellipsoid: semi-major axis in metres and flattening.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
)

// vincentyMaxIter bounds the iteration in GeodesicDistance. Away from
// nearly antipodal points it converges in a handful of steps.
const vincentyMaxIter = 200

// GeodesicDistance returns the length in metres of the shortest path
// between a and b, both WGS84 [lon, lat] points in degrees, on the WGS84
// ellipsoid, by Vincenty's inverse formula (1975), which is accurate to
// well under a millimetre. It is the slow reference that tests hold ToRD,
// DistanceRD and Distance against: it iterates, costs about a microsecond,
// and returns NaN for nearly antipodal points where the iteration does not
// converge, so do not use it on a hot path.
func GeodesicDistance(a, b orb.Point) float64 {
	const bAxis = wgs84A * (1 - wgs84F)
	rad := math.Pi / 180
	// Reduced latitudes: latitudes on the auxiliary sphere.
	u1 := math.Atan((1 - wgs84F) * math.Tan(a[1]*rad))
	u2 := math.Atan((1 - wgs84F) * math.Tan(b[1]*rad))
	sinU1, cosU1 := math.Sincos(u1)
	sinU2, cosU2 := math.Sincos(u2)
	l := (b[0] - a[0]) * rad

	// Iterate on λ, the longitude difference on the auxiliary sphere.
	lambda := l
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	converged := false
	for range vincentyMaxIter {
		sinL, cosL := math.Sincos(lambda)
		t1 := cosU2 * sinL
		t2 := cosU1*sinU2 - sinU1*cosU2*cosL
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			return 0 // coincident points
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = 0 // both points on the equator
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		c := wgs84F / 16 * cos2Alpha * (4 + wgs84F*(4-3*cos2Alpha))
		prev := lambda
		lambda = l + (1-c)*wgs84F*sinAlpha*
			(sigma+c*sinSigma*(cos2SigmaM+c*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			converged = true
			break
		}
	}
	if !converged {
		return math.NaN()
	}
	uu := cos2Alpha * (wgs84A*wgs84A - bAxis*bAxis) / (bAxis * bAxis)
	bigA := 1 + uu/16384*(4096+uu*(-768+uu*(320-175*uu)))
	bigB := uu / 1024 * (256 + uu*(-128+uu*(74-47*uu)))
	deltaSigma := bigB * sinSigma * (cos2SigmaM + bigB/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		bigB/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	return bAxis * bigA * (sigma - deltaSigma)
}
