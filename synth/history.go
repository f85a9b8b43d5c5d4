package synth

import (
	"cmp"
	"container/heap"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/store"
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
	// Team is the social team every request, referral and specialist
	// referral belongs to (Meta.Team); the demo uses "demo".
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
	// Places are the places the referrals hold at Now, as store.Places
	// keeps them (by pool and number).
	Places []store.Place
}

// History turns a dataset's open requests into the casework of a
// municipality that has used dichtbij for cfg.Months months: requests
// created over that period (the recent ones still open or in progress,
// older ones mostly closed), each with consents, ZRM scores, zero-line
// searches, referrals that follow the referral states to their outcome,
// waiting lists, no-shows, follow-ups, specialist referrals through the
// gate (or a safety override), step-downs and re-entries.
//
// History decides who does what and when; casework decides what that
// does. It plays the period through in time order against a
// casework.Book, the domain's rules over records in memory: every
// search, referral, answer, start, no-show, close, specialist referral,
// step-down and follow-up is a call of the Book at its simulated time,
// and the maintenance sweep (ExpireStale) runs every six hours, so unanswered
// proposals and waits for a begun occurrence expire as they would on a
// server. What the Book refuses (a full option, the waiting line, a gate
// without a fresh search, a missing consent) the simulated worker meets
// as a worker would and chooses again. So every state in the records is
// one the workflow allows; History holds no copy of its rules.
//
// Each search runs the real matching engine over the options that
// existed then, with the places taken at that moment (from the Book),
// so gaps fall where the dataset has no option of a help type within
// reach (scarce help types, outer neighbourhoods) and options fill up.
// Records carry Meta as the server writes it (Municipality of the
// request, Team cfg.Team, IDs that sort by creation time).
//
// History changes ds in place:
//   - requests: new creation times and IDs, Municipality (from the Area)
//     and Team, consents, 2–4 ZRM domains scored 1–4 at intake (and at
//     closure), and the lifecycle; the other fields stay;
//   - volunteers, initiatives and provisions: they registered on the
//     platform over the period (10 %, 25 % and 50 % of them before it
//     starts, the rest more and more often as the year goes on), so
//     supply grows and early searches find gaps more often; their
//     CreatedAt, UpdatedAt and IDs change to match, in the same order,
//     and Municipality is the one they lie in;
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
	// Every option belongs to the municipality it lies in; the Book
	// refers only within the request's municipality.
	for i := range ds.Volunteers {
		ds.Volunteers[i].Municipality = ds.Volunteers[i].Area.MunicipalityCode
	}
	for i := range ds.Initiatives {
		ds.Initiatives[i].Municipality = ds.Initiatives[i].Area.MunicipalityCode
	}
	for i := range ds.Provisions {
		ds.Provisions[i].Municipality = ds.Provisions[i].Area.MunicipalityCode
	}
	for i := range ds.Activities {
		ds.Activities[i].Municipality = ds.Activities[i].Area.MunicipalityCode
	}
	s.book.AddOptions(ds.Volunteers, ds.Initiatives, ds.Provisions, ds.Activities)
	if err := s.loadOptions(ds); err != nil {
		return HistoryRecords{}, err
	}
	s.prepareRequests(ds)
	s.scheduleSweeps()
	s.run()
	if s.err != nil {
		return HistoryRecords{}, s.err
	}
	return s.finish(ds), nil
}

// ID tags of the records History adds, after the dataset's own (synth.go).
const (
	tagSearch byte = tagRequest + 1 + iota
	tagReferral
	tagSpecialist
)

// sweepEvery is how often the simulated server runs its maintenance
// sweep: the real one runs every minute, but expiries are counted in
// days, and a sweep goes over every open referral.
const sweepEvery = 6 * time.Hour

// sim plays a municipality's casework through in time order.
type sim struct {
	cfg     HistoryConfig
	now     time.Time // cfg.Now in UTC, to the millisecond
	start   time.Time // Months before now
	seed    uint64
	seedTag uint16
	loc     *time.Location
	err     error

	// book applies the domain's rules; inbox holds the events of its
	// last call, which the simulated people react to.
	book  *casework.Book
	inbox []care.Event

	// The matching engine holds the options that exist at clock, with
	// the places taken then.
	eng     *matching.Engine
	clock   time.Time
	opts    []*hopt // by creation time
	nextOpt int     // opts[:nextOpt] are in the engine
	byID    map[string]*hopt

	queue events
	seq   int
	at    time.Time // the time of the event being played

	reqs    []*hreq
	byReq   map[string]*hreq
	refs    map[string]*href
	counter map[byte]uint64
}

