package hsds

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/dichtbij/dichtbij/care"
)

// ReadJSON reads the services of an HSDS 3 JSON document: one service,
// one organization with its services, one service_at_location, a list of
// any of these, a paging envelope ({"contents": [...]}), or NDJSON (one
// object per line). Services met more than once (through several
// locations) are merged. Errors name the line or item that is not HSDS.
func ReadJSON(data []byte) (Document, error) {
	r := &reader{byID: map[string]int{}}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Document{}, fmt.Errorf("hsds: the document is empty")
	}
	if trimmed[0] == '[' || !isNDJSON(trimmed) {
		var v json.RawMessage
		if err := json.Unmarshal(trimmed, &v); err != nil {
			return Document{}, fmt.Errorf("hsds: not JSON: %w", err)
		}
		if err := r.value(v, "document"); err != nil {
			return Document{}, err
		}
		return r.document(), nil
	}
	sc := bufio.NewScanner(bytes.NewReader(trimmed))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if err := r.value(text, fmt.Sprintf("line %d", line)); err != nil {
			return Document{}, err
		}
	}
	if err := sc.Err(); err != nil {
		return Document{}, fmt.Errorf("hsds: read NDJSON: %w", err)
	}
	return r.document(), nil
}

// Document is what ReadJSON found: the services, and notes on what else
// the document held that becomes no provision.
type Document struct {
	Services []Service
	Notes    []string
}

func (r *reader) document() Document {
	d := Document{Services: r.services}
	if r.orgsWithout > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d organization(s) without services in the document: nothing to import for them", r.orgsWithout))
	}
	if r.dangling > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d service_at_location(s) whose service is not in the document", r.dangling))
	}
	if r.terms > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d taxonomy or taxonomy term record(s): help types are taken from the terms a service names", r.terms))
	}
	return d
}

// isNDJSON reports whether data is several JSON values, one per line.
func isNDJSON(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	var first json.RawMessage
	if dec.Decode(&first) != nil {
		return false
	}
	return dec.More()
}

type reader struct {
	services []Service
	byID     map[string]int
	// counts of what becomes no provision, for Document.Notes
	orgsWithout, dangling, terms int
}

// probe holds the keys that tell HSDS objects apart.
type probe struct {
	Contents json.RawMessage `json:"contents"`
	Services json.RawMessage `json:"services"`
	Service  json.RawMessage `json:"service"`
	Status   *string         `json:"status"`
	Name     *string         `json:"name"`
	// An organization has a description and no status; a taxonomy term
	// a code or a taxonomy; a bare service_at_location its ids.
	Description *string         `json:"description"`
	Code        *string         `json:"code"`
	Taxonomy    json.RawMessage `json:"taxonomy"`
	Version     *string         `json:"version"`
	ServiceID   *string         `json:"service_id"`
	Location    json.RawMessage `json:"location"`
}

func (r *reader) value(v json.RawMessage, where string) error {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return fmt.Errorf("hsds: %s: %w", where, err)
		}
		for i, it := range items {
			if err := r.value(it, fmt.Sprintf("%s[%d]", where, i)); err != nil {
				return err
			}
		}
		return nil
	}
	var p probe
	if err := json.Unmarshal(v, &p); err != nil {
		return fmt.Errorf("hsds: %s: not an object: %w", where, err)
	}
	switch {
	case p.Contents != nil:
		return r.value(p.Contents, where+".contents")
	case p.Services != nil:
		var org Organization
		if err := json.Unmarshal(v, &org); err != nil {
			return fmt.Errorf("hsds: %s: organization: %w", where, err)
		}
		services := org.Services
		org.Services, org.Locations = nil, nil
		for _, s := range services {
			if s.Organization == nil {
				o := org
				s.Organization = &o
			}
			r.add(s)
		}
		return nil
	case p.Service != nil:
		var sal ServiceAtLocation
		if err := json.Unmarshal(v, &sal); err != nil {
			return fmt.Errorf("hsds: %s: service_at_location: %w", where, err)
		}
		if sal.Service == nil {
			return fmt.Errorf("hsds: %s: service_at_location %s has no service", where, sal.ID)
		}
		s := *sal.Service
		sal.Service = nil
		s.ServiceAtLocations = append(s.ServiceAtLocations, sal)
		r.add(s)
		return nil
	case p.Status != nil && p.Name != nil:
		var s Service
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("hsds: %s: service: %w", where, err)
		}
		r.add(s)
		return nil
	case p.ServiceID != nil || p.Location != nil:
		r.dangling++
		return nil
	case p.Name != nil && (p.Code != nil || p.Taxonomy != nil || p.Version != nil):
		r.terms++
		return nil
	case p.Name != nil && p.Description != nil:
		r.orgsWithout++
		return nil
	}
	return fmt.Errorf("hsds: %s: neither a service, an organization with services, a service_at_location nor a list of them", where)
}

