package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// badFixtures are the records a bad-input test starts from.
type badFixtures struct {
	// bodies maps a base name ("volunteer", "polygon", "activity_full", …)
	// to a body that the API accepts as it is.
	bodies map[string]string
	// ids maps a collection ("volunteers", …) to a stored record that PUT
	// and PATCH cases try to change.
	ids map[string]string
}

// body returns the valid body called base, failing the test if there is
// none, so a typo in a case cannot pass as a bad input.
func (fx badFixtures) body(t *testing.T, base string) string {
	t.Helper()
	b, ok := fx.bodies[base]
	if !ok {
		t.Fatalf("no valid body %q", base)
	}
	return b
}

// badBases maps each base body to the collection it is posted to.
var badBases = map[string]string{
	"volunteer":       "volunteers",
	"volunteer_full":  "volunteers",
	"initiative":      "initiatives",
	"initiative_full": "initiatives",
	"polygon":         "initiatives",
	"provision":       "provisions",
	"provision_full":  "provisions",
	"activity":        "activities",
	"activity_full":   "activities",
	"request":         "requests",
	"request_full":    "requests",
}

// newBadFixtures stores one record from every base body, which proves
// each base is valid, and remembers one record per collection.
func newBadFixtures(e *testEnv) badFixtures {
	t := e.t
	t.Helper()
	fx := badFixtures{bodies: map[string]string{}, ids: map[string]string{}}
	add := func(base, body string) {
		t.Helper()
		fx.bodies[base] = body
		id := e.create("/api/v1/"+badBases[base], body)
		if _, ok := fx.ids[badBases[base]]; !ok {
			fx.ids[badBases[base]] = id
		}
	}
	add("volunteer", validVolunteer)
	add("initiative", validInitiative)
	add("polygon", validPolygonInitiative)
	add("provision", validProvision)
	add("request", validRequest)
	add("activity", validActivity(fx.ids["provisions"]))

	// The _full bodies set the optional string fields the valid bodies
	// leave out, so that the "$" sub-test reaches every string field (see
	// TestBadInputBodiesCoverEveryStringField).
	add("volunteer_full", editJSON(t, validVolunteer, "status", `"paused"`))
	add("initiative_full", editJSON(t, validInitiative, "contact",
		`{"name":"Piet","email":"piet@example.org","phone":"+31 20 123 4567","website":"https://buurtkracht.example.org"}`))
	add("provision_full", editJSON(t, validProvision,
		"organisation", `"Stichting De Kolk"`,
		"description", `"Inloop met koffie.\nElke werkdag."`,
		"cost", `{"amount_eur":2.5,"unit":"per_visit","notes":"Eerste keer gratis."}`,
		"accessibility.notes", `"Lift bij de achteringang."`,
		"contact", `{"name":"Balie","email":"info@dekolk.example.org","phone":"020 765 4321","website":"https://dekolk.example.org"}`))
	add("request_full", editJSON(t, validRequest, "target_groups", `["seniors","carers"]`, "resident_age", `81`, "household_id", `"hh-0042"`,
		"resident_account", strconv.Quote(e.ids[asResident])))
	add("activity_full", editJSON(t, validActivity(fx.ids["provisions"]),
		"provision_id", "",
		"initiative_id", strconv.Quote(fx.ids["initiatives"]),
		"description", `"Spelen, knutselen en voorlezen."`,
		"place.address", `{"street":"Kolksteeg","house_number":"1a","postcode":"1012AB","city":"Amsterdam"}`))
	return fx
}

// badCase is a request the API must refuse without storing anything.
type badCase struct {
	name   string
	method string // POST when empty; PUT and PATCH go to ids[coll]
	coll   string // collection, e.g. "volunteers"; derived from the base when empty
	base   string // valid body that body edits; empty for raw bodies
	// body builds the request body from the valid body base.
	body    func(t *testing.T, fx badFixtures, valid string) string
	headers []string
	status  int
	field   string // expected in the problem's errors
	reason  string // when set, expected in the field's reason
}

// edited replaces the values at paths in the valid body by raw JSON text;
// see editJSON.
func edited(pathRaw ...string) func(*testing.T, badFixtures, string) string {
	return func(t *testing.T, _ badFixtures, valid string) string {
		t.Helper()
		return editJSON(t, valid, pathRaw...)
	}
}

// rawBody sends body as it is, whatever the valid body.
func rawBody(body string) func(*testing.T, badFixtures, string) string {
	return func(*testing.T, badFixtures, string) string { return body }
}

// jsonString returns s as a JSON string literal.
func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// repeatJSON returns a JSON array holding item n times.
func repeatJSON(item string, n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
}

const (
	// Rings of [lon, lat] positions in Amsterdam, points outside the
	// Netherlands, and an id that names no record.
	squareRing  = `[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.36],[4.88,52.34]]`
	northSeaLoc = `{"lat":52.5,"lon":3.5}`
	brusselsLoc = `{"lat":50.85,"lon":4.35}`
	germanyLoc  = `{"lat":52.0,"lon":7.5}`
	bowTie      = `[[[4.88,52.34],[4.90,52.34],[4.88,52.36],[4.91,52.37],[4.88,52.34]]]`
	missingID   = `"ffffffffffffffffffffffff"`
)

