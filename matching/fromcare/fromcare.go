// Package fromcare turns stored care records into the matching engine's
// options and requests. It keeps package matching free of storage types,
// and it is the one place that decides how a record's fields become
// filters: which locations, which weekly times, which capacity.
package fromcare

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/matching"
)

// OccurrenceWindow is how far ahead an activity's occurrences are
// expanded; the engine uses those in its four-week horizon, so a window of
// eight weeks keeps results right for a month between reloads.
const OccurrenceWindow = 8 * 7 * 24 * time.Hour

// HelpTypes returns the taxonomy in the engine's form, with English labels
// for explanations.
func HelpTypes() []matching.HelpType {
	codes := care.Codes().HelpTypes
	out := make([]matching.HelpType, len(codes))
	for i, t := range codes {
		out[i] = matching.HelpType{Code: t.Code, Label: t.Label.EN}
	}
	return out
}

// Week converts weekly slots; slots that do not parse are skipped (stored
// records passed validation).
func Week(slots []care.WeeklySlot) matching.Week {
	var w matching.Week
	for _, s := range slots {
		day := matching.DayIndex(s.Day)
		start, err1 := matching.ParseClock(s.Start)
		end, err2 := matching.ParseClock(s.End)
		if day >= 0 && err1 == nil && err2 == nil {
			w.AddDay(day, start, end)
		}
	}
	return w
}

func point(l *care.Location) orb.Point {
	if l == nil {
		return orb.Point{}
	}
	return l.Point()
}

// Volunteer converts a volunteer; paused volunteers are inactive.
func Volunteer(v care.Volunteer) matching.Option {
	return matching.Option{
		ID: v.ID, Kind: matching.KindVolunteer, Name: v.DisplayName,
		Location: point(v.HomeLocation), HelpTypes: v.HelpTypes, Active: v.Status == "active",
		Capacity: v.Capacity, TravelM: float64(v.MaxTravelM), Week: Week(v.Availability),
		Languages: v.Languages, Municipality: v.Area.MunicipalityCode, Owner: v.OwnerID,
	}
}

// Initiative converts an initiative; its location is the service area's
// centre, or the polygon's first vertex as an anchor for the index.
func Initiative(i care.Initiative) matching.Option {
	o := matching.Option{
		ID: i.ID, Kind: matching.KindInitiative, Name: i.Organisation, HelpTypes: i.HelpTypes,
		Active: i.Active == nil || *i.Active, Capacity: i.Capacity, Municipality: i.Area.MunicipalityCode,
	}
	if sa := i.ServiceArea; sa != nil {
		if sa.Polygon != nil {
			rings := sa.Polygon.Rings()
			poly := make(orb.Polygon, len(rings))
			for r, ring := range rings {
				poly[r] = make(orb.Ring, len(ring))
				for j, p := range ring {
					poly[r][j] = orb.Point(p)
				}
			}
			o.ServiceArea = poly
			if len(poly) > 0 && len(poly[0]) > 0 {
				o.Location = poly.Bound().Center()
			}
		} else {
			o.Location = point(sa.Center)
			o.ServiceRadiusM = float64(sa.RadiusM)
		}
	}
	return o
}

// Provision converts a provision: open to all, available in its opening
// hours.
func Provision(p care.Provision) matching.Option {
	o := matching.Option{
		ID: p.ID, Kind: matching.KindProvision, Name: p.Name, Location: point(p.Location), HelpTypes: p.HelpTypes,
		Active: p.Active == nil || *p.Active, Week: Week(p.OpeningHours), TargetGroups: p.TargetGroups,
		Municipality: p.Area.MunicipalityCode,
	}
	if p.Accessibility != nil {
		o.WheelchairAccess = p.Accessibility.Wheelchair || p.Accessibility.StepFree
	}
	return o
}

// Activity converts an activity with its occurrences from now to
// now+OccurrenceWindow. wheelchair says whether its place is accessible
// (known from its provision).
func Activity(a care.Activity, now time.Time, wheelchair bool) (matching.Option, error) {
	o := matching.Option{
		ID: a.ID, Kind: matching.KindActivity, Name: a.Name, HelpTypes: a.HelpTypes,
		Active: a.Active == nil || *a.Active, Capacity: a.SpotsPerOccurrence, TargetGroups: a.TargetGroups,
		WheelchairAccess: wheelchair, Municipality: a.Area.MunicipalityCode,
	}
	if a.Place != nil {
		o.Location = point(a.Place.Location)
	}
	if a.AgeMin != nil {
		o.AgeMin = *a.AgeMin
	}
	if a.AgeMax != nil {
		o.AgeMax = *a.AgeMax
	}
	if a.Schedule != nil {
		occ, err := a.Schedule.Occurrences(now, now.Add(OccurrenceWindow))
		if err != nil {
			return o, fmt.Errorf("fromcare: activity %s: %w", a.ID, err)
		}
		o.Occurrences = occ
		o.Duration = time.Duration(a.Schedule.DurationMinutes) * time.Minute
	}
	return o, nil
}

// Request converts a support request.
func Request(r care.Request) matching.Request {
	q := matching.Request{ID: r.ID, Location: point(r.Location), Needs: r.Needs, Municipality: r.Municipality}
	if c := r.Constraints; c != nil {
		q.MaxDistanceM = float64(c.MaxDistanceM)
		q.Windows = Week(c.TimeWindows)
		q.Languages = c.Languages
		q.Mobility = c.Mobility
	}
	q.TargetGroups = r.TargetGroups
	if r.ResidentAge != nil {
		q.Age = *r.ResidentAge
	}
	return q
}
