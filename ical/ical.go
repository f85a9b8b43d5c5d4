// Package ical turns dichtbij's records into iCalendar (RFC 5545) feeds that
// calendar apps subscribe to: an activity's schedule, a provision's weekly
// opening hours, and a volunteer's or organiser's accepted referrals.
//
// Writing is done by github.com/arran4/golang-ical, which escapes text and
// folds long lines; this package decides what goes in. Times keep their
// local wall-clock form with a TZID and a VTIMEZONE built from Go's zone
// database (vtimezone.go), so a calendar app computes every occurrence
// across daylight saving time itself, as the schedule means it.
package ical

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"

	"github.com/dichtbij/dichtbij/care"
)

// ContentType is what a feed is served as.
const ContentType = "text/calendar; charset=utf-8"

// DefaultZone is the zone of records without one: provisions' opening
// hours and referrals' time windows are Dutch wall-clock times.
const DefaultZone = "Europe/Amsterdam"

// icalLocal is a local DATE-TIME value, written with a TZID parameter.
const icalLocal = "20060102T150405"

// ErrSchedule is wrapped by every error about a record's schedule that
// cannot be written as iCalendar.
var ErrSchedule = errors.New("ical: schedule cannot be written")

// Feed is one VCALENDAR being built. It is not safe for concurrent use.
type Feed struct {
	cal *ics.Calendar
	// zones are the TZIDs used so far, with the earliest time each is
	// used at: its VTIMEZONE must describe the zone from then on.
	zones map[string]time.Time
	// from and to bound the years each VTIMEZONE describes at least.
	from, to time.Time
}

// NewFeed starts a feed named name (shown by calendar apps as the
// subscription's title). Its VTIMEZONEs cover the zones' rules from a
// year before now on; refresh says how often a subscriber should fetch it.
func NewFeed(name string, now time.Time, refresh time.Duration) *Feed {
	cal := ics.NewCalendarFor("dichtbij")
	cal.SetProductId("-//dichtbij//dichtbij feeds//NL")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(clean(name)) // NAME (RFC 7986) and X-WR-CALNAME
	if refresh > 0 {
		// Both the standard (RFC 7986) and the older Apple/Microsoft form.
		cal.SetRefreshInterval(isoDuration(refresh)) // writes VALUE=DURATION itself
		cal.SetXPublishedTTL(isoDuration(refresh))
	}
	return &Feed{cal: cal, zones: map[string]time.Time{}, from: now.AddDate(-1, 0, 0), to: now.AddDate(10, 0, 0)}
}

// useZone records that a time at wall-clock t (read as UTC) uses zone.
func (f *Feed) useZone(zone string, t time.Time) {
	if first, ok := f.zones[zone]; !ok || t.Before(first) {
		f.zones[zone] = t
	}
}

// WriteTo writes the feed with CRLF line ends and lines folded at 75
// octets, as RFC 5545 requires: the VTIMEZONEs of the zones used first,
// then the events.
func (f *Feed) WriteTo(w io.Writer) (int64, error) {
	out := *f.cal
	out.Components = nil
	names := make([]string, 0, len(f.zones))
	for z := range f.zones {
		names = append(names, z)
	}
	slices.Sort(names)
	for _, z := range names {
		// A year before the first use, so the first event's date lies
		// after the first change described.
		from := f.zones[z].AddDate(-1, 0, 0)
		if f.from.Before(from) {
			from = f.from
		}
		tz, err := vtimezone(z, from, f.to)
		if err != nil {
			return 0, err
		}
		out.Components = append(out.Components, tz)
	}
	out.Components = append(out.Components, f.cal.Components...)
	cw := &countingWriter{w: w}
	// The library ends lines with the OS's newline ("\n" on Unix);
	// RFC 5545 wants CRLF everywhere.
	if err := out.SerializeTo(cw, ics.WithNewLineWindows); err != nil {
		return cw.n, fmt.Errorf("ical: write feed: %w", err)
	}
	return cw.n, nil
}

