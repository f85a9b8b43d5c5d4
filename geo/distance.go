package geo

import (
	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// Distance returns the great-circle distance in metres between a and b,
// both WGS84 [lon, lat] points, on a sphere of radius orb.EarthRadius. In
// the Netherlands it differs from the true ellipsoidal distance by a few
// tenths of a percent, which is plenty for "how far away is this neighbour".
func Distance(a, b orb.Point) float64 {
	// TODO: switch to RD (EPSG:28992) planar distance once the projection
	// lands; haversine is good enough until then.
	return orbgeo.DistanceHaversine(a, b)
}
