package hsds

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/dichtbij/dichtbij/care"
)

// namespace makes dichtbij's HSDS ids: UUID version 5 of a record's kind
// and id, so the same record has the same HSDS id in every export, and an
// import of an export finds its records again.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://dichtbij.nl/hsds"))

// ID is the HSDS id of the entity of kind made from dichtbij record key.
func ID(kind, key string) string {
	return uuid.NewSHA1(namespace, []byte(kind+":"+key)).String()
}

// TaxonomyID is the id of dichtbij's help-type taxonomy.
var TaxonomyID = ID("taxonomy", "help_types")

// TermID is the id of the taxonomy term of help type code.
func TermID(code string) string { return ID("taxonomy_term", code) }

// Directory is what one municipality publishes.
type Directory struct {
	Initiatives []care.Initiative
	Provisions  []care.Provision
	Activities  []care.Activity
	// HelpTypes label the taxonomy terms.
	HelpTypes []care.Term
	// CalendarURL returns an activity's iCalendar feed, for schedules
	// whose rule HSDS cannot hold; nil leaves schedule_link empty.
	CalendarURL func(activityID string) string
}

// Catalog is a directory in HSDS form: every service in full, with the
// organizations, locations and links it refers to.
type Catalog struct {
	Organizations      []Organization
	Services           []Service
	Locations          []Location
	ServiceAtLocations []ServiceAtLocation
	Taxonomy           Taxonomy
	Terms              []TaxonomyTerm
	// Modified is when the record behind each HSDS id last changed, for
	// modified_after.
	Modified map[string]time.Time
	// services, locations and organizations find an entry by id.
	services, locations, organizations map[string]int
	// salGrid files the services at locations by the grid cell of their
	// location (salCell), for the nearby lists.
	salGrid map[salCell][]int32
}

// Service returns the service with id.
func (c Catalog) Service(id string) (Service, bool) { return lookup(c.Services, c.services, id) }

// Location returns the location with id.
func (c Catalog) Location(id string) (Location, bool) { return lookup(c.Locations, c.locations, id) }

// Organization returns the organization with id.
func (c Catalog) Organization(id string) (Organization, bool) {
	return lookup(c.Organizations, c.organizations, id)
}

func lookup[T any](list []T, index map[string]int, id string) (T, bool) {
	i, ok := index[id]
	if !ok {
		var zero T
		return zero, false
	}
	return list[i], true
}

// indexByID maps each entry's id to its position.
func indexByID[T any](list []T, id func(T) string) map[string]int {
	m := make(map[string]int, len(list))
	for i, e := range list {
		m[id(e)] = i
	}
	return m
}

// Memo keeps what BuildWith made of each record, so that a rebuild after
// a few records changed converts only those: the catalog of a
// municipality is built again after every write to its options, and
// converting every record (ids, schedules, terms) was most of that cost
// (15 % of the server's CPU under the team load). A record is converted
// again when its version, its last change or its owning organization
// changed. A Memo is for one caller at a time.
type Memo struct {
	prev map[string]memoEntry
}

type memoEntry struct {
	key string
	org Organization
	svc Service
	loc Location
	sal ServiceAtLocation
}

// entry returns the memo's entry for id if it was made for key, else
// make's, which it keeps for the next build (in next).
func (m *Memo) entry(next map[string]memoEntry, id, key string, make func() memoEntry) memoEntry {
	if m != nil {
		if e, ok := m.prev[id]; ok && e.key == key {
			next[id] = e
			return e
		}
	}
	e := make()
	e.key = key
	if m != nil {
		next[id] = e
	}
	return e
}

func recordKey(m care.Meta, more string) string {
	return fmt.Sprintf("%d/%d/%s", m.Version, m.UpdatedAt.UnixNano(), more)
}

// Build maps a directory to HSDS.
func Build(d Directory) Catalog { return BuildWith(d, nil) }

