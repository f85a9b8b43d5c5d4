package store

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/dichtbij/dichtbij/geo"
)

// areasName holds the division records are reported by: municipalities,
// districts and neighbourhoods with their codes, names and geometry, so
// that reports and other tools on the same database can join on them.
const areasName = "areas"

// StoredArea is a geo.Unit as stored. Polygons keep each ring as two
// parallel arrays, since FerretDB v1 stores no arrays directly inside
// arrays (as initiatives' polygons are, see storedPolygon).
type StoredArea struct {
	Code         string          `bson:"_id"`
	Level        string          `bson:"level"`
	Name         string          `bson:"name"`
	Municipality string          `bson:"municipality,omitempty"`
	District     string          `bson:"district,omitempty"`
	Point        StoredPoint     `bson:"point"`
	Polygons     []StoredPolygon `bson:"polygons,omitempty"`
}

// StoredPoint is a point as lon/lat.
type StoredPoint struct {
	Lon float64 `bson:"lon"`
	Lat float64 `bson:"lat"`
}

// StoredPolygon is a polygon's rings, the outer one first.
type StoredPolygon struct {
	Rings []StoredRing `bson:"rings"`
}

// StoredRing is a ring's longitudes and latitudes, in two arrays.
type StoredRing struct {
	Lon []float64 `bson:"lon"`
	Lat []float64 `bson:"lat"`
}

func toStored(u geo.Unit) StoredArea {
	a := StoredArea{Code: u.Code, Level: u.Level, Name: u.Name, Municipality: u.Municipality, District: u.District,
		Point: StoredPoint{Lon: u.Point[0], Lat: u.Point[1]}}
	for _, poly := range u.Geometry {
		var sp StoredPolygon
		for _, ring := range poly {
			r := StoredRing{Lon: make([]float64, len(ring)), Lat: make([]float64, len(ring))}
			for i, p := range ring {
				r.Lon[i], r.Lat[i] = p[0], p[1]
			}
			sp.Rings = append(sp.Rings, r)
		}
		a.Polygons = append(a.Polygons, sp)
	}
	return a
}

// Areas are the stored division.
type Areas struct{ c *mongo.Collection }

// Areas returns the stored division.
func (s *Store) Areas() Areas { return Areas{c: s.db.Collection(areasName)} }

// Ensure stores the division when the store lacks any of it. It inserts
// unordered and ignores units already there, so a start that was
// interrupted half-way is completed by the next, and two processes
// starting together do not fail each other. It returns how many it added.
func (a Areas) Ensure(ctx context.Context, units []geo.Unit) (int, error) {
	n, err := a.c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("store: count areas: %w", err)
	}
	if n >= int64(len(units)) {
		return 0, nil
	}
	docs := make([]any, len(units))
	for i, u := range units {
		docs[i] = toStored(u)
	}
	_, err = a.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) {
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return 0, fmt.Errorf("store: store areas: %w", err)
			}
		}
		err = nil // only units another start stored already
	}
	if err != nil {
		return 0, fmt.Errorf("store: store areas: %w", err)
	}
	after, err := a.c.CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, fmt.Errorf("store: count areas: %w", err)
	}
	return int(after - n), nil
}

// Get returns the area with the CBS code, or ErrNotFound.
func (a Areas) Get(ctx context.Context, code string) (StoredArea, error) {
	var d StoredArea
	err := a.c.FindOne(ctx, bson.D{{Key: "_id", Value: code}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, fmt.Errorf("store: %s %s: %w", areasName, code, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("store: get area %s: %w", code, err)
	}
	return d, nil
}
