package care_test

import (
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// textProbe carries the custom tags NewChecker registers, one field each,
// so that every rule is tested on its own through CheckTags.
type textProbe struct {
	Line     string `json:"line" validate:"safetext"`
	Lines    string `json:"lines" validate:"safelines"`
	Lang     string `json:"lang" validate:"lang"`
	HHMM     string `json:"hhmm" validate:"hhmm"`
	Postcode string `json:"postcode" validate:"postcode"`
	Phone    string `json:"phone" validate:"phone"`
	Weekday  string `json:"weekday" validate:"weekday"`
	Help     string `json:"help" validate:"helptype"`
	Domain   string `json:"domain" validate:"lifedomain"`
	Group    string `json:"group" validate:"targetgroup"`
	Mobility string `json:"mobility" validate:"mobility"`
	Urgency  string `json:"urgency" validate:"urgency"`
}

func validProbe() textProbe {
	return textProbe{Line: "Els", Lines: "Els", Lang: "nl", HHMM: "09:30", Postcode: "3511 AB", Phone: "020-1234567",
		Weekday: "tue", Help: "garden", Domain: "housing", Group: "seniors", Mobility: "wheelchair", Urgency: "high"}
}

// TestSafeText: names (safetext) are one line; notes (safelines) may have
// newlines and tabs; neither may hold control characters or invalid
// UTF-8, or start with '$' (a MongoDB operator) even after spaces.
func TestSafeText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		in        string
		line, mul bool // valid as safetext, as safelines
	}{
		{"plain", "Els de Vries", true, true},
		{"empty", "", true, true},
		{"accents and symbols", "Café ’t Hoekje € 5,- ☕", true, true},
		{"dollar inside", "a$b costs $5", true, true},
		{"newline", "line one\nline two", false, true},
		{"tab", "a\tb", false, true},
		{"CRLF", "a\r\nb", false, true},
		{"leading dollar", "$where", false, false},
		{"dollar after spaces", "   $gt", false, false},
		{"dollar after newline", "\n$ne", false, false},
		{"dollar after no-break space", "\u00a0$in", false, false},
		{"NUL", "a\x00b", false, false},
		{"escape", "\x1b[31mred", false, false},
		{"DEL", "a\x7fb", false, false},
		{"C1 control NEL", "a\u0085b", false, false},
		{"invalid UTF-8", "caf\xe9", false, false},
		{"replacement character", "caf\ufffd", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := checker(t)
			p := validProbe()
			p.Line = tc.in
			var want []string
			if !tc.line {
				want = fields("line")
			}
			wantProblems(t, "CheckTags(safetext "+tc.name+")", c.CheckTags(&p), want, "plain text")
			p = validProbe()
			p.Lines = tc.in
			want = nil
			if !tc.mul {
				want = fields("lines")
			}
			wantProblems(t, "CheckTags(safelines "+tc.name+")", c.CheckTags(&p), want, "plain text")
		})
	}
}