// String is the serialised feed, or "" when a zone cannot be loaded.
func (f *Feed) String() string {
	var b strings.Builder
	if _, err := f.WriteTo(&b); err != nil {
		return ""
	}
	return b.String()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Event is the public description of an event: what a calendar app shows.
type Event struct {
	Summary, Description, Location, URL string
	// Modified is the record's updated_at: DTSTAMP and LAST-MODIFIED, so
	// an unchanged record gives byte-identical output.
	Modified time.Time
}

// AddActivity adds one VEVENT for an activity: its first occurrence with
// the schedule's TZID, DTEND after the duration, the RRULE and EXDATEs as
// stored. ev.Location may be empty to use the activity's place.
func (f *Feed) AddActivity(a care.Activity, ev Event) error {
	if a.Schedule == nil {
		return fmt.Errorf("%w: activity %s has no schedule", ErrSchedule, a.ID)
	}
	if ev.Location == "" && a.Place != nil {
		ev.Location = PlaceText(a.Place.Name, a.Place.Address)
	}
	if ev.Summary == "" {
		ev.Summary = a.Name
	}
	if ev.Description == "" {
		ev.Description = a.Description
	}
	if ev.Modified.IsZero() {
		ev.Modified = a.UpdatedAt
	}
	return f.addSchedule("activity-"+a.ID+"@dichtbij", *a.Schedule, ev)
}

// addSchedule adds the VEVENT of a schedule under uid.
func (f *Feed) addSchedule(uid string, s care.Schedule, ev Event) error {
	w, err := Convert(s)
	if err != nil {
		return fmt.Errorf("%s: %w", uid, err)
	}
	e := f.event(uid, ev)
	e.SetProperty(ics.ComponentPropertyDtStart, w.Start, ics.WithTZID(w.TZID))
	e.SetProperty(ics.ComponentPropertyDtEnd, w.End, ics.WithTZID(w.TZID))
	if w.RRule != "" {
		e.AddRrule(w.RRule)
	}
	for _, d := range w.ExDates {
		e.AddExdate(d, ics.WithTZID(w.TZID))
	}
	f.useZone(w.TZID, w.first)
	return nil
}

// Written is a schedule as iCalendar values: local times to go with TZID.
type Written struct {
	TZID       string
	Start, End string
	RRule      string
	ExDates    []string
	first      time.Time // the start, for the VTIMEZONE's range
}

// Convert turns a schedule into iCalendar values. It parses what the
// record holds (zone, local times, the rule) and refuses what would not
// make a valid property, so a broken record never reaches a calendar app.
// The RRULE is kept as written, without an "RRULE:" prefix.
func Convert(s care.Schedule) (Written, error) {
	zone := s.Timezone
	if zone == "" {
		zone = DefaultZone
	}
	// "Local" would be the server's zone, and TZIDs are one token.
	if zone == "Local" || strings.ContainsAny(zone, "\",;:\\'\r\n") {
		return Written{}, fmt.Errorf("%w: timezone %q", ErrSchedule, zone)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Written{}, fmt.Errorf("%w: timezone %q: %w", ErrSchedule, zone, err)
	}
	start, err := time.ParseInLocation(care.LocalTimeLayout, s.Start, loc)
	if err != nil {
		return Written{}, fmt.Errorf("%w: start %q: %w", ErrSchedule, s.Start, err)
	}
	if s.DurationMinutes <= 0 || s.DurationMinutes > 7*24*60 {
		return Written{}, fmt.Errorf("%w: duration of %d minutes", ErrSchedule, s.DurationMinutes)
	}
	w := Written{TZID: zone, Start: localValue(start), End: localValue(wallAdd(start, s.DurationMinutes)), first: start}
	if s.RRule != "" {
		rule := s.RRule
		if len(rule) >= 6 && strings.EqualFold(rule[:6], "RRULE:") {
			rule = rule[6:]
		}
		// A control character would end the property line and let the
		// rest be read as properties of its own.
		if rule == "" || strings.ContainsFunc(rule, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return Written{}, fmt.Errorf("%w: rrule %q", ErrSchedule, s.RRule)
		}
		if _, err := rrule.StrToROption(rule); err != nil {
			return Written{}, fmt.Errorf("%w: rrule %q: %w", ErrSchedule, s.RRule, err)
		}
		w.RRule = rule
	}
	for _, d := range s.ExDates {
		t, err := time.ParseInLocation(care.LocalTimeLayout, d, loc)
		if err != nil {
			return Written{}, fmt.Errorf("%w: exdate %q: %w", ErrSchedule, d, err)
		}
		w.ExDates = append(w.ExDates, localValue(t))
	}
	return w, nil
}

// wallAdd adds minutes to a local start as a calendar app reads DTEND:
// on the wall clock, so a two-hour event that spans the DST change still
// ends two clock hours after it starts.
func wallAdd(start time.Time, minutes int) time.Time {
	y, mo, d := start.Date()
	return time.Date(y, mo, d, start.Hour(), start.Minute()+minutes, 0, 0, time.UTC)
}

// localValue is t's wall clock as an iCalendar local DATE-TIME.
func localValue(t time.Time) string { return t.Format(icalLocal) }

// AddOpeningHours adds one weekly VEVENT per opening-hours slot of the
// provision, from the week of its last change on, in DefaultZone.
func (f *Feed) AddOpeningHours(p care.Provision, ev Event) error {
	if ev.Summary == "" {
		ev.Summary = p.Name
	}
	if ev.Location == "" {
		ev.Location = PlaceText(p.Name, p.Address)
	}
	if ev.Description == "" {
		ev.Description = p.Description
	}
	if ev.Modified.IsZero() {
		ev.Modified = p.UpdatedAt
	}
	return f.addWeekly("provision-"+p.ID, p.OpeningHours, p.UpdatedAt, ev)
}

// addWeekly adds a weekly event per slot, starting on the slot's weekday
// on or after since (in DefaultZone). Each slot's UID names its day and
// start, so reordering the slots does not change the events.
func (f *Feed) addWeekly(prefix string, slots []care.WeeklySlot, since time.Time, ev Event) error {
	loc, err := time.LoadLocation(DefaultZone)
	if err != nil {
		return fmt.Errorf("ical: zone %s: %w", DefaultZone, err)
	}
	seen := map[string]int{}
	for _, s := range slots {
		day, ok := byDay[s.Day]
		if !ok {
			return fmt.Errorf("%w: %s: day %q", ErrSchedule, prefix, s.Day)
		}
		startMin, ok1 := minutesOf(s.Start)
		endMin, ok2 := minutesOf(s.End)
		if !ok1 || !ok2 || endMin <= startMin || startMin >= 24*60 {
			return fmt.Errorf("%w: %s: slot %s %s-%s", ErrSchedule, prefix, s.Day, s.Start, s.End)
		}
		first := firstWeekday(since.In(loc), day.weekday)
		start := time.Date(first.Year(), first.Month(), first.Day(), 0, startMin, 0, 0, time.UTC)
		key := fmt.Sprintf("%s-%s-%02d%02d", prefix, s.Day, startMin/60, startMin%60)
		seen[key]++
		if n := seen[key]; n > 1 {
			key = fmt.Sprintf("%s-%d", key, n)
		}
		e := f.event(key+"@dichtbij", ev)
		e.SetProperty(ics.ComponentPropertyDtStart, localValue(start), ics.WithTZID(DefaultZone))
		e.SetProperty(ics.ComponentPropertyDtEnd, localValue(start.Add(time.Duration(endMin-startMin)*time.Minute)), ics.WithTZID(DefaultZone))
		e.AddRrule("FREQ=WEEKLY;BYDAY=" + day.code)
		f.useZone(DefaultZone, start)
	}
	return nil
}

// firstWeekday is the date of the first wd on or after t's date.
func firstWeekday(t time.Time, wd time.Weekday) time.Time {
	d := (int(wd) - int(t.Weekday()) + 7) % 7
	return time.Date(t.Year(), t.Month(), t.Day()+d, 0, 0, 0, 0, time.UTC)
}

var byDay = map[string]struct {
	code    string
	weekday time.Weekday
}{
	"mon": {"MO", time.Monday}, "tue": {"TU", time.Tuesday}, "wed": {"WE", time.Wednesday}, "thu": {"TH", time.Thursday},
	"fri": {"FR", time.Friday}, "sat": {"SA", time.Saturday}, "sun": {"SU", time.Sunday},
}

// minutesOf parses "HH:MM" (up to 24:00) into minutes after midnight.
func minutesOf(s string) (int, bool) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// Referral is what a personal feed may show of one referral. It has no
// field for the resident's alias, the worker's note, the request's life
// domains or its texts: a feed may sit in a third-party calendar app, so
// what is not here cannot leak there.
type Referral struct {
	ID string
	// HelpType is the need's code; its Dutch label is shown.
	HelpType string
	// Neighbourhood is where the resident lives, by name (may be empty).
	Neighbourhood string
	State         string
	Modified      time.Time
	// Activity and its occurrence, for a referral to an activity.
	Activity   *care.Activity
	Occurrence time.Time
	// Windows are the agreed weekly time windows of any other referral,
	// from Since (its acceptance) on; none gives an all-day note on Since.
	Windows []care.WeeklySlot
	Since   time.Time
	// URL points to where the owner answers the referral (the portal).
	URL string
}

// AddReferral adds a referral: an activity referral as the one
// occurrence, any other as a weekly event per agreed time window.
func (f *Feed) AddReferral(r Referral) error {
	label := HelpTypeLabel(r.HelpType)
	ev := Event{Summary: "dichtbij: " + label, URL: r.URL, Modified: r.Modified}
	desc := "Hulpvraag: " + label
	if r.Neighbourhood != "" {
		desc += "\nBuurt: " + r.Neighbourhood
		ev.Summary += " (" + r.Neighbourhood + ")"
	}
	ev.Description = desc + "\nStatus: " + r.State
	uid := "referral-" + r.ID
	if r.Activity != nil {
		a := r.Activity
		if a.Schedule == nil || r.Occurrence.IsZero() {
			return fmt.Errorf("%w: referral %s: activity without schedule or occurrence", ErrSchedule, r.ID)
		}
		loc, err := time.LoadLocation(cmpOr(a.Schedule.Timezone, DefaultZone))
		if err != nil {
			return fmt.Errorf("%w: referral %s: %w", ErrSchedule, r.ID, err)
		}
		start := r.Occurrence.In(loc)
		ev.Summary += " – " + a.Name
		if a.Place != nil {
			ev.Location = PlaceText(a.Place.Name, a.Place.Address)
		}
		s := care.Schedule{Start: start.Format(care.LocalTimeLayout), Timezone: loc.String(), DurationMinutes: a.Schedule.DurationMinutes}
		return f.addSchedule(uid+"@dichtbij", s, ev)
	}
	if len(r.Windows) == 0 {
		loc, err := time.LoadLocation(DefaultZone)
		if err != nil {
			return fmt.Errorf("ical: zone %s: %w", DefaultZone, err)
		}
		e := f.event(uid+"@dichtbij", ev)
		e.SetAllDayStartAt(r.Since.In(loc))
		e.SetTimeTransparency(ics.TransparencyTransparent)
		e.SetDescription(ev.Description + "\nTijd: nog af te spreken")
		return nil
	}
	return f.addWeekly(uid, r.Windows, r.Since, ev)
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// event starts a VEVENT with the public fields of ev.
func (f *Feed) event(uid string, ev Event) *ics.VEvent {
	e := f.cal.AddEvent(uid)
	stamp := ev.Modified.UTC()
	if stamp.IsZero() {
		stamp = time.Unix(0, 0).UTC()
	}
	e.SetDtStampTime(stamp)
	e.SetModifiedAt(stamp)
	e.SetSummary(clean(ev.Summary))
	if d := clean(ev.Description); d != "" {
		e.SetDescription(d)
	}
	if l := clean(ev.Location); l != "" {
		e.SetLocation(l)
	}
	if u := ev.URL; u != "" && !strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		e.SetURL(u)
	}
	return e
}

// clean drops control characters other than newlines from text: the
// writer escapes newlines, commas and semicolons, but a lone CR or
// another control character would make the line unreadable.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || (r >= 0x20 && r != 0x7f) {
			return r
		}
		return -1
	}, s)
}

// PlaceText is a place's name and address on one line.
func PlaceText(name string, a *care.Address) string {
	parts := []string{}
	if name != "" {
		parts = append(parts, name)
	}
	if a != nil {
		parts = append(parts, strings.TrimSpace(a.Street+" "+a.HouseNumber), strings.TrimSpace(a.Postcode+" "+a.City))
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}

// HelpTypeLabel is the Dutch label of a help type, or the code itself.
func HelpTypeLabel(code string) string {
	for _, t := range care.Codes().HelpTypes {
		if t.Code == code {
			return t.Label.NL
		}
	}
	return code
}

// isoDuration writes d as an RFC 5545 duration in whole minutes (at least one).
func isoDuration(d time.Duration) string {
	m := max(int(d/time.Minute), 1)
	switch {
	case m%(24*60) == 0:
		return fmt.Sprintf("P%dD", m/(24*60))
	case m%60 == 0:
		return fmt.Sprintf("PT%dH", m/60)
	}
	return fmt.Sprintf("PT%dM", m)
}
