package synth

import (
	"cmp"
	"container/heap"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
)

// HistoryConfig says what History makes of a dataset.
type HistoryConfig struct {
	// Seed selects the history; the same Seed, Now, Months and dataset
	// give the same records.
	Seed int64
	// Now is the end of the history: every record is created before it,
	// and what would happen after it has not happened yet. Required.
	Now time.Time
	// Months is how long the municipality has used dichtbij: the
	// requests are created over the Months months before Now. 1 to 36.
	Months int
	// Team is the social team every request, search, referral and
	// specialist referral belongs to (Meta.Team); the demo uses "demo".
	Team string
}

// HistoryRecords are the records History makes besides the requests it
// rewrites. Within each slice, records are in creation order, which is
// also the order of their IDs.
type HistoryRecords struct {
	// Searches are the zero-line searches run for the requests.
	Searches []care.Search
	// Referrals are the requests' referrals to options of the dataset.
	Referrals []care.Referral
	// Specialists are the referrals to specialist care.
	Specialists []care.Specialist
}

// History turns a dataset's open requests into the casework of a
// municipality that has used dichtbij for cfg.Months months, as if the
// server had recorded it: requests created over that period (the recent
// ones still open or in progress, older ones mostly closed), each with
// consents, ZRM scores, zero-line searches, referrals that follow the
// referral states to their outcome, waiting lists, no-shows, follow-ups,
// specialist referrals through the gate (or a safety override), step-downs
// and re-entries.
//
// It plays the period through in time order: each search runs the real
// matching engine over the options that existed then, with the places
// taken at that moment, so gaps fall where the dataset has no option of a
// help type within reach (scarce help types, outer neighbourhoods) and
// options fill up. A referral goes to an option the search found, claims
// a place when accepted (never more than its capacity), and frees it when
// it ends, promoting the first on the waiting list. Records carry Meta as
// the server writes it (Municipality of the request, Team cfg.Team, IDs
// that sort by creation time).
//
// History changes ds in place:
//   - requests: new creation times and IDs, Municipality (from the Area)
//     and Team, consents, 2–4 ZRM domains scored 1–4 at intake (and at
//     closure), and the lifecycle; the other fields stay;
//   - volunteers, initiatives and provisions: they registered on the
//     platform over the period (10 %, 25 % and 50 % of them before it
//     starts, the rest more and more often as the year goes on), so
//     supply grows and early searches find gaps more often; their
//     CreatedAt, UpdatedAt and IDs change to match, in the same order;
//   - activities: their owners' new IDs, and recurring schedules moved
//     back by whole weeks so that they took place over the period (after
//     their owner registered), with creation times and IDs to match;
//     ds.Activities is re-sorted by creation.
//
// It reads no clock and no global random source: the same dataset and
// cfg give the same result.
func History(ds *Dataset, cfg HistoryConfig) (HistoryRecords, error) {
	switch {
	case ds == nil:
		return HistoryRecords{}, fmt.Errorf("synth: History: dataset is nil: %w", ErrConfig)
	case cfg.Now.IsZero():
		return HistoryRecords{}, fmt.Errorf("synth: HistoryConfig.Now is zero; set a fixed time so the history repeats: %w", ErrConfig)
	case cfg.Months < 1 || cfg.Months > 36:
		return HistoryRecords{}, fmt.Errorf("synth: HistoryConfig.Months is %d; want 1 to 36: %w", cfg.Months, ErrConfig)
	}
	s, err := newSim(ds, cfg)
	if err != nil {
		return HistoryRecords{}, err
	}
	s.retimeActivities(ds, s.retimeOptions(ds))
	if err := s.loadOptions(ds); err != nil {
		return HistoryRecords{}, err
	}
	s.prepareRequests(ds)
	s.run()
	if s.err != nil {
		return HistoryRecords{}, s.err
	}
	return s.finish(), nil
}

// ID tags of the records History adds, after the dataset's own (synth.go).
const (
	tagSearch byte = tagRequest + 1 + iota
	tagReferral
	tagSpecialist
)

// sim plays a municipality's casework through in time order.
type sim struct {
	cfg     HistoryConfig
	now     time.Time // cfg.Now in UTC, to the millisecond
	start   time.Time // Months before now
	seed    uint64
	seedTag uint16
	loc     *time.Location
	err     error

	// The matching engine holds the options that exist at clock, with
	// the places taken then.
	eng     *matching.Engine
	clock   time.Time
	opts    []*hopt // by creation time
	nextOpt int     // opts[:nextOpt] are in the engine
	byID    map[string]*hopt
	pools   map[string]*pool

	queue events
	seq   int
	at    time.Time // the time of the event being played

	reqs     []*hreq
	refs     []*href
	searches []care.Search
	specs    []*hspec
	counter  map[byte]uint64
}

// hopt is an option as the simulation sees it.
type hopt struct {
	id, kind string
	created  time.Time
	capacity int // 0: no limit (provisions)
	o        matching.Option
	// occ are an activity's occurrences over the period and the eight
	// weeks after it; dur its duration.
	occ      []time.Time
	dur      time.Duration
	inEngine bool
}

// pool is the places of one option (one occurrence for activities).
type pool struct {
	opt      *hopt
	occ      int64 // Unix start of the occurrence, activities only
	holders  []*href
	line     []*href // waiting, in line order
	capacity int
}

// hreq is a request with what the simulation keeps of it.
type hreq struct {
	r   *care.Request
	rnd *rand.Rand
	// episode counts (re)openings: events of an earlier episode are void.
	episode   int
	scheduled int // events of this episode still to come that may refer or close
	refs      []*href
	specs     []*hspec
	// cands are the last search's candidates per need; coverage its
	// outcome per need.
	searches int // searches in this episode
	cands    map[string][]matching.Candidate
	coverage map[string]care.SearchNeed
	tried    map[string]map[string]bool
	attempts map[string]int
	// failed holds the gate code of a need the neighbourhood could not
	// help with in this episode.
	failed  map[string]string
	reentry bool // a second specialist referral is planned
}

// href is a referral with its place.
type href struct {
	ref     care.Referral
	q       *hreq
	opt     *hopt
	episode int
	pool    *pool
	number  int
}

// hspec is a specialist referral.
type hspec struct {
	sp care.Specialist
	q  *hreq
}

func newSim(ds *Dataset, cfg HistoryConfig) (*sim, error) {
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		return nil, fmt.Errorf("synth: load time zone %s: %w", timezone, err)
	}
	now := cfg.Now.UTC().Truncate(time.Millisecond)
	start := now.AddDate(0, -cfg.Months, 0)
	if start.Add(-oldestAge).Unix() < 0 || now.Unix() > math.MaxUint32 {
		return nil, fmt.Errorf("synth: HistoryConfig.Now %v is outside what ObjectID timestamps can hold: %w", cfg.Now, ErrConfig)
	}
	seed := mix(uint64(cfg.Seed) ^ 0x686973746f7279) // "history": other streams than Generate's
	s := &sim{cfg: cfg, now: now, start: start, seed: seed, seedTag: uint16(seed >> 48), loc: loc,
		byID: map[string]*hopt{}, pools: map[string]*pool{}, counter: map[byte]uint64{}}
	s.eng, err = matching.New(fromcare.HelpTypes(), func() time.Time { return s.clock })
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return s, nil
}

