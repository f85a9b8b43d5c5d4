package store

import (
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/dichtbij/dichtbij/care"
)

// holder stores a polygon in a document, as the initiatives do.
type holder struct {
	P care.GeoJSONPolygon `bson:"p"`
}

func marshal(t *testing.T, v any) ([]byte, error) {
	t.Helper()
	return bson.MarshalWithRegistry(registry, v)
}

// TestPolygonCodec: a polygon is stored without nested arrays and read
// back as it was; a position that is not two numbers, or a stored ring
// whose longitudes and latitudes differ in number, is an error naming it.
func TestPolygonCodec(t *testing.T) {
	t.Parallel()
	square := func(lon, lat, d float64) [][]float64 {
		return [][]float64{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}
	}
	for _, tc := range []struct {
		name string
		p    care.GeoJSONPolygon
	}{
		{"one ring", care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{square(4.88, 52.367, 0.02)}}},
		{"ring and hole", care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{square(4.88, 52.367, 0.02), square(4.885, 52.37, 0.005)}}},
		{"no rings", care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw, err := marshal(t, holder{tc.p})
			if err != nil {
				t.Fatalf("marshal = %v", err)
			}
			if strings.Contains(bson.Raw(raw).String(), "[[") {
				t.Errorf("stored document %s nests arrays", bson.Raw(raw))
			}
			var back holder
			if err := unmarshal(raw, &back); err != nil {
				t.Fatalf("unmarshal(marshal) = %v", err)
			}
			if back.P.Type != tc.p.Type || !slices.EqualFunc(back.P.Coordinates, tc.p.Coordinates, func(a, b [][]float64) bool {
				return slices.EqualFunc(a, b, slices.Equal)
			}) {
				t.Errorf("unmarshal(marshal(%v)) = %v", tc.p, back.P)
			}
		})
	}
	t.Run("position of three numbers", func(t *testing.T) {
		t.Parallel()
		p := care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{square(4.88, 52.367, 0.02)}}
		p.Coordinates[0][2] = []float64{1, 2, 3}
		if _, err := marshal(t, holder{p}); err == nil || !strings.Contains(err.Error(), "[0][2]") {
			t.Errorf("marshal(position of 3 numbers) = %v; want an error naming [0][2]", err)
		}
	})
	t.Run("ring of unequal lon and lat", func(t *testing.T) {
		t.Parallel()
		raw, err := bson.Marshal(map[string]any{"p": map[string]any{"type": "Polygon", "rings": []any{map[string]any{"lon": []float64{1, 2}, "lat": []float64{3}}}}})
		if err != nil {
			t.Fatal(err)
		}
		var back holder
		if err := unmarshal(raw, &back); err == nil || !strings.Contains(err.Error(), "ring 0") {
			t.Errorf("unmarshal(2 longitudes, 1 latitude) = %v; want an error naming ring 0", err)
		}
	})
}