// hopt is an option as the simulation sees it.
type hopt struct {
	id, kind string
	created  time.Time
	o        matching.Option
	// occ are an activity's occurrences over the period and the eight
	// weeks after it; dur its duration.
	occ      []time.Time
	dur      time.Duration
	inEngine bool
}

// hreq is what the simulated worker keeps in mind of a request; the
// request itself is the Book's.
type hreq struct {
	id  string
	rnd *rand.Rand
	// episode counts (re)openings: events of an earlier episode are void.
	episode   int
	scheduled int // events of this episode still to come that may refer or close
	refs      []*href
	specs     []string
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

// href is a referral as the worker remembers it.
type href struct {
	id      string
	q       *hreq
	opt     *hopt
	episode int
}

// worker is the social worker of every request; owners answer for
// their options (asOwner).
var socialWorker = casework.Actor{Role: "social_worker"}

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
		byID: map[string]*hopt{}, byReq: map[string]*hreq{}, refs: map[string]*href{}, counter: map[byte]uint64{}}
	tags := map[string]byte{"searches": tagSearch, "referrals": tagReferral, "specialist_referrals": tagSpecialist}
	s.book = casework.NewBook(casework.BookConfig{
		NewID: func(coll string, at time.Time) string {
			tag := tags[coll]
			n := s.counter[tag]
			s.counter[tag]++
			return s.objectID(at, tag, n)
		},
		OnEvent: func(ev care.Event) { s.inbox = append(s.inbox, ev) },
	})
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
	add := func(kind string, o matching.Option, created time.Time) *hopt {
		h := &hopt{id: o.ID, kind: kind, created: created, o: o}
		s.opts = append(s.opts, h)
		s.byID[o.ID] = h
		return h
	}
	for _, v := range ds.Volunteers {
		add("volunteer", fromcare.Volunteer(v), v.CreatedAt)
	}
	for _, in := range ds.Initiatives {
		add("initiative", fromcare.Initiative(in), in.CreatedAt)
	}
	wheelchair := map[string]bool{}
	for _, p := range ds.Provisions {
		o := fromcare.Provision(p)
		wheelchair[p.ID] = o.WheelchairAccess
		add("provision", o, p.CreatedAt)
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
		h := add("activity", o, a.CreatedAt)
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
		q := &hreq{id: rq.ID, rnd: rr}
		q.resetEpisode()
		s.reqs = append(s.reqs, q)
		s.byReq[q.id] = q
		req := *rq
		s.schedule(at, func() {
			if s.call(s.book.OpenRequest(socialWorker, req)) {
				s.created(q)
			}
		})
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

func (s *sim) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("synth: History: "+format, args...)
	}
}

// --- the Book ---

// req is request q as the Book holds it now.
func (s *sim) req(q *hreq) care.Request {
	r, _ := s.book.Request(q.id)
	return r
}

// ref is referral x as the Book holds it now.
func (s *sim) ref(x *href) care.Referral {
	r, _ := s.book.Referral(x.id)
	return r
}

// call takes the outcome of a Book call the worker expected to pass: a
// refusal means the simulation asked for something the workflow forbids,
// and stops the history with the error. It then lets the people react
// to the call's events.
func (s *sim) call(err error) bool {
	if err != nil {
		s.fail("at %v: %w", s.at, err)
		s.inbox = nil
		return false
	}
	s.react()
	return true
}

// react hands the events of the Book's last calls to those who react to
// them, as a subscriber would.
func (s *sim) react() {
	for len(s.inbox) > 0 && s.err == nil {
		ev := s.inbox[0]
		s.inbox = s.inbox[1:]
		s.on(ev)
	}
	s.inbox = s.inbox[:0]
}

// on reacts to one event: places taken or freed tell the matching
// engine, an acceptance (also a promotion from the line) plans the help,
// a wait plans the worker's patience, and a referral that came to an end
// lets the worker go on with the request.
func (s *sim) on(ev care.Event) {
	x := s.refs[ev.ReferralID]
	if x == nil || ev.Type == care.EvReferralPromoted || ev.From == ev.To {
		return
	}
	if care.HoldsPlace(ev.From) != care.HoldsPlace(ev.To) {
		s.placesChanged(s.ref(x))
	}
	switch ev.To {
	case care.RefAccepted:
		s.planStart(x)
	case care.RefWaitlisted:
		s.planWaitExpiry(x)
	case care.RefDeclined, care.RefExpired, care.RefEnded, care.RefCompleted:
		s.cameToEnd(x, ev.From, ev.To)
	}
}

