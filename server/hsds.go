package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/opendata"
)

// hsdsAPI publishes each municipality's initiatives, provisions and
// activities as an Open Referral HSDS 3.0 API under /hsds/{municipality}/:
// public, read-only, with no personal data (see docs/standards.md).
type hsdsAPI struct {
	dir       *opendata.Directory
	postcodes *geo.Postcodes
	baseURL   string
}

type hsdsListParams struct {
	Municipality   string `path:"municipality" description:"CBS municipality code, e.g. GM0363"`
	Page           int    `query:"page" minimum:"1" default:"1"`
	PerPage        int    `query:"per_page" minimum:"1" maximum:"500" default:"50"`
	Search         string `query:"search" description:"words in the name or description"`
	TaxonomyTermID string `query:"taxonomy_term_id"`
	TaxonomyID     string `query:"taxonomy_id"`
	OrganizationID string `query:"organization_id"`
	ModifiedAfter  string `query:"modified_after" description:"RFC 3339 time or date"`
	Minimal        bool   `query:"minimal" description:"only id and last_modified"`
	Full           bool   `query:"full" description:"nested records too"`
	Format         string `query:"format" enum:"json,ndjson" description:"ndjson: every match, one JSON object per line, no envelope"`
	Postcode       string `query:"postcode" description:"service_at_locations: a Dutch postcode whose centre the proximity is measured from"`
	Proximity      int    `query:"proximity" description:"service_at_locations: metres from the postcode's centre; default 2000"`
}

type hsdsRootParams struct {
	Municipality string `path:"municipality" description:"CBS municipality code, e.g. GM0363"`
}

type hsdsItemParams struct {
	Municipality string `path:"municipality" description:"CBS municipality code"`
	ID           string `path:"id" description:"HSDS id (UUID)"`
}

// HSDSRoot is the answer of an HSDS API's root.
type HSDSRoot struct {
	Version    string `json:"version"`
	Profile    string `json:"profile"`
	OpenAPIURL string `json:"openapi_url"`
}

func mountHSDS(rt *routeTable, h *hsdsAPI) {
	base := "/hsds/:municipality"
	tag := "HSDS"
	rt.add(route{method: http.MethodGet, path: base, perm: permPublic, handler: h.root,
		tag: tag, summary: "HSDS 3.0 API root of one municipality's public services", params: hsdsRootParams{}, resp: HSDSRoot{}})
	taxonomy := func(cat hsds.Catalog, id string) (hsds.Taxonomy, bool) { return cat.Taxonomy, cat.Taxonomy.ID == id }
	for _, e := range []struct {
		path, what string
		list, item fiber.Handler
	}{{"/services", "services", h.services, item(h, "service", hsds.Catalog.ServiceInFull)},
		{"/organizations", "organizations", list(h, hsds.Catalog.FindOrganizations), item(h, "organization", hsds.Catalog.OrganizationInFull)},
		{"/service_at_locations", "services at locations (with postcode and proximity)", h.serviceAtLocations,
			item(h, "service_at_location", hsds.Catalog.ServiceAtLocationInFull)},
		{"/taxonomies", "taxonomies", list(h, hsds.Catalog.FindTaxonomies), item(h, "taxonomy", taxonomy)},
		{"/taxonomy_terms", "taxonomy terms (help types)", list(h, hsds.Catalog.FindTerms), item(h, "taxonomy_term", hsds.Catalog.Term)}} {
		rt.add(route{method: http.MethodGet, path: base + e.path, perm: permPublic, handler: e.list,
			tag: tag, summary: "HSDS " + e.what + ", paged", params: hsdsListParams{}, errors: []int{http.StatusBadRequest, http.StatusNotFound}})
		rt.add(route{method: http.MethodGet, path: base + e.path + "/:id", perm: permPublic, handler: e.item,
			tag: tag, summary: "One of the HSDS " + e.what, params: hsdsItemParams{}, errors: []int{http.StatusNotFound}})
	}
}

// listing checks a list request's parameters and then reads the
// catalog: a bad query costs no read of the municipality's records.
func (h *hsdsAPI) listing(c *fiber.Ctx) (hsds.Catalog, listQuery, error) {
	q, err := h.query(c)
	if err != nil {
		return hsds.Catalog{}, q, err
	}
	cat, err := h.dir.Catalog(c.UserContext(), c.Params("municipality"))
	return cat, q, err
}

func (h *hsdsAPI) root(c *fiber.Ctx) error {
	if err := h.dir.Known(c.Params("municipality")); err != nil {
		return err
	}
	return c.JSON(HSDSRoot{Version: hsds.Version, Profile: "https://docs.openreferral.org/en/3.0/", OpenAPIURL: h.baseURL + "/api/openapi.json"})
}

