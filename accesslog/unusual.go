package accesslog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
	_ "time/tzdata" // the day boundaries are Amsterdam's on any host
)

// Kinds of Finding.
const (
	// FindingOutsideTeam: the actor accessed data outside their team
	// (break-the-glass).
	FindingOutsideTeam = "outside_team"
	// FindingManyRequests: the actor opened, changed or searched for more
	// distinct support requests in one day than
	// UnusualOptions.MaxRequestsPerDay. Seeing a request in a list of the
	// own team's (the follow-up queue) does not count.
	FindingManyRequests = "many_requests"
)

// UnusualOptions tune Unusual.
type UnusualOptions struct {
	// MaxRequestsPerDay is how many distinct support requests one actor
	// may touch in a calendar day (Europe/Amsterdam) before it is a
	// finding; 0 means 30.
	MaxRequestsPerDay int
}

// Finding is an actor's accesses that a privacy officer should look at.
type Finding struct {
	Actor string `json:"actor"`
	Kind  string `json:"kind"`
	// Day is the calendar day in Europe/Amsterdam, "2006-01-02", for
	// many_requests.
	Day string `json:"day,omitempty"`
	// Count is the number of accesses outside the team (outside_team) or
	// of distinct requests touched that day (many_requests).
	Count int `json:"count"`
	// RequestIDs are the distinct requests involved, sorted.
	RequestIDs []string `json:"request_ids"`
}

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err) // time/tzdata is embedded
	}
	return loc
}()

// Unusual reads one municipality's entries with from <= At < to (a zero
// bound is open) and reports, per actor, access outside their team and
// days on which they touched more than opts.MaxRequestsPerDay distinct
// support requests. Findings are sorted by actor, then kind, then day.
func (l *Log) Unusual(ctx context.Context, municipality string, from, to time.Time, opts UnusualOptions) ([]Finding, error) {
	f := Filter{Municipality: municipality, From: from, To: to}
	if err := f.check(); err != nil {
		return nil, err
	}
	limit := opts.MaxRequestsPerDay
	if limit < 0 {
		return nil, badQuery("query", "max requests per day must not be negative")
	}
	if limit == 0 {
		limit = 30
	}
	type dayKey struct{ actor, day string }
	var (
		outside   = map[string]*Finding{}
		perDay    = map[dayKey]map[string]bool{}
		outsideRq = map[string]map[string]bool{}
	)
	// Counted, not listed: in any order, so the embedded store streams.
	from, to = f.bounds()
	err := l.entries.EachOfMunicipality(ctx, municipality, from, to, func(e Entry) error {
		if e.OutsideTeam {
			f := outside[e.Actor]
			if f == nil {
				f = &Finding{Actor: e.Actor, Kind: FindingOutsideTeam}
				outside[e.Actor] = f
				outsideRq[e.Actor] = map[string]bool{}
			}
			f.Count++
			if e.RequestID != "" {
				outsideRq[e.Actor][e.RequestID] = true
			}
		}
		// A list is the worker's own team's queue (the follow-ups, the
		// requests): working through it is the job, not a finding.
		// Opening, changing or searching for a request counts.
		if e.RequestID != "" && e.Action != ActionList {
			k := dayKey{e.Actor, e.At.In(amsterdam).Format(time.DateOnly)}
			if perDay[k] == nil {
				perDay[k] = map[string]bool{}
			}
			perDay[k][e.RequestID] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("accesslog: unusual: %w", err)
	}
	out := []Finding{}
	for actor, f := range outside {
		f.RequestIDs = sortedKeys(outsideRq[actor])
		out = append(out, *f)
	}
	for k, reqs := range perDay {
		if len(reqs) > limit {
			out = append(out, Finding{Actor: k.actor, Kind: FindingManyRequests, Day: k.day, Count: len(reqs), RequestIDs: sortedKeys(reqs)})
		}
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Actor, b.Actor), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Day, b.Day))
	})
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
