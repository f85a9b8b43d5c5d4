package server

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/store"
)

// areasColl holds the division records are reported by: municipalities,
// districts and neighbourhoods with their codes, names and geometry, so
// that reports and other tools on the same database can join on them.
const areasColl = "areas"

// storedArea is a geo.Unit as stored. Polygons keep each ring as two
// parallel arrays, since FerretDB v1 stores no arrays directly inside
// arrays (see care.GeoJSONPolygon).
type storedArea struct {
	Code         string          `bson:"_id"`
	Level        string          `bson:"level"`
	Name         string          `bson:"name"`
	Municipality string          `bson:"municipality,omitempty"`
	District     string          `bson:"district,omitempty"`
	Point        storedPoint     `bson:"point"`
	Polygons     []storedPolygon `bson:"polygons,omitempty"`
}

type storedPoint struct {
	Lon float64 `bson:"lon"`
	Lat float64 `bson:"lat"`
}

type storedPolygon struct {
	Rings []storedRing `bson:"rings"`
}

type storedRing struct {
	Lon []float64 `bson:"lon"`
	Lat []float64 `bson:"lat"`
}

func toStored(u geo.Unit) storedArea {
	a := storedArea{Code: u.Code, Level: u.Level, Name: u.Name, Municipality: u.Municipality, District: u.District,
		Point: storedPoint{Lon: u.Point[0], Lat: u.Point[1]}}
	for _, poly := range u.Geometry {
		var sp storedPolygon
		for _, ring := range poly {
			r := storedRing{Lon: make([]float64, len(ring)), Lat: make([]float64, len(ring))}
			for i, p := range ring {
				r.Lon[i], r.Lat[i] = p[0], p[1]
			}
			sp.Rings = append(sp.Rings, r)
		}
		a.Polygons = append(a.Polygons, sp)
	}
	return a
}

// ensureAreas stores the division when the store lacks any of it. It
// inserts unordered and ignores units already there, so a start that was
// interrupted half-way is completed by the next, and two processes
// starting together do not fail each other. It returns how many it added.
func ensureAreas(ctx context.Context, st *store.Store, units []geo.Unit) (int, error) {
	c := st.Raw(areasColl)
	n, err := c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("server: count areas: %w", err)
	}
	if n >= int64(len(units)) {
		return 0, nil
	}
	docs := make([]any, len(units))
	for i, u := range units {
		docs[i] = toStored(u)
	}
	_, err = c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) {
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return 0, fmt.Errorf("server: store areas: %w", err)
			}
		}
		err = nil // only units another start stored already
	}
	if err != nil {
		return 0, fmt.Errorf("server: store areas: %w", err)
	}
	after, err := c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("server: count areas: %w", err)
	}
	return int(after - n), nil
}
