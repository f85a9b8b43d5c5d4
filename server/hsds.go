package server

import (
	"bufio"
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/store"
)

// hsdsAPI publishes each municipality's initiatives, provisions and
// activities as an Open Referral HSDS 3.0 API under /hsds/{municipality}/:
// public, read-only, with no personal data (see docs/standards.md).
type hsdsAPI struct {
	st        *store.Store
	areas     *geo.Areas
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
	for _, e := range []struct {
		path, what string
		list, item fiber.Handler
	}{{"/services", "services", h.services, h.service}, {"/organizations", "organizations", h.organizations, h.organization},
		{"/service_at_locations", "services at locations (with postcode and proximity)", h.serviceAtLocations, h.serviceAtLocation},
		{"/taxonomies", "taxonomies", h.taxonomies, h.taxonomy}, {"/taxonomy_terms", "taxonomy terms (help types)", h.terms, h.term}} {
		rt.add(route{method: http.MethodGet, path: base + e.path, perm: permPublic, handler: e.list,
			tag: tag, summary: "HSDS " + e.what + ", paged", params: hsdsListParams{}, errors: []int{http.StatusBadRequest, http.StatusNotFound}})
		rt.add(route{method: http.MethodGet, path: base + e.path + "/:id", perm: permPublic, handler: e.item,
			tag: tag, summary: "One of the HSDS " + e.what, params: hsdsItemParams{}, errors: []int{http.StatusNotFound}})
	}
}

// catalog reads the municipality's public records and maps them.
func (h *hsdsAPI) catalog(c *fiber.Ctx) (hsds.Catalog, error) {
	code := c.Params("municipality")
	if _, ok := h.areas.Municipalities().Lookup(code); !ok {
		return hsds.Catalog{}, newProblem(fiber.StatusNotFound, "not-found", "no municipality with code "+code)
	}
	ctx := c.UserContext()
	d := hsds.Directory{HelpTypes: care.Codes().HelpTypes, CalendarURL: func(id string) string {
		return h.baseURL + "/api/v1/activities/" + id + "/calendar.ics"
	}}
	var err error
	if d.Initiatives, err = h.st.Initiatives().OfMunicipality(ctx, code); err != nil {
		return hsds.Catalog{}, err
	}
	if d.Provisions, err = h.st.Provisions().OfMunicipality(ctx, code); err != nil {
		return hsds.Catalog{}, err
	}
	if d.Activities, err = h.st.Activities().OfMunicipality(ctx, code); err != nil {
		return hsds.Catalog{}, err
	}
	return hsds.Build(d), nil
}

// listing checks a list request's parameters and then reads the
// catalog: a bad query costs no read of the municipality's records.
func (h *hsdsAPI) listing(c *fiber.Ctx) (hsds.Catalog, listQuery, error) {
	q, err := h.query(c)
	if err != nil {
		return hsds.Catalog{}, q, err
	}
	cat, err := h.catalog(c)
	return cat, q, err
}

func (h *hsdsAPI) root(c *fiber.Ctx) error {
	if _, ok := h.areas.Municipalities().Lookup(c.Params("municipality")); !ok {
		return newProblem(fiber.StatusNotFound, "not-found", "no municipality with code "+c.Params("municipality"))
	}
	return c.JSON(HSDSRoot{Version: hsds.Version, Profile: "https://docs.openreferral.org/en/3.0/", OpenAPIURL: h.baseURL + "/api/openapi.json"})
}

// listQuery is a list request's parameters, checked.
type listQuery struct {
	page, perPage         int
	search                []string
	term, taxonomy, org   string
	after                 time.Time
	minimal, full, ndjson bool
	postcode              *geo.Postcode
	proximity             float64
}

func (h *hsdsAPI) query(c *fiber.Ctx) (listQuery, error) {
	q := listQuery{page: 1, perPage: 50, proximity: 2000}
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
	q.proximity = float64(prox)
	q.search = strings.Fields(strings.ToLower(c.Query("search")))
	q.term, q.taxonomy, q.org = c.Query("taxonomy_term_id"), c.Query("taxonomy_id"), c.Query("organization_id")
	if q.after, err = timeParam(c, "modified_after"); err != nil {
		return q, err
	}
	for name, dst := range map[string]*bool{"minimal": &q.minimal, "full": &q.full} {
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
		q.postcode = &pc
	}
	return q, nil
}