// stream returns the random stream of record i of a kind.
func (s *sim) stream(tag byte, i int) *rand.Rand {
	return rand.New(rand.NewPCG(mix(s.seed^uint64(tag)<<56^uint64(i)), mix(s.seed+uint64(i)+uint64(tag))))
}

// objectID returns an ObjectID-shaped id for a record created at t: 4
// bytes of seconds, the kind tag, 2 bytes of the seed and a 5-byte
// counter, as meta in synth.go makes them.
func (s *sim) objectID(t time.Time, tag byte, n uint64) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(t.Unix()))
	b[4] = tag
	binary.BigEndian.PutUint16(b[5:7], s.seedTag)
	var cnt [8]byte
	binary.BigEndian.PutUint64(cnt[:], n)
	copy(b[7:], cnt[3:])
	return hex.EncodeToString(b[:])
}

// meta returns the metadata of a new record of kind tag for q, created
// now (s.at); the IDs of a kind count up in creation order.
func (s *sim) meta(tag byte, q *hreq, at time.Time) care.Meta {
	n := s.counter[tag]
	s.counter[tag]++
	at = at.UTC().Truncate(time.Millisecond)
	return care.Meta{ID: s.objectID(at, tag, n), Version: 1, CreatedAt: at, UpdatedAt: at,
		Municipality: q.r.Municipality, Team: s.cfg.Team}
}

// dur returns a uniform duration in [lo, hi], in whole seconds.
func dur(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)+1))*time.Second
}

// days returns a log-normal number of days around median, within
// [lo, hi]: most waits are short, a few long.
func days(r *rand.Rand, median, sigma, lo, hi float64) time.Duration {
	d := math.Exp(math.Log(median) + sigma*r.NormFloat64())
	d = math.Min(math.Max(d, lo), hi)
	return time.Duration(d * float64(day)).Truncate(time.Second)
}

// --- options ---

// Shares of each kind of option already on the platform when the period
// starts (imported or signed up in the weeks before); the rest registers
// over the period, so supply grows as the municipality uses dichtbij.
const (
	volunteersAtStart  = 0.1
	initiativesAtStart = 0.25
	provisionsAtStart  = 0.5
)

// retimeOptions gives volunteers, initiatives and provisions the time
// they registered on the platform: a share in the six weeks before the
// period, the rest spread over it (until a week before Now), in their
// dataset order, which stays their creation order. Their IDs are made
// anew to match; it returns the new ID of every old one.
func (s *sim) retimeOptions(ds *Dataset) map[string]string {
	ids := map[string]string{}
	launch, end := s.start.Add(-42*day), s.now.Add(-7*day)
	at := func(i, n int, share float64) time.Time {
		x := (float64(i) + 0.5) / float64(n)
		if x < share {
			return launch.Add(time.Duration(x / share * float64(s.start.Sub(launch)))).Truncate(time.Millisecond)
		}
		// Sign-ups pick up as the platform becomes known: the number
		// registered grows with the square of the time since the start.
		return s.start.Add(time.Duration(math.Sqrt((x-share)/(1-share)) * float64(end.Sub(s.start)))).Truncate(time.Millisecond)
	}
	retime := func(m *care.Meta, tag byte, i, n int, share float64) {
		t := at(i, n, share)
		old := m.ID
		m.ID, m.CreatedAt, m.UpdatedAt = s.objectID(t, tag, uint64(i)), t, t
		ids[old] = m.ID
	}
	for i := range ds.Volunteers {
		retime(&ds.Volunteers[i].Meta, tagVolunteer, i, len(ds.Volunteers), volunteersAtStart)
	}
	for i := range ds.Initiatives {
		retime(&ds.Initiatives[i].Meta, tagInitiative, i, len(ds.Initiatives), initiativesAtStart)
	}
	for i := range ds.Provisions {
		retime(&ds.Provisions[i].Meta, tagProvision, i, len(ds.Provisions), provisionsAtStart)
	}
	return ids
}

// --- activities ---

