package care_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// square returns a closed ring around (lon, lat), d degrees a side.
func square(lon, lat, d float64) [][]float64 {
	return [][]float64{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}
}

// longEmail returns a well-formed address of 196+n characters: a local
// part of 64 and labels of at most 63.
func longEmail(n int) string {
	return strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", n) + ".nl"
}

// damSquare is a polygon of about 1.4 × 1.1 km around the Dam.
func damSquare() *care.GeoJSONPolygon {
	return &care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{square(4.88, 52.367, 0.02)}}
}

func validInitiative() care.InitiativeFields {
	return care.InitiativeFields{
		Organisation: "Buurtkracht Centrum",
		Description:  "Neighbours help neighbours.\nEvery week.",
		HelpTypes:    []string{"odd_jobs", "companionship"},
		ServiceArea:  &care.ServiceArea{Center: loc(dam), RadiusM: 1500},
		Contact:      &care.Contact{Name: "Ans", Email: "ans@example.nl", Phone: "020-1234567", Website: "https://buurtkracht.example.nl"},
		Capacity:     25,
	}
}

func TestCheckInitiative(t *testing.T) {
	t.Parallel()
	type i = care.InitiativeFields
	rows := []row[i]{
		{name: "valid"},
		{name: "valid with polygon", edit: func(f *i) { f.ServiceArea = &care.ServiceArea{Polygon: damSquare()} }},
		// organisation: required,max=120,safetext
		{name: "organisation missing", edit: func(f *i) { f.Organisation = "" }, want: fields("organisation"), why: "is required"},
		{name: "organisation 120 characters", edit: func(f *i) { f.Organisation = fitWords }},
		{name: "organisation 121 characters", edit: func(f *i) { f.Organisation = longWords }, want: fields("organisation"), why: "at most 120 characters"},
		{name: "organisation two lines", edit: func(f *i) { f.Organisation = "a\nb" }, want: fields("organisation"), why: "plain text"},
		// description: required,max=2000,safelines
		{name: "description missing", edit: func(f *i) { f.Description = "" }, want: fields("description"), why: "is required"},
		{name: "description 2001 characters", edit: func(f *i) { f.Description = strings.Repeat("x", 2001) }, want: fields("description"), why: "at most 2000 characters"},
		{name: "description bell", edit: func(f *i) { f.Description = "ding\a" }, want: fields("description"), why: "plain text"},
		// help_types
		{name: "help_types missing", edit: func(f *i) { f.HelpTypes = nil }, want: fields("help_types"), why: "is required"},
		{name: "help_types unknown", edit: func(f *i) { f.HelpTypes = []string{"dancing"} }, want: fields("help_types[0]"), why: "help type"},
		{name: "help_types duplicate", edit: func(f *i) { f.HelpTypes = []string{"meals", "meals"} }, want: fields("help_types"), why: "duplicates"},
		// contact: at least an email, a phone number or a website
		{name: "contact missing", edit: func(f *i) { f.Contact = nil }, want: fields("contact"), why: "at least an email, a phone number or a website"},
		{name: "contact empty", edit: func(f *i) { f.Contact = &care.Contact{} }, want: fields("contact"), why: "at least an email"},
		{name: "contact name only", edit: func(f *i) { f.Contact = &care.Contact{Name: "Ans"} }, want: fields("contact")},
		{name: "contact email only", edit: func(f *i) { f.Contact = &care.Contact{Email: "ans@example.nl"} }},
		{name: "contact phone only", edit: func(f *i) { f.Contact = &care.Contact{Phone: "+31 20 123 4567"} }},
		{name: "contact website only", edit: func(f *i) { f.Contact = &care.Contact{Website: "http://example.nl"} }},
		{name: "contact name 121 characters", edit: func(f *i) { f.Contact.Name = longWords }, want: fields("contact.name"), why: "at most 120 characters"},
		{name: "contact name operator", edit: func(f *i) { f.Contact.Name = "$ans" }, want: fields("contact.name"), why: "plain text"},
		{name: "contact email invalid", edit: func(f *i) { f.Contact.Email = "ans at example.nl" }, want: fields("contact.email"), why: "email address"},
		{name: "contact email 254 characters", edit: func(f *i) { f.Contact.Email = longEmail(58) }},
		{name: "contact email 255 characters", edit: func(f *i) { f.Contact.Email = longEmail(59) }, want: fields("contact.email"), why: "at most 254 characters"},
		{name: "contact phone invalid", edit: func(f *i) { f.Contact.Phone = "call us" }, want: fields("contact.phone"), why: "phone number"},
		{name: "contact website not http", edit: func(f *i) { f.Contact.Website = "ftp://example.nl" }, want: fields("contact.website"), why: "http(s) URL"},
		{name: "contact website without scheme", edit: func(f *i) { f.Contact.Website = "www.example.nl" }, want: fields("contact.website"), why: "http(s) URL"},
		{name: "contact website 501 characters", edit: func(f *i) { f.Contact.Website = "https://example.nl/" + strings.Repeat("a", 482) }, want: fields("contact.website"), why: "at most 500 characters"},
		{name: "contact only an invalid email", edit: func(f *i) { f.Contact = &care.Contact{Email: "nope"} }, want: fields("contact.email")},
		// capacity: required,min=1,max=10000
		{name: "capacity 0", edit: func(f *i) { f.Capacity = 0 }, want: fields("capacity"), why: "is required"},
		{name: "capacity 10000", edit: func(f *i) { f.Capacity = 10000 }},
		{name: "capacity 10001", edit: func(f *i) { f.Capacity = 10001 }, want: fields("capacity"), why: "at most 10000"},
		// service_area: centre and radius, or a polygon
		{name: "service_area missing", edit: func(f *i) { f.ServiceArea = nil }, want: fields("service_area"), why: "is required"},
		{name: "service_area empty", edit: func(f *i) { f.ServiceArea = &care.ServiceArea{} }, want: fields("service_area.radius_m", "service_area.center")},
		{name: "service_area polygon and centre", edit: func(f *i) { f.ServiceArea.Polygon = damSquare() }, want: fields("service_area"), why: "not both"},
		{name: "service_area polygon and radius", edit: func(f *i) { f.ServiceArea = &care.ServiceArea{RadiusM: 500, Polygon: damSquare()} }, want: fields("service_area"), why: "not both"},
		{name: "service_area centre without radius", edit: func(f *i) { f.ServiceArea.RadiusM = 0 }, want: fields("service_area.radius_m"), why: "required with center"},
		{name: "service_area radius without centre", edit: func(f *i) { f.ServiceArea.Center = nil }, want: fields("service_area.center"), why: "is required"},
		{name: "service_area radius 100", edit: func(f *i) { f.ServiceArea.RadiusM = 100 }},
		{name: "service_area radius 99", edit: func(f *i) { f.ServiceArea.RadiusM = 99 }, want: fields("service_area.radius_m"), why: "at least 100"},
		{name: "service_area radius 50000", edit: func(f *i) { f.ServiceArea.RadiusM = 50000 }},
		{name: "service_area radius 50001", edit: func(f *i) { f.ServiceArea.RadiusM = 50001 }, want: fields("service_area.radius_m"), why: "at most 50000"},
		{name: "service_area centre in Belgium", edit: func(f *i) { f.ServiceArea.Center = loc(brussels) }, want: fields("service_area.center"), why: "outside the allowed area"},
		{name: "service_area centre latitude 95", edit: func(f *i) { f.ServiceArea.Center = &care.Location{Lat: 95, Lon: 5} }, want: fields("service_area.center.lat")},
		{name: "service_area polygon type", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: damSquare()}
			f.ServiceArea.Polygon.Type = "MultiPolygon"
		}, want: fields("service_area.polygon.type"), why: "(eq)"},
		{name: "service_area polygon type missing", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: damSquare()}
			f.ServiceArea.Polygon.Type = ""
		}, want: fields("service_area.polygon.type"), why: "is required"},
		{name: "service_area polygon without coordinates", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: &care.GeoJSONPolygon{Type: "Polygon"}}
		}, want: fields("service_area.polygon.coordinates", "service_area.polygon.coordinates"), why: "is required"},
		{name: "service_area polygon position of three numbers", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: damSquare()}
			f.ServiceArea.Polygon.Coordinates[0][1] = []float64{4.9, 52.367, 2}
		}, want: fields("service_area.polygon.coordinates[0][1]"), why: "[longitude, latitude] pair"},
		{name: "service_area polygon position of one number", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: damSquare()}
			f.ServiceArea.Polygon.Coordinates[0][3] = []float64{4.88}
		}, want: fields("service_area.polygon.coordinates[0][3]"), why: "[longitude, latitude] pair"},
		{name: "service_area polygon ring not closed", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: damSquare()}
			ring := f.ServiceArea.Polygon.Coordinates[0]
			f.ServiceArea.Polygon.Coordinates[0] = append(ring[:4:4], []float64{4.881, 52.367})
		}, want: fields("service_area.polygon.coordinates[0]"), why: "not closed"},
		{name: "service_area polygon ring of three positions", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: damSquare()}
			ring := f.ServiceArea.Polygon.Coordinates[0]
			f.ServiceArea.Polygon.Coordinates[0] = [][]float64{ring[0], ring[1], ring[0]}
		}, want: fields("service_area.polygon.coordinates[0]"), why: "at least 4"},
		{name: "service_area polygon crosses itself", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: &care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{
				{{4.88, 52.367}, {4.90, 52.387}, {4.90, 52.367}, {4.88, 52.387}, {4.88, 52.367}}}}}
		}, want: fields("service_area.polygon.coordinates[0]"), why: "intersects itself"},
		{name: "service_area polygon at sea", edit: func(f *i) {
			f.ServiceArea = &care.ServiceArea{Polygon: &care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{square(3.5, 52.5, 0.01)}}}
		}, want: fields("service_area.polygon.coordinates[0][0]", "service_area.polygon.coordinates[0][1]", "service_area.polygon.coordinates[0][2]",
			"service_area.polygon.coordinates[0][3]", "service_area.polygon.coordinates[0][4]"), why: "outside the service bounds"},
	}
	runRows(t, "Check", validInitiative, checkFields[i], rows)
}