// listQuery is a list request's parameters, checked: the catalog's query
// and how to answer.
type listQuery struct {
	hsds.Query
	page, perPage   int
	minimal, ndjson bool
}

func (h *hsdsAPI) query(c *fiber.Ctx) (listQuery, error) {
	q := listQuery{page: 1, perPage: 50}
	known := map[string]bool{"page": true, "per_page": true, "search": true, "taxonomy_term_id": true, "taxonomy_id": true, "organization_id": true,
		"modified_after": true, "minimal": true, "full": true, "format": true, "postcode": true, "proximity": true}
	for k := range c.Queries() {
		if !known[k] {
			return q, invalidQuery(k, "is not a parameter of HSDS lists")
		}
	}
	var err error
	if q.page, err = intParam(c, "page", 1, 1, 1_000_000); err != nil {
		return q, err
	}
	if q.perPage, err = intParam(c, "per_page", 50, 1, 500); err != nil {
		return q, err
	}
	prox, err := intParam(c, "proximity", 2000, 1, 100_000)
	if err != nil {
		return q, err
	}
	q.Proximity = float64(prox)
	q.Search = strings.Fields(strings.ToLower(c.Query("search")))
	q.TermID, q.TaxonomyID, q.OrganizationID = c.Query("taxonomy_term_id"), c.Query("taxonomy_id"), c.Query("organization_id")
	if q.ModifiedAfter, err = timeParam(c, "modified_after"); err != nil {
		return q, err
	}
	for name, dst := range map[string]*bool{"minimal": &q.minimal, "full": &q.Full} {
		if v := c.Query(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return q, invalidQuery(name, "must be true or false")
			}
			*dst = b
		}
	}
	switch c.Query("format") {
	case "", "json":
	case "ndjson":
		q.ndjson = true
	default:
		return q, invalidQuery("format", "must be json or ndjson")
	}
	if v := c.Query("postcode"); v != "" {
		pc, ok := h.postcodes.Lookup(strings.ReplaceAll(v, " ", ""))
		if !ok {
			return q, invalidQuery("postcode", "is not a known Dutch postcode")
		}
		q.Near = &pc.Point
	}
	return q, nil
}

// send answers a list: a page in the HSDS envelope, or every match as
// NDJSON.
func send[T any](c *fiber.Ctx, q listQuery, items []T) error {
	if q.ndjson {
		c.Set(fiber.HeaderContentType, "application/x-ndjson")
		c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
			enc := json.NewEncoder(w)
			for _, it := range items {
				if enc.Encode(it) != nil {
					return
				}
			}
		})
		return nil
	}
	return c.JSON(hsds.Paginate(items, q.page, q.perPage))
}

// list answers a list request with what find returns for its query.
func list[T any](h *hsdsAPI, find func(hsds.Catalog, hsds.Query) []T) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cat, q, err := h.listing(c)
		if err != nil {
			return err
		}
		return send(c, q, find(cat, q.Query))
	}
}

// item answers a request for one record with what get finds for its id.
func item[T any](h *hsdsAPI, what string, get func(hsds.Catalog, string) (T, bool)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cat, err := h.dir.Catalog(c.UserContext(), c.Params("municipality"))
		if err != nil {
			return err
		}
		if v, ok := get(cat, c.Params("id")); ok {
			return c.JSON(v)
		}
		return newProblem(fiber.StatusNotFound, "not-found", "no "+what+" "+c.Params("id")+" in this directory")
	}
}

// serviceAtLocations builds only the page's items (see
// hsds.Catalog.FindServiceAtLocationsPage); NDJSON streams them all.
func (h *hsdsAPI) serviceAtLocations(c *fiber.Ctx) error {
	cat, q, err := h.listing(c)
	if err != nil {
		return err
	}
	if q.ndjson {
		return send(c, q, cat.FindServiceAtLocations(q.Query))
	}
	return c.JSON(cat.FindServiceAtLocationsPage(q.Query, q.page, q.perPage))
}

func (h *hsdsAPI) services(c *fiber.Ctx) error {
	cat, q, err := h.listing(c)
	if err != nil {
		return err
	}
	if !q.ndjson {
		// A page converts only its own services.
		page := cat.FindServicesPage(q.Query, q.page, q.perPage)
		if q.minimal {
			return c.JSON(hsds.MapPage(page, hsds.Minimal))
		}
		return c.JSON(page)
	}
	out := cat.FindServices(q.Query)
	if q.minimal {
		return send(c, q, hsds.Minimal(out))
	}
	return send(c, q, out)
}