// TestCustomTags covers each code list and format NewChecker registers.
func TestCustomTags(t *testing.T) {
	t.Parallel()
	rows := []row[textProbe]{
		{name: "all valid", edit: nil},
		// lang: ISO 639-1, two lower-case letters.
		{name: "lang en", edit: func(p *textProbe) { p.Lang = "en" }},
		{name: "lang tr", edit: func(p *textProbe) { p.Lang = "tr" }},
		{name: "lang upper case", edit: func(p *textProbe) { p.Lang = "NL" }, want: fields("lang"), why: "ISO 639-1"},
		{name: "lang three letters", edit: func(p *textProbe) { p.Lang = "nld" }, want: fields("lang")},
		{name: "lang one letter", edit: func(p *textProbe) { p.Lang = "n" }, want: fields("lang")},
		{name: "lang unknown", edit: func(p *textProbe) { p.Lang = "zz" }, want: fields("lang")},
		{name: "lang digit", edit: func(p *textProbe) { p.Lang = "n1" }, want: fields("lang")},
		{name: "lang empty", edit: func(p *textProbe) { p.Lang = "" }, want: fields("lang")},
		// hhmm: 00:00 to 24:00.
		{name: "hhmm midnight", edit: func(p *textProbe) { p.HHMM = "00:00" }},
		{name: "hhmm 23:59", edit: func(p *textProbe) { p.HHMM = "23:59" }},
		{name: "hhmm 24:00", edit: func(p *textProbe) { p.HHMM = "24:00" }},
		{name: "hhmm 24:01", edit: func(p *textProbe) { p.HHMM = "24:01" }, want: fields("hhmm"), why: "HH:MM"},
		{name: "hhmm 25:00", edit: func(p *textProbe) { p.HHMM = "25:00" }, want: fields("hhmm")},
		{name: "hhmm minute 60", edit: func(p *textProbe) { p.HHMM = "09:60" }, want: fields("hhmm")},
		{name: "hhmm one-digit hour", edit: func(p *textProbe) { p.HHMM = "9:30" }, want: fields("hhmm")},
		{name: "hhmm space-padded hour", edit: func(p *textProbe) { p.HHMM = " 9:30" }, want: fields("hhmm")},
		{name: "hhmm no colon", edit: func(p *textProbe) { p.HHMM = "0930" }, want: fields("hhmm")},
		{name: "hhmm dot", edit: func(p *textProbe) { p.HHMM = "09.30" }, want: fields("hhmm")},
		{name: "hhmm seconds", edit: func(p *textProbe) { p.HHMM = "09:30:00" }, want: fields("hhmm")},
		{name: "hhmm empty", edit: func(p *textProbe) { p.HHMM = "" }, want: fields("hhmm")},
		// postcode: four digits, not starting with 0, and two capitals.
		{name: "postcode without space", edit: func(p *textProbe) { p.Postcode = "3511AB" }},
		{name: "postcode 1000 AA", edit: func(p *textProbe) { p.Postcode = "1000 AA" }},
		{name: "postcode leading zero", edit: func(p *textProbe) { p.Postcode = "0123 AB" }, want: fields("postcode"), why: "Dutch postcode"},
		{name: "postcode lower case", edit: func(p *textProbe) { p.Postcode = "3511 ab" }, want: fields("postcode")},
		{name: "postcode two spaces", edit: func(p *textProbe) { p.Postcode = "3511  AB" }, want: fields("postcode")},
		{name: "postcode three digits", edit: func(p *textProbe) { p.Postcode = "351 AB" }, want: fields("postcode")},
		{name: "postcode one letter", edit: func(p *textProbe) { p.Postcode = "3511 A" }, want: fields("postcode")},
		{name: "postcode empty", edit: func(p *textProbe) { p.Postcode = "" }, want: fields("postcode")},
		// phone: optional '+', a digit, then 5 to 19 digits, spaces, dashes or brackets.
		{name: "phone international", edit: func(p *textProbe) { p.Phone = "+31 6 1234 5678" }},
		{name: "phone with brackets", edit: func(p *textProbe) { p.Phone = "0031 (0)20 1234567" }},
		{name: "phone six digits", edit: func(p *textProbe) { p.Phone = "123456" }},
		{name: "phone twenty digits", edit: func(p *textProbe) { p.Phone = strings.Repeat("1", 20) }},
		{name: "phone five digits", edit: func(p *textProbe) { p.Phone = "12345" }, want: fields("phone"), why: "phone number"},
		{name: "phone twenty-one digits", edit: func(p *textProbe) { p.Phone = strings.Repeat("1", 21) }, want: fields("phone")},
		{name: "phone letters", edit: func(p *textProbe) { p.Phone = "06-CALL-ME" }, want: fields("phone")},
		{name: "phone double plus", edit: func(p *textProbe) { p.Phone = "++31201234567" }, want: fields("phone")},
		{name: "phone extension", edit: func(p *textProbe) { p.Phone = "0201234567 ext 5" }, want: fields("phone")},
		// weekday: mon..sun.
		{name: "weekday sun", edit: func(p *textProbe) { p.Weekday = "sun" }},
		{name: "weekday capitalised", edit: func(p *textProbe) { p.Weekday = "Mon" }, want: fields("weekday"), why: "mon, tue, wed, thu, fri, sat, sun"},
		{name: "weekday in full", edit: func(p *textProbe) { p.Weekday = "monday" }, want: fields("weekday")},
		{name: "weekday Dutch", edit: func(p *textProbe) { p.Weekday = "ma" }, want: fields("weekday")},
		// code lists.
		{name: "helptype last code", edit: func(p *textProbe) { p.Help = "play_and_youth" }},
		{name: "helptype unknown", edit: func(p *textProbe) { p.Help = "gardening" }, want: fields("help"), why: "help type"},
		{name: "helptype label not code", edit: func(p *textProbe) { p.Help = "Tuin" }, want: fields("help")},
		{name: "lifedomain justice", edit: func(p *textProbe) { p.Domain = "justice" }},
		{name: "lifedomain unknown", edit: func(p *textProbe) { p.Domain = "money" }, want: fields("domain"), why: "ZRM life domain"},
		{name: "targetgroup lonely", edit: func(p *textProbe) { p.Group = "lonely" }},
		{name: "targetgroup unknown", edit: func(p *textProbe) { p.Group = "students" }, want: fields("group"), why: "target group"},
		{name: "mobility homebound", edit: func(p *textProbe) { p.Mobility = "homebound" }},
		{name: "mobility unknown", edit: func(p *textProbe) { p.Mobility = "car" }, want: fields("mobility"), why: "independent, walking_aid"},
		{name: "urgency crisis", edit: func(p *textProbe) { p.Urgency = "crisis" }},
		{name: "urgency unknown", edit: func(p *textProbe) { p.Urgency = "asap" }, want: fields("urgency"), why: "low, normal, high, crisis"},
		{name: "urgency empty", edit: func(p *textProbe) { p.Urgency = "" }, want: fields("urgency")},
	}
	runRows(t, "CheckTags", validProbe, checkTags[textProbe], rows)
}