// move makes a move of referral x if it is still in state from; the
// owner answers for their option (asOwner), the worker waits and
// expires.
func (s *sim) move(x *href, from string, m care.Move) error {
	if x == nil {
		return nil
	}
	ref := s.ref(x)
	if ref.State != from {
		return nil
	}
	asOwner := m.To != care.RefWaitlisted && m.To != care.RefExpired
	a := socialWorker
	if asOwner {
		a = casework.Actor{ID: ref.OwnerID}
	}
	_, err := s.book.Move(a, x.id, m, asOwner, s.at)
	return err
}

// placesChanged tells the engine how many places of ref's pool are
// taken, as the Book holds them.
func (s *sim) placesChanged(ref care.Referral) {
	h := s.byID[ref.OptionID]
	if h == nil || h.kind == casework.KindProvision {
		return
	}
	taken := s.book.Taken(casework.Pool(ref))
	if ref.OccurrenceAt != nil {
		if h.o.SpotsTaken == nil {
			h.o.SpotsTaken = map[int64]int{}
		}
		h.o.SpotsTaken[ref.OccurrenceAt.Unix()] = taken
	} else {
		h.o.Used = taken
	}
	s.upsert(h)
}

// scheduleSweeps runs the maintenance sweep every sweepEvery over the
// period.
func (s *sim) scheduleSweeps() {
	var sweep func()
	sweep = func() {
		if s.call(s.book.ExpireStale(s.at)) {
			s.schedule(s.at.Add(sweepEvery), sweep)
		}
	}
	s.schedule(s.start.Add(sweepEvery), sweep)
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
		if s.req(q).Status == care.ReqClosed {
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
	req := s.req(q)
	if (req.Urgency == "crisis" && chance(r, 0.3)) || (req.Urgency == "high" && chance(r, 0.02)) {
		ep := q.episode
		s.schedule(s.at.Add(dur(r, 30*time.Minute, 3*day)), func() {
			if q.episode == ep && s.req(q).Status != care.ReqClosed {
				s.toSpecialist(q, s.req(q).Needs, true)
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
	req := s.req(q)
	res := s.eng.Match(fromcare.Request(req), matching.DefaultLimit)
	var needs []care.SearchNeed
	q.cands, q.coverage = map[string][]matching.Candidate{}, map[string]care.SearchNeed{}
	for _, n := range res.Needs {
		sn := care.SearchNeed{Need: n.Need, OptionIDs: []string{}, Covered: n.Coverage.Covered, Reason: n.Coverage.Reason, Detail: n.Coverage.Detail}
		for _, o := range n.Options {
			sn.OptionIDs = append(sn.OptionIDs, o.OptionID)
		}
		needs = append(needs, sn)
		q.cands[n.Need] = n.Options
		q.coverage[n.Need] = sn
	}
	_, err := s.book.Search(socialWorker, q.id, needs, t)
	if !s.call(err) {
		return
	}
	q.searches++
	r := q.rnd
	for _, need := range req.Needs {
		if s.helping(q, need) || s.inCare(q, need) || !q.coverage[need].Covered {
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

// helping reports whether a need has a referral going: one the
// lifecycle still lets move.
func (s *sim) helping(q *hreq, need string) bool {
	for _, x := range q.refs {
		if ref := s.ref(x); ref.Need == need && len(care.NextStates(ref.State)) > 0 {
			return true
		}
	}
	return false
}

// inCare reports whether need is in specialist care that did not end.
func (s *sim) inCare(q *hreq, need string) bool {
	for _, id := range q.specs {
		if sp, _ := s.book.Specialist(id); sp.EndedAt == nil && slices.Contains(sp.Needs, need) {
			return true
		}
	}
	return false
}

// pending reports whether anything of the request is still under way:
// events to come, or referrals that have not started or ended.
func (s *sim) pending(q *hreq) bool {
	if q.scheduled > 0 {
		return true
	}
	for _, x := range q.refs {
		switch s.ref(x).State {
		case care.RefProposed, care.RefWaitlisted, care.RefAccepted:
			return true
		}
	}
	return false
}

// pick chooses the option a worker tries for a need from the last
// search: mostly the first, sometimes one further down, never one tried
// before.
func (s *sim) pick(q *hreq, need string) *hopt {
	var ok []*hopt
	for _, c := range q.cands[need] {
		if h := s.byID[c.OptionID]; h != nil && !q.tried[need][h.id] {
			ok = append(ok, h)
		}
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

// planReferral has the worker refer need at t to an option of the last
// search.
func (s *sim) planReferral(q *hreq, need, code string, t time.Time) {
	q.attempts[need]++
	s.later(q, t, func() { s.refer(q, need, code) })
}

// refer proposes an option for need, trying the search's options in the
// worker's order until casework takes one: it refuses an option of
// another municipality or one the resident's consents do not allow, as
// it would refuse the worker. When none is left the need fails: with
// the gate code code after earlier tries, else because the resident's
// consents ruled out what was found, or because only options tried in
// an earlier episode or across the border were found.
func (s *sim) refer(q *hreq, need, code string) {
	t, r := s.at, q.rnd
	refused, triedBefore := false, false
	for _, c := range q.cands[need] {
		triedBefore = triedBefore || q.tried[need][c.OptionID]
	}
	for {
		h := s.pick(q, need)
		if h == nil {
			break
		}
		if q.tried[need] == nil {
			q.tried[need] = map[string]bool{}
		}
		q.tried[need][h.id] = true
		f := care.ReferralFields{Need: need, OptionID: h.id, Note: noteFor(r, h.kind)}
		var occ time.Time
		if h.kind == casework.KindActivity {
			// An occurrence that leaves the owner a day to answer.
			i, _ := slices.BinarySearchFunc(h.occ, t.Add(20*time.Hour), func(a, b time.Time) int { return a.Compare(b) })
			if i == len(h.occ) || h.occ[i].After(t.Add(35*day)) {
				q.failed[need] = cmp.Or(q.failed[need], "all_full")
				s.settle(q)
				return
			}
			occ = h.occ[i]
			f.Occurrence = occ.In(s.loc).Format(care.LocalTimeLayout)
		}
		ref, err := s.book.Refer(socialWorker, q.id, f, t)
		var consent *casework.ConsentError
		var field *casework.FieldError
		switch {
		case err == nil:
		case errors.As(err, &consent):
			refused = true
			continue
		case errors.As(err, &field) && field.Field == "option_id":
			continue
		default:
			s.call(err)
			return
		}
		x := &href{id: ref.ID, q: q, opt: h, episode: q.episode}
		q.refs = append(q.refs, x)
		s.refs[ref.ID] = x
		if !s.call(nil) {
			return
		}
		s.planAnswer(x, occ)
		return
	}
	if q.attempts[need] <= 1 {
		switch {
		case refused:
			code = "resident_refuses" // no consent for what was found
		case triedBefore:
			code = "all_declined" // in an earlier episode
		default:
			code = "no_option_within_reach"
		}
	}
	q.failed[need] = code
	s.settle(q)
}

// planAnswer plans the owner's answer to a new proposal: mostly yes
// within days, sometimes no, now and then none at all (the maintenance
// sweep lets it expire).
func (s *sim) planAnswer(x *href, occ time.Time) {
	t, r := s.at, x.q.rnd
	answer := days(r, 2.0, 0.85, 0.05, 13.5)
	if !occ.IsZero() {
		window := occ.Sub(t) - 2*time.Hour
		answer = min(answer, time.Duration(float64(window)*(0.2+0.7*r.Float64()))).Truncate(time.Second)
	}
	switch v := r.Float64(); {
	case v < 0.77:
		s.schedule(t.Add(answer), func() { s.accept(x) })
	case v < 0.92:
		reason := oneOf(r, declineReasons)
		s.schedule(t.Add(answer), func() {
			s.call(s.move(x, care.RefProposed, care.Move{To: care.RefDeclined, Reason: reason}))
		})
	}
}

// accept has the owner say yes; when every place is taken the worker
// puts the referral on the waiting list instead.
func (s *sim) accept(x *href) {
	err := s.move(x, care.RefProposed, care.Move{To: care.RefAccepted})
	if errors.As(err, new(*casework.FullError)) {
		err = s.move(x, care.RefProposed, care.Move{To: care.RefWaitlisted})
	}
	s.call(err)
}

// planWaitExpiry plans the worker's patience with a wait for a volunteer
// or an initiative: after some weeks they look elsewhere. A wait for an
// activity's occurrence expires by the maintenance sweep when it begins.
func (s *sim) planWaitExpiry(x *href) {
	if s.ref(x).OccurrenceAt != nil {
		return
	}
	s.schedule(s.at.Add(dur(x.q.rnd, 21*day, 42*day)), func() {
		s.call(s.move(x, care.RefWaitlisted, care.Move{To: care.RefExpired, Reason: "Wachtlijst te lang; andere oplossing gezocht"}))
	})
}

// cameToEnd lets the worker go on after a referral ended: settle when it
// was help that ran its course, try again when it came to nothing.
func (s *sim) cameToEnd(x *href, from, to string) {
	q := x.q
	if s.req(q).Status == care.ReqClosed || x.episode != q.episode {
		return
	}
	if to == care.RefCompleted || from == care.RefStarted {
		s.settle(q)
		return
	}
	s.retry(q, x)
}

// retry lets the worker try the need again after a referral came to
// nothing: the next option of the search, or a new search when it is
// old; after three tries (or sometimes at once) the need is given up.
func (s *sim) retry(q *hreq, x *href) {
	ref, r := s.ref(x), q.rnd
	need := ref.Need
	code := "all_declined"
	if _, waited := ref.EnteredAt(care.RefWaitlisted); waited {
		code = "all_full"
	}
	if s.helping(q, need) || s.inCare(q, need) {
		s.settle(q)
		return
	}
	if q.attempts[need] >= 3 || chance(r, 0.25) {
		q.failed[need] = code
		s.settle(q)
		return
	}
	s.later(q, s.at.Add(dur(r, time.Hour, 4*day)), func() {
		if s.helping(q, need) {
			s.settle(q)
			return
		}
		if last := s.req(q).LastSearch; last == nil || s.at.Sub(last.At) > 21*day {
			s.search(q)
			return
		}
		s.planReferral(q, need, code, s.at.Add(dur(r, 5*time.Minute, day)))
		s.settle(q)
	})
}

// planStart plans what follows an acceptance: the help starts, the
// resident does not turn up, or it comes to nothing.
func (s *sim) planStart(x *href) {
	t, r := s.at, x.q.rnd
	accepted := func() bool { return s.ref(x).State == care.RefAccepted }
	end := func(reason string) {
		s.call(s.move(x, care.RefAccepted, care.Move{To: care.RefEnded, Reason: reason}))
	}
	noShow := func(at time.Time) bool {
		_, err := s.book.NoShow(socialWorker, x.id, at, oneOf(r, noShowNotes), s.at)
		return s.call(err)
	}
	if occAt := s.ref(x).OccurrenceAt; occAt != nil {
		occ := *occAt
		switch v := r.Float64(); {
		case v < 0.85:
			s.schedule(occ.Add(dur(r, 10*time.Minute, day)), func() {
				if accepted() {
					s.startHelp(x)
				}
			})
		case v < 0.93:
			s.schedule(occ.Add(dur(r, 2*time.Hour, 2*day)), func() {
				if accepted() && noShow(occ) {
					s.schedule(s.at.Add(time.Minute), func() { end("Niet verschenen bij de activiteit") })
				}
			})
		default:
			s.schedule(t.Add(time.Minute+time.Duration(float64(occ.Sub(t)-time.Hour)*r.Float64())), func() {
				end(oneOf(r, endBeforeReasons))
			})
		}
		return
	}
	planned := t.Add(days(r, 4, 0.6, 1, 14))
	switch v := r.Float64(); {
	case v < 0.86:
		s.schedule(planned, func() {
			if accepted() {
				s.startHelp(x)
			}
		})
	case v < 0.92:
		s.schedule(planned.Add(dur(r, 2*time.Hour, 30*time.Hour)), func() {
			if !accepted() || !noShow(planned) {
				return
			}
			if chance(r, 0.65) {
				s.schedule(planned.Add(dur(r, 5*day, 9*day)), func() {
					if accepted() {
						s.startHelp(x)
					}
				})
				return
			}
			s.schedule(s.at.Add(dur(r, day, 5*day)), func() { end("Bewoner meerdere keren niet thuis bij de afspraak") })
		})
	default:
		s.schedule(planned, func() { end(oneOf(r, endBeforeReasons)) })
	}
}

// startHelp starts the help, plans its end and the worker's follow-ups,
// and has the worker look at the request again around the first one.
func (s *sim) startHelp(x *href) {
	t, q, r := s.at, x.q, x.q.rnd
	if !s.call(s.move(x, care.RefAccepted, care.Move{To: care.RefStarted})) {
		return
	}
	var length time.Duration
	switch x.opt.kind {
	case casework.KindActivity:
		length = x.opt.dur + dur(r, time.Hour, 3*day)
	case casework.KindVolunteer:
		length = dur(r, 4*7*day, 24*7*day)
	case casework.KindInitiative:
		length = dur(r, 4*7*day, 16*7*day)
	default:
		length = dur(r, 2*7*day, 12*7*day)
	}
	started := func() bool { return s.ref(x).State == care.RefStarted }
	if x.opt.kind != casework.KindActivity && chance(r, 0.04) {
		at := t.Add(dur(r, 7*day, min(35*day, length-day)))
		s.schedule(at.Add(dur(r, time.Hour, 8*time.Hour)), func() {
			if started() {
				_, err := s.book.NoShow(socialWorker, x.id, at, oneOf(r, noShowNotes), s.at)
				s.call(err)
			}
		})
	}
	completed := chance(r, 0.84)
	if x.opt.kind == casework.KindActivity {
		completed = chance(r, 0.92)
	}
	s.schedule(t.Add(length), func() {
		m := care.Move{To: care.RefEnded, Reason: oneOf(r, endAfterStartReasons)}
		if completed {
			m = care.Move{To: care.RefCompleted, Outcome: oneOf(r, outcomesFor(x.opt.kind))}
		}
		s.call(s.move(x, care.RefStarted, m))
	})
	s.planFollowUps(r, s.ref(x).FollowUps, func(n, note string) error {
		_, err := s.book.FollowUpDone(socialWorker, x.id, n, note, s.at)
		return err
	})
	// The worker looks again around the first follow-up.
	s.later(q, t.Add(dur(r, 26*day, 45*day)), func() { s.settle(q) })
}

// planFollowUps has the worker do most follow-ups within days of their
// due time, if that is before Now.
func (s *sim) planFollowUps(r *rand.Rand, fs []care.FollowUp, done func(n, note string) error) {
	for i, fu := range fs {
		if fu.Due.After(s.now) || !chance(r, 0.85) {
			continue
		}
		n, note := fmt.Sprint(i+1), oneOf(r, followUpNotes)
		s.schedule(fu.Due.Add(dur(r, time.Hour, 6*day)), func() { s.call(done(n, note)) })
	}
}

// settle closes the request once nothing is under way: after a short
// while, the worker decides.
func (s *sim) settle(q *hreq) {
	if s.req(q).Status == care.ReqClosed || s.pending(q) || q.reentry {
		return
	}
	s.later(q, s.at.Add(dur(q.rnd, time.Hour, 7*day)), func() { s.decide(q) })
}

// decide closes a request with nothing under way: resolved locally when
// help started (now and then withdrawn, or to specialist care for the
// needs the neighbourhood could not meet), otherwise a new search later,
// specialist care, withdrawal or the resident's own network.
func (s *sim) decide(q *hreq) {
	if s.pending(q) || q.reentry {
		return
	}
	r := q.rnd
	needs := s.req(q).Needs
	var unhelped, open []string
	for _, need := range needs {
		if s.inCare(q, need) {
			continue
		}
		open = append(open, need)
		if !s.helped(q, need) {
			unhelped = append(unhelped, need)
		}
	}
	helped := len(unhelped) < len(needs)
	switch x := r.Float64(); {
	case helped && len(unhelped) > 0 && x < 0.2:
		s.toSpecialist(q, unhelped, false)
	case helped && x < 0.9:
		s.close(q, care.ClosureResolvedLocally, oneOf(r, resolvedNotes))
	case helped && x < 0.95 && len(open) > 0:
		s.toSpecialist(q, open, false)
	case helped:
		s.close(q, care.ClosureWithdrawn, oneOf(r, withdrawnNotes))
	case q.searches < 3 && x < 0.35:
		// Nothing now; the supply grows, so the worker looks again.
		s.later(q, s.at.Add(dur(r, 14*day, 35*day)), func() { s.search(q) })
	case x < 0.70 && len(open) > 0:
		s.toSpecialist(q, open, false)
	case x < 0.85:
		s.close(q, care.ClosureWithdrawn, oneOf(r, withdrawnNotes))
	default:
		s.close(q, care.ClosureResolvedLocally, oneOf(r, ownNetworkNotes))
	}
}

// helped reports whether help for need started in this episode, or
// still goes on from an earlier one.
func (s *sim) helped(q *hreq, need string) bool {
	for _, x := range q.refs {
		ref := s.ref(x)
		if ref.Need != need {
			continue
		}
		if _, ok := ref.EnteredAt(care.RefStarted); ok && (x.episode == q.episode || ref.State == care.RefStarted) {
			return true
		}
	}
	return false
}

// close has the worker close the request now; casework ends what its
// referrals hold.
func (s *sim) close(q *hreq, closure, note string) {
	_, err := s.book.Close(socialWorker, q.id, care.Close{Closure: closure, Note: note}, s.at)
	s.call(err)
}

// toSpecialist refers the request to specialist care for needs: through
// the gate, with a reason per need, or by a safety override. A gate that
// asks for a new search first has the worker run one.
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
	sp, err := s.book.ReferSpecialist(socialWorker, q.id, f, t)
	q.reentry = false
	if errors.As(err, new(*casework.GateError)) {
		s.inbox = nil
		s.later(q, t.Add(days(r, 2, 0.6, 0.2, 10)), func() { s.search(q) })
		return
	}
	if !s.call(err) {
		return
	}
	q.specs = append(q.specs, sp.ID)
	// Step-down: specialist care ends and the resident comes back to
	// the neighbourhood.
	if chance(r, 0.4) {
		ep := q.episode
		s.schedule(t.Add(dur(r, 6*7*day, 26*7*day)), func() {
			if q.episode == ep {
				s.stepDown(q, sp.ID)
			}
		})
	}
	// A combined arrangement: the other needs keep the request open.
	s.settle(q)
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

// stepDown ends specialist care: a request it closed reopens for a new
// search, and the worker runs one; now and then the resident needs
// specialist care again within months (re-entry).
func (s *sim) stepDown(q *hreq, id string) {
	t, r := s.at, q.rnd
	sp, err := s.book.EndSpecialist(socialWorker, id, care.SpecialistEnd{Outcome: oneOf(r, stepDownOutcomes)}, t)
	if !s.call(err) {
		return
	}
	s.planFollowUps(r, sp.FollowUps, func(n, note string) error {
		_, err := s.book.SpecialistFollowUpDone(socialWorker, id, n, note, s.at)
		return err
	})
	if s.req(q).Status == care.ReqClosed {
		return // closed otherwise meanwhile: nothing reopens
	}
	q.episode++
	q.resetEpisode()
	if chance(r, 0.22) {
		q.reentry = true
		ep := q.episode
		s.schedule(t.Add(dur(r, 4*7*day, 22*7*day)), func() {
			if q.episode != ep || s.req(q).Status == care.ReqClosed || !q.reentry {
				return
			}
			var needs []string
			for _, n := range s.req(q).Needs {
				if !s.inCare(q, n) {
					needs = append(needs, n)
				}
			}
			if len(needs) > 0 {
				s.toSpecialist(q, needs, false)
				return
			}
			q.reentry = false
			s.settle(q)
		})
	}
	s.later(q, t.Add(days(r, 3, 0.6, 0.5, 14)), func() { s.search(q) })
}

// --- the end ---

// finish records the ZRM scores at closure of the requests closed now (a
// worker's edit when closing), writes the requests back into ds and
// returns the other records.
func (s *sim) finish(ds *Dataset) HistoryRecords {
	for _, q := range s.reqs {
		req := s.req(q)
		if req.Status != care.ReqClosed || s.err != nil {
			continue
		}
		change := closureChange[req.Closure]
		_, err := s.book.EditRequest(socialWorker, q.id, req.UpdatedAt, func(f *care.RequestFields) {
			f.LifeDomains = slices.Clone(f.LifeDomains)
			for k := range f.LifeDomains {
				d := &f.LifeDomains[k]
				if d.IntakeScore != nil {
					d.ClosureScore = ptr(min(5, max(1, *d.IntakeScore+change.pick(q.rnd))))
				}
			}
		})
		s.call(err)
	}
	recs := s.book.Records()
	copy(ds.Requests, recs.Requests)
	return HistoryRecords{Searches: recs.Searches, Referrals: recs.Referrals, Specialists: recs.Specialists, Places: recs.Places}
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
