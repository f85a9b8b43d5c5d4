package store

import (
	"fmt"
	"reflect"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsoncodec"
	"go.mongodb.org/mongo-driver/bson/bsonrw"

	"github.com/dichtbij/dichtbij/care"
)

// registry is the driver's registry of codecs with the store's own: how
// a type that does not fit FerretDB v1 is stored instead.
var registry = func() *bsoncodec.Registry {
	r := bson.NewRegistry()
	t := reflect.TypeOf(care.GeoJSONPolygon{})
	r.RegisterTypeEncoder(t, bsoncodec.ValueEncoderFunc(encodePolygon))
	r.RegisterTypeDecoder(t, bsoncodec.ValueDecoderFunc(decodePolygon))
	return r
}()

// storedPolygon is how a care.GeoJSONPolygon is stored: FerretDB v1
// cannot store arrays nested in arrays ("nested arrays are not
// supported"), so each ring keeps its longitudes and latitudes in two
// parallel arrays.
type storedPolygon struct {
	Type  string       `bson:"type"`
	Rings []StoredRing `bson:"rings"`
}

var storedPolygonType = reflect.TypeOf(storedPolygon{})

func encodePolygon(ec bsoncodec.EncodeContext, vw bsonrw.ValueWriter, val reflect.Value) error {
	g := val.Interface().(care.GeoJSONPolygon)
	out := storedPolygon{Type: g.Type, Rings: make([]StoredRing, len(g.Coordinates))}
	for i, ring := range g.Coordinates {
		r := StoredRing{Lon: make([]float64, len(ring)), Lat: make([]float64, len(ring))}
		for j, pos := range ring {
			if len(pos) != 2 {
				return fmt.Errorf("store: polygon position [%d][%d] has %d numbers", i, j, len(pos))
			}
			r.Lon[j], r.Lat[j] = pos[0], pos[1]
		}
		out.Rings[i] = r
	}
	enc, err := ec.LookupEncoder(storedPolygonType)
	if err != nil {
		return err
	}
	return enc.EncodeValue(ec, vw, reflect.ValueOf(out))
}

func decodePolygon(dc bsoncodec.DecodeContext, vr bsonrw.ValueReader, val reflect.Value) error {
	dec, err := dc.LookupDecoder(storedPolygonType)
	if err != nil {
		return err
	}
	var in storedPolygon
	if err := dec.DecodeValue(dc, vr, reflect.ValueOf(&in).Elem()); err != nil {
		return fmt.Errorf("store: stored polygon: %w", err)
	}
	g := care.GeoJSONPolygon{Type: in.Type, Coordinates: make([][][]float64, len(in.Rings))}
	for i, r := range in.Rings {
		if len(r.Lon) != len(r.Lat) {
			return fmt.Errorf("store: stored polygon ring %d has %d longitudes and %d latitudes", i, len(r.Lon), len(r.Lat))
		}
		g.Coordinates[i] = make([][]float64, len(r.Lon))
		for j := range r.Lon {
			g.Coordinates[i][j] = []float64{r.Lon[j], r.Lat[j]}
		}
	}
	val.Set(reflect.ValueOf(g))
	return nil
}

// unmarshal decodes a stored document with the store's codecs.
func unmarshal(doc bson.Raw, out any) error {
	dec, err := bson.NewDecoder(bsonrw.NewBSONDocumentReader(doc))
	if err != nil {
		return err
	}
	dec.SetRegistry(registry)
	return dec.Decode(out)
}
