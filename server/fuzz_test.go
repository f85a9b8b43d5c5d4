package server

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

// Fuzzers for the parsers of outside input: the strict JSON decoder with
// its error paths, and the record checks behind it. Their seeds run as
// normal tests; fuzz one with
//
//	go test -run '^$' -fuzz FuzzDecodeStrict -fuzztime 30s ./server/

// fuzzBadBodies are seeds that fail in the decoder or the checks.
var fuzzBadBodies = []string{
	``, ` `, `null`, `[]`, `"x"`, `{`, `{}`, `{}{}`, `{} x`, "\ufeff{}",
	`{"display_name":5}`, `{"display_name":`, `{"display_name":"An\u0000na"}`, "{\"display_name\":\"\xff\"}",
	`{"home_location":{"lat":NaN,"lon":4.9}}`, `{"home_location":{"lat":-Infinity}}`, `{"home_location":{"lat":1e400}}`,
	`{"home_location":[4.9,52.4]}`, `{"home_location":{"alt":3}}`, `{"":1}`, `{"a~b/c[0]":1}`,
	`{"help_types":{"$gt":""}}`, `{"help_types":["groceries",7]}`, `{"max_travel_m":2000.5}`,
	`{"max_travel_m":9223372036854775808}`, `{"availability":[{"day":"tue","tz":"UTC"}]}`,
	`{"availability":[[[[[]]]]]}`, `{"languages":["nl","$where"]}`,
}

// newFuzzChecker builds a Checker the way newTestEnv does.
func newFuzzChecker(f *testing.F) *care.Checker {
	f.Helper()
	areas, bounds := testAreas(f)
	return care.NewChecker(bounds, areas)
}

// checkBadBody fails unless err is the 400 problem decodeStrict promises,
// naming at least one field.
func checkBadBody(t *testing.T, body []byte, err error) {
	t.Helper()
	var pe *problemError
	if !errors.As(err, &pe) {
		t.Fatalf("decodeStrict(%q) = %T %v; want a *problemError", body, err, err)
	}
	if pe.p.Status != 400 || len(pe.p.Errors) == 0 {
		t.Fatalf("decodeStrict(%q) = %+v; want status 400 naming a field", body, pe.p)
	}
	for _, fp := range pe.p.Errors {
		if fp.Field == "" || fp.Reason == "" || fp.Pointer != pointerOf(fp.Field) {
			t.Fatalf("decodeStrict(%q): field problem %+v; want a field, its pointer and a reason", body, fp)
		}
	}
}

// checkInvalid fails unless err is a *care.ValidationError whose every
// problem names a field and says why.
func checkInvalid(t *testing.T, in any, err error) {
	t.Helper()
	var ve *care.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Check(%+v) = %T %v; want a *care.ValidationError", in, err, err)
	}
	if len(ve.Problems) == 0 {
		t.Fatalf("Check(%+v) = a ValidationError without problems", in)
	}
	for _, p := range ve.Problems {
		if p.Field == "" || p.Reason == "" {
			t.Fatalf("Check(%+v): problem %+v; want a field and a reason", in, p)
		}
	}
}

// FuzzDecodeStrict checks that decodeStrict never panics and refuses
// every body it cannot decode with a 400 that names a field.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range append([]string{validVolunteer, validInitiative, validPolygonInitiative, validProvision,
		validRequest, validActivity("0123456789abcdef01234567")}, fuzzBadBodies...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v care.VolunteerFields
		if err := decodeStrict(body, &v); err != nil {
			checkBadBody(t, body, err)
		}
		// The other record types see the same bytes: most bodies are
		// unknown fields to them, which exercises the field search.
		for _, v := range []any{&care.InitiativeFields{}, &care.ProvisionFields{}, &care.ActivityFields{}, &care.RequestFields{}} {
			if err := decodeStrict(body, v); err != nil {
				checkBadBody(t, body, err)
			}
		}
	})
}

// FuzzCreateVolunteer checks a decoded volunteer at a fuzzed home
// location: Check never panics, refuses with field problems, and accepts
// only a coarse location inside a municipality.
func FuzzCreateVolunteer(f *testing.F) {
	c := newFuzzChecker(f)
	f.Add([]byte(validVolunteer), 52.3731, 4.8924)
	f.Add([]byte(validVolunteer), 52.5, 3.5)       // North Sea
	f.Add([]byte(validVolunteer), 50.85, 4.35)     // Brussels
	f.Add([]byte(validVolunteer), 52.0, 7.5)       // Germany
	f.Add([]byte(validVolunteer), 91.0, 4.8924)    // no latitude
	f.Add([]byte(validVolunteer), 53.47, 6.2)      // Wadden Sea
	f.Add([]byte(validVolunteer), math.NaN(), 0.0) // NaN cannot come from JSON, but the checker must cope
	f.Add([]byte(validVolunteer), 51.4408, 4.9292)
	for _, b := range []string{
		`{"display_name":"Anna","help_types":["groceries","groceries"],"home_location":{"lat":52.37,"lon":4.89},"max_travel_m":50,"capacity":0}`,
		`{"display_name":"$where","help_types":[],"home_location":{"lat":52.37,"lon":4.89},"availability":[{"day":"tue","start":"12:00","end":"09:00"}],"languages":["NL"],"status":"gone"}`,
		`{"display_name":"Anna","help_types":["groceries"],"max_travel_m":2000,"capacity":2,"availability":[{"day":"sun","start":"24:00","end":"24:00"}]}`,
	} {
		f.Add([]byte(b), 52.3731, 4.8924)
	}
	f.Fuzz(func(t *testing.T, body []byte, lat, lon float64) {
		var v care.VolunteerFields
		if decodeStrict(body, &v) != nil {
			return
		}
		if v.HomeLocation != nil {
			v.HomeLocation = &care.Location{Lat: lat, Lon: lon}
		}
		area, err := c.Check(&v)
		if err != nil {
			checkInvalid(t, v, err)
			return
		}
		if area.MunicipalityCode == "" || v.HomeLocation == nil {
			t.Fatalf("Check accepted a volunteer at %v,%v without a municipality: %+v", lat, lon, area)
		}
		if p := v.HomeLocation.Point(); geo.Coarsen(p) != p {
			t.Fatalf("Check accepted %v,%v and kept %v; want the coarse cell centre %v", lat, lon, p, geo.Coarsen(p))
		}
	})
}

