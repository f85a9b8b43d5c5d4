package hsds

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dichtbij/dichtbij/care"
)

// TestReadTabularExample reads the HSDS 3.0 tabular example: its service
// comes with organization, location, address, schedule and terms; its row
// is skipped, since its coordinates are no place on earth.
func TestReadTabularExample(t *testing.T) {
	t.Parallel()
	doc, err := ReadTabular(os.DirFS("testdata/datapackage"))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Services) == 0 {
		t.Fatal("no services read")
	}
	s := doc.Services[0]
	if s.Name != "Community Counselling" || s.Organization == nil || len(s.ServiceAtLocations) == 0 || s.ServiceAtLocations[0].Location == nil ||
		len(s.ServiceAtLocations[0].Location.Addresses) == 0 || len(s.Schedules) == 0 {
		t.Fatalf("service = %+v", s)
	}
	rows := Provisions(doc.Services, Options{HelpTypes: care.Codes().HelpTypes, DefaultHelpType: "meeting_place"})
	for _, r := range rows {
		if len(r.Problems) == 0 || !strings.Contains(strings.Join(r.Problems, " "), "no place on earth") {
			t.Errorf("row %s: %v", r.Source, r.Problems)
		}
	}
}

// TestReadTabularOldVersions reads a directory with the table and column
// names of HSDS 1.1 (services_at_location, physical_addresses,
// regular_schedules with a weekday per row, services_taxonomy), and one
// whose datapackage.json names its own paths.
func TestReadTabularOldVersions(t *testing.T) {
	t.Parallel()
	v11 := fstest.MapFS{
		"services.csv":             {Data: []byte("id,organization_id,name,description,status,email\ns1,o1,Buurtmaaltijd,Samen eten,active,eten@example.nl\ns2,o1,Zonder plek,,active,\n")},
		"organizations.csv":        {Data: []byte("id,name,description,url\no1,Buurtwerk Oost,Welzijn,https://buurtwerk.nl\n")},
		"locations.csv":            {Data: []byte("id,organization_id,name,latitude,longitude\nl1,o1,Buurthuis,52.3600,4.9300\nl2,o1,Ergens,noord,oost\n")},
		"services_at_location.csv": {Data: []byte("id,service_id,location_id\na1,s1,l1\na2,s2,l9\n")},
		"physical_addresses.csv":   {Data: []byte("id,location_id,address_1,city,postal_code,country\nad1,l1,Linnaeusstraat 12,Amsterdam,1092 CK,NL\n")},
		"regular_schedules.csv":    {Data: []byte("id,service_id,weekday,opens_at,closes_at\nr1,s1,Tuesday,17:30,19:30\nr2,s1,Thursday,17:30,19:30\n")},
		"services_taxonomy.csv":    {Data: []byte("id,service_id,taxonomy_id\nt1,s1,x1\nt2,s1,x9\n")},
		"taxonomy.csv":             {Data: []byte("id,name\nx1,Maaltijden\n")},
	}
	doc, err := ReadTabular(v11)
	if err != nil {
		t.Fatal(err)
	}
	rows := Provisions(doc.Services, Options{HelpTypes: care.Codes().HelpTypes})
	if len(rows) != 2 || len(rows[0].Problems) != 0 || len(rows[1].Problems) == 0 {
		t.Fatalf("rows = %+v", rows)
	}
	f := rows[0].Fields
	if f.Name != "Buurtmaaltijd" || f.Organisation != "Buurtwerk Oost" || strings.Join(f.HelpTypes, ",") != "meals" || f.Location == nil ||
		f.Address == nil || f.Address.Street != "Linnaeusstraat" || f.Address.HouseNumber != "12" || len(f.OpeningHours) != 2 ||
		f.OpeningHours[0].Day != "tue" || f.OpeningHours[0].Start != "17:30" || f.Contact == nil || f.Contact.Website != "https://buurtwerk.nl" {
		t.Errorf("fields = %+v (address %+v, hours %+v)", f, f.Address, f.OpeningHours)
	}
	notes := strings.Join(doc.Notes, " | ")
	for _, want := range []string{"location l2", "service_at_location a2", "taxonomy term \"x9\""} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}

	named := fstest.MapFS{
		"datapackage.json": {Data: []byte(`{"resources":[{"name":"services","path":"data/svc.csv"},{"name":"locations","path":"data/loc.csv"},{"name":"service_at_location","path":"data/sal.csv"}]}`)},
		"data/svc.csv":     {Data: []byte("id,name,status\ns1,Inloop,active\n")},
		"data/loc.csv":     {Data: []byte("id,latitude,longitude\nl1,52.36,4.93\n")},
		"data/sal.csv":     {Data: []byte("id,service_id,location_id\na1,s1,l1\n")},
	}
	doc, err = ReadTabular(named)
	if err != nil || len(doc.Services) != 1 || len(doc.Services[0].ServiceAtLocations) != 1 {
		t.Errorf("datapackage paths: %+v, %v", doc, err)
	}
	if _, err := ReadTabular(fstest.MapFS{"organizations.csv": {Data: []byte("id,name\n")}}); err == nil {
		t.Error("a directory without services was read")
	}
	if _, err := ReadTabular(fstest.MapFS{"services.csv": {Data: []byte("id,name\n\"s1,broken\n")}}); err == nil || !strings.Contains(err.Error(), "services") {
		t.Errorf("broken CSV: %v; want an error naming the table", err)
	}
}

// FuzzReadTabular feeds any bytes as the services and locations tables:
// an error or services, never a panic, and every row has a source.
func FuzzReadTabular(f *testing.F) {
	f.Add([]byte("id,name,status\ns1,Inloop,active\n"), []byte("id,latitude,longitude\nl1,52.36,4.93\n"))
	f.Add([]byte("\ufeffID,Name\n\"a\"\"b\",x\n"), []byte("id\n"))
	f.Add([]byte(""), []byte("a,b\n1\n"))
	f.Fuzz(func(t *testing.T, services, locations []byte) {
		doc, err := ReadTabular(fstest.MapFS{"services.csv": {Data: services}, "locations.csv": {Data: locations},
			"service_at_location.csv": {Data: []byte("id,service_id,location_id\na1,s1,l1\n")}})
		if err != nil {
			return
		}
		for _, r := range Provisions(doc.Services, Options{HelpTypes: care.Codes().HelpTypes, DefaultHelpType: "meals"}) {
			if r.Source == "" {
				t.Fatalf("row without a source: %+v", r)
			}
		}
	})
}
