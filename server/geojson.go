package server

import (
	"encoding/json"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/opendata"
)

// publicMap serves a municipality's public options as GeoJSON: provisions
// and activities as points, initiatives as their service areas. No
// volunteer or request is in it.
type publicMap struct{ dir *opendata.Directory }

type geojsonParams struct {
	Municipality string `path:"municipality" description:"CBS municipality code, e.g. GM0363"`
}

func mountPublicMap(rt *routeTable, m *publicMap) {
	rt.add(route{method: http.MethodGet, path: "/geojson/:municipality/options", perm: permPublic, handler: m.options, tag: "open data",
		summary: "GeoJSON of a municipality's public options: provisions and activities as points, initiatives as service areas (a radius drawn as a 64-sided polygon); properties kind, id, hsds_service_id, name, help_types, active",
		params:  geojsonParams{}, errors: []int{http.StatusNotFound}})
}

func (m *publicMap) options(c *fiber.Ctx) error {
	fc, err := m.dir.Map(c.UserContext(), c.Params("municipality"))
	if err != nil {
		return err
	}
	body, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.Send(body)
}

// importServiceArea sets an initiative's service area from GeoJSON by
// turning it into the merge patch {"service_area": …} and handing that to
// the initiative's PATCH, so ownership, If-Match, validation (inside the
// municipality, a valid ring) and the matching engine are as for any edit.
func importServiceArea(patch fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		area, err := opendata.ServiceArea(c.Body())
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