// badCases is every hand-written bad input; see TestBadInputIsRejectedWithField.
var badCases = []badCase{
	// Volunteers: types and numbers.
	{name: "volunteer name is a number", base: "volunteer", body: edited("display_name", `5`), status: 400, field: "display_name"},
	{name: "volunteer name is true", base: "volunteer", body: edited("display_name", `true`), status: 400, field: "display_name"},
	{name: "volunteer travel is a string", base: "volunteer", body: edited("max_travel_m", `"2000"`), status: 400, field: "max_travel_m"},
	{name: "volunteer travel is a fraction", base: "volunteer", body: edited("max_travel_m", `2000.5`), status: 400, field: "max_travel_m"},
	{name: "volunteer travel overflows int", base: "volunteer", body: edited("max_travel_m", `9223372036854775808`), status: 400, field: "max_travel_m"},
	{name: "volunteer capacity 1e400", base: "volunteer", body: edited("capacity", `1e400`), status: 400, field: "capacity"},
	{name: "volunteer lat is a string", base: "volunteer", body: edited("home_location.lat", `"52.37"`), status: 400, field: "home_location.lat"},
	{name: "volunteer lat NaN", base: "volunteer", body: edited("home_location.lat", `NaN`), status: 400, field: "home_location.lat"},
	{name: "volunteer lon Infinity", base: "volunteer", body: edited("home_location.lon", `Infinity`), status: 400, field: "home_location.lon"},
	{name: "volunteer lat -Infinity", base: "volunteer", body: edited("home_location.lat", `-Infinity`), status: 400, field: "home_location.lat"},
	{name: "volunteer lat 1e400", base: "volunteer", body: edited("home_location.lat", `1e400`), status: 400, field: "home_location.lat"},
	{name: "volunteer lat 91", base: "volunteer", body: edited("home_location.lat", `91`), status: 422, field: "home_location.lat"},
	{name: "volunteer lon -181", base: "volunteer", body: edited("home_location.lon", `-181`), status: 422, field: "home_location.lon"},
	{name: "volunteer in the North Sea", base: "volunteer", body: edited("home_location", northSeaLoc), status: 422, field: "home_location"},
	{name: "volunteer without home", base: "volunteer", body: edited("home_location", `null`), status: 422, field: "home_location"},
	{name: "volunteer home is an array", base: "volunteer", body: edited("home_location", `[4.89,52.37]`), status: 400, field: "home_location"},
	// Volunteers: code lists and arrays.
	{name: "volunteer help types is an object", base: "volunteer", body: edited("help_types", `{"groceries":true}`), status: 400, field: "help_types"},
	{name: "volunteer help types is a string", base: "volunteer", body: edited("help_types", `"groceries"`), status: 400, field: "help_types"},
	{name: "volunteer help type is a number", base: "volunteer", body: edited("help_types", `["groceries",7]`), status: 400, field: "help_types[1]"},
	{name: "volunteer unknown help type", base: "volunteer", body: edited("help_types", `["groceries","sky_diving"]`), status: 422, field: "help_types[1]"},
	{name: "volunteer duplicate help types", base: "volunteer", body: edited("help_types", `["groceries","groceries"]`), status: 422, field: "help_types"},
	{name: "volunteer no help types", base: "volunteer", body: edited("help_types", `[]`), status: 422, field: "help_types"},
	{name: "volunteer 1000 help types", base: "volunteer", body: edited("help_types", repeatJSON(`"groceries"`, 1000)), status: 422, field: "help_types"},
	{name: "volunteer slot start 9:00", base: "volunteer", body: edited("availability[0].start", `"9:00"`), status: 422, field: "availability[0].start"},
	{name: "volunteer slot start 25:00", base: "volunteer", body: edited("availability[0].start", `"25:00"`), status: 422, field: "availability[0].start"},
	{name: "volunteer slot ends before start", base: "volunteer", body: edited("availability[0].end", `"08:00"`), status: 422, field: "availability[0].end"},
	{name: "volunteer slot day monday", base: "volunteer", body: edited("availability[0].day", `"monday"`), status: 422, field: "availability[0].day"},
	{name: "volunteer availability is an object", base: "volunteer", body: edited("availability", `{"day":"tue"}`), status: 400, field: "availability"},
	{name: "volunteer 1000 slots", base: "volunteer", body: edited("availability", repeatJSON(`{"day":"tue","start":"09:00","end":"12:00"}`, 1000)), status: 422, field: "availability"},
	{name: "volunteer language NL", base: "volunteer", body: edited("languages", `["NL"]`), status: 422, field: "languages[0]"},
	{name: "volunteer language dutch", base: "volunteer", body: edited("languages", `["nl","dutch"]`), status: 422, field: "languages[1]"},
	{name: "volunteer status deleted", base: "volunteer", body: edited("status", `"deleted"`), status: 422, field: "status"},
	{name: "volunteer capacity 0", base: "volunteer", body: edited("capacity", `0`), status: 422, field: "capacity"},
	{name: "volunteer capacity 21", base: "volunteer", body: edited("capacity", `21`), status: 422, field: "capacity"},
	// Volunteers: text.
	{name: "volunteer name over its max", base: "volunteer", body: edited("display_name", jsonString(strings.Repeat("a", 60_000))), status: 422, field: "display_name"},
	{name: "volunteer name with NUL", base: "volunteer", body: edited("display_name", `"An\u0000na"`), status: 422, field: "display_name"},
	{name: "volunteer name with newline", base: "volunteer", body: edited("display_name", `"An\nna"`), status: 422, field: "display_name"},
	{name: "volunteer name invalid UTF-8", base: "volunteer", body: edited("display_name", "\"An\xffna\""), status: 422, field: "display_name"},
	{name: "volunteer name operator after spaces", base: "volunteer", body: edited("display_name", `"  $where"`), status: 422, field: "display_name"},
	// Volunteers: fields the client may not send.
	{name: "volunteer unknown top-level field", base: "volunteer", body: edited("email", `"anna@example.org"`), status: 400, field: "email"},
	{name: "volunteer sends its id", base: "volunteer", body: edited("id", `"0123456789abcdef01234567"`), status: 400, field: "id"},
	{name: "volunteer sends its area", base: "volunteer", body: edited("area", `{"municipality_code":"GM0363"}`), status: 400, field: "area"},
	{name: "volunteer sends location precision", base: "volunteer", body: edited("location_precision", `"exact"`), status: 400, field: "location_precision"},
	{name: "volunteer unknown nested field", base: "volunteer", body: edited("home_location.alt", `3`), status: 400, field: "home_location.alt"},
	{name: "volunteer unknown field in a slot", base: "volunteer", body: edited("availability[0].tz", `"UTC"`), status: 400, field: "availability[0].tz"},
	// Volunteers: bodies that are not one JSON object.
	{name: "empty body", coll: "volunteers", body: rawBody(""), headers: []string{"Content-Type", "application/json"}, status: 400, field: "body"},
	{name: "blank body", coll: "volunteers", body: rawBody(" \n\t "), status: 400, field: "body"},
	{name: "null body", coll: "volunteers", body: rawBody("null"), status: 400, field: "body"},
	{name: "array body", coll: "volunteers", body: rawBody("[" + validVolunteer + "]"), status: 400, field: "body"},
	{name: "string body", coll: "volunteers", body: rawBody(`"Anna"`), status: 400, field: "body"},
	{name: "trailing garbage", base: "volunteer", body: func(_ *testing.T, _ badFixtures, v string) string { return v + " x" }, status: 400, field: "body"},
	{name: "two objects", base: "volunteer", body: func(_ *testing.T, _ badFixtures, v string) string { return v + v }, status: 400, field: "body", reason: "exactly one"},
	{name: "truncated object", coll: "volunteers", body: rawBody(`{"display_name":`), status: 400, field: "display_name", reason: "ends too early"},
	{name: "comment in body", coll: "volunteers", body: rawBody(`{/* hi */"display_name":"Anna"}`), status: 400, field: "body"},
	{name: "single quotes", coll: "volunteers", body: rawBody(`{'display_name':'Anna'}`), status: 400, field: "body"},
	{name: "byte order mark", base: "volunteer", body: func(_ *testing.T, _ badFixtures, v string) string { return "\ufeff" + v }, status: 400, field: "body"},
	{name: "nested 10001 deep", coll: "volunteers", body: rawBody(`{"availability":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`), status: 400, field: "body", reason: "deeper"},
	{name: "body over 64 KiB", base: "volunteer", body: edited("display_name", jsonString(strings.Repeat("a", 100_000))), status: 413, field: "body"},
	// Content types.
	{name: "text/plain", base: "volunteer", body: edited(), headers: []string{"Content-Type", "text/plain"}, status: 415, field: "Content-Type"},
	{name: "form post", coll: "volunteers", body: rawBody("display_name=Anna&capacity=2"), headers: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415, field: "Content-Type"},
	{name: "multipart", coll: "volunteers", body: rawBody("--x\r\nContent-Disposition: form-data; name=\"display_name\"\r\n\r\nAnna\r\n--x--\r\n"), headers: []string{"Content-Type", "multipart/form-data; boundary=x"}, status: 415, field: "Content-Type"},
	{name: "no content type", base: "volunteer", body: edited(), headers: []string{"Content-Type", ""}, status: 415, field: "Content-Type"},
	{name: "merge patch type on POST", base: "volunteer", body: edited(), headers: []string{"Content-Type", "application/merge-patch+json"}, status: 415, field: "Content-Type"},
	{name: "text/json", base: "volunteer", body: edited(), headers: []string{"Content-Type", "text/json"}, status: 415, field: "Content-Type"},

	// Initiatives.
	{name: "initiative organisation over its max", base: "initiative", body: edited("organisation", jsonString(strings.Repeat("b", 121))), status: 422, field: "organisation"},
	{name: "initiative description over its max", base: "initiative", body: edited("description", jsonString(strings.Repeat("Buren helpen. ", 4000))), status: 422, field: "description"},
	{name: "initiative description with a bell", base: "initiative", body: edited("description", `"Buren\u0007helpen"`), status: 422, field: "description"},
	{name: "initiative capacity is a string", base: "initiative", body: edited("capacity", `"10"`), status: 400, field: "capacity"},
	{name: "initiative active is a string", base: "initiative", body: edited("active", `"yes"`), status: 400, field: "active"},
	{name: "initiative without service area", base: "initiative", body: edited("service_area", ""), status: 422, field: "service_area"},
	{name: "initiative centre without radius", base: "initiative", body: edited("service_area.radius_m", ""), status: 422, field: "service_area.radius_m"},
	{name: "initiative radius 50 m", base: "initiative", body: edited("service_area.radius_m", `50`), status: 422, field: "service_area.radius_m"},
	{name: "initiative centre in Brussels", base: "initiative", body: edited("service_area.center", brusselsLoc), status: 422, field: "service_area.center"},
	{name: "initiative centre lat NaN", base: "initiative", body: edited("service_area.center.lat", `NaN`), status: 400, field: "service_area.center.lat"},
	{name: "initiative centre and polygon", base: "initiative", body: edited("service_area.polygon", `{"type":"Polygon","coordinates":[`+squareRing+`]}`), status: 422, field: "service_area"},
	{name: "initiative empty contact", base: "initiative", body: edited("contact", `{}`), status: 422, field: "contact"},
	{name: "initiative bad email", base: "initiative", body: edited("contact.email", `"piet at example"`), status: 422, field: "contact.email"},
	{name: "initiative javascript website", base: "initiative", body: edited("contact.website", `"javascript:alert(1)"`), status: 422, field: "contact.website"},
	{name: "initiative unknown field in contact", base: "initiative", body: edited("contact.fax", `"020"`), status: 400, field: "contact.fax"},
	// Initiatives with a polygon: coordinates are [lon, lat].
	{name: "polygon not closed", base: "polygon", body: edited("service_area.polygon.coordinates", `[[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.36],[4.881,52.34]]]`), status: 422, field: "service_area.polygon.coordinates[0]"},
	{name: "polygon of 3 positions", base: "polygon", body: edited("service_area.polygon.coordinates", `[[[4.88,52.34],[4.90,52.34],[4.88,52.34]]]`), status: 422, field: "service_area.polygon.coordinates[0]"},
	// bowTie: 0 and 1 are the bottom corners of a square, 2 its top left,
	// 3 beyond its top right; edges 1→2 and 3→0 cross at (4.89, 52.35).
	// 3 is off the square so the two triangles do not cancel out to a
	// zero area, which would be reported instead.
	{name: "polygon bow-tie", base: "polygon", body: edited("service_area.polygon.coordinates", bowTie), status: 422, field: "service_area.polygon.coordinates[0]", reason: "intersects itself"},
	{name: "polygon position of 1 number", base: "polygon", body: edited("service_area.polygon.coordinates[0][1]", `[4.90]`), status: 422, field: "service_area.polygon.coordinates[0][1]"},
	{name: "polygon position of 3 numbers", base: "polygon", body: edited("service_area.polygon.coordinates[0][2]", `[4.90,52.36,3]`), status: 422, field: "service_area.polygon.coordinates[0][2]"},
	{name: "polygon in Germany", base: "polygon", body: edited("service_area.polygon.coordinates", `[[[7.5,52.0],[7.6,52.0],[7.6,52.1],[7.5,52.1],[7.5,52.0]]]`), status: 422, field: "service_area.polygon.coordinates[0][0]"},
	{name: "polygon lat and lon swapped", base: "polygon", body: edited("service_area.polygon.coordinates", `[[[52.34,4.88],[52.34,4.90],[52.36,4.90],[52.36,4.88],[52.34,4.88]]]`), status: 422, field: "service_area.polygon.coordinates[0][0]"},
	{name: "polygon hole outside", base: "polygon", body: edited("service_area.polygon.coordinates", `[`+squareRing+`,[[4.95,52.34],[4.96,52.34],[4.96,52.35],[4.95,52.34]]]`), status: 422, field: "service_area.polygon.coordinates[1]"},
	{name: "polygon without rings", base: "polygon", body: edited("service_area.polygon.coordinates", `[]`), status: 422, field: "service_area.polygon.coordinates"},
	{name: "polygon empty squareRing", base: "polygon", body: edited("service_area.polygon.coordinates", `[[]]`), status: 422, field: "service_area.polygon.coordinates[0]"},
	{name: "polygon coordinates null", base: "polygon", body: edited("service_area.polygon.coordinates", `null`), status: 422, field: "service_area.polygon.coordinates"},
	{name: "polygon 5001 positions", base: "polygon", body: edited("service_area.polygon.coordinates", `[`+repeatJSON(`[5,52]`, 5001)+`]`), status: 422, field: "service_area.polygon.coordinates"},
	{name: "polygon type MultiPolygon", base: "polygon", body: edited("service_area.polygon.type", `"MultiPolygon"`), status: 422, field: "service_area.polygon.type"},
	{name: "polygon coordinates is a string", base: "polygon", body: edited("service_area.polygon.coordinates", `"4.88 52.34"`), status: 400, field: "service_area.polygon.coordinates"},
	{name: "polygon coordinate is a string", base: "polygon", body: edited("service_area.polygon.coordinates[0][0][0]", `"4.88"`), status: 400, field: "service_area.polygon.coordinates[0][0][0]"},
	{name: "polygon coordinate NaN", base: "polygon", body: edited("service_area.polygon.coordinates[0][1][1]", `NaN`), status: 400, field: "service_area.polygon.coordinates[0][1][1]"},
	{name: "polygon coordinate 1e400", base: "polygon", body: edited("service_area.polygon.coordinates[0][3][0]", `1e400`), status: 400, field: "service_area.polygon.coordinates[0][3][0]"},
	{name: "polygon squareRing is an object", base: "polygon", body: edited("service_area.polygon.coordinates[0]", `{"lon":4.88}`), status: 400, field: "service_area.polygon.coordinates[0]"},

	// Provisions.
	{name: "provision postcode 0123 AB", base: "provision", body: edited("address.postcode", `"0123 AB"`), status: 422, field: "address.postcode"},
	{name: "provision without address", base: "provision", body: edited("address", ""), status: 422, field: "address"},
	{name: "provision in Brussels", base: "provision", body: edited("location", brusselsLoc), status: 422, field: "location"},
	{name: "provision unknown cost unit", base: "provision", body: edited("cost.unit", `"per_hour"`), status: 422, field: "cost.unit"},
	{name: "provision free but paid", base: "provision", body: edited("cost.amount_eur", `5`), status: 422, field: "cost.amount_eur"},
	{name: "provision negative cost", base: "provision", body: edited("cost", `{"amount_eur":-1,"unit":"per_visit"}`), status: 422, field: "cost.amount_eur"},
	{name: "provision cost Infinity", base: "provision", body: edited("cost.amount_eur", `Infinity`), status: 400, field: "cost.amount_eur"},
	{name: "provision unknown target group", base: "provision", body: edited("target_groups", `["seniors","aliens"]`), status: 422, field: "target_groups[1]"},
	{name: "provision hours end before start", base: "provision", body: edited("opening_hours[0].end", `"09:00"`), status: 422, field: "opening_hours[0].end"},
	{name: "provision wheelchair is a string", base: "provision", body: edited("accessibility.wheelchair", `"yes"`), status: 400, field: "accessibility.wheelchair"},
	{name: "provision unknown accessibility field", base: "provision", body: edited("accessibility.ramp", `true`), status: 400, field: "accessibility.ramp"},
	// "name" is also a known field at the top; the path must be the nested one.
	{name: "provision name inside address", base: "provision", body: edited("address.name", `"De Kolk"`), status: 400, field: "address.name"},
	{name: "provision bad phone", base: "provision", body: edited("contact", `{"phone":"call me"}`), status: 422, field: "contact.phone"},

	// Activities.
	{name: "activity provision names no record", base: "activity", body: edited("provision_id", missingID), status: 422, field: "provision_id"},
	{name: "activity provision id of an initiative", base: "activity", body: func(t *testing.T, fx badFixtures, v string) string {
		return editJSON(t, v, "provision_id", strconv.Quote(fx.ids["initiatives"]))
	}, status: 422, field: "provision_id"},
	{name: "activity initiative names no record", base: "activity", body: edited("provision_id", "", "initiative_id", missingID), status: 422, field: "initiative_id"},
	{name: "activity with provision and initiative", base: "activity", body: func(t *testing.T, fx badFixtures, v string) string {
		return editJSON(t, v, "initiative_id", strconv.Quote(fx.ids["initiatives"]))
	}, status: 422, field: "initiative_id"},
	{name: "activity without owner", base: "activity", body: edited("provision_id", ""), status: 422, field: "provision_id"},
	{name: "activity provision id not hex", base: "activity", body: edited("provision_id", `"zzzzzzzzzzzzzzzzzzzzzzzz"`), status: 422, field: "provision_id"},
	{name: "activity rrule garbage", base: "activity", body: edited("schedule.rrule", `"every other tuesday"`), status: 422, field: "schedule.rrule"},
	{name: "activity rrule hourly", base: "activity", body: edited("schedule.rrule", `"FREQ=HOURLY"`), status: 422, field: "schedule.rrule"},
	{name: "activity rrule 30 February", base: "activity", body: edited("schedule.rrule", `"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"`), status: 422, field: "schedule.rrule"},
	{name: "activity rrule daily 31 April", base: "activity", body: edited("schedule.rrule", `"FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31"`), status: 422, field: "schedule.rrule"},
	{name: "activity rrule ended before start", base: "activity", body: edited("schedule.rrule", `"FREQ=WEEKLY;UNTIL=20200101T000000Z"`), status: 422, field: "schedule.rrule"},
	{name: "activity rrule with DTSTART line", base: "activity", body: edited("schedule.rrule", `"DTSTART:20261201T140000Z\nRRULE:FREQ=WEEKLY"`), status: 422, field: "schedule.rrule"},
	{name: "activity rrule with DTSTART part", base: "activity", body: edited("schedule.rrule", `"FREQ=WEEKLY;dtstart=20261201T140000Z"`), status: 422, field: "schedule.rrule"},
	{name: "activity rrule over its max", base: "activity", body: edited("schedule.rrule", jsonString("FREQ=WEEKLY;BYDAY="+strings.Repeat("TU,", 200)+"TU")), status: 422, field: "schedule.rrule"},
	{name: "activity rrule is a number", base: "activity", body: edited("schedule.rrule", `7`), status: 400, field: "schedule.rrule"},
	{name: "activity timezone on Mars", base: "activity", body: edited("schedule.timezone", `"Mars/Olympus_Mons"`), status: 422, field: "schedule.timezone"},
	{name: "activity timezone path", base: "activity", body: edited("schedule.timezone", `"../../etc/localtime"`), status: 422, field: "schedule.timezone"},
	{name: "activity timezone Local", base: "activity", body: edited("schedule.timezone", `"Local"`), status: 422, field: "schedule.timezone"},
	{name: "activity start with a space", base: "activity", body: edited("schedule.start", `"2026-12-01 14:00"`), status: 422, field: "schedule.start"},
	{name: "activity start in UTC", base: "activity", body: edited("schedule.start", `"2026-12-01T14:00:00Z"`), status: 422, field: "schedule.start"},
	{name: "activity start month 13", base: "activity", body: edited("schedule.start", `"2026-13-01T14:00"`), status: 422, field: "schedule.start"},
	{name: "activity start is a number", base: "activity", body: edited("schedule.start", `1796220000`), status: 400, field: "schedule.start"},
	{name: "activity exdate garbage", base: "activity", body: edited("schedule.exdates", `["2026-12-29T14:00","tomorrow"]`), status: 422, field: "schedule.exdates[1]"},
	{name: "activity exdates without rrule", base: "activity", body: edited("schedule.rrule", ""), status: 422, field: "schedule.exdates"},
	{name: "activity 1000 exdates", base: "activity", body: edited("schedule.exdates", repeatJSON(`"2026-12-29T14:00"`, 1000)), status: 422, field: "schedule.exdates"},
	{name: "activity duration 0", base: "activity", body: edited("schedule.duration_minutes", `0`), status: 422, field: "schedule.duration_minutes"},
	{name: "activity duration two days", base: "activity", body: edited("schedule.duration_minutes", `2880`), status: 422, field: "schedule.duration_minutes"},
	{name: "activity without schedule", base: "activity", body: edited("schedule", `null`), status: 422, field: "schedule"},
	{name: "activity spots is a string", base: "activity", body: edited("spots_per_occurrence", `"5"`), status: 400, field: "spots_per_occurrence"},
	{name: "activity ages reversed", base: "activity", body: edited("age_min", `12`, "age_max", `4`), status: 422, field: "age_max"},
	{name: "activity age -1", base: "activity", body: edited("age_min", `-1`), status: 422, field: "age_min"},
	{name: "activity place in the North Sea", base: "activity", body: edited("place.location", northSeaLoc), status: 422, field: "place.location"},
	{name: "activity place without location", base: "activity", body: edited("place.location", ""), status: 422, field: "place.location"},
	{name: "activity without place", base: "activity", body: edited("place", ""), status: 422, field: "place"},
	{name: "activity duplicate target groups", base: "activity", body: edited("target_groups", `["children","children"]`), status: 422, field: "target_groups"},
	// "name" is also a known field at the top; the path must be the nested one.
	{name: "activity name inside schedule", base: "activity", body: edited("schedule.name", `"Speelkamer"`), status: 400, field: "schedule.name"},
	{name: "activity unknown field in place location", base: "activity", body: edited("place.location.alt", `0`), status: 400, field: "place.location.alt"},

	// Support requests.
	{name: "request intake score 0", base: "request", body: edited("life_domains[0].intake_score", `0`), status: 422, field: "life_domains[0].intake_score"},
	{name: "request intake score 6", base: "request", body: edited("life_domains[1].intake_score", `6`), status: 422, field: "life_domains[1].intake_score"},
	{name: "request closure score 6", base: "request", body: edited("life_domains[0].closure_score", `6`), status: 422, field: "life_domains[0].closure_score"},
	{name: "request intake score 2.5", base: "request", body: edited("life_domains[0].intake_score", `2.5`), status: 400, field: "life_domains[0].intake_score"},
	{name: "request intake score a string", base: "request", body: edited("life_domains[0].intake_score", `"2"`), status: 400, field: "life_domains[0].intake_score"},
	{name: "request unknown ZRM domain", base: "request", body: edited("life_domains[1].domain", `"happiness"`), status: 422, field: "life_domains[1].domain"},
	{name: "request ZRM domain twice", base: "request", body: edited("life_domains[1].domain", `"social_network"`), status: 422, field: "life_domains[1].domain"},
	{name: "request 1000 life domains", base: "request", body: edited("life_domains", repeatJSON(`{"domain":"housing"}`, 1000)), status: 422, field: "life_domains"},
	{name: "request unknown urgency", base: "request", body: edited("urgency", `"asap"`), status: 422, field: "urgency"},
	{name: "request unknown mobility", base: "request", body: edited("constraints.mobility", `"flying"`), status: 422, field: "constraints.mobility"},
	{name: "request distance 10 m", base: "request", body: edited("constraints.max_distance_m", `10`), status: 422, field: "constraints.max_distance_m"},
	{name: "request window ends before start", base: "request", body: edited("constraints.time_windows[0].end", `"08:59"`), status: 422, field: "constraints.time_windows[0].end"},
	{name: "request duplicate needs", base: "request", body: edited("needs", `["groceries","groceries"]`), status: 422, field: "needs"},
	{name: "request unknown need", base: "request", body: edited("needs", `["world_peace"]`), status: 422, field: "needs[0]"},
	{name: "request in Germany", base: "request", body: edited("location", germanyLoc), status: 422, field: "location"},
	{name: "request location lon NaN", base: "request", body: edited("location.lon", `NaN`), status: 400, field: "location.lon"},
	{name: "request own strength over its max", base: "request", body: edited("own_strength", jsonString(strings.Repeat("Kookt zelf. ", 400))), status: 422, field: "own_strength"},
	{name: "request without constraints", base: "request", body: edited("constraints", ""), status: 422, field: "constraints"},
	{name: "request unknown target group", base: "request_full", body: edited("target_groups", `["seniors","pensioners"]`), status: 422, field: "target_groups[1]"},
	{name: "request resident age 121", base: "request_full", body: edited("resident_age", `121`), status: 422, field: "resident_age"},
	{name: "request resident account not an id", base: "request_full", body: edited("resident_account", `"anna@example.org"`), status: 422, field: "resident_account"},
	{name: "request resident account of no one", base: "request_full", body: edited("resident_account", `"0123456789abcdef01234567"`), status: 422, field: "resident_account"},
	{name: "request sets its status", base: "request", body: edited("status", `"closed"`), status: 400, field: "status"},

	// Replacing and patching a stored record.
	{name: "PUT volunteer lat NaN", method: "PUT", base: "volunteer", body: edited("home_location.lat", `NaN`), status: 400, field: "home_location.lat"},
	{name: "PUT volunteer unknown field", method: "PUT", base: "volunteer", body: edited("nickname", `"An"`), status: 400, field: "nickname"},
	{name: "PUT volunteer with its version", method: "PUT", base: "volunteer", body: edited("version", `1`), status: 400, field: "version"},
	{name: "PUT initiative bow-tie", method: "PUT", base: "polygon", body: edited("service_area.polygon.coordinates", bowTie), status: 422, field: "service_area.polygon.coordinates[0]", reason: "intersects itself"},
	{name: "PUT provision text/plain", method: "PUT", base: "provision", body: edited(), headers: []string{"Content-Type", "text/plain"}, status: 415, field: "Content-Type"},
	{name: "PUT activity empty body", method: "PUT", coll: "activities", body: rawBody(""), headers: []string{"Content-Type", "application/json"}, status: 400, field: "body"},
	{name: "PUT request stale If-Match", method: "PUT", base: "request", body: edited("urgency", `"high"`), headers: []string{"If-Match", `"999"`}, status: 412, field: "If-Match"},
	{name: "PUT request over 64 KiB", method: "PUT", base: "request", body: edited("network", jsonString(strings.Repeat("x", 70_000))), status: 413, field: "body"},
	{name: "PATCH volunteer lat 91", method: "PATCH", coll: "volunteers", body: rawBody(`{"home_location":{"lat":91}}`), status: 422, field: "home_location.lat"},
	{name: "PATCH volunteer lat NaN", method: "PATCH", coll: "volunteers", body: rawBody(`{"home_location":{"lat":NaN}}`), status: 400, field: "home_location.lat"},
	{name: "PATCH volunteer removes help types", method: "PATCH", coll: "volunteers", body: rawBody(`{"help_types":null}`), status: 422, field: "help_types"},
	{name: "PATCH volunteer sets its id", method: "PATCH", coll: "volunteers", body: rawBody(`{"id":"0123456789abcdef01234567"}`), status: 400, field: "id"},
	{name: "PATCH volunteer unknown nested field", method: "PATCH", coll: "volunteers", body: rawBody(`{"home_location":{"alt":3}}`), status: 400, field: "home_location.alt"},
	{name: "PATCH volunteer array body", method: "PATCH", coll: "volunteers", body: rawBody(`[{"op":"replace","path":"/capacity","value":3}]`), headers: []string{"Content-Type", "application/merge-patch+json"}, status: 400, field: "body"},
	{name: "PATCH volunteer JSON Patch type", method: "PATCH", coll: "volunteers", body: rawBody(`[{"op":"replace","path":"/capacity","value":3}]`), headers: []string{"Content-Type", "application/json-patch+json"}, status: 415, field: "Content-Type"},
	{name: "PATCH initiative malformed number", method: "PATCH", coll: "initiatives", body: rawBody(`{"service_area":{"center":null,"radius_m":null,"polygon":{"type":"Polygon","coordinates":[[[4.88,52.34],[4.90,52.34],[4.90,52.36],[4.88,52.34.5]]]}}}`), headers: []string{"Content-Type", "application/merge-patch+json"}, status: 400, field: "service_area.polygon.coordinates[0][3][2]", reason: "after array element"},
	{name: "PATCH initiative polygon and centre", method: "PATCH", coll: "initiatives", body: rawBody(`{"service_area":{"polygon":{"type":"Polygon","coordinates":[` + squareRing + `]}}}`), headers: []string{"Content-Type", "application/merge-patch+json"}, status: 422, field: "service_area"},
	{name: "PATCH provision text/plain", method: "PATCH", coll: "provisions", body: rawBody(`{"name":"X"}`), headers: []string{"Content-Type", "text/plain"}, status: 415, field: "Content-Type"},
	{name: "PATCH provision postcode", method: "PATCH", coll: "provisions", body: rawBody(`{"address":{"postcode":"AB 1234"}}`), status: 422, field: "address.postcode"},
	{name: "PATCH activity hourly rrule", method: "PATCH", coll: "activities", body: rawBody(`{"schedule":{"rrule":"FREQ=HOURLY"}}`), headers: []string{"Content-Type", "application/merge-patch+json"}, status: 422, field: "schedule.rrule"},
	{name: "PATCH activity adds an initiative", method: "PATCH", coll: "activities", body: func(_ *testing.T, fx badFixtures, _ string) string {
		return `{"initiative_id":"` + fx.ids["initiatives"] + `"}`
	}, status: 422, field: "initiative_id"},
	{name: "PATCH request score 6", method: "PATCH", coll: "requests", body: rawBody(`{"life_domains":[{"domain":"housing","intake_score":6}]}`), status: 422, field: "life_domains[0].intake_score"},
	{name: "PATCH request sets its status", method: "PATCH", coll: "requests", body: rawBody(`{"status":"closed"}`), status: 400, field: "status"},
}

