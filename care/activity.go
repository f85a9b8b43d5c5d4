package care

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/teambition/rrule-go"
)

// LocalTimeLayout is how activity times are written: a wall-clock time in
// the schedule's time zone, as iCalendar does with DTSTART;TZID=….
const LocalTimeLayout = "2006-01-02T15:04"

// Schedule is when an activity takes place: a first occurrence, a duration,
// and an optional RFC 5545 recurrence rule with exception dates.
type Schedule struct {
	Start           string `json:"start" bson:"start" validate:"required"`
	Timezone        string `json:"timezone" bson:"timezone"`
	DurationMinutes int    `json:"duration_minutes" bson:"duration_minutes" validate:"required,min=5,max=1440"`
	// RRule is an RFC 5545 RRULE value such as "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU";
	// empty means a one-off activity.
	RRule   string   `json:"rrule,omitempty" bson:"rrule,omitempty" validate:"max=500"`
	ExDates []string `json:"exdates,omitempty" bson:"exdates,omitempty" validate:"max=366"`
}

// recurrenceHorizon is how soon a rule must first fire to be accepted.
// Finding the first occurrence of a rule that never fires still walks to
// the year 9999 inside rrule-go; the limits on BY values in checkSchedule
// keep that under about 0.3 s (measured: FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30
// 0.1 s, FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2 0.04 s).
const recurrenceHorizon = 5 * 366 * 24 * time.Hour

// maxRRuleLen is Schedule.RRule's max tag; longer rules are not expanded.
const maxRRuleLen = 500

// Occurrences returns the start times of occurrences in [from, to), with
// exception dates removed. The schedule must have passed validation.
func (s Schedule) Occurrences(from, to time.Time) ([]time.Time, error) {
	loc, err := loadLocation(s.Timezone)
	if err != nil {
		return nil, fmt.Errorf("care: schedule timezone %q: %w", s.Timezone, err)
	}
	start, err := time.ParseInLocation(LocalTimeLayout, s.Start, loc)
	if err != nil {
		return nil, fmt.Errorf("care: schedule start %q: %w", s.Start, err)
	}
	if s.RRule == "" {
		if !start.Before(from) && start.Before(to) {
			return []time.Time{start}, nil
		}
		return nil, nil
	}
	rule, err := parseRule(s.RRule, start)
	if err != nil {
		return nil, err
	}
	skip := map[time.Time]bool{}
	for _, d := range s.ExDates {
		if t, err := time.ParseInLocation(LocalTimeLayout, d, loc); err == nil {
			skip[t] = true
		}
	}
	var out []time.Time
	for _, t := range rule.Between(from, to.Add(-time.Nanosecond), true) {
		if !skip[t] {
			out = append(out, t)
		}
	}
	return out, nil
}

func parseRule(s string, start time.Time) (*rrule.RRule, error) {
	opt, err := rrule.StrToROption(strings.TrimPrefix(s, "RRULE:"))
	if err != nil {
		return nil, fmt.Errorf("care: rrule: %w", err)
	}
	opt.Dtstart = start
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("care: rrule: %w", err)
	}
	return r, nil
}

func checkSchedule(field string, s *Schedule, p *problems) {
	if s == nil {
		p.add(field, "is required")
		return
	}
	if s.Timezone == "" {
		s.Timezone = "Europe/Amsterdam"
	}
	loc, err := time.LoadLocation(s.Timezone)
	// LoadLocation also takes "Local", the server's own zone, which would
	// make the schedule depend on where the server runs.
	if err != nil || s.Timezone == "Local" || strings.Contains(s.Timezone, "..") {
		p.add(field+".timezone", `must be an IANA time zone such as "Europe/Amsterdam"`)
		return
	}
	start, err := time.ParseInLocation(LocalTimeLayout, s.Start, loc)
	if err != nil {
		p.add(field+".start", `must be a local date and time "YYYY-MM-DDTHH:MM"`)
		return
	}
	for i, d := range s.ExDates {
		if _, err := time.ParseInLocation(LocalTimeLayout, d, loc); err != nil {
			p.add(fmt.Sprintf("%s.exdates[%d]", field, i), `must be a local date and time "YYYY-MM-DDTHH:MM"`)
		}
	}
	if s.RRule == "" {
		if len(s.ExDates) > 0 {
			p.add(field+".exdates", "only apply to a recurring schedule (set rrule)")
		}
		return
	}
	if len(s.RRule) > maxRRuleLen {
		return // the tag reports it; a long list of BY values is slow to expand
	}
	upper := strings.ToUpper(s.RRule)
	if strings.Contains(upper, "DTSTART") {
		p.add(field+".rrule", "must not contain DTSTART; the start goes in start")
		return
	}
	opt, err := rrule.StrToROption(strings.TrimPrefix(s.RRule, "RRULE:"))
	if err != nil {
		p.add(field+".rrule", "is not a valid RFC 5545 RRULE: %v", err)
		return
	}
	if opt.Freq > rrule.DAILY { // HOURLY, MINUTELY, SECONDLY
		p.add(field+".rrule", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
		return
	}
	// rrule-go walks a rule that never fires up to the year 9999, and its
	// cost grows with every BY value; BYSETPOS on a daily rule is the
	// cheapest way to write such a rule. Activities need neither.
	if opt.Freq == rrule.DAILY && len(opt.Bysetpos) > 0 {
		p.add(field+".rrule", "BYSETPOS cannot be combined with FREQ=DAILY")
		return
	}
	for name, n := range map[string]int{"BYSETPOS": len(opt.Bysetpos) * 31 / 4, "BYMONTH": len(opt.Bymonth), "BYMONTHDAY": len(opt.Bymonthday),
		"BYYEARDAY": len(opt.Byyearday), "BYWEEKNO": len(opt.Byweekno), "BYDAY": len(opt.Byweekday), "BYHOUR": len(opt.Byhour),
		"BYMINUTE": len(opt.Byminute), "BYSECOND": len(opt.Bysecond)} {
		if n > 31 {
			p.add(field+".rrule", "%s lists too many values (at most 31, and 4 for BYSETPOS)", name)
			return
		}
	}
	// A day's starts are every BYHOUR × BYMINUTE × BYSECOND combination.
	// Bound them by what fits in a day, or a rule with every second
	// expands to millions of occurrences wherever it is listed.
	perDay := max(len(opt.Byhour), 1) * max(len(opt.Byminute), 1) * max(len(opt.Bysecond), 1)
	if minutes := min(max(s.DurationMinutes, 5), 24*60); perDay > 24*60/minutes {
		p.add(field+".rrule", "starts %d times a day (BYHOUR × BYMINUTE × BYSECOND), more than fit in a day of %d-minute sessions", perDay, minutes)
		return
	}
	rule, err := parseRule(s.RRule, start)
	if err != nil {
		p.add(field+".rrule", "is not a valid RFC 5545 RRULE: %v", err)
		return
	}
	// Only the first occurrence matters: expanding five years of a rule
	// that fires every second would take minutes and gigabytes.
	if first, ok := rule.Iterator()(); !ok || first.After(start.Add(recurrenceHorizon)) {
		p.add(field+".rrule", "yields no occurrence within five years of start")
	}
}

// zones caches time zones: time.LoadLocation parses the zone database on
// every call, which dominated loading a million activities.
var zones sync.Map // name → *time.Location

func loadLocation(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, l)
	return l, nil
}

