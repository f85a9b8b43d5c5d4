package server

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/geo"
)

// MunicipalityView is a municipality as the portal lists it.
type MunicipalityView struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Population int        `json:"population"`
	Centre     [2]float64 `json:"centre" description:"a point inside it, [lon, lat]"`
}

// PostcodeView is a four-digit postcode turned into a point.
type PostcodeView struct {
	Postcode         string  `json:"postcode"`
	City             string  `json:"city"`
	Lat              float64 `json:"lat"`
	Lon              float64 `json:"lon"`
	Municipality     string  `json:"municipality,omitempty"`
	MunicipalityName string  `json:"municipality_name,omitempty"`
}

type postcodeParam struct {
	Postcode string `path:"postcode" description:"four digits, optionally followed by the two letters (which are ignored)"`
}

// boundaries serves public geography: the portal's base map is these
// outlines, since no tile server can be reached where it runs.
type boundaries struct {
	areas     *geo.Areas
	postcodes *geo.Postcodes
}

func mountAreas(rt *routeTable, b *boundaries) {
	tag := "areas"
	rt.add(route{method: http.MethodGet, path: "/api/v1/municipalities", perm: permPublic, handler: b.municipalities, tag: tag, summary: "The 342 Dutch municipalities of 2024 (CBS), by code", resp: []MunicipalityView{}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/municipalities/:code/areas", perm: permPublic, handler: b.outlines, tag: tag,
		summary: "GeoJSON of a municipality's outline (kind municipality, 2024) and its districts (kind district, CBS 2014 wijken): the portal's base map",
		params:  codeParam{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/postcodes/:postcode", perm: permPublic, handler: b.postcode, tag: tag,
		summary: "The mean point of a four-digit postcode area (source about 2016) and the municipality it lies in",
		params:  postcodeParam{}, resp: PostcodeView{}, errors: []int{http.StatusNotFound}})
}

// cacheable marks public geography as cacheable for a day: it changes
// only with a new release.
func cacheable(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
}

func (b *boundaries) municipalities(c *fiber.Ctx) error {
	all := b.areas.Municipalities().All()
	out := make([]MunicipalityView, len(all))
	for i, m := range all {
		out[i] = MunicipalityView{Code: m.Code, Name: m.Name, Population: m.Population, Centre: [2]float64(m.Centre)}
	}
	cacheable(c)
	return c.JSON(out)
}

func (b *boundaries) outlines(c *fiber.Ctx) error {
	code := c.Params("code")
	fc, ok := b.areas.Outlines(code)
	if !ok {
		return newProblem(fiber.StatusNotFound, "not-found", "no municipality with code "+code)
	}
	cacheable(c)
	c.Set(fiber.HeaderContentType, "application/geo+json")
	body, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	return c.Send(body)
}

func (b *boundaries) postcode(c *fiber.Ctx) error {
	pc, ok := b.postcodes.Lookup(c.Params("postcode"))
	if !ok {
		return newProblem(fiber.StatusNotFound, "unknown-postcode", "no such four-digit postcode is known",
			FieldProblem{Field: "postcode", Reason: "is not a known Dutch postcode (four digits, from 1000)"})
	}
	v := PostcodeView{Postcode: pc.Code, City: pc.City, Lon: pc.Point[0], Lat: pc.Point[1]}
	if m, ok := b.areas.Municipalities().Locate(pc.Point); ok {
		v.Municipality, v.MunicipalityName = m.Code, m.Name
	}
	cacheable(c)
	return c.JSON(v)
}