// BuildWith is Build reusing what memo kept of records that did not
// change since its last build (nil: convert every record).
func BuildWith(d Directory, memo *Memo) Catalog {
	c := Catalog{Modified: map[string]time.Time{}}
	c.Taxonomy = Taxonomy{ID: TaxonomyID, Name: "dichtbij hulpsoorten",
		Description: "The kinds of help dichtbij matches on: informal help by volunteers, initiatives, collective provisions and activities", Version: "1"}
	terms := map[string]TaxonomyTerm{}
	for _, h := range d.HelpTypes {
		t := TaxonomyTerm{ID: TermID(h.Code), Code: h.Code, Name: h.Label.NL, Description: h.Label.EN, TaxonomyID: TaxonomyID, Language: "nl"}
		terms[h.Code] = t
		c.Terms = append(c.Terms, t)
	}
	orgOf := map[string]string{} // "provision:<id>" or "initiative:<id>" -> organization id
	next := map[string]memoEntry{}
	for _, i := range d.Initiatives {
		e := memo.entry(next, "initiative:"+i.ID, recordKey(i.Meta, ""), func() memoEntry {
			org, svc := initiative(i, terms)
			return memoEntry{org: org, svc: svc}
		})
		org, svc := e.org, e.svc
		orgOf["initiative:"+i.ID] = org.ID
		c.Organizations = append(c.Organizations, org)
		c.Services = append(c.Services, svc)
		c.Modified[svc.ID], c.Modified[org.ID] = i.UpdatedAt, i.UpdatedAt
	}
	for _, p := range d.Provisions {
		e := memo.entry(next, "provision:"+p.ID, recordKey(p.Meta, ""), func() memoEntry {
			org, svc, loc, sal := provision(p, terms)
			return memoEntry{org: org, svc: svc, loc: loc, sal: sal}
		})
		org, svc, loc, sal := e.org, e.svc, e.loc, e.sal
		orgOf["provision:"+p.ID] = org.ID
		c.Organizations = append(c.Organizations, org)
		c.Services = append(c.Services, svc)
		c.Locations = append(c.Locations, loc)
		c.ServiceAtLocations = append(c.ServiceAtLocations, sal)
		for _, id := range []string{org.ID, svc.ID, loc.ID, sal.ID} {
			c.Modified[id] = p.UpdatedAt
		}
	}
	for _, a := range d.Activities {
		owner := orgOf["provision:"+a.ProvisionID]
		if a.InitiativeID != "" {
			owner = orgOf["initiative:"+a.InitiativeID]
		}
		link := ""
		if d.CalendarURL != nil {
			link = d.CalendarURL(a.ID)
		}
		e := memo.entry(next, "activity:"+a.ID, recordKey(a.Meta, owner+" "+link), func() memoEntry {
			svc, loc, sal := activity(a, owner, terms, link)
			return memoEntry{svc: svc, loc: loc, sal: sal}
		})
		svc, loc, sal := e.svc, e.loc, e.sal
		c.Services = append(c.Services, svc)
		c.Locations = append(c.Locations, loc)
		c.ServiceAtLocations = append(c.ServiceAtLocations, sal)
		for _, id := range []string{svc.ID, loc.ID, sal.ID} {
			c.Modified[id] = a.UpdatedAt
		}
	}
	c.services = indexByID(c.Services, func(s Service) string { return s.ID })
	c.locations = indexByID(c.Locations, func(l Location) string { return l.ID })
	c.organizations = indexByID(c.Organizations, func(o Organization) string { return o.ID })
	c.salGrid = map[salCell][]int32{}
	for i, sal := range c.ServiceAtLocations {
		if l, ok := c.Location(sal.LocationID); ok && l.Latitude != nil && l.Longitude != nil {
			k := cellOf(*l.Longitude, *l.Latitude)
			c.salGrid[k] = append(c.salGrid[k], int32(i))
		}
	}
	if memo != nil {
		memo.prev = next // records gone since are forgotten
	}
	return c
}

