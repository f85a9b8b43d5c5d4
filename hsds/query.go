package hsds

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/geo"
)

// Query is a list request of the HSDS API, its parameters checked: the
// filters the HSDS 3.0 API specification defines, and what a list item
// holds.
type Query struct {
	// Search holds lower-case words, each of which a match contains.
	Search                             []string
	TermID, TaxonomyID, OrganizationID string
	// ModifiedAfter, when set, keeps records changed after it.
	ModifiedAfter time.Time
	// Full nests the records an item refers to (full=true).
	Full bool
	// Near, when set, keeps the services at locations within Proximity
	// metres of it, nearest first.
	Near      *orb.Point
	Proximity float64
}

// matches reports whether text holds every search word.
func (q Query) matches(text ...string) bool {
	if len(q.Search) == 0 {
		return true // without words nothing to lower-case and join
	}
	all := strings.ToLower(strings.Join(text, " "))
	for _, w := range q.Search {
		if !strings.Contains(all, w) {
			return false
		}
	}
	return true
}

// modified reports whether the record behind id changed after the
// query's modified_after.
func (q Query) modified(c Catalog, id string) bool {
	return q.ModifiedAfter.IsZero() || !c.Modified[id].Before(q.ModifiedAfter)
}

// serviceMatches applies the service filters.
func (q Query) serviceMatches(c Catalog, s Service) bool {
	if !q.matches(s.Name, s.Description) || (q.OrganizationID != "" && s.OrganizationID != q.OrganizationID) || !q.modified(c, s.ID) {
		return false
	}
	if q.TermID != "" && !slices.ContainsFunc(s.Attributes, func(a Attribute) bool { return a.TaxonomyTermID == q.TermID }) {
		return false
	}
	if q.TaxonomyID != "" && !slices.ContainsFunc(s.Attributes, func(a Attribute) bool {
		return a.TaxonomyTerm != nil && a.TaxonomyTerm.TaxonomyID == q.TaxonomyID
	}) {
		return false
	}
	return true
}

// Flat keeps a service's one-to-one fields, as HSDS lists show them.
func Flat(s Service) Service {
	return Service{ID: s.ID, OrganizationID: s.OrganizationID, Name: s.Name, Description: s.Description, URL: s.URL, Email: s.Email,
		Status: s.Status, FeesDescription: s.FeesDescription, EligibilityDescription: s.EligibilityDescription, MinimumAge: s.MinimumAge,
		MaximumAge: s.MaximumAge, LastModified: s.LastModified}
}

// MinimalItem is a list item under minimal=true.
type MinimalItem struct {
	ID           string `json:"id"`
	LastModified string `json:"last_modified,omitempty"`
}

// Minimal is the minimal=true form of services.
func Minimal(services []Service) []MinimalItem {
	out := make([]MinimalItem, len(services))
	for i, s := range services {
		out[i] = MinimalItem{ID: s.ID, LastModified: s.LastModified}
	}
	return out
}

// FindServices lists the services q matches: flat, or in full.
func (c Catalog) FindServices(q Query) []Service {
	var out []Service
	for _, s := range c.Services {
		if q.serviceMatches(c, s) {
			if q.Full {
				out = append(out, c.withOrganization(s))
			} else {
				out = append(out, Flat(s))
			}
		}
	}
	return out
}

// FindServicesPage is page number (1-based) of perPage of what
// FindServices returns, converting only the services on that page: a
// page cost the conversion of every match (19 ms a page at 30,000
// options, against 1.4 ms at 3,000).
func (c Catalog) FindServicesPage(q Query, number, perPage int) Page[Service] {
	conv := Flat
	if q.Full {
		conv = c.withOrganization
	}
	if len(q.Search) == 0 && q.TermID == "" && q.TaxonomyID == "" && q.OrganizationID == "" && q.ModifiedAfter.IsZero() {
		// Every service matches: the page is a window of the list, and
		// costs its own services whatever the catalog holds.
		lo := min(max(number-1, 0)*perPage, len(c.Services))
		hi := min(lo+perPage, len(c.Services))
		contents := make([]Service, 0, hi-lo)
		for _, s := range c.Services[lo:hi] {
			contents = append(contents, conv(s))
		}
		return newPage(contents, len(c.Services), number, perPage)
	}
	return pageOf(c.Services, func(s Service) bool { return q.serviceMatches(c, s) }, conv, number, perPage)
}