// retimeActivities points the activities at their owners' new IDs and
// moves every recurring activity's schedule back by whole weeks, so that
// it first took place shortly before the period (or shortly after its
// owner registered) and runs on to after Now as before; one-off
// activities stay upcoming. Creation times move with the schedule (never
// before the owner's), IDs are made anew and the activities re-sorted by
// creation.
func (s *sim) retimeActivities(ds *Dataset, ownerIDs map[string]string) {
	owners := map[string]time.Time{}
	for _, p := range ds.Provisions {
		owners[p.ID] = p.CreatedAt
	}
	for _, in := range ds.Initiatives {
		owners[in.ID] = in.CreatedAt
	}
	for i := range ds.Activities {
		a := &ds.Activities[i]
		if a.ProvisionID != "" {
			a.ProvisionID = ownerIDs[a.ProvisionID]
		} else {
			a.InitiativeID = ownerIDs[a.InitiativeID]
		}
		owner := owners[cmp.Or(a.ProvisionID, a.InitiativeID)]
		if !a.CreatedAt.After(owner) {
			// Created before its owner registered: halfway from then to
			// now (a schedule moved below moves it again).
			a.CreatedAt = owner.Add(s.now.Sub(owner) / 2).Truncate(time.Millisecond)
			a.UpdatedAt = a.CreatedAt
		}
		sc := a.Schedule
		if sc == nil || sc.RRule == "" {
			continue
		}
		r := s.stream(tagActivity, i)
		loc, err := time.LoadLocation(sc.Timezone)
		if err != nil {
			continue
		}
		oldStart, err := time.ParseInLocation(care.LocalTimeLayout, sc.Start, loc)
		if err != nil {
			continue
		}
		target := s.start.Add(-dur(r, 0, 45*day))
		if earliest := owner.Add(dur(r, 2*day, 30*day)); target.Before(earliest) {
			target = earliest
		}
		if !oldStart.After(target) {
			continue
		}
		weeks := int(oldStart.Sub(target) / (7 * day))
		cp := *sc
		cp.Start = oldStart.AddDate(0, 0, -7*weeks).Format(care.LocalTimeLayout)
		cp.ExDates = nil
		for _, x := range sc.ExDates {
			if t, err := time.ParseInLocation(care.LocalTimeLayout, x, loc); err == nil {
				cp.ExDates = append(cp.ExDates, t.AddDate(0, 0, -7*weeks).Format(care.LocalTimeLayout))
			}
		}
		newStart, _ := time.ParseInLocation(care.LocalTimeLayout, cp.Start, loc)
		// A monthly rule's nth weekday falls on another date: start at
		// the rule's first occurrence.
		occ, err := cp.Occurrences(newStart, newStart.AddDate(0, 2, 0))
		if err != nil || len(occ) == 0 {
			continue
		}
		cp.Start = occ[0].In(loc).Format(care.LocalTimeLayout)
		created := occ[0].Add(-oldStart.Sub(a.CreatedAt))
		if !created.After(owner) || !created.Before(s.now) {
			created = owner.Add(min(occ[0].Sub(owner), s.now.Sub(owner)) / 2)
		}
		created = created.UTC().Truncate(time.Millisecond)
		a.Schedule = &cp
		a.CreatedAt, a.UpdatedAt = created, created
	}
	slices.SortStableFunc(ds.Activities, func(a, b care.Activity) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range ds.Activities {
		ds.Activities[i].ID = s.objectID(ds.Activities[i].CreatedAt, tagActivity, uint64(i))
	}
}

// loadOptions prepares every option for the engine, by creation time.
func (s *sim) loadOptions(ds *Dataset) error {
	add := func(kind string, o matching.Option, created time.Time, capacity int) *hopt {
		h := &hopt{id: o.ID, kind: kind, created: created, capacity: capacity, o: o}
		s.opts = append(s.opts, h)
		s.byID[o.ID] = h
		return h
	}
	for _, v := range ds.Volunteers {
		add("volunteer", fromcare.Volunteer(v), v.CreatedAt, v.Capacity)
	}
	for _, in := range ds.Initiatives {
		add("initiative", fromcare.Initiative(in), in.CreatedAt, in.Capacity)
	}
	wheelchair := map[string]bool{}
	for _, p := range ds.Provisions {
		o := fromcare.Provision(p)
		wheelchair[p.ID] = o.WheelchairAccess
		add("provision", o, p.CreatedAt, 0)
	}
	from, to := s.start.AddDate(0, 0, -7), s.now.Add(fromcare.OccurrenceWindow)
	for _, a := range ds.Activities {
		o, err := fromcare.Activity(a, from, wheelchair[a.ProvisionID])
		if err != nil {
			return fmt.Errorf("synth: History: %w", err)
		}
		occ, err := a.Schedule.Occurrences(from, to)
		if err != nil {
			return fmt.Errorf("synth: History: activity %s: %w", a.ID, err)
		}
		o.Occurrences = occ
		h := add("activity", o, a.CreatedAt, a.SpotsPerOccurrence)
		h.occ, h.dur = occ, time.Duration(a.Schedule.DurationMinutes)*time.Minute
	}
	slices.SortStableFunc(s.opts, func(a, b *hopt) int { return a.created.Compare(b.created) })
	return nil
}

// syncEngine puts the options created up to t into the engine.
func (s *sim) syncEngine(t time.Time) {
	s.clock = t
	for s.nextOpt < len(s.opts) && !s.opts[s.nextOpt].created.After(t) {
		h := s.opts[s.nextOpt]
		h.inEngine = true
		s.upsert(h)
		s.nextOpt++
	}
}

func (s *sim) upsert(h *hopt) {
	if !h.inEngine {
		return
	}
	if err := s.eng.Upsert(h.o); err != nil && s.err == nil {
		s.err = fmt.Errorf("synth: History: %w", err)
	}
}

// --- requests ---

// Request values of the history.
var (
	// historyDomainCount and historyIntake: 2–4 ZRM domains, scored 1–4 at intake (requests
	// that reach a social team are rarely fully self-reliant).
	historyDomainCount = weighted(entry[int]{2, 45}, entry[int]{3, 40}, entry[int]{4, 15})
	historyIntake      = weighted(entry[int]{1, 10}, entry[int]{2, 35}, entry[int]{3, 40}, entry[int]{4, 15})
)

// prepareRequests spreads the requests' creation over the period (a few
// more in recent months, as use grows; on weekdays, in office hours),
// gives them consents and ZRM scores, and queues their creation.
func (s *sim) prepareRequests(ds *Dataset) {
	r := s.stream(0xff, 0)
	n := len(ds.Requests)
	span := s.now.Sub(s.start)
	spanDays := int(span / day)
	times := make([]time.Time, n)
	for i := range times {
		// Density rising from 0.7 to 1.3 over the period.
		u := r.Float64()
		x := (-0.7 + math.Sqrt(0.49+1.2*u)) / 0.6
		d := s.start.Add(time.Duration(x * float64(span))).In(s.loc)
		y, m, dd := d.Date()
		date := time.Date(y, m, dd, 12, 0, 0, 0, time.UTC)
		switch date.Weekday() {
		case time.Saturday:
			date = date.AddDate(0, 0, oneOf(r, []int{-1, 2}))
		case time.Sunday:
			date = date.AddDate(0, 0, oneOf(r, []int{-2, 1}))
		}
		minutes := between(r, 8*60+30, 17*60)
		t := time.Date(date.Year(), date.Month(), date.Day(), minutes/60, minutes%60, between(r, 0, 59), 0, s.loc).UTC()
		for !t.Before(s.now) || t.Before(s.start) { // the edges of the period
			t = s.start.Add(dur(r, time.Hour, time.Duration(spanDays)*day-time.Hour))
		}
		times[i] = t
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i := range ds.Requests {
		rq := &ds.Requests[i]
		at := times[i].Truncate(time.Millisecond)
		rr := s.stream(tagRequest, i)
		rq.Meta = care.Meta{ID: s.objectID(at, tagRequest, uint64(i)), Version: 1, CreatedAt: at, UpdatedAt: at,
			Municipality: rq.Area.MunicipalityCode, Team: s.cfg.Team}
		rq.Status, rq.Steps = care.ReqOpen, []care.Step{{State: care.ReqOpen, At: at}}
		rq.NeedsChangedAt = at
		rq.LastSearch, rq.FirstContactAt, rq.MatchedAt = nil, nil, nil
		rq.Closure, rq.ClosureNote, rq.StepDowns = "", "", 0
		var consents []string
		if chance(rr, 0.92) {
			consents = append(consents, care.ConsentShareVolunteer)
		}
		if chance(rr, 0.94) {
			consents = append(consents, care.ConsentShareProvision)
		}
		if chance(rr, 0.9) {
			consents = append(consents, care.ConsentMonitoring)
		}
		rq.Consents = consents
		rq.ConsentHistory = care.ConsentChanges(nil, consents, at)
		domains := distinct(rr, lifeDomains, historyDomainCount.pick(rr))
		rq.LifeDomains = make([]care.DomainScore, len(domains))
		for k, d := range domains {
			rq.LifeDomains[k] = care.DomainScore{Domain: d, IntakeScore: ptr(historyIntake.pick(rr))}
		}
		q := &hreq{r: rq, rnd: rr}
		q.resetEpisode()
		s.reqs = append(s.reqs, q)
		s.schedule(at, func() { s.created(q) })
	}
}

func (q *hreq) resetEpisode() {
	q.scheduled, q.searches = 0, 0
	q.cands, q.coverage = map[string][]matching.Candidate{}, map[string]care.SearchNeed{}
	q.attempts, q.failed = map[string]int{}, map[string]string{}
	if q.tried == nil {
		q.tried = map[string]map[string]bool{}
	}
}

// touch records a write of the request at t.
func (s *sim) touch(q *hreq, t time.Time) {
	q.r.Version++
	q.r.UpdatedAt = t.UTC().Truncate(time.Millisecond)
}

// setStatus moves the request to status st at t, as the server does.
func (s *sim) setStatus(q *hreq, st string, t time.Time) {
	if !care.CanMoveRequest(q.r.Status, st) {
		s.fail("request %s cannot move from %s to %s", q.r.ID, q.r.Status, st)
		return
	}
	q.r.Status = st
	q.r.Steps = append(q.r.Steps, care.Step{State: st, At: t.UTC().Truncate(time.Millisecond)})
}

func (s *sim) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("synth: History: "+format, args...)
	}
}