// add keeps s, merging its locations into an earlier copy of it.
func (r *reader) add(s Service) {
	if i, ok := r.byID[s.ID]; ok && s.ID != "" {
		have := &r.services[i]
		for _, sal := range s.ServiceAtLocations {
			if !slices.ContainsFunc(have.ServiceAtLocations, func(h ServiceAtLocation) bool { return h.ID == sal.ID }) {
				have.ServiceAtLocations = append(have.ServiceAtLocations, sal)
			}
		}
		return
	}
	r.byID[s.ID] = len(r.services)
	r.services = append(r.services, s)
}

// Row is one provision an import would write, or why it cannot.
type Row struct {
	// Source is "<service id>@<location id>": stable, so importing the
	// same data again finds the same provision.
	Source    string
	ServiceID string
	Name      string
	Fields    care.ProvisionFields
	// Problems say why the row is skipped; empty means importable.
	Problems []string
}

// Options steer the mapping to provisions.
type Options struct {
	// HelpTypes are dichtbij's help types, to recognise taxonomy terms by
	// code or label.
	HelpTypes []care.Term
	// DefaultHelpType is given to a service none of whose terms is a
	// dichtbij help type; empty skips such services with a problem.
	DefaultHelpType string
}

// Provisions maps services to provisions: one per service and location
// with a usable point and address. Services without one are rows with a
// problem, as are those whose help types cannot be told.
func Provisions(services []Service, opt Options) []Row {
	var rows []Row
	for _, s := range services {
		helps := helpTypes(s, opt)
		locs := 0
		for _, sal := range s.ServiceAtLocations {
			if sal.Location == nil {
				continue
			}
			locs++
			rows = append(rows, provisionRow(s, *sal.Location, helps, opt))
		}
		if locs == 0 {
			rows = append(rows, Row{Source: s.ID + "@", ServiceID: s.ID, Name: s.Name,
				Problems: []string{"the service has no location (service_at_locations with a location): a provision needs a place"}})
		}
	}
	return rows
}

// labelOf matches a term's code or name to a help type.
func helpTypes(s Service, opt Options) []string {
	var out []string
	for _, a := range s.Attributes {
		t := a.TaxonomyTerm
		if t == nil {
			continue
		}
		for _, h := range opt.HelpTypes {
			if (strings.EqualFold(t.Code, h.Code) || strings.EqualFold(t.Name, h.Label.NL) || strings.EqualFold(t.Name, h.Label.EN) ||
				strings.EqualFold(t.Description, h.Label.EN)) && !slices.Contains(out, h.Code) {
				out = append(out, h.Code)
			}
		}
	}
	return out
}

var houseNumber = regexp.MustCompile(`^(.*\D)\s+(\d+\S*)$`)

