package monitor

import (
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// Levels an area breakdown can be made at.
const (
	LevelMunicipality  = "municipality"
	LevelDistrict      = "district"
	LevelNeighbourhood = "neighbourhood"
)

// ReEntryWindow is how soon after a step-down a new specialist referral
// of the same request counts as a re-entry.
const ReEntryWindow = 183 * 24 * time.Hour

// Query says what to compute.
type Query struct {
	Municipality string
	// From and To bound the period, [From, To).
	From, To time.Time
	// Level is the breakdown: LevelMunicipality, LevelDistrict or
	// LevelNeighbourhood.
	Level string
	// Area, when set, keeps only facts in that district or
	// neighbourhood.
	Area string
	// Units are the codes of Level to list even when they have no
	// facts (so that a map shows every area).
	Units []string
	// TargetDays is the municipality's target for first contact and
	// match, in days.
	TargetDays int
	// Prices are the municipality's unit prices; nil when not set.
	Prices *care.UnitPrices
	Now    time.Time
}

// Result is the indicators of the whole (Total: the municipality, or
// Area) and of each unit of the level, in code order. Facts without a
// code at the level (a point outside every 2014 district) fall under
// the code "".
type Result struct {
	Total Indicators
	Areas []AreaIndicators
}

// AreaIndicators are one unit's indicators.
type AreaIndicators struct {
	Code       string
	Indicators Indicators
}

// Compute works out the indicators from the facts of one municipality.
func (x *Index) Compute(q Query) Result {
	x.mu.RLock()
	defer x.mu.RUnlock()
	c := newComputation(q)
	if f := x.munis[q.Municipality]; f != nil {
		c.run(f)
	}
	return c.result()
}

type computation struct {
	q     Query
	total *tally
	units map[string]*tally
	// the facts of this computation's pass over referrals
	held        map[string]int
	spotsTaken  map[string]int
	helping     map[string]bool
	resolvedNow map[string]bool
}

func newComputation(q Query) *computation {
	c := &computation{q: q, total: newTally(), units: map[string]*tally{},
		held: map[string]int{}, spotsTaken: map[string]int{}, helping: map[string]bool{}, resolvedNow: map[string]bool{}}
	for _, u := range q.Units {
		c.units[u] = newTally()
	}
	return c
}

// where returns the tallies a fact in district d and neighbourhood n
// counts in, or nil when it lies outside the query's area.
func (c *computation) where(d, n string) []*tally {
	if c.q.Area != "" && d != c.q.Area && n != c.q.Area {
		return nil
	}
	code := c.q.Municipality
	switch c.q.Level {
	case LevelDistrict:
		code = d
	case LevelNeighbourhood:
		code = n
	}
	t := c.units[code]
	if t == nil {
		t = newTally()
		c.units[code] = t
	}
	return []*tally{c.total, t}
}

func (c *computation) in(t time.Time) bool { return !t.Before(c.q.From) && t.Before(c.q.To) }

func (c *computation) run(f *facts) {
	for _, r := range f.requests {
		c.request(r)
	}
	c.specialists(f)
	for _, r := range f.referrals {
		c.referral(r, f.requests[r.RequestID])
	}
	for _, o := range f.options {
		c.option(o)
	}
}

func (c *computation) request(r *Request) {
	ts := c.where(r.District, r.Neighbourhood)
	if ts == nil {
		return
	}
	created, closed := c.in(r.CreatedAt), !r.ClosedAt.IsZero() && c.in(r.ClosedAt)
	if closed && r.Consent && r.Closure == care.ClosureResolvedLocally {
		c.resolvedNow[r.ID] = true
	}
	target := time.Duration(c.q.TargetDays) * 24 * time.Hour
	for _, t := range ts {
		if created && !r.Consent {
			t.withoutConsent++
		}
		if !r.Consent {
			continue
		}
		if created {
			t.requests++
			for _, n := range r.needIdx {
				inc(t.byNeed, n)
			}
			for _, d := range r.Domains {
				if d.Intake > 0 {
					inc(t.byDomain, d.idx)
				}
			}
			if len(r.Gaps) > 0 {
				t.withGap++
				for i, n := range r.gapNeedIdx {
					// A search lists each need once.
					inc(t.gapByNeed, n)
					inc(t.gapByReason, r.gapReasonIdx[i])
				}
			}
			t.contact.add(r, r.FirstContactAt, target, c.q.Now)
			t.match.add(r, r.MatchedAt, target, c.q.Now)
		}
		if closed {
			t.closed++
			switch r.Closure {
			case care.ClosureResolvedLocally:
				t.resolved++
			case care.ClosureWithdrawn:
				t.withdrawn++
			}
			t.outcome(r)
		}
	}
}

func (c *computation) specialists(f *facts) {
	byRequest := map[string][]*Specialist{}
	for _, s := range f.specialists {
		byRequest[s.RequestID] = append(byRequest[s.RequestID], s)
	}
	for id, ss := range byRequest {
		r := f.requests[id]
		if r == nil || !r.Consent {
			continue
		}
		ts := c.where(r.District, r.Neighbourhood)
		for _, s := range ss {
			reEntry := false
			for _, o := range ss {
				if o != s && !o.EndedAt.IsZero() && !o.EndedAt.After(s.CreatedAt) && s.CreatedAt.Sub(o.EndedAt) <= ReEntryWindow {
					reEntry = true
				}
			}
			for _, t := range ts {
				if c.in(s.CreatedAt) {
					if s.Override {
						t.overrides++
					} else {
						t.specialist++
					}
					if reEntry {
						t.reEntries++
					}
				}
				if !s.EndedAt.IsZero() && c.in(s.EndedAt) {
					t.stepDowns++
				}
			}
		}
	}
}

func (c *computation) referral(f *Referral, r *Request) {
	// The option's side counts every referral: places are the option's
	// whoever holds them.
	if care.HoldsPlace(f.State) {
		c.held[f.OptionID]++
	}
	if f.Accepted && !f.OccurrenceAt.IsZero() && c.in(f.OccurrenceAt) {
		c.spotsTaken[f.OptionID]++
	}
	if f.Accepted && f.OptionKind == KindVolunteer && c.in(f.CreatedAt) {
		c.helping[f.OptionID] = true
	}
	if r == nil || !r.Consent {
		return
	}
	for _, t := range c.where(r.District, r.Neighbourhood) {
		for _, at := range f.NoShows {
			if c.in(at) {
				t.noShows++
			}
		}
		if f.State == care.RefWaitlisted && f.CreatedAt.Before(c.q.To) {
			t.waiting++
		}
		if !c.in(f.CreatedAt) {
			continue
		}
		t.referrals++
		t.accepted += b(f.Accepted)
		t.declined += b(f.Declined)
		t.expired += b(f.Expired)
		t.started += b(f.Started)
		t.completed += b(f.Completed)
		t.ended += b(f.Ended)
		t.endedAfterStart += b(f.Started && f.Ended)
		if f.Completed && informal(f.OptionKind) && !c.resolvedNow[f.RequestID] {
			t.informalCompleted++
		}
		if f.Completed && f.Need == "transport" {
			t.transportCompleted++
		}
	}
}

func (c *computation) option(o *Option) {
	if !o.Active || !o.CreatedAt.Before(c.q.To) {
		return
	}
	spots := 0
	if o.Kind == KindActivity {
		for m := MonthIndex(c.q.From); MonthStart(m).Before(c.q.To); m++ {
			spots += int(o.Occurrences[m]) * o.Capacity
		}
	}
	for _, t := range c.where(o.District, o.Neighbourhood) {
		t.options++
		inc(t.byKind, o.kindIdx)
		if informal(o.Kind) {
			t.informal++
		} else {
			t.collective++
		}
		for _, h := range o.helpIdx {
			inc(t.byHelpType, h)
		}
		switch o.Kind {
		case KindVolunteer, KindInitiative:
			taken := c.held[o.ID]
			t.capacity += o.Capacity
			t.placesTaken += taken
			t.freePlaces += max(0, o.Capacity-taken)
		case KindActivity:
			t.spots += spots
			t.spotsTaken += c.spotsTaken[o.ID]
		}
		if o.Kind == KindVolunteer {
			t.volunteers++
			t.volunteersHelping += b(c.helping[o.ID])
		}
	}
}

func b(v bool) int {
	if v {
		return 1
	}
	return 0
}

func (c *computation) result() Result {
	out := Result{Total: c.total.indicators(c.q)}
	codes := make([]string, 0, len(c.units))
	for code := range c.units {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		out.Areas = append(out.Areas, AreaIndicators{Code: code, Indicators: c.units[code].indicators(c.q)})
	}
	return out
}