// --- the event queue ---

type event struct {
	at  time.Time
	seq int
	fn  func()
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if c := e[i].at.Compare(e[j].at); c != 0 {
		return c < 0
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// schedule queues fn at t (never before the event being played).
func (s *sim) schedule(t time.Time, fn func()) {
	if t.Before(s.at) {
		t = s.at
	}
	s.seq++
	heap.Push(&s.queue, event{at: t.UTC().Truncate(time.Millisecond), seq: s.seq, fn: fn})
}

// later queues fn for request q at t, counted as pending until it runs;
// it does not run when the request was reopened (or closed) meanwhile.
func (s *sim) later(q *hreq, t time.Time, fn func()) {
	ep := q.episode
	q.scheduled++
	s.schedule(t, func() {
		if q.episode != ep {
			return
		}
		q.scheduled--
		if q.r.Status == care.ReqClosed {
			return
		}
		fn()
	})
}

// run plays every event up to Now.
func (s *sim) run() {
	for s.queue.Len() > 0 && s.err == nil {
		ev := heap.Pop(&s.queue).(event)
		if ev.at.After(s.now) {
			return
		}
		s.at = ev.at
		ev.fn()
	}
}

// --- what happens to a request ---

// created plans a new request's first search, or an immediate specialist
// referral when the resident is not safe.
func (s *sim) created(q *hreq) {
	r := q.rnd
	if (q.r.Urgency == "crisis" && chance(r, 0.3)) || (q.r.Urgency == "high" && chance(r, 0.02)) {
		ep := q.episode
		s.schedule(s.at.Add(dur(r, 30*time.Minute, 3*day)), func() {
			if q.episode == ep && q.r.Status != care.ReqClosed {
				s.toSpecialist(q, q.r.Needs, true)
			}
		})
	}
	wait := days(r, 0.6, 1.2, 0.01, 12)
	s.later(q, s.at.Add(wait), func() { s.search(q) })
}

// search runs the zero-line search for q now and refers its covered
// needs that have no referral going.
func (s *sim) search(q *hreq) {
	t := s.at
	s.syncEngine(t)
	res := s.eng.Match(fromcare.Request(*q.r), matching.DefaultLimit)
	sr := care.Search{Meta: s.meta(tagSearch, q, t), RequestID: q.r.ID}
	q.cands, q.coverage = map[string][]matching.Candidate{}, map[string]care.SearchNeed{}
	for _, n := range res.Needs {
		sn := care.SearchNeed{Need: n.Need, OptionIDs: []string{}, Covered: n.Coverage.Covered, Reason: n.Coverage.Reason, Detail: n.Coverage.Detail}
		for _, o := range n.Options {
			sn.OptionIDs = append(sn.OptionIDs, o.OptionID)
		}
		sr.Needs = append(sr.Needs, sn)
		q.cands[n.Need] = n.Options
		q.coverage[n.Need] = sn
	}
	s.searches = append(s.searches, sr)
	q.searches++
	q.r.LastSearch = &care.SearchRef{ID: sr.ID, At: sr.CreatedAt}
	if q.r.Status == care.ReqOpen {
		s.setStatus(q, care.ReqSearched, t)
	}
	s.touch(q, t)
	r := q.rnd
	for _, need := range q.r.Needs {
		if q.helping(need) || !q.coverage[need].Covered {
			continue
		}
		if chance(r, 0.02) {
			q.failed[need] = "resident_refuses"
			continue
		}
		delete(q.failed, need)
		s.planReferral(q, need, "all_declined", t.Add(dur(r, 5*time.Minute, 36*time.Hour)))
	}
	s.settle(q)
}

// helping reports whether a need has a referral going: proposed,
// waiting, accepted or started.
func (q *hreq) helping(need string) bool {
	for _, h := range q.refs {
		if h.ref.Need == need && len(care.NextStates(h.ref.State)) > 0 {
			return true
		}
	}
	return false
}

// pending reports whether anything of the request is still under way:
// events to come, or referrals that have not started or ended.
func (q *hreq) pending() bool {
	if q.scheduled > 0 {
		return true
	}
	for _, h := range q.refs {
		switch h.ref.State {
		case care.RefProposed, care.RefWaitlisted, care.RefAccepted:
			return true
		}
	}
	return false
}

// pick chooses the option a worker refers a need to from the last
// search: mostly the first, sometimes one further down, never one tried
// before or one the resident's consents do not allow.
func (s *sim) pick(q *hreq, need string) *hopt {
	var ok []*hopt
	for _, c := range q.cands[need] {
		h := s.byID[c.OptionID]
		// The server refers only to options of the request's own
		// municipality, with the consent their kind needs.
		if h == nil || q.tried[need][h.id] || h.o.Municipality != q.r.Municipality || !q.r.HasConsent(care.ConsentFor(h.kind)) {
			continue
		}
		ok = append(ok, h)
	}
	if len(ok) == 0 {
		return nil
	}
	i := 0
	for i < len(ok)-1 && chance(q.rnd, 0.35) {
		i++
	}
	return ok[i]
}

// planReferral refers need to an option from the last search at t. When
// none is left, the need fails: with the gate code code after earlier
// tries, else because the resident's consents rule out what was found,
// or because only options across the border were found.
func (s *sim) planReferral(q *hreq, need, code string, t time.Time) {
	h := s.pick(q, need)
	if h == nil {
		if q.attempts[need] == 0 {
			code = "no_option_within_reach"
			for _, c := range q.cands[need] {
				switch o := s.byID[c.OptionID]; {
				case o == nil || o.o.Municipality != q.r.Municipality:
				case q.tried[need][o.id]:
					code = "all_declined" // in an earlier episode
				default:
					code = "resident_refuses" // no consent for what was found
				}
			}
		}
		q.failed[need] = code
		return
	}
	if q.tried[need] == nil {
		q.tried[need] = map[string]bool{}
	}
	q.tried[need][h.id] = true
	q.attempts[need]++
	s.later(q, t, func() { s.propose(q, need, h) })
}

// propose creates the referral and plans the owner's answer.
func (s *sim) propose(q *hreq, need string, h *hopt) {
	t, r := s.at, q.rnd
	var occ time.Time
	if h.kind == "activity" {
		// An occurrence that leaves the owner a day to answer.
		i, _ := slices.BinarySearchFunc(h.occ, t.Add(20*time.Hour), func(a, b time.Time) int { return a.Compare(b) })
		if i == len(h.occ) || h.occ[i].After(t.Add(35*day)) {
			q.failed[need] = cmp.Or(q.failed[need], "all_full")
			s.settle(q)
			return
		}
		occ = h.occ[i]
	}
	ref := care.Referral{Meta: s.meta(tagReferral, q, t), ReferralFields: care.ReferralFields{Need: need, OptionID: h.id, Note: noteFor(r, h.kind)},
		RequestID: q.r.ID, OptionKind: h.kind, State: care.RefProposed, Steps: []care.Step{{State: care.RefProposed, At: t}}}
	if h.kind == "activity" {
		ref.Occurrence = occ.In(s.loc).Format(care.LocalTimeLayout)
		ref.OccurrenceAt = ptr(occ.UTC())
	}
	x := &href{ref: ref, q: q, opt: h, episode: q.episode}
	x.pool = s.poolOf(x)
	q.refs = append(q.refs, x)
	s.refs = append(s.refs, x)
	if q.r.Status == care.ReqOpen || q.r.Status == care.ReqSearched {
		s.setStatus(q, care.ReqReferred, t)
		s.touch(q, t)
	}
	// The owner's answer: mostly yes within days, sometimes no, now and
	// then none at all (the proposal expires after 14 days).
	answer := days(r, 2.0, 0.85, 0.05, 13.5)
	if h.kind == "activity" {
		window := occ.Sub(t) - 2*time.Hour
		answer = min(answer, time.Duration(float64(window)*(0.2+0.7*r.Float64()))).Truncate(time.Second)
	}
	switch x := r.Float64(); {
	case x < 0.77:
		s.schedule(t.Add(answer), func() { s.accept(q.refByID(ref.ID), false) })
	case x < 0.92:
		s.schedule(t.Add(answer), func() { s.move(q.refByID(ref.ID), care.RefProposed, care.RefDeclined, oneOf(r, declineReasons), "") })
	default:
		s.schedule(t.Add(14*day+dur(r, 0, time.Hour)), func() {
			s.move(q.refByID(ref.ID), care.RefProposed, care.RefExpired, "no answer within 14 days", "")
		})
	}
}

func (q *hreq) refByID(id string) *href {
	for _, h := range q.refs {
		if h.ref.ID == id {
			return h
		}
	}
	return nil
}

// poolOf returns the places a referral competes for, as the server
// names them; nil for provisions, which have no limit.
func (s *sim) poolOf(x *href) *pool {
	if x.opt.capacity == 0 {
		return nil
	}
	name := x.opt.kind + ":" + x.opt.id
	var occ int64
	if x.ref.OccurrenceAt != nil {
		occ = x.ref.OccurrenceAt.Unix()
		name += fmt.Sprintf("@%d", occ)
	}
	p := s.pools[name]
	if p == nil {
		p = &pool{opt: x.opt, occ: occ, capacity: x.opt.capacity, holders: make([]*href, x.opt.capacity)}
		s.pools[name] = p
	}
	return p
}

// poolName names the places a referral holds, as the server does:
// "<kind>:<option id>", with "@<unix start>" of the occurrence for
// activities.
func poolName(ref care.Referral) string {
	p := ref.OptionKind + ":" + ref.OptionID
	if ref.OccurrenceAt != nil {
		p += fmt.Sprintf("@%d", ref.OccurrenceAt.Unix())
	}
	return p
}

// step moves a referral to state to at t with a reason or outcome.
func (s *sim) step(x *href, to, reason, outcome string, t time.Time) {
	if !care.CanMove(x.ref.State, to) {
		s.fail("referral %s cannot move from %s to %s", x.ref.ID, x.ref.State, to)
		return
	}
	x.ref.State = to
	x.ref.Reason, x.ref.Outcome = cmp.Or(reason, x.ref.Reason), cmp.Or(outcome, x.ref.Outcome)
	x.ref.Steps = append(x.ref.Steps, care.Step{State: to, At: t.UTC().Truncate(time.Millisecond)})
}

// move makes a move that ends a referral (declined, expired, ended,
// completed) if it is still in state from, frees its place and lets the
// request go on.
func (s *sim) move(x *href, from, to, reason, outcome string) {
	if x == nil || x.ref.State != from {
		return
	}
	s.finishRef(x, to, reason, outcome, s.at)
}

func (s *sim) finishRef(x *href, to, reason, outcome string, t time.Time) {
	from := x.ref.State
	s.step(x, to, reason, outcome, t)
	if from == care.RefWaitlisted && x.pool != nil {
		x.pool.line = slices.DeleteFunc(x.pool.line, func(y *href) bool { return y == x })
	}
	if care.HoldsPlace(from) {
		s.release(x, t)
	}
	q := x.q
	if q.r.Status == care.ReqClosed || x.episode != q.episode {
		return
	}
	switch to {
	case care.RefCompleted:
		s.settle(q)
	case care.RefDeclined, care.RefExpired, care.RefEnded:
		if from == care.RefStarted {
			s.settle(q)
			return
		}
		s.retry(q, x)
	}
}

// retry lets the worker try the need again after a referral came to
// nothing: the next option of the search, or a new search when it is
// old; after three tries (or sometimes at once) the need is given up.
func (s *sim) retry(q *hreq, x *href) {
	need, r := x.ref.Need, q.rnd
	code := "all_declined"
	if _, waited := x.ref.EnteredAt(care.RefWaitlisted); waited {
		code = "all_full"
	}
	if q.helping(need) {
		s.settle(q)
		return
	}
	if q.attempts[need] >= 3 || chance(r, 0.25) {
		q.failed[need] = code
		s.settle(q)
		return
	}
	s.later(q, s.at.Add(dur(r, time.Hour, 4*day)), func() {
		if q.helping(need) {
			s.settle(q)
			return
		}
		if s.at.Sub(q.r.LastSearch.At) > 21*day {
			s.search(q)
			return
		}
		s.planReferral(q, need, code, s.at.Add(dur(r, 5*time.Minute, day)))
		s.settle(q)
	})
}

// accept answers a proposal with yes, or takes a referral off the waiting
// list (promoted): it claims a place, or waits when the option is full.
func (s *sim) accept(x *href, promoted bool) {
	if x == nil || (x.ref.State != care.RefProposed && x.ref.State != care.RefWaitlisted) {
		return
	}
	t, q, r := s.at, x.q, x.q.rnd
	if p := x.pool; p != nil {
		n := slices.Index(p.holders, nil)
		if n < 0 {
			if x.ref.State == care.RefProposed {
				s.step(x, care.RefWaitlisted, "", "", t)
				p.line = append(p.line, x)
				s.planWaitExpiry(x)
			}
			return
		}
		p.holders[n] = x
		x.number = n + 1
		x.ref.Place = &care.PlaceRef{Pool: poolName(x.ref), Number: n + 1}
		s.placesChanged(p)
	}
	reason := ""
	if promoted {
		reason = "promoted from the waiting list"
	}
	s.step(x, care.RefAccepted, reason, "", t)
	if q.r.FirstContactAt == nil || t.Before(*q.r.FirstContactAt) {
		q.r.FirstContactAt = ptr(t.UTC().Truncate(time.Millisecond))
		s.touch(q, t)
	}
	s.planStart(x, r)
}

// planWaitExpiry ends a wait: at the occurrence for an activity (the
// maintenance job), after some weeks by the worker otherwise.
func (s *sim) planWaitExpiry(x *href) {
	r := x.q.rnd
	at, reason := s.at.Add(dur(r, 21*day, 42*day)), "Wachtlijst te lang; andere oplossing gezocht"
	if x.ref.OccurrenceAt != nil {
		at, reason = x.ref.OccurrenceAt.Add(dur(r, time.Second, time.Minute)), "the occurrence began while the referral waited"
	}
	id := x.ref.ID
	s.schedule(at, func() { s.move(x.q.refByID(id), care.RefWaitlisted, care.RefExpired, reason, "") })
}

// planStart plans what follows an acceptance: the help starts, the
// resident does not turn up, or it comes to nothing.
func (s *sim) planStart(x *href, r *rand.Rand) {
	t := s.at
	id := x.ref.ID
	get := func() *href {
		y := x.q.refByID(id)
		if y == nil || y.ref.State != care.RefAccepted {
			return nil
		}
		return y
	}
	if x.ref.OccurrenceAt != nil {
		occ := *x.ref.OccurrenceAt
		switch v := r.Float64(); {
		case v < 0.85:
			s.schedule(occ.Add(dur(r, 10*time.Minute, day)), func() {
				if y := get(); y != nil {
					s.startHelp(y)
				}
			})
		case v < 0.93:
			s.schedule(occ.Add(dur(r, 2*time.Hour, 2*day)), func() {
				if y := get(); y != nil {
					s.noShow(y, occ, oneOf(r, noShowNotes))
					s.finishRef(y, care.RefEnded, "Niet verschenen bij de activiteit", "", s.at.Add(time.Minute))
				}
			})
		default:
			s.schedule(t.Add(time.Minute+time.Duration(float64(occ.Sub(t)-time.Hour)*r.Float64())), func() {
				if y := get(); y != nil {
					s.finishRef(y, care.RefEnded, oneOf(r, endBeforeReasons), "", s.at)
				}
			})
		}
		return
	}
	planned := t.Add(days(r, 4, 0.6, 1, 14))
	switch v := r.Float64(); {
	case v < 0.86:
		s.schedule(planned, func() {
			if y := get(); y != nil {
				s.startHelp(y)
			}
		})
	case v < 0.92:
		s.schedule(planned.Add(dur(r, 2*time.Hour, 30*time.Hour)), func() {
			y := get()
			if y == nil {
				return
			}
			s.noShow(y, planned, oneOf(r, noShowNotes))
			if chance(r, 0.65) {
				s.schedule(planned.Add(dur(r, 5*day, 9*day)), func() {
					if y := get(); y != nil {
						s.startHelp(y)
					}
				})
				return
			}
			s.schedule(s.at.Add(dur(r, day, 5*day)), func() {
				if y := get(); y != nil {
					s.finishRef(y, care.RefEnded, "Bewoner meerdere keren niet thuis bij de afspraak", "", s.at)
				}
			})
		})
	default:
		s.schedule(planned, func() {
			if y := get(); y != nil {
				s.finishRef(y, care.RefEnded, oneOf(r, endBeforeReasons), "", s.at)
			}
		})
	}
}

// noShow records that the resident was not there at at.
func (s *sim) noShow(x *href, at time.Time, note string) {
	x.ref.NoShows = append(x.ref.NoShows, care.NoShow{At: at.UTC().Truncate(time.Millisecond), Note: note, RecordedAt: s.at})
}

// startHelp starts the help: follow-ups are set, the request is in progress
// and its review planned, and the end of the help is planned.
func (s *sim) startHelp(x *href) {
	t, q, r := s.at, x.q, x.q.rnd
	s.step(x, care.RefStarted, "", "", t)
	x.ref.FollowUps = care.FollowUpsFrom(t.Truncate(time.Millisecond))
	changed := false
	if q.r.MatchedAt == nil || t.Before(*q.r.MatchedAt) {
		q.r.MatchedAt, changed = ptr(t.UTC().Truncate(time.Millisecond)), true
	}
	if q.r.FirstContactAt == nil {
		q.r.FirstContactAt, changed = ptr(t.UTC().Truncate(time.Millisecond)), true
	}
	if st := q.r.Status; st == care.ReqOpen || st == care.ReqSearched || st == care.ReqReferred {
		s.setStatus(q, care.ReqInProgress, t)
		changed = true
	}
	if changed {
		s.touch(q, t)
	}
	var length time.Duration
	switch x.opt.kind {
	case "activity":
		length = x.opt.dur + dur(r, time.Hour, 3*day)
	case "volunteer":
		length = dur(r, 4*7*day, 24*7*day)
	case "initiative":
		length = dur(r, 4*7*day, 16*7*day)
	default:
		length = dur(r, 2*7*day, 12*7*day)
	}
	id := x.ref.ID
	get := func() *href {
		y := q.refByID(id)
		if y == nil || y.ref.State != care.RefStarted {
			return nil
		}
		return y
	}
	if x.opt.kind != "activity" && chance(r, 0.04) {
		at := t.Add(dur(r, 7*day, min(35*day, length-day)))
		s.schedule(at.Add(dur(r, time.Hour, 8*time.Hour)), func() {
			if y := get(); y != nil {
				s.noShow(y, at, oneOf(r, noShowNotes))
			}
		})
	}
	completed := chance(r, 0.84)
	if x.opt.kind == "activity" {
		completed = chance(r, 0.92)
	}
	s.schedule(t.Add(length), func() {
		if y := get(); y != nil {
			if completed {
				s.finishRef(y, care.RefCompleted, "", oneOf(r, outcomesFor(y.opt.kind)), s.at)
			} else {
				s.finishRef(y, care.RefEnded, oneOf(r, endAfterStartReasons), "", s.at)
			}
		}
	})
	// The worker looks again around the first follow-up.
	s.later(q, t.Add(dur(r, 26*day, 45*day)), func() { s.settle(q) })
}

// release frees a referral's place and hands it to the first in line.
func (s *sim) release(x *href, t time.Time) {
	p := x.pool
	if p == nil || x.number == 0 {
		return
	}
	p.holders[x.number-1] = nil
	x.ref.Place = nil
	s.placesChanged(p)
	for len(p.line) > 0 && slices.Index(p.holders, nil) >= 0 {
		w := p.line[0]
		p.line = p.line[1:]
		if p.occ != 0 && !time.Unix(p.occ, 0).After(t.Add(time.Hour)) {
			// Too late for this occurrence; the wait expires when it begins.
			p.line = append([]*href{w}, p.line...)
			return
		}
		if w.ref.State == care.RefWaitlisted {
			at := s.at
			s.at = t.Add(time.Second)
			s.accept(w, true)
			s.at = at
		}
	}
}

// placesChanged tells the engine how many places of p's option are taken.
func (s *sim) placesChanged(p *pool) {
	taken := 0
	for _, h := range p.holders {
		if h != nil {
			taken++
		}
	}
	h := p.opt
	if p.occ != 0 {
		if h.o.SpotsTaken == nil {
			h.o.SpotsTaken = map[int64]int{}
		}
		h.o.SpotsTaken[p.occ] = taken
	} else {
		h.o.Used = taken
	}
	s.upsert(h)
}

// settle closes the request once nothing is under way: after a short
// while, the worker decides.
func (s *sim) settle(q *hreq) {
	if q.r.Status == care.ReqClosed || q.pending() || q.reentry {
		return
	}
	s.later(q, s.at.Add(dur(q.rnd, time.Hour, 7*day)), func() { s.decide(q) })
}

// decide closes a request with nothing under way: resolved locally when
// help started (now and then withdrawn, or to specialist care for the
// needs the neighbourhood could not meet), otherwise a new search later,
// specialist care, withdrawal or the resident's own network.
func (s *sim) decide(q *hreq) {
	if q.pending() || q.reentry {
		return
	}
	r := q.rnd
	var unhelped []string
	for _, need := range q.r.Needs {
		if !q.helped(need) {
			unhelped = append(unhelped, need)
		}
	}
	helped := len(unhelped) < len(q.r.Needs)
	switch x := r.Float64(); {
	case helped && len(unhelped) > 0 && x < 0.2:
		s.toSpecialist(q, unhelped, false)
	case helped && x < 0.9:
		s.close(q, care.ClosureResolvedLocally, oneOf(r, resolvedNotes))
	case helped && x < 0.95:
		s.toSpecialist(q, q.r.Needs, false)
	case helped:
		s.close(q, care.ClosureWithdrawn, oneOf(r, withdrawnNotes))
	case q.searches < 3 && x < 0.35:
		// Nothing now; the supply grows, so the worker looks again.
		s.later(q, s.at.Add(dur(r, 14*day, 35*day)), func() { s.search(q) })
	case x < 0.70:
		s.toSpecialist(q, q.r.Needs, false)
	case x < 0.85:
		s.close(q, care.ClosureWithdrawn, oneOf(r, withdrawnNotes))
	default:
		s.close(q, care.ClosureResolvedLocally, oneOf(r, ownNetworkNotes))
	}
}

// helped reports whether help for need started in this episode, or
// still goes on from an earlier one.
func (q *hreq) helped(need string) bool {
	for _, h := range q.refs {
		if h.ref.Need != need {
			continue
		}
		if _, ok := h.ref.EnteredAt(care.RefStarted); ok && (h.episode == q.episode || h.ref.State == care.RefStarted) {
			return true
		}
	}
	return false
}

// close closes the request now, and its referrals as the server does:
// those that did not start expire or end, started ones go on unless the
// request was withdrawn.
func (s *sim) close(q *hreq, closure, note string) {
	t := s.at
	s.setStatus(q, care.ReqClosed, t)
	q.r.Closure, q.r.ClosureNote = closure, note
	s.touch(q, t)
	end := t.Add(time.Second)
	for _, x := range q.refs {
		to := ""
		switch x.ref.State {
		case care.RefProposed, care.RefWaitlisted:
			to = care.RefExpired
		case care.RefAccepted:
			to = care.RefEnded
		case care.RefStarted:
			if closure == care.ClosureWithdrawn {
				to = care.RefEnded
			}
		}
		if to != "" {
			s.finishRef(x, to, "the request was closed: "+closure, "", end)
		}
	}
}

// toSpecialist refers the request to specialist care for needs: through
// the gate, with a reason per need, or by a safety override.
func (s *sim) toSpecialist(q *hreq, needs []string, override bool) {
	t, r := s.at, q.rnd
	f := care.SpecialistFields{Needs: slices.Clone(needs), Reasons: []care.GateReason{}, Provider: oneOf(r, providers)}
	if override {
		f.Override = &care.SafetyOverride{Reason: oneOf(r, overrideReasons)}
	} else {
		for _, need := range needs {
			code := q.gateCode(need)
			f.Reasons = append(f.Reasons, care.GateReason{Need: need, Code: code, Text: fmt.Sprintf(gateTexts[code], needLabel(need))})
		}
	}
	if missing := care.Gate(*q.r, f); len(missing) > 0 {
		s.fail("request %s: the gate refuses specialist care: %v", q.r.ID, missing)
		return
	}
	sp := care.Specialist{Meta: s.meta(tagSpecialist, q, t), SpecialistFields: f, RequestID: q.r.ID, SafetyOverride: override}
	if q.r.LastSearch != nil {
		sp.SearchID = q.r.LastSearch.ID
	}
	h := &hspec{sp: sp, q: q}
	s.specs = append(s.specs, h)
	q.specs = append(q.specs, h)
	q.reentry = false
	s.close(q, care.ClosureSpecialist, "")
	// Step-down: specialist care ends and the resident comes back to
	// the neighbourhood.
	if chance(r, 0.4) {
		ep := q.episode
		s.schedule(t.Add(dur(r, 6*7*day, 26*7*day)), func() {
			if q.episode == ep {
				s.stepDown(h)
			}
		})
	}
}

// gateCode is why the neighbourhood did not suffice for need.
func (q *hreq) gateCode(need string) string {
	if c := q.failed[need]; c != "" {
		return c
	}
	if c, ok := q.coverage[need]; ok && !c.Covered {
		if c.Reason == "all_full" {
			return "all_full"
		}
		return "no_option_within_reach"
	}
	return "too_complex"
}

// stepDown ends specialist care: the request reopens with its needs
// marked as changed, gets follow-ups, and a new search; now and then the
// resident needs specialist care again within months (re-entry).
func (s *sim) stepDown(h *hspec) {
	t, q, r := s.at, h.q, h.q.rnd
	if q.r.Status != care.ReqClosed || q.r.Closure != care.ClosureSpecialist {
		return
	}
	h.sp.EndedAt = ptr(t)
	h.sp.Outcome = oneOf(r, stepDownOutcomes)
	h.sp.FollowUps = care.FollowUpsFrom(t)
	h.sp.Version++
	h.sp.UpdatedAt = t
	s.setStatus(q, care.ReqOpen, t)
	q.r.Closure, q.r.ClosureNote, q.r.NeedsChangedAt = "", "", t
	q.r.StepDowns++
	s.touch(q, t)
	q.episode++
	q.resetEpisode()
	if chance(r, 0.22) {
		q.reentry = true
		ep := q.episode
		s.schedule(t.Add(dur(r, 4*7*day, 22*7*day)), func() {
			if q.episode != ep || q.r.Status == care.ReqClosed {
				return
			}
			if q.r.LastSearch != nil && !q.r.LastSearch.At.Before(q.r.NeedsChangedAt) {
				s.toSpecialist(q, q.r.Needs, false)
				return
			}
			q.reentry = false
			s.settle(q)
		})
	}
	s.later(q, t.Add(days(r, 3, 0.6, 0.5, 14)), func() { s.search(q) })
}

// --- the end ---

// finish writes what happened after the events: closure scores, done
// follow-ups, versions; and returns the records.
func (s *sim) finish() HistoryRecords {
	for _, q := range s.reqs {
		r := q.rnd
		if q.r.Status != care.ReqClosed {
			continue
		}
		change := closureChange[q.r.Closure]
		for k := range q.r.LifeDomains {
			d := &q.r.LifeDomains[k]
			if d.IntakeScore == nil {
				continue
			}
			d.ClosureScore = ptr(min(5, max(1, *d.IntakeScore+change.pick(r))))
		}
		q.r.Version++ // the scores were recorded when closing
	}
	out := HistoryRecords{Searches: s.searches, Referrals: make([]care.Referral, 0, len(s.refs)), Specialists: make([]care.Specialist, 0, len(s.specs))}
	for _, x := range s.refs {
		ref := x.ref
		r := x.q.rnd
		ref.Version = int64(len(ref.Steps))
		last := ref.Steps[len(ref.Steps)-1].At
		for _, n := range ref.NoShows {
			ref.Version++
			last = later(last, n.RecordedAt)
		}
		for i := range ref.FollowUps {
			if at, ok := s.followUpDone(r, ref.FollowUps[i].Due); ok {
				ref.FollowUps[i].DoneAt, ref.FollowUps[i].Note = &at, oneOf(r, followUpNotes)
				ref.Version++
				last = later(last, at)
			}
		}
		ref.UpdatedAt = last
		out.Referrals = append(out.Referrals, ref)
	}
	for _, h := range s.specs {
		sp := h.sp
		r := h.q.rnd
		for i := range sp.FollowUps {
			if at, ok := s.followUpDone(r, sp.FollowUps[i].Due); ok {
				sp.FollowUps[i].DoneAt, sp.FollowUps[i].Note = &at, oneOf(r, followUpNotes)
				sp.Version++
				sp.UpdatedAt = later(sp.UpdatedAt, at)
			}
		}
		out.Specialists = append(out.Specialists, sp)
	}
	return out
}

// followUpDone returns when a follow-up due at due was done, if it was
// by now: mostly within days.
func (s *sim) followUpDone(r *rand.Rand, due time.Time) (time.Time, bool) {
	if due.After(s.now) || !chance(r, 0.85) {
		return time.Time{}, false
	}
	at := due.Add(dur(r, time.Hour, 6*day)).Truncate(time.Millisecond)
	return at, !at.After(s.now)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// closureChange is how a ZRM score moves from intake to closure.
var closureChange = map[string]table[int]{
	care.ClosureResolvedLocally: weighted(entry[int]{-1, 6}, entry[int]{0, 36}, entry[int]{1, 46}, entry[int]{2, 12}),
	care.ClosureSpecialist:      weighted(entry[int]{-1, 25}, entry[int]{0, 50}, entry[int]{1, 25}),
	care.ClosureWithdrawn:       weighted(entry[int]{-1, 10}, entry[int]{0, 75}, entry[int]{1, 15}),
}

func needLabel(code string) string {
	for _, t := range care.Codes().HelpTypes {
		if t.Code == code {
			return t.Label.NL
		}
	}
	return code
}

// --- words ---

var gateTexts = map[string]string{
	"no_option_within_reach": "Geen passend aanbod voor %s binnen bereik van de bewoner.",
	"all_declined":           "Alle benaderde opties voor %s hebben afgewezen of niet gereageerd.",
	"all_full":               "Het aanbod voor %s zit vol; de wachttijd is te lang voor deze situatie.",
	"safety_risk":            "Zorgen over de veiligheid; %s vanuit de buurt is niet verantwoord.",
	"too_complex":            "De vraag rond %s is te zwaar voor vrijwillige inzet; professionele begeleiding nodig.",
	"resident_refuses":       "Bewoner wil voor %s geen hulp van vrijwilligers of uit de buurt.",
}

var providers = []string{
	"Buurtteam specialistische ondersteuning", "Wmo-maatwerk begeleiding", "GGZ-aanbieder",
	"Schuldhulpverlening gemeente", "Jeugdhulp", "Thuiszorgorganisatie", "Dagbesteding (maatwerk)",
}

var overrideReasons = []string{
	"Acute onveiligheid thuis; direct opgeschaald.",
	"Ernstige zelfverwaarlozing; direct doorverwezen naar specialistische zorg.",
	"Crisis na ontslag uit het ziekenhuis; geen tijd voor een zoektocht in de buurt.",
	"Signalen van huiselijk geweld; veiligheid gaat voor.",
}

var stepDownOutcomes = []string{
	"Begeleiding afgerond; bewoner kan verder met steun uit de buurt.",
	"Doelen behaald; afgeschaald naar het voorliggend veld.",
	"Stabiel; verdere ondersteuning via vrijwilligers en activiteiten in de wijk.",
	"Traject afgerond; netwerk en buurtaanbod nemen het over.",
}

var declineReasons = []string{
	"Geen ruimte op de gevraagde momenten",
	"Vrijwilliger is tijdelijk niet beschikbaar",
	"Te ver weg voor onze vrijwilligers",
	"Past niet bij wat wij bieden",
	"Vrijwilliger voelt zich niet geschikt voor deze vraag",
}

var endBeforeReasons = []string{
	"Bewoner zag er toch van af",
	"Bewoner is opgenomen in het ziekenhuis",
	"Geen geschikt moment gevonden om te beginnen",
}

var endAfterStartReasons = []string{
	"Het klikte niet",
	"Bewoner verhuisd naar een andere wijk",
	"Vrijwilliger is gestopt",
	"Bewoner opgenomen in een verpleeghuis",
}

var noShowNotes = []string{"Niet thuis bij de afspraak", "Niet verschenen", "Afspraak vergeten"}

var followUpNotes = []string{"Gaat goed", "Bewoner tevreden", "Kleine bijsturing afgesproken", "Contact loopt, geen zorgen"}

var resolvedNotes = []string{"", "Hulp in de buurt loopt; bewoner redt zich.", "Vraag opgelost met hulp uit de wijk.", ""}

var withdrawnNotes = []string{"", "Bewoner trekt de vraag in.", "Bewoner onbereikbaar; vraag gesloten."}

var ownNetworkNotes = []string{"Netwerk van de bewoner heeft het opgepakt.", "Familie springt bij.", ""}

func outcomesFor(kind string) []string {
	if kind == "activity" {
		return []string{"Bewoner was erbij en wil vaker komen.", "Deelgenomen; sluit voortaan zelf aan.", "Was er, voelde zich welkom."}
	}
	return []string{"Hulp afgerond; bewoner redt het weer zelf.", "Loopt goed; contact gaat informeel verder.",
		"Doel bereikt; bewoner kent nu de weg naar het aanbod in de wijk."}
}

// noteFor is the worker's note with a referral, often none.
func noteFor(r *rand.Rand, kind string) string {
	if !chance(r, 0.3) {
		return ""
	}
	if kind == "activity" {
		return oneOf(r, []string{"Graag even bellen vooraf.", "Komt voor het eerst; graag welkom heten."})
	}
	return oneOf(r, []string{"Graag eerst kennismaken.", "Bewoner is 's ochtends het best bereikbaar.", "Bewoner hoort slecht; graag aanbellen."})
}