func provisionRow(s Service, loc Location, helps []string, opt Options) Row {
	row := Row{Source: s.ID + "@" + loc.ID, ServiceID: s.ID, Name: s.Name}
	bad := func(format string, args ...any) { row.Problems = append(row.Problems, fmt.Sprintf(format, args...)) }
	f := care.ProvisionFields{Name: s.Name, Description: s.Description}
	if f.Name == "" {
		f.Name = loc.Name
	}
	if s.Organization != nil && s.Organization.Name != f.Name {
		f.Organisation = s.Organization.Name
	}
	if len(helps) == 0 && opt.DefaultHelpType != "" {
		helps = []string{opt.DefaultHelpType}
	}
	if len(helps) == 0 {
		bad("none of the service's taxonomy terms is a dichtbij help type, and no default help type was given")
	}
	f.HelpTypes = helps
	switch {
	case loc.Latitude == nil || loc.Longitude == nil:
		bad("location %s has no latitude and longitude", loc.ID)
	case math.Abs(*loc.Latitude) > 90 || math.Abs(*loc.Longitude) > 180 || math.IsNaN(*loc.Latitude) || math.IsNaN(*loc.Longitude):
		bad("location %s has coordinates that are no place on earth: latitude %v, longitude %v", loc.ID, *loc.Latitude, *loc.Longitude)
	default:
		f.Location = &care.Location{Lat: *loc.Latitude, Lon: *loc.Longitude}
	}
	var addr *Address
	for i := range loc.Addresses {
		if loc.Addresses[i].AddressType == "physical" || addr == nil {
			addr = &loc.Addresses[i]
		}
	}
	if addr == nil {
		bad("location %s has no address", loc.ID)
	} else {
		street, number := addr.Address1, ""
		if m := houseNumber.FindStringSubmatch(strings.TrimSpace(addr.Address1)); m != nil {
			street, number = strings.TrimSpace(m[1]), m[2]
		}
		if number == "" {
			bad("address %q of location %s has no house number at its end", addr.Address1, loc.ID)
		}
		f.Address = &care.Address{Street: street, HouseNumber: number, Postcode: addr.PostalCode, City: addr.City}
	}
	for _, sc := range s.Schedules {
		if sc.Freq != "WEEKLY" || sc.OpensAt == "" || sc.ClosesAt == "" || (sc.Interval != nil && *sc.Interval != 1) {
			continue
		}
		for _, d := range strings.Split(sc.ByDay, ",") {
			day, ok := weekday(strings.TrimSpace(d))
			if !ok {
				continue
			}
			f.OpeningHours = append(f.OpeningHours, care.WeeklySlot{Day: day, Start: hhmm(sc.OpensAt), End: hhmm(sc.ClosesAt)})
		}
	}
	f.Cost = cost(s)
	if len(loc.Accessibility) > 0 {
		f.Accessibility = accessibility(loc.Accessibility[0])
	}
	c := care.Contact{Email: s.Email, Website: s.URL}
	if s.Organization != nil {
		if c.Email == "" {
			c.Email = s.Organization.Email
		}
		if c.Website == "" {
			c.Website = s.Organization.Website
		}
	}
	if len(s.Phones) > 0 {
		c.Phone = s.Phones[0].Number
	}
	if c != (care.Contact{}) {
		f.Contact = &c
	}
	active := s.Status == "active"
	f.Active = &active
	row.Fields = f
	return row
}

// weekday turns an RFC 5545 day ("TU", or "1TU" which has no weekly
// meaning) into dichtbij's code.
func weekday(d string) (string, bool) {
	code, ok := map[string]string{"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}[d]
	return code, ok
}

// hhmm cuts "10:00:00" to "10:00".
func hhmm(t string) string {
	if len(t) >= 5 {
		return t[:5]
	}
	return t
}

func cost(s Service) *care.Cost {
	for _, c := range s.CostOptions {
		if c.Amount == nil || (c.Currency != "" && c.Currency != "EUR") {
			continue
		}
		unit := c.Option
		if !slices.Contains([]string{"free", "per_visit", "per_week", "per_month", "per_year"}, unit) {
			unit = "per_visit"
		}
		if *c.Amount == 0 {
			unit = "free"
		}
		return &care.Cost{AmountEUR: *c.Amount, Unit: unit, Notes: c.AmountDesc}
	}
	if strings.EqualFold(strings.TrimSpace(s.FeesDescription), "free") {
		return &care.Cost{Unit: "free"}
	}
	return &care.Cost{Unit: "per_visit", Notes: "cost not stated in the source"}
}

func accessibility(a Accessibility) *care.Accessibility {
	out := &care.Accessibility{Notes: a.Details}
	for _, f := range strings.Split(a.Description, ",") {
		switch strings.TrimSpace(f) {
		case "wheelchair":
			out.Wheelchair = true
		case "step_free":
			out.StepFree = true
		case "accessible_toilet":
			out.AccessibleToilet = true
		case "hearing_loop":
			out.HearingLoop = true
		}
	}
	return out
}
