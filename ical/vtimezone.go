package ical

import (
	"fmt"
	"slices"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// A VTIMEZONE tells a calendar app when a zone's offset changes. Events
// keep their TZID, and most apps know "Europe/Amsterdam" anyway, but RFC
// 5545 requires the definition and some apps (Outlook among them) use
// only it. Neither writing library builds one, so it is derived here from
// Go's zone database: every offset change in a window is found with
// time.Time.ZoneBounds, changes that recur on the same weekday of the
// same month at the same wall-clock time become one yearly RRULE (the
// last run of them open-ended), and any other change is written on its own.

// transition is one change of a zone's offset.
type transition struct {
	at       time.Time // the instant, UTC
	from, to int       // offsets in seconds east of UTC, before and after
	name     string    // abbreviation after, e.g. CEST
	dst      bool      // daylight saving time after
}

// transitions lists loc's offset changes in [from, to].
func transitions(loc *time.Location, from, to time.Time) []transition {
	var out []transition
	t := from.In(loc)
	for range 10000 { // a bound on broken zone data; real zones change twice a year
		_, end := t.ZoneBounds()
		if end.IsZero() || end.After(to) || !end.After(t) {
			break
		}
		_, before := t.Zone()
		name, after := end.Zone()
		if before != after {
			out = append(out, transition{at: end.UTC(), from: before, to: after, name: name, dst: end.IsDST()})
		}
		t = end
	}
	return out
}

// observance is one STANDARD or DAYLIGHT sub-component.
type observance struct {
	dst      bool
	start    string // local DATE-TIME in the offset before
	from, to int
	name     string
	rrule    string // empty for a single change
	sortKey  time.Time
}

// observances turns a zone's changes in [from, to] into sub-components.
// With no change there, the zone is one STANDARD at its offset at from.
func observances(loc *time.Location, from, to time.Time) []observance {
	ts := transitions(loc, from, to)
	if len(ts) == 0 {
		name, off := from.In(loc).Zone()
		return []observance{{start: "19700101T000000", from: off, to: off, name: name, sortKey: time.Unix(0, 0)}}
	}
	type groupKey struct {
		from, to int
		name     string
		dst      bool
	}
	groups := map[groupKey][]transition{}
	var order []groupKey
	for _, t := range ts {
		k := groupKey{t.from, t.to, t.name, t.dst}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	var out []observance
	for _, k := range order {
		g := groups[k]
		for i := 0; i < len(g); {
			// Extend a run while the changes fall a year apart on a
			// weekday rule they all share.
			cands := ruleCandidates(g[i])
			j := i + 1
			for j < len(g) {
				next := intersect(cands, ruleCandidates(g[j]))
				if len(next) == 0 || wall(g[j]).Year() != wall(g[j-1]).Year()+1 {
					break
				}
				cands = next
				j++
			}
			first := wall(g[i])
			o := observance{dst: k.dst, start: first.Format(icalLocal), from: k.from, to: k.to, name: k.name, sortKey: g[i].at}
			if j-i > 1 {
				// A candidate carries its month and time only to compare runs.
				byDay := cands[0][strings.LastIndex(cands[0], " ")+1:]
				o.rrule = fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s", int(first.Month()), byDay)
				// The last run goes on past the window; an earlier one
				// (the rule changed later) ends at its last change.
				if wall(g[j-1]).Year() < to.Year()-1 {
					o.rrule += ";UNTIL=" + g[j-1].at.Format("20060102T150405Z")
				}
			}
			out = append(out, o)
			i = j
		}
	}
	slices.SortFunc(out, func(a, b observance) int { return a.sortKey.Compare(b.sortKey) })
	return out
}

// wall is the change's wall-clock time before it, as DTSTART and RRULE
// of an observance are written.
func wall(t transition) time.Time { return t.at.In(time.FixedZone("", t.from)) }

// ruleCandidates are the BYDAY values that put t on its date within its
// month: "-1SU" when it is the last such weekday, and "2SU" style by
// ordinal; each prefixed with the month and wall time so that only
// changes at the same time of the same month share one.
func ruleCandidates(t transition) []string {
	w := wall(t)
	day := strings.ToUpper(w.Weekday().String()[:2])
	prefix := fmt.Sprintf("%02d %s ", int(w.Month()), w.Format("150405"))
	out := []string{}
	if w.AddDate(0, 0, 7).Month() != w.Month() {
		out = append(out, prefix+"-1"+day)
	}
	return append(out, fmt.Sprintf("%s%d%s", prefix, (w.Day()-1)/7+1, day))
}

func intersect(a, b []string) []string {
	var out []string
	for _, s := range a {
		if slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// vtimezone builds the VTIMEZONE of zone for times in [from, to].
func vtimezone(zone string, from, to time.Time) (*ics.VTimezone, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("ical: zone %q: %w", zone, err)
	}
	tz := ics.NewTimezone(zone)
	for _, o := range observances(loc, from, to) {
		var c *ics.ComponentBase
		if o.dst {
			d := &ics.Daylight{}
			tz.Components = append(tz.Components, d)
			c = &d.ComponentBase
		} else {
			s := tz.AddStandard()
			c = &s.ComponentBase
		}
		c.AddProperty(ics.ComponentPropertyDtStart, o.start)
		c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(o.from))
		c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(o.to))
		if o.name != "" {
			c.AddProperty(ics.ComponentProperty(ics.PropertyTzname), o.name)
		}
		if o.rrule != "" {
			c.AddProperty(ics.ComponentPropertyRrule, o.rrule)
		}
	}
	return tz, nil
}

// utcOffset writes seconds east of UTC as an RFC 5545 UTC-OFFSET.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}
