package opendata

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// FuzzServiceArea feeds any bytes to the GeoJSON service-area
// reader: it must not panic, and it answers either an object holding a
// polygon or a centre with a radius, or a *BodyError or a
// care.ValidationError, which the API answers with a 400 or 422.
func FuzzServiceArea(f *testing.F) {
	for _, s := range []string{
		`{"type":"Polygon","coordinates":[[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.34]]]}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[4.9,52.37]},"properties":{"radius_m":1500}}`,
		`{"type":"FeatureCollection","features":[]}`,
		`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":null}`,
		`{"type":"Point"}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		area, err := ServiceArea(body)
		if err != nil {
			// Never anything the API would answer with a 500.
			var be *BodyError
			var ve *care.ValidationError
			if (errors.As(err, &ve) && len(ve.Problems) > 0) || (errors.As(err, &be) && be.Field != "" && be.Reason != "") {
				return
			}
			t.Fatalf("error %v is neither a *BodyError nor a care.ValidationError", err)
		}
		var got map[string]json.RawMessage
		if json.Unmarshal(area, &got) != nil {
			t.Fatalf("area %s is not a JSON object", area)
		}
		// The other shape is null: the area is a merge patch.
		set := func(k string) bool { v, ok := got[k]; return ok && string(v) != "null" }
		poly, centre := set("polygon"), set("center")
		if poly == centre {
			t.Fatalf("area %s holds neither or both of polygon and center", area)
		}
	})
}