// TestCheckTagsNotAStruct: a value the validator cannot walk is reported
// as one problem without a field, not as a panic.
func TestCheckTagsNotAStruct(t *testing.T) {
	t.Parallel()
	c := checker(t)
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"string", "hello"},
		{"nil pointer", (*care.Close)(nil)},
		{"nil", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantProblems(t, "CheckTags("+tc.name+")", c.CheckTags(tc.v), fields(""), "")
		})
	}
}

// TestCheckTagsStructValue: CheckTags also takes a struct by value, as
// the teams route passes it.
func TestCheckTagsStructValue(t *testing.T) {
	t.Parallel()
	c := checker(t)
	wantProblems(t, "CheckTags(TeamFields{} by value)", c.CheckTags(care.TeamFields{}), fields("name"), "is required")
	wantProblems(t, "CheckTags(valid TeamFields by value)", c.CheckTags(care.TeamFields{Name: "Sociaal team Noord"}), nil, "")
}

func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		e    care.ValidationError
		want string
	}{
		{"one", care.ValidationError{Problems: []care.Problem{{Field: "name", Reason: "is required"}}}, "care: invalid record: name: is required"},
		{"two in order", care.ValidationError{Problems: []care.Problem{{Field: "b", Reason: "x"}, {Field: "a[0].c", Reason: "y"}}}, "care: invalid record: b: x; a[0].c: y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.e.Error(); got != tc.want {
				t.Errorf("Error() = %q; want %q", got, tc.want)
			}
		})
	}
}

// TestAreasAndPoint covers the small accessors.
func TestAreasAndPoint(t *testing.T) {
	t.Parallel()
	c := checker(t)
	if c.Areas() == nil {
		t.Fatal("Checker.Areas() = nil; want the areas it was built with")
	}
	if a, ok := c.Areas().Locate(dam.Point()); !ok || a.MunicipalityCode != "GM0363" {
		t.Errorf("Areas().Locate(the Dam) = %q, %v; want GM0363", a.MunicipalityCode, ok)
	}
	if p := (care.Location{Lat: 52.1, Lon: 5.2}).Point(); p[0] != 5.2 || p[1] != 52.1 {
		t.Errorf("Location{Lat: 52.1, Lon: 5.2}.Point() = %v; want [5.2 52.1] (lon first)", p)
	}
}