// TestBadInputIsRejectedWithField sends bad bodies to every resource and
// checks that each is refused with a problem naming the field, and that
// nothing was stored or changed.
func TestBadInputIsRejectedWithField(t *testing.T) {
	t.Parallel()
	b := newBadEnv(t)
	fx := b.fx

	for _, tc := range badCases {
		t.Run(tc.name, func(t *testing.T) {
			coll := tc.coll
			if coll == "" {
				coll = badBases[tc.base]
			}
			valid := ""
			if tc.base != "" {
				valid = fx.body(t, tc.base)
			}
			body := tc.body(t, fx, valid)
			p := b.expectRefused(t, tc.method, coll, body, tc.headers, tc.status, tc.field)
			if tc.reason == "" {
				return
			}
			for _, f := range p.Errors {
				if f.Field == tc.field && !strings.Contains(f.Reason, tc.reason) {
					t.Errorf("reason for %s = %q; want it to contain %q", tc.field, f.Reason, tc.reason)
				}
			}
		})
	}

	// Every string field, found by walking the valid bodies, refuses a
	// MongoDB query operator in place of its value and a string that
	// starts with '$'. Fields added to the bodies are covered without
	// touching this test.
	t.Run("strings", func(t *testing.T) {
		bases := make([]string, 0, len(fx.bodies))
		for base := range fx.bodies {
			bases = append(bases, base)
		}
		sort.Strings(bases)
		n := 0
		for _, base := range bases {
			valid := fx.bodies[base]
			for _, path := range jsonStringPaths(t, valid) {
				t.Run(base+"/"+path+"/operator", func(t *testing.T) {
					b.expectRefused(t, "", badBases[base], editJSON(t, valid, path, `{"$gt":""}`), nil, 400, path)
				})
				t.Run(base+"/"+path+"/dollar", func(t *testing.T) {
					b.expectRefused(t, "", badBases[base], editJSON(t, valid, path, `"$where"`), nil, 422, path)
				})
				n += 2
			}
		}
		t.Logf("%d table cases, %d generated string cases", len(badCases), n)
	})
}