// matches reports whether text holds every search word.
func (q listQuery) matches(text ...string) bool {
	all := strings.ToLower(strings.Join(text, " "))
	for _, w := range q.search {
		if !strings.Contains(all, w) {
			return false
		}
	}
	return true
}

// serviceMatches applies the service filters.
func (q listQuery) serviceMatches(cat hsds.Catalog, s hsds.Service) bool {
	if !q.matches(s.Name, s.Description) || (q.org != "" && s.OrganizationID != q.org) {
		return false
	}
	if !q.after.IsZero() && cat.Modified[s.ID].Before(q.after) {
		return false
	}
	if q.term != "" && !slices.ContainsFunc(s.Attributes, func(a hsds.Attribute) bool { return a.TaxonomyTermID == q.term }) {
		return false
	}
	if q.taxonomy != "" && !slices.ContainsFunc(s.Attributes, func(a hsds.Attribute) bool {
		return a.TaxonomyTerm != nil && a.TaxonomyTerm.TaxonomyID == q.taxonomy
	}) {
		return false
	}
	return true
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

// minimalItem is a list item under minimal=true.
type minimalItem struct {
	ID           string `json:"id"`
	LastModified string `json:"last_modified,omitempty"`
}

// flat keeps a service's one-to-one fields, as HSDS lists show them.
func flat(s hsds.Service) hsds.Service {
	return hsds.Service{ID: s.ID, OrganizationID: s.OrganizationID, Name: s.Name, Description: s.Description, URL: s.URL, Email: s.Email,
		Status: s.Status, FeesDescription: s.FeesDescription, EligibilityDescription: s.EligibilityDescription, MinimumAge: s.MinimumAge,
		MaximumAge: s.MaximumAge, LastModified: s.LastModified}
}

func (h *hsdsAPI) services(c *fiber.Ctx) error {
	cat, q, err := h.listing(c)
	if err != nil {
		return err
	}
	var out []hsds.Service
	for _, s := range cat.Services {
		if q.serviceMatches(cat, s) {
			if q.full {
				out = append(out, withOrganization(cat, s))
			} else {
				out = append(out, flat(s))
			}
		}
	}
	if q.minimal {
		min := make([]minimalItem, len(out))
		for i, s := range out {
			min[i] = minimalItem{ID: s.ID, LastModified: s.LastModified}
		}
		return send(c, q, min)
	}
	return send(c, q, out)
}

// withOrganization is a service in full, with its organization.
func withOrganization(cat hsds.Catalog, s hsds.Service) hsds.Service {
	if o, ok := cat.Organization(s.OrganizationID); ok {
		s.Organization = &o
	}
	// A copy: the catalog's own service keeps its bare links.
	s.ServiceAtLocations = slices.Clone(s.ServiceAtLocations)
	for i, sal := range s.ServiceAtLocations {
		if l, ok := cat.Location(sal.LocationID); ok {
			s.ServiceAtLocations[i].Location = &l
		}
	}
	return s
}

func hsdsNotFound(what, id string) error {
	return newProblem(fiber.StatusNotFound, "not-found", "no "+what+" "+id+" in this directory")
}

func (h *hsdsAPI) service(c *fiber.Ctx) error {
	cat, err := h.catalog(c)
	if err != nil {
		return err
	}
	if s, ok := cat.Service(c.Params("id")); ok {
		return c.JSON(withOrganization(cat, s))
	}
	return hsdsNotFound("service", c.Params("id"))
}

func (h *hsdsAPI) organizations(c *fiber.Ctx) error {
	cat, q, err := h.listing(c)
	if err != nil {
		return err
	}
	var out []hsds.Organization
	for _, o := range cat.Organizations {
		if !q.matches(o.Name, o.Description) || (!q.after.IsZero() && cat.Modified[o.ID].Before(q.after)) {
			continue
		}
		if q.full {
			o = fullOrganization(cat, o)
		}
		out = append(out, o)
	}
	return send(c, q, out)
}

// fullOrganization nests an organization's services and locations.
func fullOrganization(cat hsds.Catalog, o hsds.Organization) hsds.Organization {
	for _, s := range cat.Services {
		if s.OrganizationID == o.ID {
			o.Services = append(o.Services, s)
		}
	}
	for _, l := range cat.Locations {
		if l.OrganizationID == o.ID {
			o.Locations = append(o.Locations, l)
		}
	}
	return o
}

func (h *hsdsAPI) organization(c *fiber.Ctx) error {
	cat, err := h.catalog(c)
	if err != nil {
		return err
	}
	if o, ok := cat.Organization(c.Params("id")); ok {
		return c.JSON(fullOrganization(cat, o))
	}
	return hsdsNotFound("organization", c.Params("id"))
}

func (h *hsdsAPI) serviceAtLocations(c *fiber.Ctx) error {
	cat, q, err := h.listing(c)
	if err != nil {
		return err
	}
	type near struct {
		sal  hsds.ServiceAtLocation
		dist float64
	}
	var found []near
	for _, sal := range cat.ServiceAtLocations {
		svc, loc, ok := salParts(cat, sal)
		if !ok || !q.serviceMatches(cat, svc) {
			continue
		}
		d := 0.0
		if q.postcode != nil {
			if loc.Latitude == nil || loc.Longitude == nil {
				continue
			}
			d = geo.Distance(q.postcode.Point, [2]float64{*loc.Longitude, *loc.Latitude})
			if d > q.proximity {
				continue
			}
		}
		if q.full {
			s, l := svc, loc
			sal.Service, sal.Location = &s, &l
		}
		found = append(found, near{sal, d})
	}
	slices.SortStableFunc(found, func(a, b near) int { return cmp.Compare(a.dist, b.dist) })
	out := make([]hsds.ServiceAtLocation, len(found))
	for i, f := range found {
		out[i] = f.sal
	}
	return send(c, q, out)
}

// salParts finds a service-at-location's service and location.
func salParts(cat hsds.Catalog, sal hsds.ServiceAtLocation) (hsds.Service, hsds.Location, bool) {
	s, sok := cat.Service(sal.ServiceID)
	l, lok := cat.Location(sal.LocationID)
	return flat(s), l, sok && lok
}

func (h *hsdsAPI) serviceAtLocation(c *fiber.Ctx) error {
	cat, err := h.catalog(c)
	if err != nil {
		return err
	}
	for _, sal := range cat.ServiceAtLocations {
		if sal.ID == c.Params("id") {
			if svc, loc, ok := salParts(cat, sal); ok {
				sal.Service, sal.Location = &svc, &loc
			}
			return c.JSON(sal)
		}
	}
	return hsdsNotFound("service_at_location", c.Params("id"))
}

func (h *hsdsAPI) taxonomies(c *fiber.Ctx) error {
	cat, q, err := h.listing(c)
	if err != nil {
		return err
	}
	var out []hsds.Taxonomy
	if q.matches(cat.Taxonomy.Name, cat.Taxonomy.Description) {
		out = append(out, cat.Taxonomy)
	}
	return send(c, q, out)
}

func (h *hsdsAPI) taxonomy(c *fiber.Ctx) error {
	cat, err := h.catalog(c)
	if err != nil {
		return err
	}
	if cat.Taxonomy.ID != c.Params("id") {
		return hsdsNotFound("taxonomy", c.Params("id"))
	}
	return c.JSON(cat.Taxonomy)
}

func (h *hsdsAPI) terms(c *fiber.Ctx) error {
	cat, q, err := h.listing(c)
	if err != nil {
		return err
	}
	var out []hsds.TaxonomyTerm
	for _, t := range cat.Terms {
		if q.matches(t.Code, t.Name, t.Description) && (q.taxonomy == "" || t.TaxonomyID == q.taxonomy) {
			out = append(out, t)
		}
	}
	return send(c, q, out)
}

func (h *hsdsAPI) term(c *fiber.Ctx) error {
	cat, err := h.catalog(c)
	if err != nil {
		return err
	}
	for _, t := range cat.Terms {
		if t.ID == c.Params("id") {
			return c.JSON(t)
		}
	}
	return hsdsNotFound("taxonomy_term", c.Params("id"))
}