// TestCheckInitiativeArea: the area of an initiative is the one its
// centre, or its polygon's centroid, lies in; Active defaults to true.
func TestCheckInitiativeArea(t *testing.T) {
	t.Parallel()
	c := checker(t)
	for _, tc := range []struct {
		name string
		sa   *care.ServiceArea
		want string
	}{
		{"centre at the Dam", &care.ServiceArea{Center: loc(dam), RadiusM: 1000}, "GM0363"},
		{"centre in Utrecht", &care.ServiceArea{Center: loc(utrecht), RadiusM: 1000}, "GM0344"},
		{"polygon around the Dam", &care.ServiceArea{Polygon: damSquare()}, "GM0363"},
		{"polygon in Utrecht", &care.ServiceArea{Polygon: &care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{square(5.11, 52.085, 0.01)}}}, "GM0344"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := validInitiative()
			f.ServiceArea = tc.sa
			area, err := c.Check(&f)
			if err != nil {
				t.Fatalf("Check(initiative, %s) = %v; want no error", tc.name, err)
			}
			if area.MunicipalityCode != tc.want {
				t.Errorf("Check(initiative, %s) municipality = %q; want %q", tc.name, area.MunicipalityCode, tc.want)
			}
			if f.Active == nil || !*f.Active {
				t.Errorf("Active after Check = %v; want true by default", f.Active)
			}
		})
	}
	paused := validInitiative()
	paused.Active = ptr(false)
	if _, err := c.Check(&paused); err != nil || *paused.Active {
		t.Errorf("Check(inactive initiative) = %v, active %v; want no error, still inactive", err, *paused.Active)
	}
}

func TestGeoJSONPolygonRings(t *testing.T) {
	t.Parallel()
	p := care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{{{4.8, 52.3}, {4.9, 52.3}, {4.9, 52.4}, {4.8, 52.3}}}}
	want := [][][2]float64{{{4.8, 52.3}, {4.9, 52.3}, {4.9, 52.4}, {4.8, 52.3}}}
	got := p.Rings()
	if len(got) != 1 || !slices.Equal(got[0], want[0]) {
		t.Errorf("Rings() = %v; want %v", got, want)
	}
}
