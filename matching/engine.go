package matching

import (
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/dichtbij/dichtbij/geo"
)

// HelpType is a help-type code with the label used in explanations.
type HelpType struct {
	Code, Label string
}

// Engine holds every active option in memory and answers searches. It is
// safe for concurrent use: searches share a read lock, changes take the
// write lock.
type Engine struct {
	mu        sync.RWMutex
	helpBits  map[string]uint64
	helpLabel map[string]string
	byID      map[string]uint32 // option id → handle
	entries   []*entry          // by handle; nil when free
	free      []uint32
	// One index per kind: volunteers come to the home (their own travel
	// distance), residents travel to provisions and activities (the
	// request's distance), initiatives serve an area. Separate indexes
	// keep a search for one kind from wading through the others.
	indexes [4]*geo.Index
	// byLang indexes active volunteers again per language they speak, so
	// a resident who needs Tigrinya is not searched through every Dutch
	// speaker in the city (the slowest searches before: 2-4 ms at 1M
	// options).
	byLang    map[string]*geo.Index
	travel    *counter // volunteers' travel distances, for the search radius
	reach     *counter // initiatives' reach from their centre
	proposals map[uint32]proposal
	// bucketed says the index tags carry time buckets (see indexMask).
	bucketed bool
	now      func() time.Time
}

// entry is an option with what the engine derives from it.
type entry struct {
	Option
	handle uint32
	rd     orb.Point   // Location in RD metres
	help   uint64      // one bit per help type (helpBits)
	ixMask uint64      // the index tag: help types × time buckets (indexMask)
	area   orb.Polygon // ServiceArea in RD metres
	reachM float64     // initiative: farthest served point from rd
}

// proposal counts how often an option was proposed, decaying with age.
type proposal struct {
	count float64
	at    time.Time
}

// counter is a multiset of distances that knows its maximum, so the
// search radius shrinks again when the farthest-reaching option leaves.
// The maximum is cached: searches read it on every call, and it changes
// only when the largest value comes or goes.
type counter struct {
	n   map[float64]int
	top float64
}

func newCounter() *counter { return &counter{n: map[float64]int{}} }

func (c *counter) add(v float64) {
	c.n[v]++
	c.top = math.Max(c.top, v)
}

func (c *counter) remove(v float64) {
	if c.n[v] > 1 {
		c.n[v]--
		return
	}
	delete(c.n, v)
	if v == c.top {
		c.top = 0
		for x := range c.n {
			c.top = math.Max(c.top, x)
		}
	}
}

func (c *counter) max() float64 { return c.top }

// New returns an empty engine for the given help-type taxonomy (at most 64
// types). now is the clock used for occurrences and load decay; nil means
// time.Now.
func New(helpTypes []HelpType, now func() time.Time) (*Engine, error) {
	if len(helpTypes) > 64 {
		return nil, fmt.Errorf("matching: %d help types; at most 64 fit the index's masks", len(helpTypes))
	}
	if now == nil {
		now = time.Now
	}
	e := &Engine{
		helpBits:  map[string]uint64{},
		helpLabel: map[string]string{},
		byID:      map[string]uint32{},
		travel:    newCounter(),
		reach:     newCounter(),
		proposals: map[uint32]proposal{},
		now:       now,
	}
	for i, h := range helpTypes {
		e.helpBits[h.Code] = 1 << i
		e.helpLabel[h.Code] = h.Label
	}
	e.bucketed = len(helpTypes) <= 64/timeBuckets
	for k := range e.indexes {
		e.indexes[k] = geo.NewIndex(geo.DefaultCellSize)
	}
	e.byLang = map[string]*geo.Index{}
	return e, nil
}

// Time buckets of the index tags: weekday daytime (06–17), weekday
// evening and night, weekend. With up to 21 help types, an option's tag
// has a bit for each help type in each bucket it is available in, and a
// search asks only for the buckets of the resident's windows. The index
// then skips, cell by cell and point by point, options that cannot share
// time with the resident — the filter that rejected most candidates in
// dense cities. It only prunes: the filters still decide overlap exactly.
const timeBuckets = 3