// pageOf is Paginate of conv of the items of src that keep accepts,
// converting only those on the page.
func pageOf[S, T any](src []S, keep func(S) bool, conv func(S) T, number, perPage int) Page[T] {
	lo := (number - 1) * perPage
	contents := []T{}
	total := 0
	for _, s := range src {
		if !keep(s) {
			continue
		}
		if total >= lo && len(contents) < perPage {
			contents = append(contents, conv(s))
		}
		total++
	}
	return newPage(contents, total, number, perPage)
}

// ServiceInFull is the service with id, with its organization and
// locations.
func (c Catalog) ServiceInFull(id string) (Service, bool) {
	s, ok := c.Service(id)
	if !ok {
		return Service{}, false
	}
	return c.withOrganization(s), true
}

// withOrganization is a service in full, with its organization.
func (c Catalog) withOrganization(s Service) Service {
	if o, ok := c.Organization(s.OrganizationID); ok {
		s.Organization = &o
	}
	// A copy: the catalog's own service keeps its bare links.
	s.ServiceAtLocations = slices.Clone(s.ServiceAtLocations)
	for i, sal := range s.ServiceAtLocations {
		if l, ok := c.Location(sal.LocationID); ok {
			s.ServiceAtLocations[i].Location = &l
		}
	}
	return s
}

// FindOrganizations lists the organizations q matches.
func (c Catalog) FindOrganizations(q Query) []Organization {
	var out []Organization
	for _, o := range c.Organizations {
		if !q.matches(o.Name, o.Description) || !q.modified(c, o.ID) {
			continue
		}
		if q.Full {
			o = c.fullOrganization(o)
		}
		out = append(out, o)
	}
	return out
}

// OrganizationInFull is the organization with id, with its services and
// locations.
func (c Catalog) OrganizationInFull(id string) (Organization, bool) {
	o, ok := c.Organization(id)
	if !ok {
		return Organization{}, false
	}
	return c.fullOrganization(o), true
}

// fullOrganization nests an organization's services and locations.
func (c Catalog) fullOrganization(o Organization) Organization {
	for _, s := range c.Services {
		if s.OrganizationID == o.ID {
			o.Services = append(o.Services, s)
		}
	}
	for _, l := range c.Locations {
		if l.OrganizationID == o.ID {
			o.Locations = append(o.Locations, l)
		}
	}
	return o
}

// FindServiceAtLocations lists the services at locations whose service
// q matches, nearest first when q is near a point.
func (c Catalog) FindServiceAtLocations(q Query) []ServiceAtLocation {
	found := c.salMatches(q)
	out := make([]ServiceAtLocation, len(found))
	for i, f := range found {
		out[i] = c.salItem(q, f.i)
	}
	return out
}

// FindServiceAtLocationsPage is page number (1-based) of perPage of what
// FindServiceAtLocations returns, building only that page's items: a
// nearby list sorts the entries in reach by distance, but copies and
// nests the fifty it shows only.
func (c Catalog) FindServiceAtLocationsPage(q Query, number, perPage int) Page[ServiceAtLocation] {
	found := c.salMatches(q)
	return pageOf(found, func(salMatch) bool { return true }, func(f salMatch) ServiceAtLocation { return c.salItem(q, f.i) }, number, perPage)
}

// salMatch is an entry of c.ServiceAtLocations that a query matches, with
// its distance from the query's point (0 without one).
type salMatch struct {
	i    int32
	dist float64
}

// salMatches lists the services at locations q matches, nearest first
// (list order without a point, and among equals).
func (c Catalog) salMatches(q Query) []salMatch {
	var found []salMatch
	consider := func(i int32) {
		sal := c.ServiceAtLocations[i]
		d := 0.0
		if q.Near != nil {
			// The distance first: it rules out most.
			li, ok := c.locations[sal.LocationID]
			if !ok {
				return
			}
			loc := &c.Locations[li]
			if loc.Latitude == nil || loc.Longitude == nil {
				return
			}
			d = geo.Distance(*q.Near, orb.Point{*loc.Longitude, *loc.Latitude})
			if d > q.Proximity {
				return
			}
		}
		si, ok := c.services[sal.ServiceID]
		if _, lok := c.locations[sal.LocationID]; !ok || !lok || !q.serviceMatches(c, c.Services[si]) {
			return
		}
		found = append(found, salMatch{i, d})
	}
	if cells, ok := c.cellsNear(q); ok {
		for _, i := range cells {
			consider(i)
		}
	} else {
		for i := range c.ServiceAtLocations {
			consider(int32(i))
		}
	}
	slices.SortStableFunc(found, func(a, b salMatch) int { return cmp.Compare(a.dist, b.dist) })
	return found
}

