package care

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/paulmach/orb"
	"golang.org/x/text/language"

	"github.com/dichtbij/dichtbij/geo"
)

// Problem is one thing wrong with a submitted record: the field, as a
// dotted JSON path such as "availability[2].start", and why.
type Problem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ValidationError lists every problem found in one record. It is returned
// whole, so a client can fix all fields in one round trip.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Reason
	}
	return "care: invalid record: " + strings.Join(parts, "; ")
}

// problems collects Problems while a record is checked.
type problems []Problem

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, Problem{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}

// Area is where a record lies, derived from its location on every write and
// never accepted from a client.
//
// The years differ (see geo.Area): the municipality is the CBS 2024
// gemeente, the district and neighbourhood are the CBS 2014 wijk and buurt,
// the latest boundaries available. Municipalities merged since 2014, so a
// district code need not belong to the municipality code beside it: a
// record in Molenlanden (GM1978) has a WK0689.. or WK1927.. district. Do
// not join district or neighbourhood codes to municipality codes.
type Area struct {
	// MunicipalityCode and MunicipalityName are the CBS 2024 gemeente,
	// e.g. "GM0363" "Amsterdam"; empty when the location is in none.
	MunicipalityCode string `json:"municipality_code,omitempty" bson:"municipality_code,omitempty"`
	MunicipalityName string `json:"municipality_name,omitempty" bson:"municipality_name,omitempty"`
	// DistrictCode and DistrictName are the CBS 2014 wijk, e.g.
	// "WK036300" "Stadsdeel Centrum"; empty when the location is in no
	// 2014 district (reclaimed land, a moved coast or border).
	DistrictCode string `json:"district_code,omitempty" bson:"district_code,omitempty"`
	DistrictName string `json:"district_name,omitempty" bson:"district_name,omitempty"`
	// NeighbourhoodCode and NeighbourhoodName are the CBS 2014 buurt, e.g.
	// "BU03630000" "Burgwallen-Oude Zijde": the one with the nearest label
	// point, so near its edge it can be a neighbour of the true one. Set
	// whenever MunicipalityCode is.
	NeighbourhoodCode string `json:"neighbourhood_code,omitempty" bson:"neighbourhood_code,omitempty"`
	NeighbourhoodName string `json:"neighbourhood_name,omitempty" bson:"neighbourhood_name,omitempty"`
}

// AreaFrom converts a located geo.Area into the Area stored with a record.
func AreaFrom(a geo.Area) Area {
	return Area{
		MunicipalityCode:  a.MunicipalityCode,
		MunicipalityName:  a.MunicipalityName,
		DistrictCode:      a.DistrictCode,
		DistrictName:      a.DistrictName,
		NeighbourhoodCode: a.NeighbourhoodCode,
		NeighbourhoodName: a.NeighbourhoodName,
	}
}

// Checker validates and normalises submitted records against the deployment's
// allowed area. It is safe for concurrent use.
type Checker struct {
	v      *validator.Validate
	bounds geo.Bounds
	areas  *geo.Areas
}

// NewChecker returns a Checker that accepts locations inside bounds and
// derives each record's Area (municipality, district and neighbourhood)
// from areas.
func NewChecker(bounds geo.Bounds, areas *geo.Areas) *Checker {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	codeList := func(list []Term) validator.Func {
		return func(fl validator.FieldLevel) bool { return hasCode(list, fl.Field().String()) }
	}
	must := func(err error) {
		if err != nil {
			panic(err) // only reachable through a programming error in the tag names below
		}
	}
	must(v.RegisterValidation("helptype", codeList(helpTypes)))
	must(v.RegisterValidation("lifedomain", codeList(lifeDomains)))
	must(v.RegisterValidation("targetgroup", codeList(targetGroups)))
	must(v.RegisterValidation("mobility", codeList(mobilities)))
	must(v.RegisterValidation("urgency", codeList(urgencies)))
	must(v.RegisterValidation("weekday", codeList(weekdays)))
	must(v.RegisterValidation("hhmm", func(fl validator.FieldLevel) bool {
		_, ok := parseHHMM(fl.Field().String())
		return ok
	}))
	must(v.RegisterValidation("lang", func(fl validator.FieldLevel) bool { return isLanguage(fl.Field().String()) }))
	must(v.RegisterValidation("safetext", func(fl validator.FieldLevel) bool { return safeText(fl.Field().String(), false) }))
	must(v.RegisterValidation("safelines", func(fl validator.FieldLevel) bool { return safeText(fl.Field().String(), true) }))
	must(v.RegisterValidation("postcode", func(fl validator.FieldLevel) bool { return postcodeRE.MatchString(fl.Field().String()) }))
	must(v.RegisterValidation("phone", func(fl validator.FieldLevel) bool { return phoneRE.MatchString(fl.Field().String()) }))
	return &Checker{v: v, bounds: bounds, areas: areas}
}

