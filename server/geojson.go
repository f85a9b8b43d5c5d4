package server

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/store"
)

// publicMap serves a municipality's public options as GeoJSON: provisions
// and activities as points, initiatives as their service areas. No
// volunteer or request is in it.
type publicMap struct {
	st    *store.Store
	areas *geo.Areas
}

type geojsonParams struct {
	Municipality string `path:"municipality" description:"CBS municipality code, e.g. GM0363"`
}

func mountPublicMap(rt *routeTable, m *publicMap) {
	rt.add(route{method: http.MethodGet, path: "/geojson/:municipality/options", perm: permPublic, handler: m.options, tag: "open data",
		summary: "GeoJSON of a municipality's public options: provisions and activities as points, initiatives as service areas (a radius drawn as a 64-sided polygon); properties kind, id, hsds_service_id, name, help_types, active",
		params:  geojsonParams{}, errors: []int{http.StatusNotFound}})
}

func (m *publicMap) options(c *fiber.Ctx) error {
	code := c.Params("municipality")
	if _, ok := m.areas.Municipalities().Lookup(code); !ok {
		return newProblem(fiber.StatusNotFound, "not-found", "no municipality with code "+code)
	}
	ctx := c.UserContext()
	fc := geojson.NewFeatureCollection()
	add := func(g orb.Geometry, kind string, meta care.Meta, name string, help []string, active *bool, extra geojson.Properties) {
		f := geojson.NewFeature(g)
		f.ID = meta.ID
		f.Properties = geojson.Properties{"kind": kind, "id": meta.ID, "hsds_service_id": hsds.ID("service", kind+":"+meta.ID), "name": name,
			"help_types": help, "active": active == nil || *active, "updated_at": meta.UpdatedAt}
		for k, v := range extra {
			f.Properties[k] = v
		}
		fc.Append(f)
	}
	inits, err := m.st.Initiatives().OfMunicipality(ctx, code)
	if err != nil {
		return err
	}
	for _, i := range inits {
		a := i.ServiceArea
		if a == nil {
			continue
		}
		switch {
		case a.Polygon != nil:
			add(polygonOf(a.Polygon), "initiative", i.Meta, i.Organisation, i.HelpTypes, i.Active, nil)
		case a.Center != nil:
			add(orb.Polygon{geo.Circle(a.Center.Point(), float64(a.RadiusM), 64)}, "initiative", i.Meta, i.Organisation, i.HelpTypes, i.Active,
				geojson.Properties{"radius_m": a.RadiusM, "center": []float64{a.Center.Lon, a.Center.Lat}})
		}
	}
	provs, err := m.st.Provisions().OfMunicipality(ctx, code)
	if err != nil {
		return err
	}
	for _, p := range provs {
		if p.Location != nil {
			add(p.Location.Point(), "provision", p.Meta, p.Name, p.HelpTypes, p.Active, nil)
		}
	}
	acts, err := m.st.Activities().OfMunicipality(ctx, code)
	if err != nil {
		return err
	}
	for _, a := range acts {
		if a.Place != nil && a.Place.Location != nil {
			add(a.Place.Location.Point(), "activity", a.Meta, a.Name, a.HelpTypes, a.Active, geojson.Properties{"place": a.Place.Name})
		}
	}
	body, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.Send(body)
}

func polygonOf(p *care.GeoJSONPolygon) orb.Polygon {
	out := make(orb.Polygon, len(p.Coordinates))
	for i, ring := range p.Coordinates {
		r := make(orb.Ring, len(ring))
		for j, pos := range ring {
			if len(pos) == 2 {
				r[j] = orb.Point{pos[0], pos[1]}
			}
		}
		out[i] = r
	}
	return out
}

// serviceAreaFromGeoJSON reads an initiative's service area from GeoJSON:
// a Polygon, a Feature holding one, a FeatureCollection whose first
// feature holds one, or a Point Feature with a radius_m property (as the
// export writes circles). It returns the service_area JSON of an
// initiative, or a problem naming the GeoJSON part that is wrong.
func serviceAreaFromGeoJSON(body []byte) (json.RawMessage, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, badBody("body", "is not GeoJSON: "+err.Error())
	}
	var g orb.Geometry
	var props geojson.Properties
	switch probe.Type {
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection(body)
		if err != nil {
			return nil, badBody("body", "is not a GeoJSON FeatureCollection: "+err.Error())
		}
		if len(fc.Features) == 0 {
			return nil, invalid("features", "is empty; send one feature with the service area")
		}
		g, props = fc.Features[0].Geometry, fc.Features[0].Properties
	case "Feature":
		f, err := geojson.UnmarshalFeature(body)
		if err != nil {
			return nil, badBody("body", "is not a GeoJSON Feature: "+err.Error())
		}
		g, props = f.Geometry, f.Properties
	case "Polygon", "MultiPolygon", "Point":
		geom, err := geojson.UnmarshalGeometry(body)
		if err != nil {
			return nil, badBody("body", "is not a GeoJSON geometry: "+err.Error())
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

// importServiceArea sets an initiative's service area from GeoJSON by
// turning it into the merge patch {"service_area": …} and handing that to
// the initiative's PATCH, so ownership, If-Match, validation (inside the
// municipality, a valid ring) and the matching engine are as for any edit.
func importServiceArea(patch fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		area, err := serviceAreaFromGeoJSON(c.Body())
		if err != nil {
			return err
		}
		body, err := json.Marshal(map[string]json.RawMessage{"service_area": area})
		if err != nil {
			return err
		}
		c.Request().SetBody(body)
		c.Request().Header.SetContentType("application/merge-patch+json")
		return patch(c)
	}
}
