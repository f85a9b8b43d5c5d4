package monitor

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/dichtbij/dichtbij/geo"
)

// TestGeoJSONAsOrbWritesIt: the map written with shapes encoded once is
// the feature collection orb writes, property for property, the second
// time as the first.
func TestGeoJSONAsOrbWritesIt(t *testing.T) {
	square := orb.MultiPolygon{{{{5.1, 52.1}, {5.2, 52.1}, {5.2, 52.2}, {5.1, 52.2}, {5.1, 52.1}}}}
	b := &Areas{units: map[string]geo.Unit{
		"WK000101":   {Level: LevelDistrict, Code: "WK000101", Name: "Noord", Geometry: square, Point: orb.Point{5.15, 52.15}},
		"BU00010101": {Level: LevelNeighbourhood, Code: "BU00010101", Name: "Hoek", Point: orb.Point{5.12, 52.13}},
	}}
	ind := Indicators{}
	ind.Supply.Options, ind.Supply.Capacity = 12, Hidden
	occupancy := 0.125
	ind.Supply.ActivityOccupancy = &occupancy
	r := Report{Areas: []NamedIndicators{
		{Code: "WK000101", Name: "Noord", Level: LevelDistrict, Indicators: ind},
		{Code: "BU00010101", Name: "Hoek & Zuidwijk (é)", Level: LevelNeighbourhood, Indicators: ind},
		{Code: "WK999999", Name: "nergens", Level: LevelDistrict}, // no shape: left out
	}}
	want := geojson.NewFeatureCollection()
	for _, a := range r.Areas[:2] {
		u := b.units[a.Code]
		var g orb.Geometry = u.Point
		if len(u.Geometry) > 0 {
			g = u.Geometry
		}
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{"code": a.Code, "name": a.Name, "level": a.Level}
		for _, v := range a.Indicators.Flatten() {
			f.Properties[v.Key] = v.Value
		}
		want.Append(f)
	}
	wantJSON, err := want.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var wantAny any
	if err := json.Unmarshal(wantJSON, &wantAny); err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ {
		got, err := b.GeoJSON(r)
		if err != nil {
			t.Fatal(err)
		}
		var gotAny any
		if err := json.Unmarshal(got, &gotAny); err != nil {
			t.Fatalf("round %d: not JSON: %v\n%s", round, err, got)
		}
		if !reflect.DeepEqual(gotAny, wantAny) {
			t.Errorf("round %d: GeoJSON =\n%s\nwant\n%s", round, got, wantJSON)
		}
	}
}

// BenchmarkGeoJSON writes a map of 100 neighbourhoods, each with a
// year's indicators.
func BenchmarkGeoJSON(b *testing.B) {
	x := NewIndex()
	for i := 0; i < 50; i++ {
		x.PutRequest(request(fmt.Sprint("r", i), i*5, nil))
	}
	ind := x.Compute(year()).Total
	units := map[string]geo.Unit{}
	var r Report
	for i := range 100 {
		code := fmt.Sprintf("BU0001%04d", i)
		units[code] = geo.Unit{Level: LevelNeighbourhood, Code: code, Name: "Buurt", Point: orb.Point{5.1 + float64(i)/1000, 52.1}}
		r.Areas = append(r.Areas, NamedIndicators{Code: code, Name: "Buurt", Level: LevelNeighbourhood, Indicators: ind})
	}
	a := &Areas{units: units}
	for b.Loop() {
		if _, err := a.GeoJSON(r); err != nil {
			b.Fatal(err)
		}
	}
}
