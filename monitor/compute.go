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
	c := newComputation(x, q)
	if f := x.munis[q.Municipality]; f != nil {
		c.run(f)
	}
	return c.result()
}

type computation struct {
	x     *Index
	q     Query
	total *tally
	// units are the tallies of the level's areas by interned id (nil
	// where there is none yet), or the one of the municipality; extra
	// those of q.Units that no fact names.
	units    []*tally
	munTally *tally
	extra    map[string]*tally
	// area is q.Area's id: -1 for none, -2 when no fact lies in it.
	area int32
	// by option slot, from the pass over referrals
	held, spotsTaken []int32
	helping          []bool
	// by request slot: resolved at the zero line in the period
	resolvedNow []bool
}

func newComputation(x *Index, q Query) *computation {
	c := &computation{x: x, q: q, total: newTally(), units: make([]*tally, len(x.areaCodes)), extra: map[string]*tally{}, area: -1}
	if q.Area != "" {
		c.area = -2
		if id, ok := x.areaID[q.Area]; ok {
			c.area = id
		}
	}
	for _, u := range q.Units {
		switch id, ok := x.areaID[u]; {
		case q.Level == LevelMunicipality:
			c.munTally = newTally()
		case ok:
			c.units[id] = newTally()
		default:
			c.extra[u] = newTally()
		}
	}
	return c
}

// where returns the tally of the unit a fact in district d and
// neighbourhood n (interned ids) counts in, or nil when it lies outside
// the query's area.
func (c *computation) where(d, n int32) *tally {
	if c.area != -1 && d != c.area && n != c.area {
		return nil
	}
	if c.q.Level != LevelDistrict && c.q.Level != LevelNeighbourhood {
		if c.munTally == nil {
			c.munTally = newTally()
		}
		return c.munTally
	}
	id := d
	if c.q.Level == LevelNeighbourhood {
		id = n
	}
	t := c.units[id]
	if t == nil {
		t = newTally()
		c.units[id] = t
	}
	return t
}

func (c *computation) in(t time.Time) bool { return !t.Before(c.q.From) && t.Before(c.q.To) }

func (c *computation) run(f *facts) {
	nOpt := len(f.options.rows)
	c.held, c.spotsTaken = make([]int32, nOpt), make([]int32, nOpt)
	c.helping, c.resolvedNow = make([]bool, nOpt), make([]bool, len(f.requests.rows))
	for i := range f.requests.rows {
		if r := &f.requests.rows[i]; !r.gone {
			c.request(r, int32(i))
		}
	}
	c.specialists(f)
	for i := range f.referrals.rows {
		ref := &f.referrals.rows[i]
		if ref.gone {
			continue
		}
		r, rs := f.requests.at(ref.reqSlot, ref.RequestID)
		o, oslot := f.options.at(ref.optSlot, ref.OptionID)
		c.referral(ref, r, rs, o, oslot)
	}
	for i := range f.options.rows {
		if o := &f.options.rows[i]; !o.gone {
			c.option(o, int32(i))
		}
	}
}

func (c *computation) request(r *Request, slot int32) {
	unit := c.where(r.districtID, r.hoodID)
	if unit == nil {
		return
	}
	ts := [2]*tally{c.total, unit}
	created, closed := c.in(r.CreatedAt), !r.ClosedAt.IsZero() && c.in(r.ClosedAt)
	if closed && r.Consent && r.Closure == care.ClosureResolvedLocally {
		c.resolvedNow[slot] = true
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
	byRequest := map[*Request][]*Specialist{}
	for i := range f.specialists.rows {
		s := &f.specialists.rows[i]
		if s.gone {
			continue
		}
		if r, _ := f.requests.at(s.reqSlot, s.RequestID); r != nil && r.Consent {
			byRequest[r] = append(byRequest[r], s)
		}
	}
	for r, ss := range byRequest {
		unit := c.where(r.districtID, r.hoodID)
		if unit == nil {
			continue
		}
		ts := [2]*tally{c.total, unit}
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

// referral counts a referral of request r to option o, in their slots
// (nil when either is not among this municipality's facts).
func (c *computation) referral(f *Referral, r *Request, rs int32, o *Option, oslot int32) {
	// The option's side counts every referral: places are the option's
	// whoever holds them.
	if o != nil {
		if care.HoldsPlace(f.State) {
			c.held[oslot]++
		}
		if f.Accepted && !f.OccurrenceAt.IsZero() && c.in(f.OccurrenceAt) {
			c.spotsTaken[oslot]++
		}
		if f.Accepted && f.OptionKind == KindVolunteer && c.in(f.CreatedAt) {
			c.helping[oslot] = true
		}
	}
	if r == nil || !r.Consent {
		return
	}
	unit := c.where(r.districtID, r.hoodID)
	if unit == nil {
		return
	}
	for _, t := range [2]*tally{c.total, unit} {
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
		if f.Completed && informal(f.OptionKind) && !c.resolvedNow[rs] {
			t.informalCompleted++
		}
		if f.Completed && f.Need == "transport" {
			t.transportCompleted++
		}
	}
}

func (c *computation) option(o *Option, slot int32) {
	if !o.Active || !o.CreatedAt.Before(c.q.To) {
		return
	}
	spots := 0
	if o.Kind == KindActivity {
		for m := MonthIndex(c.q.From); MonthStart(m).Before(c.q.To); m++ {
			spots += int(o.Occurrences[m]) * o.Capacity
		}
	}
	unit := c.where(o.districtID, o.hoodID)
	if unit == nil {
		return
	}
	for _, t := range [2]*tally{c.total, unit} {
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
			taken := int(c.held[slot])
			t.capacity += o.Capacity
			t.placesTaken += taken
			t.freePlaces += max(0, o.Capacity-taken)
		case KindActivity:
			t.spots += spots
			t.spotsTaken += int(c.spotsTaken[slot])
		}
		if o.Kind == KindVolunteer {
			t.volunteers++
			t.volunteersHelping += b(c.helping[slot])
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
	byCode := c.extra
	for id, t := range c.units {
		if t != nil {
			byCode[c.x.areaCodes[id]] = t
		}
	}
	if c.munTally != nil {
		byCode = map[string]*tally{c.q.Municipality: c.munTally}
	}
	codes := make([]string, 0, len(byCode))
	for code := range byCode {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		out.Areas = append(out.Areas, AreaIndicators{Code: code, Indicators: byCode[code].indicators(c.q)})
	}
	return out
}