var (
	postcodeRE = regexp.MustCompile(`^[1-9][0-9]{3} ?[A-Z]{2}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9][0-9 ()-]{5,19}$`)
)

// safeText rejects what has no place in a name or a note and what could be
// mistaken for a MongoDB operator or field path if it ever reached a query:
// a leading '$', NUL and other control characters (newlines and tabs only
// where multiline), and invalid UTF-8.
func safeText(s string, multiline bool) bool {
	if !utf8.ValidString(s) || strings.HasPrefix(strings.TrimSpace(s), "$") {
		return false
	}
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			if !multiline {
				return false
			}
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// isLanguage accepts two-letter ISO 639-1 codes in lower case, e.g. "nl".
func isLanguage(s string) bool {
	if len(s) != 2 || strings.ToLower(s) != s {
		return false
	}
	_, err := language.ParseBase(s)
	return err == nil
}

func parseHHMM(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		if s == "24:00" {
			return 24 * 60, true
		}
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// tagReason turns a failed validator tag into a sentence for the client.
func tagReason(fe validator.FieldError) string {
	p := fe.Param()
	isString := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "required", "required_without", "required_with":
		return "is required"
	case "min":
		if isString {
			return "must be at least " + p + " characters"
		}
		if fe.Kind() == reflect.Slice {
			return "must have at least " + p + " items"
		}
		return "must be at least " + p
	case "max":
		if isString {
			return "must be at most " + p + " characters"
		}
		if fe.Kind() == reflect.Slice {
			return "must have at most " + p + " items"
		}
		return "must be at most " + p
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	case "unique":
		return "must not contain duplicates"
	case "email":
		return "must be an email address"
	case "url", "http_url":
		return "must be an http(s) URL"
	case "helptype":
		return "must be a help type from /api/v1/taxonomy (one of: " + strings.Join(codesOf(helpTypes), ", ") + ")"
	case "lifedomain":
		return "must be a ZRM life domain from /api/v1/taxonomy"
	case "targetgroup":
		return "must be a target group (one of: " + strings.Join(codesOf(targetGroups), ", ") + ")"
	case "mobility":
		return "must be one of: " + strings.Join(codesOf(mobilities), ", ")
	case "urgency":
		return "must be one of: " + strings.Join(codesOf(urgencies), ", ")
	case "weekday":
		return "must be one of: " + strings.Join(codesOf(weekdays), ", ")
	case "hhmm":
		return `must be a time of day "HH:MM" between 00:00 and 24:00`
	case "lang":
		return `must be a two-letter ISO 639-1 language code such as "nl"`
	case "safetext", "safelines":
		return "must be plain text: no control characters and not starting with '$'"
	case "postcode":
		return `must be a Dutch postcode such as "3511 AB"`
	case "phone":
		return "must be a phone number of 6 to 20 digits, spaces, dashes or brackets"
	}
	return "is invalid (" + fe.Tag() + ")"
}

// CheckTags validates v, a pointer to a struct, by its validate tags
// alone: bodies whose rules are all declarative (a referral, a move's
// target, a closing, settings) need nothing more.
func (c *Checker) CheckTags(v any) error {
	var p problems
	c.structProblems(v, &p)
	return p.err()
}

// structProblems runs the declarative tag checks on s.
func (c *Checker) structProblems(s any, p *problems) {
	err := c.v.Struct(s)
	if err == nil {
		return
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		p.add("", "%v", err)
		return
	}
	for _, fe := range ves {
		ns := fe.Namespace()
		if _, rest, ok := strings.Cut(ns, "."); ok {
			ns = rest
		}
		p.add(ns, "%s", tagReason(fe))
	}
}

// Location is a WGS84 position in decimal degrees.
type Location struct {
	Lat float64 `json:"lat" bson:"lat"`
	Lon float64 `json:"lon" bson:"lon"`
}

// Point returns the location as an orb point ([lon, lat]).
func (l Location) Point() orb.Point { return orb.Point{l.Lon, l.Lat} }

func locationFrom(p orb.Point) Location { return Location{Lat: p[1], Lon: p[0]} }

// checkLocation reports a missing or out-of-area location. It returns the
// Area the location lies in and whether the location is valid.
func (c *Checker) checkLocation(field string, l *Location, p *problems) (Area, bool) {
	if l == nil {
		p.add(field, "is required")
		return Area{}, false
	}
	switch {
	case math.IsNaN(l.Lat) || math.IsInf(l.Lat, 0) || l.Lat < -90 || l.Lat > 90:
		p.add(field+".lat", "must be a latitude between -90 and 90")
		return Area{}, false
	case math.IsNaN(l.Lon) || math.IsInf(l.Lon, 0) || l.Lon < -180 || l.Lon > 180:
		p.add(field+".lon", "must be a longitude between -180 and 180")
		return Area{}, false
	case !c.bounds.Contains(l.Point()):
		p.add(field, "lies outside the allowed area (%s)", c.bounds)
		return Area{}, false
	}
	return c.areaOf(l.Point()), true
}

// checkCoarseLocation is checkLocation for residents' locations, which are
// stored as the centre of their grid cell. That centre can lie just
// outside the allowed area (over the border or in the sea) while the home
// does not; when such a stored centre is sent back unchanged (an edit of
// other fields), it is accepted if its cell reaches into the area.
func (c *Checker) checkCoarseLocation(field string, l *Location, p *problems) (Area, bool) {
	if l != nil && !c.bounds.Contains(l.Point()) && geo.Coarsen(l.Point()) == l.Point() {
		for _, s := range geo.CellSamples(l.Point()) {
			if c.bounds.Contains(s) {
				return c.areaOf(s), true
			}
		}
	}
	return c.checkLocation(field, l, p)
}

// coarsen replaces a resident's location by the centre of its grid cell, so
// that no exact home position is ever stored. Call it after checkLocation.
func coarsen(l **Location) {
	if *l != nil {
		c := locationFrom(geo.Coarsen((*l).Point()))
		*l = &c
	}
}

// areaOf returns the Area of pt, or the zero Area when pt lies in no
// municipality.
func (c *Checker) areaOf(pt orb.Point) Area {
	if a, ok := c.areas.Locate(pt); ok {
		return AreaFrom(a)
	}
	return Area{}
}

// WeeklySlot is a recurring window in the week, e.g. Tuesday 09:00-12:00,
// in the municipality's local time.
type WeeklySlot struct {
	Day   string `json:"day" bson:"day" validate:"required,weekday"`
	Start string `json:"start" bson:"start" validate:"required,hhmm"`
	End   string `json:"end" bson:"end" validate:"required,hhmm"`
}

var weekdays = []Term{
	{"mon", Label{"maandag", "Monday"}},
	{"tue", Label{"dinsdag", "Tuesday"}},
	{"wed", Label{"woensdag", "Wednesday"}},
	{"thu", Label{"donderdag", "Thursday"}},
	{"fri", Label{"vrijdag", "Friday"}},
	{"sat", Label{"zaterdag", "Saturday"}},
	{"sun", Label{"zondag", "Sunday"}},
}

// checkSlots adds a problem for every slot that ends before it starts; the
// format of each time is checked by its tags.
func checkSlots(field string, slots []WeeklySlot, p *problems) {
	for i, s := range slots {
		start, ok1 := parseHHMM(s.Start)
		end, ok2 := parseHHMM(s.End)
		if ok1 && ok2 && end <= start {
			p.add(fmt.Sprintf("%s[%d].end", field, i), "must be later than start (%s)", s.Start)
		}
		if ok1 && start == 24*60 {
			p.add(fmt.Sprintf("%s[%d].start", field, i), "must be before 24:00")
		}
	}
}

// Contact is how an initiative or provision is reached.
type Contact struct {
	Name    string `json:"name,omitempty" bson:"name,omitempty" validate:"max=120,safetext"`
	Email   string `json:"email,omitempty" bson:"email,omitempty" validate:"omitempty,max=254,email"`
	Phone   string `json:"phone,omitempty" bson:"phone,omitempty" validate:"omitempty,phone"`
	Website string `json:"website,omitempty" bson:"website,omitempty" validate:"omitempty,max=500,http_url"`
}

func checkContact(field string, c *Contact, p *problems) {
	if c == nil || (c.Email == "" && c.Phone == "" && c.Website == "") {
		p.add(field, "needs at least an email, a phone number or a website")
	}
}

// boolOr returns *b, or def when b is nil (field omitted).
func boolOr(b *bool, def bool) *bool {
	if b == nil {
		return &def
	}
	return b
}

// Areas returns the areas the Checker assigns records to.
func (c *Checker) Areas() *geo.Areas { return c.areas }
