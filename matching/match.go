package matching

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/geo"
)

// Candidate is one option proposed for a need, with why.
type Candidate struct {
	OptionID string `json:"option_id"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	// Level is the ladder level (1 informal, 2 collective).
	Level     int     `json:"level"`
	DistanceM float64 `json:"distance_m"`
	Score     float64 `json:"score"`
	// NeedsCovered are the request's needs this option can help with.
	NeedsCovered []string `json:"needs_covered"`
	// OverlapMinutes is the weekly time the option and resident share.
	OverlapMinutes int `json:"overlap_minutes"`
	// PlacesFree and Capacity: free places now (per occurrence for
	// activities); Capacity 0 means open to all.
	PlacesFree int `json:"places_free"`
	Capacity   int `json:"capacity"`
	// NextOccurrence is an activity's next suitable start.
	NextOccurrence *time.Time `json:"next_occurrence,omitempty"`
	// Location is shown for places and initiatives, never for a
	// volunteer's home.
	Location     *[2]float64 `json:"location,omitempty"`
	Municipality string      `json:"municipality,omitempty"`
	// OwnerID is the volunteer's account, for the access log; never sent.
	OwnerID string `json:"-"`
	// Explanation says in one line why this option fits, e.g.
	// "1.2 km · groceries and companionship · Tue morning overlaps · 2 of 3 places free".
	Explanation string `json:"explanation"`
}

// Coverage says whether a need has a local option and, if not, why.
type Coverage struct {
	Covered bool `json:"covered"`
	// Reason is empty when covered, else one of none_of_type,
	// none_in_reach, all_full, no_time_overlap, not_suitable.
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// NeedResult is the ranked options for one need.
type NeedResult struct {
	Need     string      `json:"need"`
	Options  []Candidate `json:"options"`
	Coverage Coverage    `json:"coverage"`
}

// Result is the outcome of a search for a request.
type Result struct {
	Needs []NeedResult `json:"needs"`
	// Uncovered lists the needs without a local option.
	Uncovered []string  `json:"uncovered"`
	At        time.Time `json:"at"`
}

// Limits bound a search.
const (
	// poolSize is how many nearest suitable options of each kind are
	// scored per need.
	poolSize = 10
	// DefaultLimit is how many options per need a search returns.
	DefaultLimit = 10
	// diagnosticRadiusM bounds the look-around that explains a gap.
	diagnosticRadiusM = 25000
	// indexSlackM widens the index's radius: it keeps positions in
	// float32 (~0.06 m off), while the filters decide reach exactly on
	// float64 positions, so an option exactly at the limit is not lost.
	indexSlackM = 1
)

// reason is why an option fails a request's hard filters.
type reason uint8

const (
	fits reason = iota
	outOfReach
	full
	noTimeOverlap
	language
	targetGroup
	age
	mobility
)

// query is a request prepared for one search.
type query struct {
	req      Request
	rd       orb.Point
	needMask uint64
	now      time.Time
}

// check applies every hard filter to one option at distance d (metres).
// It returns the first failing filter and, for activities, the next
// suitable occurrence.
func (e *Engine) check(en *entry, q *query, d float64) (reason, *time.Time) {
	if elsewhere(en, q) {
		return outOfReach, nil
	}
	switch en.Kind {
	case KindVolunteer:
		if d > en.TravelM {
			return outOfReach, nil
		}
	case KindInitiative:
		if !en.covers(q.rd, d) {
			return outOfReach, nil
		}
	default:
		if d > q.req.MaxDistanceM {
			return outOfReach, nil
		}
	}
	var next *time.Time
	if en.Kind == KindActivity {
		var r reason
		if next, r = nextOccurrence(en, q); r != fits {
			return r, nil
		}
	} else {
		if en.Capacity > 0 && en.Used >= en.Capacity {
			return full, nil
		}
		if !q.req.Windows.Empty() && !en.Week.Empty() && en.Week.And(q.req.Windows).Empty() {
			return noTimeOverlap, nil
		}
	}
	if len(q.req.Languages) > 0 && len(en.Languages) > 0 && !intersects(q.req.Languages, en.Languages) {
		return language, nil
	}
	if len(q.req.TargetGroups) > 0 && len(en.TargetGroups) > 0 && !slices.Contains(en.TargetGroups, "everyone") &&
		!intersects(q.req.TargetGroups, en.TargetGroups) {
		return targetGroup, nil
	}
	if q.req.Age > 0 && ((en.AgeMin > 0 && q.req.Age < en.AgeMin) || (en.AgeMax > 0 && q.req.Age > en.AgeMax)) {
		return age, nil
	}
	if en.Kind == KindProvision || en.Kind == KindActivity {
		switch q.req.Mobility {
		case "homebound":
			return mobility, nil
		case "wheelchair":
			if !en.WheelchairAccess {
				return mobility, nil
			}
		}
	}
	return fits, next
}

// nextOccurrence finds an activity's first occurrence within the horizon
// that overlaps the resident's windows and has a spot left.
func nextOccurrence(en *entry, q *query) (*time.Time, reason) {
	sawTime := false
	for _, t := range en.Occurrences {
		if t.Before(q.now) || !t.Before(q.now.Add(occurrenceHorizon)) {
			continue
		}
		if !q.req.Windows.Empty() {
			var w Week
			w.AddTime(t, en.Duration)
			if w.And(q.req.Windows).Empty() {
				continue
			}
		}
		sawTime = true
		if en.SpotsTaken[t.Unix()] < en.Capacity {
			t := t
			return &t, fits
		}
	}
	if sawTime {
		return nil, full
	}
	return nil, noTimeOverlap
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// reachOf is the distance that scales the distance part of the score.
func reachOf(en *entry, q *query) float64 {
	switch en.Kind {
	case KindVolunteer:
		return en.TravelM
	case KindInitiative:
		return math.Max(en.reachM, 1)
	}
	return q.req.MaxDistanceM
}

// score ranks a fitting option: cheaper ladder level first, then nearer,
// covering more needs, sharing more time, with free places, and not
// already proposed often.
func (e *Engine) score(en *entry, q *query, d float64, at time.Time) (float64, int) {
	s := 30.0
	if en.Kind.Level() == LevelInformal {
		s = 40
	}
	if r := reachOf(en, q); r > 0 {
		s += 25 * math.Max(0, 1-d/r)
	}
	s += 10 * float64(bits.OnesCount64(en.help&q.needMask)-1)
	overlap := 0
	if !q.req.Windows.Empty() && !en.Week.Empty() {
		overlap = en.Week.And(q.req.Windows).Minutes()
		s += 15 * math.Min(1, float64(overlap)/math.Min(float64(q.req.Windows.Minutes()), 240))
	}
	if en.Kind != KindActivity && en.Capacity > 0 {
		s -= 10 * float64(en.Used) / float64(en.Capacity)
	}
	if p, ok := e.proposals[en.handle]; ok {
		s -= math.Min(15, 2.5*decayed(p, at))
	}
	return math.Round(s*100) / 100, overlap
}

// Match runs the zero-line search for a request: for every need, the
// suitable options of every kind ranked in one list (at most limit; 0
// means DefaultLimit), and why a need has none. Equal engine state and
// request give equal results.
func (e *Engine) Match(req Request, limit int) Result {
	if limit <= 0 {
		limit = DefaultLimit
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	q := &query{req: req, rd: geo.ToRD(req.Location), needMask: e.maskOf(req.Needs), now: e.now()}
	res := Result{Needs: make([]NeedResult, 0, len(req.Needs)), Uncovered: []string{}, At: q.now}
	var hits []geo.Hit
	for _, need := range req.Needs {
		nr := NeedResult{Need: need, Options: []Candidate{}}
		bit := e.helpBits[need]
		if bit != 0 {
			for _, src := range e.sources(q) {
				hits = e.nearest(src, q, geo.Query{Center: q.rd, K: poolSize, Radius: src.radius + indexSlackM, Mask: e.indexMask(bit, q.req.Windows), Filter: func(id uint32) bool {
					en := e.entries[id]
					r, _ := e.check(en, q, geo.DistanceRD(en.rd, q.rd))
					return r == fits
				}}, hits)
				for _, h := range hits {
					// Distances from the float64 positions, not the
					// index's float32 ones, so results do not depend on
					// how they were found.
					en := e.entries[h.ID]
					nr.Options = append(nr.Options, e.candidate(en, q, geo.DistanceRD(en.rd, q.rd)))
				}
			}
		}
		e.finish(&res, nr, q, bit, limit)
	}
	return res
}

// finish ranks a need's candidates, keeps the best limit of them, explains
// a need without any, and adds the need to res.
func (e *Engine) finish(res *Result, nr NeedResult, q *query, bit uint64, limit int) {
	sortCandidates(nr.Options)
	if len(nr.Options) > limit {
		nr.Options = nr.Options[:limit]
	}
	e.explainAll(nr.Options, q)
	if len(nr.Options) > 0 {
		nr.Coverage = Coverage{Covered: true}
	} else {
		nr.Coverage = e.diagnose(q, nr.Need, bit)
		res.Uncovered = append(res.Uncovered, nr.Need)
	}
	res.Needs = append(res.Needs, nr)
}

// source is one index with the radius that bounds a search in it.
type source struct {
	ix     *geo.Index
	radius float64
}

// nearest runs gq on a source. For volunteers and a resident who states
// languages, it searches the language indexes of those languages and of
// volunteers without one, and merges their hits: the K nearest of the
// union are among the K nearest of each part.
func (e *Engine) nearest(src source, q *query, gq geo.Query, dst []geo.Hit) []geo.Hit {
	if src.ix != e.indexes[KindVolunteer] || len(q.req.Languages) == 0 {
		return src.ix.Nearest(gq, dst)
	}
	dst = dst[:0]
	var part []geo.Hit
	for _, l := range append([]string{noLanguage}, q.req.Languages...) {
		if ix, ok := e.byLang[l]; ok {
			part = ix.Nearest(gq, part)
			dst = append(dst, part...)
		}
	}
	slices.SortFunc(dst, func(a, b geo.Hit) int {
		if a.Dist != b.Dist {
			if a.Dist < b.Dist {
				return -1
			}
			return 1
		}
		return int(a.ID) - int(b.ID)
	})
	dst = slices.CompactFunc(dst, func(a, b geo.Hit) bool { return a.ID == b.ID })
	if len(dst) > gq.K {
		dst = dst[:gq.K]
	}
	return dst
}

func (e *Engine) sources(q *query) []source {
	out := []source{
		{e.indexes[KindVolunteer], e.travel.max()},
		{e.indexes[KindInitiative], e.reach.max()},
	}
	if q.req.Mobility != "homebound" {
		out = append(out, source{e.indexes[KindProvision], q.req.MaxDistanceM}, source{e.indexes[KindActivity], q.req.MaxDistanceM})
	}
	return out
}

// candidate describes a fitting option.
func (e *Engine) candidate(en *entry, q *query, d float64) Candidate {
	_, next := e.check(en, q, d)
	score, overlap := e.score(en, q, d, q.now)
	c := Candidate{
		OptionID: en.ID, Kind: en.Kind.String(), Name: en.Name, Level: int(en.Kind.Level()),
		DistanceM: math.Round(d), Score: score, OverlapMinutes: overlap, Capacity: en.Capacity,
		NextOccurrence: next, Municipality: en.Municipality, OwnerID: en.Owner,
	}
	c.NeedsCovered = []string{}
	for _, n := range q.req.Needs {
		if e.helpBits[n]&en.help != 0 {
			c.NeedsCovered = append(c.NeedsCovered, n)
		}
	}
	if len(q.req.Needs) == 0 { // a search for any help: say what it offers
		c.NeedsCovered = append(c.NeedsCovered, en.HelpTypes...)
	}
	switch {
	case en.Kind == KindActivity && next != nil:
		c.PlacesFree = en.Capacity - en.SpotsTaken[next.Unix()]
	case en.Capacity > 0:
		c.PlacesFree = en.Capacity - en.Used
	}
	if en.Kind != KindVolunteer {
		c.Location = &[2]float64{en.Location[0], en.Location[1]}
	}
	return c
}

// explainAll writes the explanations of the candidates that are kept; the
// pool holds several times more, so they are written only now.
func (e *Engine) explainAll(cs []Candidate, q *query) {
	for i := range cs {
		cs[i].Explanation = e.explain(e.entries[e.byID[cs[i].OptionID]], q, cs[i])
	}
}

func (e *Engine) explain(en *entry, q *query, c Candidate) string {
	parts := []string{formatDistance(c.DistanceM)}
	if en.Kind == KindInitiative {
		parts[0] += " · serves this address"
	}
	labels := make([]string, len(c.NeedsCovered))
	for i, n := range c.NeedsCovered {
		labels[i] = strings.ToLower(e.helpLabel[n])
	}
	if len(labels) > 0 {
		parts = append(parts, joinAnd(labels))
	}
	switch {
	case c.NextOccurrence != nil:
		parts = append(parts, "next "+c.NextOccurrence.Format("Mon 2 Jan 15:04"))
	case c.OverlapMinutes > 0:
		parts = append(parts, q.req.Windows.And(en.Week).Describe(2)+" overlaps")
	case !en.Week.Empty() && q.req.Windows.Empty():
		parts = append(parts, "available "+en.Week.Describe(2))
	}
	switch {
	case en.Kind == KindActivity:
		parts = append(parts, fmt.Sprintf("%d of %d spots free", c.PlacesFree, c.Capacity))
	case c.Capacity > 0:
		parts = append(parts, fmt.Sprintf("%d of %d places free", c.PlacesFree, c.Capacity))
	default:
		parts = append(parts, "open to all")
	}
	return strings.Join(parts, " · ")
}

func formatDistance(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f m", math.Round(m/10)*10)
	}
	return fmt.Sprintf("%.1f km", m/1000)
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// elsewhere reports a volunteer of another municipality than the one the
// query is limited to (Request.Municipality).
func elsewhere(en *entry, q *query) bool {
	return en.Kind == KindVolunteer && q.req.Municipality != "" && en.Municipality != q.req.Municipality
}

// diagnose explains why a need has no option: it looks at every option of
// that help type around the resident and reports the first filter that
// left none.
func (e *Engine) diagnose(q *query, need string, bit uint64) Coverage {
	label := strings.ToLower(e.helpLabel[need])
	if bit == 0 {
		return Coverage{Reason: "none_of_type", Detail: fmt.Sprintf("%q is not a known help type", need)}
	}
	var counts [mobility + 1]int
	nearest := math.Inf(1)
	total := 0
	for k, src := range e.indexes {
		radius := float64(diagnosticRadiusM)
		switch Kind(k) {
		case KindVolunteer:
			radius = math.Max(radius, e.travel.max())
		case KindInitiative:
			radius = math.Max(radius, e.reach.max())
		}
		src.Within(q.rd, radius, e.indexMask(bit, Week{}), func(id uint32, d float64) bool {
			en := e.entries[id]
			if elsewhere(en, q) {
				return true // not even counted: their number is not this municipality's business
			}
			r, _ := e.check(en, q, d)
			counts[r]++
			total++
			nearest = math.Min(nearest, d)
			return true
		})
	}
	switch {
	case total == 0:
		return Coverage{Reason: "none_of_type", Detail: fmt.Sprintf("no active option offers %s within %d km", label, diagnosticRadiusM/1000)}
	case counts[outOfReach] == total:
		return Coverage{Reason: "none_in_reach", Detail: fmt.Sprintf("%d option(s) offer %s, the nearest %s away, but none within reach", total, label, formatDistance(nearest))}
	case counts[full] > 0 && counts[noTimeOverlap] == 0 && counts[full]+counts[outOfReach] == total:
		return Coverage{Reason: "all_full", Detail: fmt.Sprintf("%d option(s) for %s within reach are full", counts[full], label)}
	case counts[noTimeOverlap] > 0 && counts[noTimeOverlap]+counts[full]+counts[outOfReach] == total:
		return Coverage{Reason: "no_time_overlap", Detail: fmt.Sprintf("%d option(s) for %s within reach have no time in common with the resident (%d full)", counts[noTimeOverlap], label, counts[full])}
	}
	return Coverage{Reason: "not_suitable", Detail: fmt.Sprintf("%d option(s) for %s within reach do not suit: %d language, %d target group, %d age, %d mobility",
		total-counts[outOfReach], label, counts[language], counts[targetGroup], counts[age], counts[mobility])}
}

// NearbyQuery is a search without a case: what is around a point.
type NearbyQuery struct {
	Location  orb.Point // lon/lat
	RadiusM   float64
	HelpTypes []string // empty means all
	Kinds     []Kind   // empty means all
	Limit     int
	// Municipality, when set, leaves out volunteers of other
	// municipalities (see Request.Municipality).
	Municipality string
}

// Nearby lists active options within the radius that offer one of the
// help types, nearest first (ties by id). Volunteers count only when they
// travel as far as the point, initiatives only when they serve it.
func (e *Engine) Nearby(nq NearbyQuery) []Candidate {
	if nq.Limit <= 0 {
		nq.Limit = DefaultLimit
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	mask := e.maskOf(nq.HelpTypes)
	if len(nq.HelpTypes) == 0 {
		mask = 0
	} else if mask == 0 {
		return []Candidate{}
	}
	q := &query{req: Request{Location: nq.Location, Needs: nq.HelpTypes, MaxDistanceM: nq.RadiusM, Municipality: nq.Municipality}, rd: geo.ToRD(nq.Location), needMask: mask, now: e.now()}
	var all []geo.Hit
	var hits []geo.Hit
	for _, k := range []Kind{KindVolunteer, KindInitiative, KindProvision, KindActivity} {
		if len(nq.Kinds) > 0 && !slices.Contains(nq.Kinds, k) {
			continue
		}
		hits = e.indexFor(k).Nearest(geo.Query{Center: q.rd, K: nq.Limit, Radius: nq.RadiusM + indexSlackM, Mask: e.indexMask(mask, Week{}), Filter: func(id uint32) bool {
			en := e.entries[id]
			d := geo.DistanceRD(en.rd, q.rd)
			if d > nq.RadiusM {
				return false
			}
			r, _ := e.check(en, q, d)
			return r == fits
		}}, hits)
		all = append(all, hits...)
	}
	slices.SortFunc(all, func(a, b geo.Hit) int {
		if a.Dist != b.Dist {
			if a.Dist < b.Dist {
				return -1
			}
			return 1
		}
		return strings.Compare(e.entries[a.ID].ID, e.entries[b.ID].ID)
	})
	if len(all) > nq.Limit {
		all = all[:nq.Limit]
	}
	out := make([]Candidate, len(all))
	for i, h := range all {
		en := e.entries[h.ID]
		out[i] = e.candidate(en, q, geo.DistanceRD(en.rd, q.rd))
	}
	e.explainAll(out, q)
	return out
}