// badEnv is what the bad-input cases run against.
type badEnv struct {
	e  *testEnv
	fx badFixtures
	// live is the base URL of the same app on a loopback socket, for the
	// 413 cases: fasthttp answers a body over the limit and then fails
	// the connection, which app.Test reports as an error, not a response.
	live string
}

func newBadEnv(t *testing.T) badEnv {
	t.Helper()
	e := newTestEnv(t)
	fx := newBadFixtures(e)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	t.Cleanup(func() { _ = e.app.ShutdownWithTimeout(5 * time.Second) })
	return badEnv{e: e, fx: fx, live: "http://" + ln.Addr().String()}
}

// doLive is testEnv.do over a real connection, for a body over the
// limit. fasthttp refuses it on its Content-Length, before reading a
// byte of it, answers 413 and closes: a client still sending the body
// then gets a reset that may throw away the answer it had not read yet
// (seen once in a few hundred runs). So this client sends the header
// with the body's length and reads the answer without sending the body:
// a server that waited for the body to judge it would time out here.
func (b badEnv) doLive(t *testing.T, method, path, body string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, b.live+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	req.Header.Set("Content-Length", strconv.Itoa(len(body)))
	conn, err := net.DialTimeout("tcp", req.URL.Host, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, req.URL.RequestURI(), req.URL.Host)
	if err := req.Header.Write(&head); err != nil {
		t.Fatal(err)
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("%s %s: no answer to a header announcing %d bytes: %v", method, path, len(body), err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: got}
}

// expectRefused sends body to coll (POST) or to its fixture record (PUT,
// PATCH), checks the problem, and checks that nothing was stored or
// changed. It returns the problem.
func (b badEnv) expectRefused(t *testing.T, method, coll, body string, headers []string, status int, field string) Problem {
	t.Helper()
	e := b.e.withT(t)
	if method == "" {
		method = http.MethodPost
	}
	collPath := "/api/v1/" + coll
	path := collPath
	if method != http.MethodPost {
		path += "/" + b.fx.ids[coll]
	}
	before := e.count(collPath)
	var rec response
	if method != http.MethodPost {
		rec = e.do(http.MethodGet, path, "")
	}

	var r response
	if status == http.StatusRequestEntityTooLarge {
		r = b.doLive(t, method, path, body, headers...)
	} else {
		r = e.do(method, path, body, headers...)
	}
	var p Problem
	if r.status >= 200 && r.status < 300 {
		t.Errorf("%s %s = %d %.300s; want %d naming %s", method, path, r.status, r.body, status, field)
	} else {
		p = mustProblem(t, r, status, field)
	}

	if after := e.count(collPath); after != before {
		t.Errorf("GET %s: %d records after a refused %s; want %d", collPath, after, method, before)
	}
	if method != http.MethodPost {
		now := e.do(http.MethodGet, path, "")
		if now.status != rec.status || !bytes.Equal(now.body, rec.body) {
			t.Errorf("GET %s after a refused %s = %d %s; want it unchanged: %d %s", path, method, now.status, now.body, rec.status, rec.body)
		}
	}
	return p
}

// jsonPathPart is one step of a path like "a.b[2].c": a key or an index.
type jsonPathPart struct {
	key   string
	index int // when key is ""
}

var jsonPathRE = regexp.MustCompile(`^([^.\[\]]*)((?:\[[0-9]+\])*)$`)

func parseJSONPath(t testing.TB, path string) []jsonPathPart {
	t.Helper()
	var parts []jsonPathPart
	for _, seg := range strings.Split(path, ".") {
		m := jsonPathRE.FindStringSubmatch(seg)
		if m == nil || m[1] == "" {
			t.Fatalf("bad path %q", path)
		}
		parts = append(parts, jsonPathPart{key: m[1]})
		for _, idx := range strings.Split(strings.Trim(m[2], "[]"), "][") {
			if idx == "" {
				continue
			}
			n, _ := strconv.Atoi(idx)
			parts = append(parts, jsonPathPart{index: n})
		}
	}
	return parts
}

// editJSON returns doc, a JSON object, with edits applied in order: pairs
// of a path like "a.b[2].c" and the JSON text to put there, which need not
// be valid (NaN, 1e400 and broken UTF-8 go in verbatim). An empty text
// removes the key. The last key of a path may be new; everything before it
// must exist. Keys come out sorted.
func editJSON(t testing.TB, doc string, edits ...string) string {
	t.Helper()
	if len(edits)%2 != 0 {
		t.Fatalf("editJSON: odd number of arguments %q", edits)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("editJSON: %v in %s", err, doc)
	}
	var raws []string
	for i := 0; i < len(edits); i += 2 {
		path, text := edits[i], edits[i+1]
		parts := parseJSONPath(t, path)
		cur := root
		for _, p := range parts[:len(parts)-1] {
			cur = jsonStep(t, cur, p, path)
		}
		last := parts[len(parts)-1]
		placeholder := fmt.Sprintf("@@raw%d@@", len(raws))
		raws = append(raws, text)
		switch c := cur.(type) {
		case map[string]any:
			if last.key == "" {
				t.Fatalf("editJSON: %s: index into an object", path)
			}
			if text == "" {
				delete(c, last.key)
			} else {
				c[last.key] = placeholder
			}
		case []any:
			if last.key != "" || last.index >= len(c) || text == "" {
				t.Fatalf("editJSON: %s: no such array element", path)
			}
			c[last.index] = placeholder
		default:
			t.Fatalf("editJSON: %s: not an object or array", path)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSpace(b.String())
	for i, text := range raws {
		out = strings.Replace(out, fmt.Sprintf(`"@@raw%d@@"`, i), text, 1)
	}
	return out
}

func jsonStep(t testing.TB, cur any, p jsonPathPart, path string) any {
	t.Helper()
	switch c := cur.(type) {
	case map[string]any:
		if v, ok := c[p.key]; ok && p.key != "" {
			return v
		}
	case []any:
		if p.key == "" && p.index < len(c) {
			return c[p.index]
		}
	}
	t.Fatalf("editJSON: %s: no such field in the body", path)
	return nil
}

// jsonStringPaths returns the path of every string value in doc, nested
// and in arrays included, in a stable order.
func jsonStringPaths(t testing.TB, doc string) []string {
	t.Helper()
	var root any
	if err := json.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatalf("jsonStringPaths: %v", err)
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case string:
			out = append(out, path)
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, v[k])
			}
		}
	}
	walk("", root)
	return out
}

