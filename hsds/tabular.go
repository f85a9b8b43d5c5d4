package hsds

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// tableNames lists each table under the names HSDS versions gave it: 3.x
// first, then 2.0 and 1.1. A datapackage.json, when there, may name other
// paths for them.
var tableNames = map[string][]string{
	"services":            {"services", "service"},
	"organizations":       {"organizations", "organization"},
	"locations":           {"locations", "location"},
	"service_at_location": {"service_at_location", "services_at_location", "service_at_locations"},
	"addresses":           {"addresses", "physical_addresses", "physical_address", "address"},
	"schedules":           {"schedules", "regular_schedules", "regular_schedule", "schedule"},
	"attributes":          {"attributes", "service_attributes", "services_taxonomy", "service_taxonomy"},
	"taxonomy_terms":      {"taxonomy_terms", "taxonomy", "taxonomy_term"},
	"phones":              {"phones", "phone"},
	"cost_options":        {"cost_options", "cost_option"},
	"accessibility":       {"accessibility", "accessibility_for_disabilities"},
}

// table is a CSV table as rows of column name to value.
type table []map[string]string

// ReadTabular reads a tabular HSDS directory (a datapackage.json and CSV
// files, or only the CSV files) of HSDS 1.1, 2.0 or 3.x into services
// with their organizations, locations, addresses, schedules, terms,
// phones, costs and accessibility. Rows that refer to a record that is
// not there are reported in Document.Notes and left out; a table that is
// not CSV is an error naming it.
func ReadTabular(fsys fs.FS) (Document, error) {
	paths, err := tablePaths(fsys)
	if err != nil {
		return Document{}, err
	}
	tables := map[string]table{}
	for name, p := range paths {
		t, err := readCSV(fsys, p)
		if err != nil {
			return Document{}, fmt.Errorf("hsds: table %s (%s): %w", name, p, err)
		}
		tables[name] = t
	}
	if len(tables["services"]) == 0 {
		return Document{}, fmt.Errorf("hsds: no services table (services.csv) in the directory")
	}
	var doc Document
	note := func(format string, args ...any) { doc.Notes = append(doc.Notes, fmt.Sprintf(format, args...)) }

	orgs := map[string]Organization{}
	for _, r := range tables["organizations"] {
		orgs[r["id"]] = Organization{ID: r["id"], Name: r["name"], Description: r["description"], Email: r["email"], Website: firstOf(r, "website", "url")}
	}
	terms := map[string]TaxonomyTerm{}
	for _, r := range tables["taxonomy_terms"] {
		terms[r["id"]] = TaxonomyTerm{ID: r["id"], Code: r["code"], Name: r["name"], Description: r["description"], TaxonomyID: r["taxonomy_id"]}
	}
	locs := map[string]*Location{}
	for _, r := range tables["locations"] {
		l := &Location{ID: r["id"], LocationType: firstOf(r, "location_type"), OrganizationID: r["organization_id"], Name: r["name"], Description: r["description"]}
		if lat, lon, ok := coordinates(r); ok {
			l.Latitude, l.Longitude = &lat, &lon
		} else if r["latitude"] != "" || r["longitude"] != "" {
			note("location %s: coordinates %q, %q are not numbers; it has no point", r["id"], r["latitude"], r["longitude"])
		}
		locs[l.ID] = l
	}
	for _, r := range tables["addresses"] {
		l, ok := locs[r["location_id"]]
		if !ok {
			note("address %s names location %q, which is not in the directory", r["id"], r["location_id"])
			continue
		}
		typ := r["address_type"]
		if typ == "" {
			typ = "physical" // 1.1 and 2.0 kept physical addresses in their own table
		}
		l.Addresses = append(l.Addresses, Address{ID: r["id"], LocationID: l.ID, Address1: r["address_1"], City: r["city"], StateProvince: r["state_province"],
			PostalCode: r["postal_code"], Country: r["country"], AddressType: typ})
	}
	for _, r := range tables["accessibility"] {
		if l, ok := locs[r["location_id"]]; ok {
			l.Accessibility = append(l.Accessibility, Accessibility{ID: r["id"], LocationID: l.ID, Description: firstOf(r, "description", "accessibility"), Details: r["details"]})
		}
	}
	services := map[string]*Service{}
	var order []string
	for _, r := range tables["services"] {
		s := &Service{ID: r["id"], OrganizationID: r["organization_id"], Name: r["name"], Description: r["description"], URL: r["url"], Email: r["email"],
			Status: r["status"], FeesDescription: firstOf(r, "fees_description", "fees")}
		if o, ok := orgs[s.OrganizationID]; ok {
			s.Organization = &o
		} else if s.OrganizationID != "" {
			note("service %s names organization %q, which is not in the directory", s.ID, s.OrganizationID)
		}
		services[s.ID] = s
		order = append(order, s.ID)
	}
	for _, r := range tables["service_at_location"] {
		s, sok := services[r["service_id"]]
		l, lok := locs[r["location_id"]]
		if !sok || !lok {
			note("service_at_location %s names service %q and location %q, not both in the directory", r["id"], r["service_id"], r["location_id"])
			continue
		}
		loc := *l
		s.ServiceAtLocations = append(s.ServiceAtLocations, ServiceAtLocation{ID: r["id"], ServiceID: s.ID, LocationID: l.ID, Description: r["description"], Location: &loc})
	}
	for _, r := range tables["schedules"] {
		s, ok := services[r["service_id"]]
		if !ok {
			continue // a location's or a service_at_location's hours: not a service's
		}
		sc := Schedule{ID: r["id"], ServiceID: s.ID, Freq: strings.ToUpper(r["freq"]), ByDay: strings.ToUpper(r["byday"]), OpensAt: r["opens_at"], ClosesAt: r["closes_at"],
			Description: r["description"], Notes: r["notes"]}
		if n, err := strconv.Atoi(r["interval"]); err == nil {
			sc.Interval = &n
		}
		if w := r["weekday"]; w != "" && sc.ByDay == "" {
			// 1.1 and 2.0 regular_schedules: one weekday per row.
			sc.Freq, sc.ByDay = "WEEKLY", weekdayCode(w)
		}
		s.Schedules = append(s.Schedules, sc)
	}
	for _, r := range tables["attributes"] {
		s, ok := services[firstOf(r, "link_id", "service_id")]
		if !ok {
			continue // attributes of other entities
		}
		t, ok := terms[firstOf(r, "taxonomy_term_id", "taxonomy_id")]
		if !ok {
			note("attribute %s names taxonomy term %q, which is not in the directory", r["id"], firstOf(r, "taxonomy_term_id", "taxonomy_id"))
			continue
		}
		s.Attributes = append(s.Attributes, Attribute{ID: r["id"], LinkID: s.ID, TaxonomyTermID: t.ID, TaxonomyTerm: &t})
	}
	for _, r := range tables["phones"] {
		if s, ok := services[r["service_id"]]; ok && r["number"] != "" {
			s.Phones = append(s.Phones, Phone{ID: r["id"], Number: r["number"]})
		}
	}
	for _, r := range tables["cost_options"] {
		s, ok := services[r["service_id"]]
		if !ok {
			continue
		}
		co := CostOption{ID: r["id"], ServiceID: s.ID, Option: r["option"], Currency: r["currency"], AmountDesc: r["amount_description"]}
		if a, err := strconv.ParseFloat(r["amount"], 64); err == nil {
			co.Amount = &a
		}
		s.CostOptions = append(s.CostOptions, co)
	}
	for _, id := range order {
		doc.Services = append(doc.Services, *services[id])
	}
	return doc, nil
}