var bucketWeeks = func() [timeBuckets]Week {
	var b [timeBuckets]Week
	for d := 0; d < 5; d++ {
		b[0].AddDay(d, 6*60, 17*60)
		b[1].AddDay(d, 0, 6*60)
		b[1].AddDay(d, 17*60, 24*60)
	}
	b[2].AddDay(5, 0, 48*60)
	return b
}()

// buckets returns the time buckets a week touches; an empty week (time
// unknown, or any time) touches all.
func buckets(w Week) [timeBuckets]bool {
	var out [timeBuckets]bool
	for i, bw := range bucketWeeks {
		out[i] = w.Empty() || !w.And(bw).Empty()
	}
	return out
}

// indexMask spreads help-type bits over the time buckets of w.
func (e *Engine) indexMask(help uint64, w Week) uint64 {
	if !e.bucketed {
		return help
	}
	var m uint64
	in := buckets(w)
	for t := 0; t < 64/timeBuckets; t++ {
		if help&(1<<t) == 0 {
			continue
		}
		for b := 0; b < timeBuckets; b++ {
			if in[b] {
				m |= 1 << (t*timeBuckets + b)
			}
		}
	}
	return m
}

func (e *Engine) maskOf(codes []string) uint64 {
	var m uint64
	for _, c := range codes {
		m |= e.helpBits[c]
	}
	return m
}

func (e *Engine) indexFor(k Kind) *geo.Index { return e.indexes[k] }

// Taken returns the places the engine counts as taken for the option
// with id: Used, and SpotsTaken per occurrence (a copy); ok is false for
// an option it does not hold. An edit of the option does not change
// them, so a caller replacing it keeps them without counting again.
func (e *Engine) Taken(id string) (used int, spots map[int64]int, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	h, ok := e.byID[id]
	if !ok {
		return 0, nil, false
	}
	en := e.entries[h]
	if len(en.SpotsTaken) > 0 {
		spots = make(map[int64]int, len(en.SpotsTaken))
		for k, v := range en.SpotsTaken {
			spots[k] = v
		}
	}
	return en.Used, spots, true
}