// goStringFields returns the JSON path of every string a client can send
// in a value of type t, with "[]" for any array index, e.g.
// "availability[].start".
func goStringFields(t reflect.Type, prefix string) []string {
	switch t.Kind() {
	case reflect.Pointer:
		return goStringFields(t.Elem(), prefix)
	case reflect.String:
		return []string{prefix}
	case reflect.Slice, reflect.Array:
		return goStringFields(t.Elem(), prefix+"[]")
	case reflect.Struct:
		var out []string
		for _, f := range reflect.VisibleFields(t) {
			if !f.IsExported() || f.Anonymous {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if prefix != "" {
				name = prefix + "." + name
			}
			out = append(out, goStringFields(f.Type, name)...)
		}
		return out
	}
	return nil
}

var indexRE = regexp.MustCompile(`\[[0-9]+\]`)

// TestBadInputBodiesCoverEveryStringField keeps the "$" sub-test of
// TestBadInputIsRejectedWithField complete: every string field of every
// record type must appear in one of the bodies it walks.
func TestBadInputBodiesCoverEveryStringField(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	fx := newBadFixtures(e)
	types := map[string]reflect.Type{
		"volunteers":  reflect.TypeFor[care.VolunteerFields](),
		"initiatives": reflect.TypeFor[care.InitiativeFields](),
		"provisions":  reflect.TypeFor[care.ProvisionFields](),
		"activities":  reflect.TypeFor[care.ActivityFields](),
		"requests":    reflect.TypeFor[care.RequestFields](),
	}
	seen := map[string]map[string]bool{}
	for base, body := range fx.bodies {
		coll := badBases[base]
		if seen[coll] == nil {
			seen[coll] = map[string]bool{}
		}
		for _, p := range jsonStringPaths(t, body) {
			seen[coll][indexRE.ReplaceAllString(p, "[]")] = true
		}
	}
	for coll, typ := range types {
		for _, f := range goStringFields(typ, "") {
			if !seen[coll][f] {
				t.Errorf("string field %s of %s is in no body of newBadFixtures; set it in a _full body", f, typ)
			}
		}
	}
}

// TestCostlyRecurrenceIsRefusedQuickly posts activities whose rules
// would take the server minutes and gigabytes to expand, and checks that
// each is refused in seconds.
func TestCostlyRecurrenceIsRefusedQuickly(t *testing.T) {
	// Not parallel: it times requests, which tests running beside it
	// would slow down.
	e := newTestEnv(t)
	prov := e.create("/api/v1/provisions", validProvision)
	list := func(n int, repeat bool) string {
		s := make([]string, n)
		for i := range s {
			if !repeat {
				s[i] = strconv.Itoa(i)
			} else {
				s[i] = "0"
			}
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct{ name, rule string }{
		// 86,400 starts a day: 158 million in the five years checked.
		{"every second", "FREQ=DAILY;BYHOUR=" + list(24, false) + ";BYMINUTE=" + list(60, false) + ";BYSECOND=" + list(60, false)},
		{"every minute", "FREQ=WEEKLY;BYDAY=MO,TU;BYHOUR=" + list(24, false) + ";BYMINUTE=" + list(60, false)},
		// Over the 500-character limit; the library builds all 10⁹
		// combinations of the lists for every day it looks at.
		{"1000 repeated values", "FREQ=DAILY;BYHOUR=" + list(1000, true) + ";BYMINUTE=" + list(1000, true) + ";BYSECOND=" + list(1000, true)},
		// Never fires, so the library looks at every day up to year 9999.
		{"never, daily", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := e.withT(t)
			body := editJSON(t, validActivity(prov), "schedule.rrule", jsonString(tc.rule))
			start := time.Now()
			r := e.do(http.MethodPost, "/api/v1/activities", body)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("POST an activity with a %d-character rule took %v; want under 5s", len(tc.rule), took)
			}
			mustProblem(t, r, http.StatusUnprocessableEntity, "schedule.rrule")
		})
	}
}