// tablePaths finds each table's file: as datapackage.json names it, else
// by the names HSDS versions used.
func tablePaths(fsys fs.FS) (map[string]string, error) {
	paths := map[string]string{}
	if b, err := fs.ReadFile(fsys, "datapackage.json"); err == nil {
		var dp struct {
			Resources []struct {
				Name string `json:"name"`
				Path string `json:"path"`
			} `json:"resources"`
		}
		if err := json.Unmarshal(b, &dp); err != nil {
			return nil, fmt.Errorf("hsds: datapackage.json: %w", err)
		}
		for _, r := range dp.Resources {
			for table, names := range tableNames {
				if containsFold(names, r.Name) && r.Path != "" {
					paths[table] = r.Path
				}
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("hsds: datapackage.json: %w", err)
	}
	for table, names := range tableNames {
		if _, ok := paths[table]; ok {
			continue
		}
		for _, n := range names {
			if _, err := fs.Stat(fsys, n+".csv"); err == nil {
				paths[table] = n + ".csv"
				break
			}
		}
	}
	return paths, nil
}

func containsFold(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}

// readCSV reads a CSV file with a header row into rows of column to value.
func readCSV(fsys fs.FS, p string) (table, error) {
	f, err := fsys.Open(path.Clean(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseCSV(f)
}

func parseCSV(r io.Reader) (table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range header {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
	}
	var out table
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		row := make(map[string]string, len(header))
		for i, v := range rec {
			if i < len(header) {
				row[header[i]] = strings.TrimSpace(v)
			}
		}
		out = append(out, row)
	}
}

func firstOf(r map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := r[k]; v != "" {
			return v
		}
	}
	return ""
}

func coordinates(r map[string]string) (lat, lon float64, ok bool) {
	lat, err1 := strconv.ParseFloat(r["latitude"], 64)
	lon, err2 := strconv.ParseFloat(r["longitude"], 64)
	return lat, lon, err1 == nil && err2 == nil
}

// weekdayCode turns a 1.1/2.0 weekday ("Monday", "mon", "1" = Monday)
// into RFC 5545's code, or "".
func weekdayCode(w string) string {
	w = strings.ToLower(strings.TrimSpace(w))
	for i, d := range []string{"mo", "tu", "we", "th", "fr", "sa", "su"} {
		if strings.HasPrefix(w, d) || w == strconv.Itoa(i+1) {
			return strings.ToUpper(d)
		}
	}
	return ""
}

// ReadZip reads a tabular HSDS directory packed as a zip archive, also
// when its files sit in one folder inside the archive.
func ReadZip(data []byte) (Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Document{}, fmt.Errorf("hsds: not a zip archive: %w", err)
	}
	var root fs.FS = zr
	if _, err := fs.Stat(zr, "services.csv"); err != nil {
		if _, err := fs.Stat(zr, "datapackage.json"); err != nil {
			// One folder holding everything, as archivers often make it.
			entries, err := fs.ReadDir(zr, ".")
			if err == nil && len(entries) == 1 && entries[0].IsDir() {
				if sub, err := fs.Sub(zr, entries[0].Name()); err == nil {
					root = sub
				}
			}
		}
	}
	return ReadTabular(root)
}