// FuzzCreateActivity checks a decoded activity with a fuzzed schedule:
// Check never panics, refuses with field problems, answers quickly, and
// accepts only a schedule whose occurrences can be listed.
func FuzzCreateActivity(f *testing.F) {
	c := newFuzzChecker(f)
	body := []byte(validActivity("0123456789abcdef01234567"))
	f.Add(body, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "2026-12-01T14:00", "Europe/Amsterdam")
	f.Add(body, "", "2026-12-01T14:00", "")
	f.Add(body, "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=10", "2026-03-29T02:30", "Europe/Amsterdam") // a time the clocks skip
	f.Add(body, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2026-12-01T14:00", "UTC")
	f.Add(body, "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "2026-12-01T14:00", "UTC")
	f.Add(body, "FREQ=HOURLY", "2026-12-01T14:00", "UTC")
	f.Add(body, "DTSTART:20261201T140000Z\nRRULE:FREQ=WEEKLY", "2026-12-01T14:00", "UTC")
	f.Add(body, "FREQ=WEEKLY;UNTIL=20200101T000000Z", "2026-12-01T14:00", "UTC")
	f.Add(body, "FREQ=DAILY;BYHOUR=0,6,12,18;BYMINUTE=0,30", "2026-12-01T14:00", "America/New_York")
	f.Add(body, "banana", "2026-12-01 14:00", "Mars/Olympus_Mons")
	f.Add(body, "FREQ=WEEKLY", "2026-12-01T14:00", "Local")
	f.Add(body, "FREQ=WEEKLY", "2026-12-01T14:00", "../../etc/localtime")
	for _, b := range []string{
		`{"provision_id":"0123456789abcdef01234567","initiative_id":"0123456789abcdef01234567","name":"X","help_types":["meals"],"place":{"name":"X","location":{"lat":52.5,"lon":3.5}},"schedule":{"start":"2026-12-01T14:00","duration_minutes":0},"spots_per_occurrence":1,"age_min":12,"age_max":4}`,
		`{"name":"X","help_types":["meals"],"place":{"name":"X"},"schedule":{"start":"x","duration_minutes":60,"exdates":["y"]},"spots_per_occurrence":1}`,
	} {
		f.Add([]byte(b), "FREQ=WEEKLY", "2026-12-01T14:00", "")
	}
	f.Fuzz(func(t *testing.T, body []byte, rrule, start, tz string) {
		var a care.ActivityFields
		if decodeStrict(body, &a) != nil {
			return
		}
		if a.Schedule != nil {
			a.Schedule.RRule, a.Schedule.Start, a.Schedule.Timezone = rrule, start, tz
		}
		began := time.Now()
		_, err := c.Check(&a)
		if took := time.Since(began); took > 2*time.Second {
			t.Fatalf("Check of rrule %q took %v", rrule, took)
		}
		if err != nil {
			checkInvalid(t, a, err)
			return
		}
		loc, err := time.LoadLocation(a.Schedule.Timezone)
		if err != nil {
			t.Fatalf("Check accepted timezone %q: %v", a.Schedule.Timezone, err)
		}
		first, err := time.ParseInLocation(care.LocalTimeLayout, a.Schedule.Start, loc)
		if err != nil {
			t.Fatalf("Check accepted start %q: %v", a.Schedule.Start, err)
		}
		if _, err := a.Schedule.Occurrences(first, first.Add(time.Hour)); err != nil {
			t.Fatalf("Check accepted schedule %+v, but Occurrences fails: %v", *a.Schedule, err)
		}
	})
}

// FuzzPathAtOffset checks that the error-path search never panics on any
// bytes and any offset, valid JSON or not.
func FuzzPathAtOffset(f *testing.F) {
	for _, s := range append([]string{validVolunteer, validPolygonInitiative, validRequest}, fuzzBadBodies...) {
		f.Add([]byte(s), int64(len(s)/2), "alt")
	}
	f.Add([]byte(`{"a":[1,{"b":[[2]]}]}`), int64(-1), "b")
	f.Add([]byte(`{"a":[1,{"b":[[2]]}]}`), int64(1<<40), "")
	f.Fuzz(func(t *testing.T, doc []byte, offset int64, name string) {
		_ = pathAtOffset(doc, offset)
		_ = unknownKeyPath(doc, nil, name)
		for _, v := range []any{&care.VolunteerFields{}, &care.ActivityFields{}, &map[string]any{}} {
			_ = unknownKeyPath(doc, reflect.TypeOf(v), name)
		}
	})
}

// FuzzSyntaxProblem checks that finding where a document stops being JSON
// never panics and always names a place and a reason.
func FuzzSyntaxProblem(f *testing.F) {
	for _, s := range append([]string{validActivity("0123456789abcdef01234567"), strings.Repeat("[", 100)}, fuzzBadBodies...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		path, reason := syntaxProblem(doc)
		if path == "" || reason == "" {
			t.Fatalf("syntaxProblem(%q) = %q, %q; want a path and a reason", doc, path, reason)
		}
	})
}