func status(active *bool) string {
	if active != nil && !*active {
		return "inactive"
	}
	return "active"
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// attributes tag a service with the terms of its help types.
func attributes(serviceID string, helpTypes []string, terms map[string]TaxonomyTerm) []Attribute {
	var out []Attribute
	for _, h := range helpTypes {
		t, ok := terms[h]
		if !ok {
			continue
		}
		out = append(out, Attribute{ID: ID("attribute", serviceID+":"+h), LinkID: serviceID, LinkType: "service", LinkEntity: "service",
			TaxonomyTermID: t.ID, TaxonomyTerm: &t})
	}
	return out
}

func phones(owner string, c *care.Contact) []Phone {
	if c == nil || c.Phone == "" {
		return nil
	}
	return []Phone{{ID: ID("phone", owner), Number: c.Phone}}
}

// contactOf returns a contact's public e-mail and website. The contact
// person's name is left out: it is personal data, not needed to reach
// the organisation.
func contactOf(c *care.Contact) (email, website string) {
	if c == nil {
		return "", ""
	}
	return c.Email, c.Website
}

func initiative(i care.Initiative, terms map[string]TaxonomyTerm) (Organization, Service) {
	key := "initiative:" + i.ID
	email, web := contactOf(i.Contact)
	org := Organization{ID: ID("organization", key), Name: i.Organisation, Description: i.Description, Email: email, Website: web,
		Phones: phones("organization:"+key, i.Contact)}
	svc := Service{ID: ID("service", key), OrganizationID: org.ID, Name: i.Organisation, Description: i.Description, Email: email, URL: web,
		Status: status(i.Active), LastModified: stamp(i.UpdatedAt), Phones: phones("service:"+key, i.Contact)}
	svc.Attributes = attributes(svc.ID, i.HelpTypes, terms)
	if a := i.ServiceArea; a != nil {
		area := ServiceArea{ID: ID("service_area", key), ServiceID: svc.ID, Name: i.Organisation, ExtentType: "geojson"}
		switch {
		case a.Polygon != nil:
			b, _ := json.Marshal(a.Polygon)
			area.Extent = string(b)
		case a.Center != nil:
			// A circle has no GeoJSON geometry: a Feature with the
			// centre and its radius says it exactly.
			f := map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": []float64{a.Center.Lon, a.Center.Lat}},
				"properties": map[string]any{"radius_m": a.RadiusM}}
			b, _ := json.Marshal(f)
			area.Extent = string(b)
			area.Description = fmt.Sprintf("within %d m of %.5f, %.5f", a.RadiusM, a.Center.Lat, a.Center.Lon)
		}
		svc.ServiceAreas = []ServiceArea{area}
	}
	max := i.Capacity
	svc.Capacity = []ServiceCapacity{{ID: ID("service_capacity", key), ServiceID: svc.ID, Unit: Unit{ID: ID("unit", "residents"), Name: "residents helped at once"},
		Maximum: &max, Updated: stamp(i.UpdatedAt)}}
	return org, svc
}

func provision(p care.Provision, terms map[string]TaxonomyTerm) (Organization, Service, Location, ServiceAtLocation) {
	key := "provision:" + p.ID
	email, web := contactOf(p.Contact)
	orgName := p.Organisation
	if orgName == "" {
		orgName = p.Name
	}
	desc := p.Description
	if desc == "" {
		desc = p.Name
	}
	org := Organization{ID: ID("organization", key), Name: orgName, Description: desc, Email: email, Website: web, Phones: phones("organization:"+key, p.Contact)}
	loc := Location{ID: ID("location", key), LocationType: "physical", OrganizationID: org.ID, Name: p.Name}
	if p.Location != nil {
		lat, lon := p.Location.Lat, p.Location.Lon
		loc.Latitude, loc.Longitude = &lat, &lon
	}
	if a := p.Address; a != nil {
		loc.Addresses = []Address{address(key, loc.ID, a)}
	}
	if acc := p.Accessibility; acc != nil {
		loc.Accessibility = []Accessibility{{ID: ID("accessibility", key), LocationID: loc.ID, Description: accessibilityText(acc), Details: acc.Notes}}
	}
	svc := Service{ID: ID("service", key), OrganizationID: org.ID, Name: p.Name, Description: p.Description, Email: email, URL: web,
		Status: status(p.Active), LastModified: stamp(p.UpdatedAt), Phones: phones("service:"+key, p.Contact)}
	svc.Attributes = attributes(svc.ID, p.HelpTypes, terms)
	for n, s := range p.OpeningHours {
		interval := 1
		svc.Schedules = append(svc.Schedules, Schedule{ID: ID("schedule", key+":"+strconv.Itoa(n)), ServiceID: svc.ID, LocationID: loc.ID,
			Freq: "WEEKLY", Interval: &interval, ByDay: dayCode(s.Day), OpensAt: s.Start, ClosesAt: s.End, Description: "opening hours"})
	}
	if c := p.Cost; c != nil {
		co := CostOption{ID: ID("cost_option", key), ServiceID: svc.ID, Option: c.Unit, Currency: "EUR", AmountDesc: c.Notes}
		amount := c.AmountEUR
		co.Amount = &amount
		svc.CostOptions = []CostOption{co}
		if c.Unit == "free" {
			svc.FeesDescription = "free"
		}
	}
	sal := ServiceAtLocation{ID: ID("service_at_location", key), ServiceID: svc.ID, LocationID: loc.ID}
	svc.ServiceAtLocations = []ServiceAtLocation{sal}
	return org, svc, loc, sal
}

func address(key, locationID string, a *care.Address) Address {
	return Address{ID: ID("address", key), LocationID: locationID, Address1: strings.TrimSpace(a.Street + " " + a.HouseNumber), City: a.City,
		StateProvince: "", PostalCode: a.Postcode, Country: "NL", AddressType: "physical"}
}