// Upsert adds an option or replaces the one with the same ID. Inactive
// options are kept out of the indexes, so no search can return them.
func (e *Engine) Upsert(o Option) error {
	if o.ID == "" {
		return fmt.Errorf("matching: option without id")
	}
	if o.Kind == KindActivity {
		// An activity is available when it takes place; its week is
		// derived here so that it always agrees with the occurrences.
		o.Week = Week{}
		for _, t := range o.Occurrences {
			o.Week.AddTime(t, o.Duration)
		}
	}
	en := &entry{Option: o, rd: geo.ToRD(o.Location), help: e.maskOf(o.HelpTypes)}
	en.ixMask = e.indexMask(en.help, o.Week)
	if o.Kind == KindInitiative {
		en.reachM = o.ServiceRadiusM
		if len(o.ServiceArea) > 0 {
			en.area = make(orb.Polygon, len(o.ServiceArea))
			for i, ring := range o.ServiceArea {
				en.area[i] = make(orb.Ring, len(ring))
				for j, p := range ring {
					q := geo.ToRD(p)
					en.area[i][j] = q
					en.reachM = math.Max(en.reachM, geo.DistanceRD(en.rd, q))
				}
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if h, ok := e.byID[o.ID]; ok {
		e.unindex(e.entries[h])
		en.handle = h
		if old := e.entries[h]; old.Kind != o.Kind {
			delete(e.proposals, h)
		}
	} else {
		en.handle = e.alloc()
		e.byID[o.ID] = en.handle
	}
	e.entries[en.handle] = en
	if o.Active && en.help != 0 {
		e.indexFor(o.Kind).Set(en.handle, en.rd, en.ixMask)
		switch o.Kind {
		case KindVolunteer:
			e.travel.add(o.TravelM)
			for _, l := range langKeys(o.Languages) {
				e.langIndex(l).Set(en.handle, en.rd, en.ixMask)
			}
		case KindInitiative:
			e.reach.add(en.reachM)
		}
	}
	return nil
}

func (e *Engine) alloc() uint32 {
	if n := len(e.free); n > 0 {
		h := e.free[n-1]
		e.free = e.free[:n-1]
		return h
	}
	e.entries = append(e.entries, nil)
	return uint32(len(e.entries) - 1)
}

// unindex takes an entry out of its index; it stays known by id.
func (e *Engine) unindex(en *entry) {
	if !e.indexFor(en.Kind).Delete(en.handle) {
		return
	}
	switch en.Kind {
	case KindVolunteer:
		e.travel.remove(en.TravelM)
		for _, l := range langKeys(en.Languages) {
			e.byLang[l].Delete(en.handle)
		}
	case KindInitiative:
		e.reach.remove(en.reachM)
	}
}

// langKeys are the language indexes a volunteer belongs to: one per
// language stated, or noLanguage.
func langKeys(langs []string) []string {
	if len(langs) == 0 {
		return []string{noLanguage}
	}
	return langs
}

// noLanguage keys the volunteers who state no language: they fit any
// resident.
const noLanguage = ""

func (e *Engine) langIndex(l string) *geo.Index {
	ix, ok := e.byLang[l]
	if !ok {
		ix = geo.NewIndex(geo.DefaultCellSize)
		e.byLang[l] = ix
	}
	return ix
}

// Remove forgets an option; unknown ids are ignored.
func (e *Engine) Remove(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	h, ok := e.byID[id]
	if !ok {
		return
	}
	e.unindex(e.entries[h])
	e.entries[h] = nil
	delete(e.byID, id)
	delete(e.proposals, h)
	e.free = append(e.free, h)
}

// Len returns how many options the engine knows, active or not.
func (e *Engine) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.byID)
}

// covers reports whether an initiative serves the point (RD metres) at
// distance d from its centre.
func (en *entry) covers(p orb.Point, d float64) bool {
	if len(en.area) > 0 {
		return planar.PolygonContains(en.area, p) || onBoundary(en.area, p)
	}
	return d <= en.ServiceRadiusM
}

// onBoundary treats a point on a service area's edge (within 1 m) as
// inside: a resident on the border line is served.
func onBoundary(poly orb.Polygon, p orb.Point) bool {
	for _, ring := range poly {
		for i := 1; i < len(ring); i++ {
			if segmentDistance(ring[i-1], ring[i], p) <= 1 {
				return true
			}
		}
	}
	return false
}

func segmentDistance(a, b, p orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy))
}

// RecordProposals counts the top proposals of a search, so that the next
// searches spread load over more volunteers and places.
func (e *Engine) RecordProposals(res Result) {
	e.mu.Lock()
	defer e.mu.Unlock()
	at := e.now()
	for _, n := range res.Needs {
		for i, c := range n.Options {
			if i >= proposalsCounted {
				break
			}
			h, ok := e.byID[c.OptionID]
			if !ok {
				continue
			}
			// The first proposal is the likeliest to be taken up, so
			// it weighs most: 1, then 1/2, then 1/4.
			p := e.proposals[h]
			e.proposals[h] = proposal{count: decayed(p, at) + math.Ldexp(1, -i), at: at}
		}
	}
}

const (
	proposalsCounted  = 3
	proposalHalfLife  = 7 * 24 * time.Hour
	occurrenceHorizon = 28 * 24 * time.Hour
)

func decayed(p proposal, at time.Time) float64 {
	if p.count == 0 {
		return 0
	}
	age := at.Sub(p.at)
	if age <= 0 {
		return p.count
	}
	return p.count * math.Exp2(-float64(age)/float64(proposalHalfLife))
}

// sortCandidates orders by score (higher first), then distance, then id,
// so equal input always gives equal output.
func sortCandidates(cs []Candidate) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.DistanceM != b.DistanceM {
			return a.DistanceM < b.DistanceM
		}
		return a.OptionID < b.OptionID
	})
}

// IDs returns the ids of every option the engine knows, in no order.
func (e *Engine) IDs() []string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]string, 0, len(e.byID))
	for id := range e.byID {
		out = append(out, id)
	}
	return out
}