// Place is where an activity happens.
type Place struct {
	Name     string    `json:"name" bson:"name" validate:"required,max=120,safetext"`
	Address  *Address  `json:"address,omitempty" bson:"address,omitempty"`
	Location *Location `json:"location" bson:"location"`
}

// ActivityFields describes an activity run by a provision or an initiative.
type ActivityFields struct {
	// Exactly one of ProvisionID and InitiativeID names the owner.
	ProvisionID  string    `json:"provision_id,omitempty" bson:"provision_id,omitempty" validate:"omitempty,len=24,hexadecimal"`
	InitiativeID string    `json:"initiative_id,omitempty" bson:"initiative_id,omitempty" validate:"omitempty,len=24,hexadecimal"`
	Name         string    `json:"name" bson:"name" validate:"required,max=120,safetext"`
	Description  string    `json:"description,omitempty" bson:"description,omitempty" validate:"max=2000,safelines"`
	HelpTypes    []string  `json:"help_types" bson:"help_types" validate:"required,min=1,max=20,unique,dive,helptype"`
	Place        *Place    `json:"place" bson:"place" validate:"required"`
	Schedule     *Schedule `json:"schedule" bson:"schedule" validate:"required"`
	// SpotsPerOccurrence is how many residents can join one occurrence.
	SpotsPerOccurrence int      `json:"spots_per_occurrence" bson:"spots_per_occurrence" validate:"required,min=1,max=10000"`
	TargetGroups       []string `json:"target_groups" bson:"target_groups" validate:"max=10,unique,dive,targetgroup"`
	// AgeMin and AgeMax bound the participants' age in years, inclusive.
	AgeMin *int  `json:"age_min,omitempty" bson:"age_min,omitempty" validate:"omitempty,min=0,max=120"`
	AgeMax *int  `json:"age_max,omitempty" bson:"age_max,omitempty" validate:"omitempty,min=0,max=120"`
	Active *bool `json:"active" bson:"active"`
}

// Activity is a stored activity.
type Activity struct {
	Meta           `bson:",inline"`
	ActivityFields `bson:",inline"`
	Area           Area `json:"area" bson:"area"`
}

// Editable returns the fields a client may change.
func (a Activity) Editable() ActivityFields { return a.ActivityFields }

func (f *ActivityFields) normalize() {
	f.Active = boolOr(f.Active, true)
	if len(f.TargetGroups) == 0 {
		f.TargetGroups = []string{"everyone"}
	}
}

func (f *ActivityFields) check(c *Checker, p *problems) Area {
	switch {
	case f.ProvisionID == "" && f.InitiativeID == "":
		p.add("provision_id", "is required unless initiative_id is given: an activity belongs to a provision or an initiative")
	case f.ProvisionID != "" && f.InitiativeID != "":
		p.add("initiative_id", "must be empty when provision_id is given: an activity belongs to one owner")
	}
	if f.AgeMin != nil && f.AgeMax != nil && *f.AgeMin > *f.AgeMax {
		p.add("age_max", "must be at least age_min (%d)", *f.AgeMin)
	}
	if f.Schedule != nil {
		checkSchedule("schedule", f.Schedule, p)
	}
	if f.Place == nil {
		return Area{}
	}
	area, _ := c.checkLocation("place.location", f.Place.Location, p)
	return area
}