func accessibilityText(a *care.Accessibility) string {
	var parts []string
	for _, f := range []struct {
		on   bool
		name string
	}{{a.Wheelchair, "wheelchair"}, {a.StepFree, "step_free"}, {a.AccessibleToilet, "accessible_toilet"}, {a.HearingLoop, "hearing_loop"}} {
		if f.on {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, ",")
}

// dayCode turns dichtbij's weekday codes into RFC 5545's.
func dayCode(d string) string {
	return map[string]string{"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}[d]
}

func activity(a care.Activity, orgID string, terms map[string]TaxonomyTerm, calendar string) (Service, Location, ServiceAtLocation) {
	key := "activity:" + a.ID
	svc := Service{ID: ID("service", key), OrganizationID: orgID, Name: a.Name, Description: a.Description, Status: status(a.Active),
		LastModified: stamp(a.UpdatedAt), MinimumAge: a.AgeMin, MaximumAge: a.AgeMax}
	svc.Attributes = attributes(svc.ID, a.HelpTypes, terms)
	spots := a.SpotsPerOccurrence
	svc.Capacity = []ServiceCapacity{{ID: ID("service_capacity", key), ServiceID: svc.ID, Unit: Unit{ID: ID("unit", "places"), Name: "places per occurrence"},
		Maximum: &spots, Updated: stamp(a.UpdatedAt)}}
	loc := Location{ID: ID("location", key), LocationType: "physical", OrganizationID: orgID}
	if p := a.Place; p != nil {
		loc.Name = p.Name
		if p.Location != nil {
			lat, lon := p.Location.Lat, p.Location.Lon
			loc.Latitude, loc.Longitude = &lat, &lon
		}
		if p.Address != nil {
			loc.Addresses = []Address{address(key, loc.ID, p.Address)}
		}
	}
	if s := a.Schedule; s != nil {
		svc.Schedules = []Schedule{schedule(ID("schedule", key), svc.ID, loc.ID, s, calendar)}
	}
	sal := ServiceAtLocation{ID: ID("service_at_location", key), ServiceID: svc.ID, LocationID: loc.ID}
	svc.ServiceAtLocations = []ServiceAtLocation{sal}
	return svc, loc, sal
}

// schedule maps an activity's recurrence to HSDS's RRULE fields. HSDS
// 3.0 has fields for WEEKLY and MONTHLY rules and no exception dates, so
// the whole rule, its zone and its exceptions also go into notes in a
// form Import reads back ("rrule=…; timezone=…; exdates=…"), and
// schedule_link points at the iCalendar feed, which has them all.
func schedule(id, serviceID, locationID string, s *care.Schedule, calendar string) Schedule {
	out := Schedule{ID: id, ServiceID: serviceID, LocationID: locationID, ScheduleLink: calendar}
	date, clock, _ := strings.Cut(s.Start, "T")
	out.DTStart, out.ValidFrom, out.OpensAt = date, date, clock
	if start, err := time.Parse("15:04", clock); err == nil {
		out.ClosesAt = start.Add(time.Duration(s.DurationMinutes) * time.Minute).Format("15:04")
	}
	if loc, err := time.LoadLocation(s.Timezone); err == nil {
		if t, err := time.ParseInLocation("2006-01-02T15:04", s.Start, loc); err == nil {
			_, offset := t.Zone()
			h := float64(offset) / 3600
			out.Timezone = &h
		}
	}
	for _, part := range strings.Split(s.RRule, ";") {
		k, v, _ := strings.Cut(part, "=")
		switch strings.ToUpper(k) {
		case "FREQ":
			if v == "WEEKLY" || v == "MONTHLY" {
				out.Freq = v
			}
		case "INTERVAL":
			if n, err := strconv.Atoi(v); err == nil {
				out.Interval = &n
			}
		case "BYDAY":
			out.ByDay = v
		case "BYMONTHDAY":
			out.ByMonthDay = v
		case "UNTIL":
			out.Until = v
		case "COUNT":
			if n, err := strconv.Atoi(v); err == nil {
				out.Count = &n
			}
		case "WKST":
			out.Wkst = v
		}
	}
	notes := []string{"timezone=" + s.Timezone, "duration_minutes=" + strconv.Itoa(s.DurationMinutes)}
	if s.RRule != "" {
		notes = append(notes, "rrule="+s.RRule)
	}
	if len(s.ExDates) > 0 {
		notes = append(notes, "exdates="+strings.Join(s.ExDates, ","))
	}
	out.Notes = strings.Join(notes, "; ")
	out.Description = describe(s)
	return out
}

// describe says a schedule in plain words for people reading the feed.
func describe(s *care.Schedule) string {
	if s.RRule == "" {
		return "once, " + strings.Replace(s.Start, "T", " ", 1) + " (" + s.Timezone + ")"
	}
	return "from " + strings.Replace(s.Start, "T", " ", 1) + " (" + s.Timezone + "), " + s.RRule
}