// salItem is entry i as a list shows it: bare, or with its service and
// location under full=true.
func (c Catalog) salItem(q Query, i int32) ServiceAtLocation {
	sal := c.ServiceAtLocations[i]
	if q.Full {
		svc, loc, _ := c.salParts(sal)
		sal.Service, sal.Location = &svc, &loc
	}
	return sal
}

// salCell is a cell of the nearby grid: salCellDeg degrees a side, about
// 1.1 by 0.7 km in the Netherlands.
type salCell struct{ x, y int32 }

const salCellDeg = 0.01

func cellOf(lon, lat float64) salCell {
	return salCell{int32(math.Floor(lon / salCellDeg)), int32(math.Floor(lat / salCellDeg))}
}

// cellsNear returns, in list order, the services at locations filed in
// the grid cells that a circle of q.Proximity around q.Near touches (with
// a cell to spare), so that a nearby list reads the neighbourhood, not
// the catalog (5 ms a page at 30,000 options, 0.4 ms at 3,000). It
// returns false when q is not a nearby query, or its circle spans more
// cells than the list has entries.
func (c Catalog) cellsNear(q Query) ([]int32, bool) {
	if q.Near == nil || c.salGrid == nil || q.Proximity <= 0 {
		return nil, false
	}
	// 111 km a degree of latitude (a little more everywhere), with 2 %
	// to spare; a degree of longitude is that times cos(latitude).
	dLat := q.Proximity / 111_000 * 1.02
	cos := math.Cos(q.Near.Lat() * math.Pi / 180)
	if cos < 0.01 {
		return nil, false
	}
	dLon := dLat / cos
	lo, hi := cellOf(q.Near.Lon()-dLon, q.Near.Lat()-dLat), cellOf(q.Near.Lon()+dLon, q.Near.Lat()+dLat)
	lo, hi = salCell{lo.x - 1, lo.y - 1}, salCell{hi.x + 1, hi.y + 1}
	if n := (int64(hi.x-lo.x) + 1) * (int64(hi.y-lo.y) + 1); n > int64(len(c.ServiceAtLocations)) {
		return nil, false
	}
	var out []int32
	for x := lo.x; x <= hi.x; x++ {
		for y := lo.y; y <= hi.y; y++ {
			out = append(out, c.salGrid[salCell{x, y}]...)
		}
	}
	slices.Sort(out) // list order, which breaks ties in distance
	return out, true
}

// ServiceAtLocationInFull is the service at location with id, with its
// service and location.
func (c Catalog) ServiceAtLocationInFull(id string) (ServiceAtLocation, bool) {
	for _, sal := range c.ServiceAtLocations {
		if sal.ID == id {
			if svc, loc, ok := c.salParts(sal); ok {
				sal.Service, sal.Location = &svc, &loc
			}
			return sal, true
		}
	}
	return ServiceAtLocation{}, false
}

// salParts finds a service-at-location's service and location.
func (c Catalog) salParts(sal ServiceAtLocation) (Service, Location, bool) {
	s, sok := c.Service(sal.ServiceID)
	l, lok := c.Location(sal.LocationID)
	return Flat(s), l, sok && lok
}

// FindTaxonomies lists the taxonomies (dichtbij has one) q matches.
func (c Catalog) FindTaxonomies(q Query) []Taxonomy {
	var out []Taxonomy
	if q.matches(c.Taxonomy.Name, c.Taxonomy.Description) {
		out = append(out, c.Taxonomy)
	}
	return out
}

// FindTerms lists the taxonomy terms q matches.
func (c Catalog) FindTerms(q Query) []TaxonomyTerm {
	var out []TaxonomyTerm
	for _, t := range c.Terms {
		if q.matches(t.Code, t.Name, t.Description) && (q.TaxonomyID == "" || t.TaxonomyID == q.TaxonomyID) {
			out = append(out, t)
		}
	}
	return out
}

// Term returns the taxonomy term with id.
func (c Catalog) Term(id string) (TaxonomyTerm, bool) {
	for _, t := range c.Terms {
		if t.ID == id {
			return t, true
		}
	}
	return TaxonomyTerm{}, false
}
