package opendata

import (
	"encoding/json"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/dichtbij/dichtbij/care"
)

func invalid(field, reason string) error {
	return &care.ValidationError{Problems: []care.Problem{{Field: field, Reason: reason}}}
}

func malformed(reason string) error { return &BodyError{Field: "body", Reason: reason} }

// ServiceArea reads an initiative's service area from GeoJSON: a
// Polygon, a Feature holding one, a FeatureCollection whose first feature
// holds one, or a Point Feature with a radius_m property (as the map
// writes circles). It returns the service_area JSON of an initiative, a
// *BodyError when body is not GeoJSON, or a care.ValidationError naming
// the GeoJSON part that is wrong.
func ServiceArea(body []byte) (json.RawMessage, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, malformed("is not GeoJSON: " + err.Error())
	}
	var g orb.Geometry
	var props geojson.Properties
	switch probe.Type {
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection(body)
		if err != nil {
			return nil, malformed("is not a GeoJSON FeatureCollection: " + err.Error())
		}
		if len(fc.Features) == 0 {
			return nil, invalid("features", "is empty; send one feature with the service area")
		}
		g, props = fc.Features[0].Geometry, fc.Features[0].Properties
	case "Feature":
		f, err := geojson.UnmarshalFeature(body)
		if err != nil {
			return nil, malformed("is not a GeoJSON Feature: " + err.Error())
		}
		g, props = f.Geometry, f.Properties
	case "Polygon", "MultiPolygon", "Point":
		geom, err := geojson.UnmarshalGeometry(body)
		if err != nil {
			return nil, malformed("is not a GeoJSON geometry: " + err.Error())
		}
		g = geom.Geometry()
	default:
		return nil, invalid("type", "must be Polygon, Feature or FeatureCollection (got "+probe.Type+")")
	}
	switch v := g.(type) {
	case orb.Polygon:
		return json.Marshal(map[string]any{"polygon": geojson.NewGeometry(v), "center": nil, "radius_m": nil})
	case orb.MultiPolygon:
		if len(v) != 1 {
			return nil, invalid("geometry", "a service area is one polygon; this MultiPolygon has "+strconv.Itoa(len(v)))
		}
		return json.Marshal(map[string]any{"polygon": geojson.NewGeometry(v[0]), "center": nil, "radius_m": nil})
	case orb.Point:
		r, ok := props["radius_m"].(float64)
		if !ok {
			return nil, invalid("properties.radius_m", "is required for a Point: the radius of the service area in metres")
		}
		return json.Marshal(map[string]any{"center": map[string]float64{"lat": v[1], "lon": v[0]}, "radius_m": int(r), "polygon": nil})
	case nil:
		return nil, invalid("geometry", "is missing")
	}
	return nil, invalid("geometry", "must be a Polygon, or a Point with radius_m")
}
