package casework

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// The collections whose record versions name events, as the store names
// them (TestBookNamesCollectionsAsTheStore holds them to it).
const (
	collRequests    = "requests"
	collReferrals   = "referrals"
	collSpecialists = "specialist_referrals"
	collSearches    = "searches"
)

// BookConfig says how a Book makes what the store or the clock would.
type BookConfig struct {
	// NewID returns the id of a new record of collection coll made at
	// at; nil means store.NewID.
	NewID func(coll string, at time.Time) string
	// ProposalExpiry is how long a proposal waits (ExpireStale); 0
	// means DefaultProposalExpiry.
	ProposalExpiry time.Duration
	// OnEvent, if set, is handed every event of every change, in order,
	// as the Service would claim them: a subscriber in the same call.
	OnEvent func(care.Event)
}

// Book applies casework's rules to records held in memory, for writing a
// generated stretch of casework (the demo's year) in bulk: the fast path
// for the writes, not for the rules. Each method is the Service's method
// of the same name with the time of the change as an argument, and
// decides through the same rule functions (rules.go): the lifecycles,
// the waiting line and promotion, the places an acceptance claims (the
// lowest free one, as store.Places does), closing and what it ends, the
// specialist gate per need, step-down, no-shows, follow-ups and the
// maintenance sweep. So every state a Book holds is one the Service
// could have stored.
//
// What a Book leaves out is the store's part: no outbox claims, no event
// log, no subscribers. The events of each change are built as the
// Service builds them (same types, same ids) and handed to OnEvent only;
// written records made by a Book therefore have no audit trail or
// notifications, and the event log stays as it was (empty and gapless
// for a new store). A Book is not safe for concurrent use and does not
// check that calls come in time order; its caller plays them so.
type Book struct {
	cfg     BookConfig
	options map[string]option

	reqs     map[string]*care.Request
	reqOrder []string
	refs     map[string]*care.Referral
	refOrder []string
	refsOf   map[string][]string // request id → referral ids, in creation order
	specs    map[string]*care.Specialist
	specOrd  []string
	specsOf  map[string][]string
	searches []care.Search
	// pools are the places of each pool (store.Places' "<pool>#<n>"):
	// the holder of place n at n-1, "" when free.
	pools map[string][]heldPlace
	// open are the referrals that may still move, for ExpireStale.
	open []string
}

type heldPlace struct {
	holder string
	at     time.Time
}

// NewBook returns an empty Book.
func NewBook(cfg BookConfig) *Book {
	if cfg.NewID == nil {
		cfg.NewID = func(string, time.Time) string { return store.NewID() }
	}
	if cfg.ProposalExpiry == 0 {
		cfg.ProposalExpiry = DefaultProposalExpiry
	}
	return &Book{cfg: cfg, options: map[string]option{}, reqs: map[string]*care.Request{}, refs: map[string]*care.Referral{},
		refsOf: map[string][]string{}, specs: map[string]*care.Specialist{}, specsOf: map[string][]string{}, pools: map[string][]heldPlace{}}
}

// AddOptions makes options referable, as stored ones are for the
// Service.
func (b *Book) AddOptions(vs []care.Volunteer, is []care.Initiative, ps []care.Provision, as []care.Activity) {
	for _, v := range vs {
		b.options[v.ID] = volunteerOption(v)
	}
	for _, i := range is {
		b.options[i.ID] = initiativeOption(i)
	}
	for _, p := range ps {
		b.options[p.ID] = provisionOption(p)
	}
	for _, a := range as {
		b.options[a.ID] = activityOption(a)
	}
}

func (b *Book) emit(coll, id string, version int64, evs ...care.Event) {
	eventIDs(coll, id, version, evs)
	if b.cfg.OnEvent != nil {
		for _, ev := range evs {
			b.cfg.OnEvent(ev)
		}
	}
}

// stamp is a change's time as records store it.
func stamp(at time.Time) time.Time { return at.UTC().Truncate(time.Millisecond) }

// OpenRequest stores a new support request, built and checked by the
// caller (OpenRequest of the Service).
func (b *Book) OpenRequest(a Actor, req care.Request) error {
	if _, ok := b.reqs[req.ID]; ok {
		return fmt.Errorf("casework: book: request %s: %w", req.ID, store.ErrConflict)
	}
	r := req
	b.reqs[r.ID] = &r
	b.reqOrder = append(b.reqOrder, r.ID)
	b.emit(collRequests, r.ID, r.Version, requestEvent(a, care.EvRequestOpened, r, "", r.CreatedAt))
	return nil
}

// EditRequest changes the fields of request id at at as a worker's edit
// does (EditRequest of the Service): change sees only the fields, never
// the lifecycle, and may not change the needs (a Book has no edit that
// calls for a new search).
func (b *Book) EditRequest(a Actor, id string, at time.Time, change func(*care.RequestFields)) (care.Request, error) {
	cur, err := b.request(id)
	if err != nil {
		return care.Request{}, err
	}
	next := *cur
	next.RequestFields.Needs = slices.Clone(cur.Needs)
	change(&next.RequestFields)
	if !care.SameNeeds(next.Needs, cur.Needs) {
		return *cur, invalid("needs", "a Book does not change needs")
	}
	now := stamp(at)
	next.Version, next.UpdatedAt = cur.Version+1, now
	*cur = next
	b.emit(collRequests, id, next.Version, requestEvent(a, care.EvRequestEdited, next, "", now))
	return next, nil
}

func (b *Book) request(id string) (*care.Request, error) {
	r, ok := b.reqs[id]
	if !ok {
		return nil, &NotFoundError{Kind: "support request", ID: id}
	}
	return r, nil
}

func (b *Book) referral(id string) (*care.Referral, error) {
	r, ok := b.refs[id]
	if !ok {
		return nil, &NotFoundError{Kind: "referral", ID: id}
	}
	return r, nil
}

// updateRequest is the Service's updateRequest on the Book's copy.
func (b *Book) updateRequest(a Actor, id string, at time.Time, change func(*care.Request) error) (care.Request, error) {
	cur, err := b.request(id)
	if err != nil {
		return care.Request{}, err
	}
	next := *cur
	next.Steps = slices.Clone(cur.Steps)
	if err := change(&next); errors.Is(err, errNoChange) {
		return *cur, nil
	} else if err != nil {
		return *cur, err
	}
	now := stamp(at)
	if err := stepped(*cur, &next, now); err != nil {
		return *cur, err
	}
	prev := *cur
	*cur = next
	b.emit(collRequests, id, next.Version, requestEvents(a, prev, next, now)...)
	return next, nil
}

// Search stores a zero-line search of request id made at at and points
// the request at it.
func (b *Book) Search(a Actor, id string, needs []care.SearchNeed, at time.Time) (care.Search, error) {
	if _, err := b.request(id); err != nil {
		return care.Search{}, err
	}
	now := stamp(at)
	s := care.Search{Meta: care.Meta{ID: b.cfg.NewID(collSearches, now), Version: 1, CreatedAt: now, UpdatedAt: now}, RequestID: id, Needs: needs}
	if _, err := b.updateRequest(a, id, now, searched(care.SearchRef{ID: s.ID, At: now})); err != nil {
		return care.Search{}, err
	}
	b.searches = append(b.searches, s)
	return s, nil
}

// Refer proposes option f.OptionID for one need of request id at at.
func (b *Book) Refer(a Actor, id string, f care.ReferralFields, at time.Time) (care.Referral, error) {
	req, err := b.request(id)
	if err != nil {
		return care.Referral{}, err
	}
	if err := checkNeed(*req, f.Need); err != nil {
		return care.Referral{}, err
	}
	opt, ok := b.options[f.OptionID]
	if !ok {
		return care.Referral{}, invalid("option_id", "names no volunteer, initiative, provision or activity")
	}
	now := stamp(at)
	ref, err := proposal(*req, opt, f, b.cfg.NewID(collReferrals, now), now)
	if err != nil {
		return care.Referral{}, err
	}
	b.refs[ref.ID] = &ref
	b.refOrder = append(b.refOrder, ref.ID)
	b.refsOf[id] = append(b.refsOf[id], ref.ID)
	b.open = append(b.open, ref.ID)
	b.emit(collReferrals, ref.ID, ref.Version, referralEvent(a, ref, care.EvReferralProposed, "", care.RefProposed, "", now))
	if _, err := b.updateRequest(a, id, now, referralMoved(care.RefProposed, now)); err != nil {
		return ref, err
	}
	return ref, nil
}

// Move moves referral id to m.To at at, as the owner (asOwner) or as a
// social worker on the owner's behalf (Move of the Service).
func (b *Book) Move(a Actor, id string, m care.Move, asOwner bool, at time.Time) (care.Referral, error) {
	ref, err := b.referral(id)
	if err != nil {
		return care.Referral{}, err
	}
	line := func() ([]care.Referral, error) { return b.waitingLine(*ref), nil }
	if err := checkMove(*ref, m, asOwner, line); err != nil {
		return *ref, err
	}
	if !asOwner && ref.OwnerID != "" {
		a = a.For(ref.OwnerID)
	}
	return b.apply(a, *ref, m, "", stamp(at))
}

// apply is the Service's apply: the move, its place, the freed place
// handed to the first in line, and the request kept in step.
func (b *Book) apply(a Actor, ref care.Referral, m care.Move, code string, now time.Time) (care.Referral, error) {
	next := moved(ref, m, now)
	evs := movedEvents(a, ref, next, m, code, now)
	if m.To == care.RefAccepted {
		opt, ok := b.options[ref.OptionID]
		if !ok {
			return ref, &NotFoundError{Kind: "option", ID: ref.OptionID}
		}
		if claimsPlace(m.To, opt.capacity) {
			n, err := b.claimPlace(Pool(ref), opt.capacity, ref.ID, now)
			if err != nil {
				return ref, err
			}
			next.Place = &care.PlaceRef{Pool: Pool(ref), Number: n}
		}
	}
	freed := freedPlace(ref, m.To)
	*b.refs[ref.ID] = next
	b.emit(collReferrals, ref.ID, next.Version, evs...)
	if freed != nil {
		b.releasePlace(*freed, ref.ID)
		b.promote(ref, now)
	}
	if _, err := b.updateRequest(a, ref.RequestID, now, referralMoved(m.To, now)); err != nil {
		return next, err
	}
	return next, nil
}

// claimPlace takes the lowest free place of pool, as store.Places does.
func (b *Book) claimPlace(pool string, capacity int, holder string, at time.Time) (int, error) {
	ps := b.pools[pool]
	for len(ps) < capacity {
		ps = append(ps, heldPlace{})
	}
	b.pools[pool] = ps
	for n := 1; n <= capacity; n++ {
		if ps[n-1].holder == "" {
			ps[n-1] = heldPlace{holder: holder, at: at}
			return n, nil
		}
	}
	return 0, &FullError{Capacity: capacity}
}

// releasePlace frees place p if holder has it.
func (b *Book) releasePlace(p care.PlaceRef, holder string) {
	if ps := b.pools[p.Pool]; p.Number >= 1 && p.Number <= len(ps) && ps[p.Number-1].holder == holder {
		ps[p.Number-1] = heldPlace{}
	}
}

// promote is the Service's promote: the line of freed's pool moves up
// until the pool is full again.
func (b *Book) promote(freed care.Referral, now time.Time) {
	for _, w := range b.waitingLine(freed) {
		if _, err := b.apply(Actor{}, w, care.Move{To: care.RefAccepted, Reason: reasonPromoted}, codePromoted, now); err != nil {
			return // full again: the line waits
		}
	}
}

// waitingLine is the waitlisted referrals of ref's pool, in line order.
func (b *Book) waitingLine(ref care.Referral) []care.Referral {
	var line []care.Referral
	pool := Pool(ref)
	for _, id := range b.open {
		if w := b.refs[id]; w.State == care.RefWaitlisted && w.OptionID == ref.OptionID && Pool(*w) == pool {
			line = append(line, *w)
		}
	}
	sortLine(line)
	return line
}

// moveFrom moves referral id to state to for the system, if it is still
// in state from.
func (b *Book) moveFrom(m sysMove, now time.Time) error {
	ref, err := b.referral(m.id)
	if err != nil {
		return err
	}
	if ref.State != m.from {
		return nil
	}
	_, err = b.apply(Actor{}, *ref, care.Move{To: m.to, Reason: m.reason}, m.code, now)
	return err
}

// NoShow records that the resident did not come at noShowAt, recorded at
// at.
func (b *Book) NoShow(a Actor, id string, noShowAt time.Time, note string, at time.Time) (care.Referral, error) {
	ref, err := b.referral(id)
	if err != nil {
		return care.Referral{}, err
	}
	next, ev, err := noShown(a, *ref, noShowAt, note, stamp(at))
	if err != nil {
		return *ref, err
	}
	*ref = next
	b.emit(collReferrals, id, next.Version, ev)
	return next, nil
}

// FollowUpDone marks follow-up n (1-based) of referral id done at at.
func (b *Book) FollowUpDone(a Actor, id, n, note string, at time.Time) (care.Referral, error) {
	ref, err := b.referral(id)
	if err != nil {
		return care.Referral{}, err
	}
	next, ev, err := followedUp(a, *ref, n, note, stamp(at))
	if err != nil {
		return *ref, err
	}
	*ref = next
	b.emit(collReferrals, id, next.Version, ev)
	return next, nil
}

// Close closes request id at at, and ends what its referrals hold.
func (b *Book) Close(a Actor, id string, x care.Close, at time.Time) (care.Request, error) {
	now := stamp(at)
	req, err := b.updateRequest(a, id, now, closing(x))
	if err != nil {
		return req, err
	}
	return req, b.endOpen(id, x.Closure, nil, now)
}

func (b *Book) endOpen(id, closure string, needs []string, now time.Time) error {
	var errs []error
	for _, m := range closingMoves(b.referralsOf(id), closure, needs) {
		errs = append(errs, b.moveFrom(m, now))
	}
	return errors.Join(errs...)
}

func (b *Book) referralsOf(id string) []care.Referral {
	out := make([]care.Referral, 0, len(b.refsOf[id]))
	for _, rid := range b.refsOf[id] {
		out = append(out, *b.refs[rid])
	}
	return out
}

// ReferSpecialist refers needs of request id to specialist care at at,
// through the gate.
func (b *Book) ReferSpecialist(a Actor, id string, f care.SpecialistFields, at time.Time) (care.Specialist, error) {
	req, err := b.request(id)
	if err != nil {
		return care.Specialist{}, err
	}
	var earlier []care.Specialist
	for _, sid := range b.specsOf[id] {
		earlier = append(earlier, *b.specs[sid])
	}
	now := stamp(at)
	sp, closes, err := specialistReferral(*req, earlier, f, b.cfg.NewID(collSpecialists, now), now)
	if err != nil {
		return care.Specialist{}, err
	}
	if closes {
		// As the Service checks the close again on the request as it is
		// before keeping the specialist referral (it deletes it then).
		probe := *req
		if err := specialistClosing(f)(&probe); err != nil {
			return care.Specialist{}, err
		}
	}
	b.specs[sp.ID] = &sp
	b.specOrd = append(b.specOrd, sp.ID)
	b.specsOf[id] = append(b.specsOf[id], sp.ID)
	b.emit(collSpecialists, sp.ID, sp.Version, specialistMade(a, sp, now))
	if closes {
		if _, err := b.updateRequest(a, id, now, specialistClosing(f)); err != nil {
			return sp, err
		}
	}
	return sp, b.endOpen(id, care.ClosureSpecialist, f.Needs, now)
}

// EndSpecialist ends specialist referral id at at: the step-down.
func (b *Book) EndSpecialist(a Actor, id string, e care.SpecialistEnd, at time.Time) (care.Specialist, error) {
	sp, ok := b.specs[id]
	if !ok {
		return care.Specialist{}, &NotFoundError{Kind: "specialist referral", ID: id}
	}
	now := stamp(at)
	next, ev, err := specialistEnded(a, *sp, e, now)
	if err != nil {
		return *sp, err
	}
	*sp = next
	b.emit(collSpecialists, id, next.Version, ev)
	if _, err := b.updateRequest(a, next.RequestID, now, steppedDown(now)); err != nil {
		return next, err
	}
	return next, nil
}

// SpecialistFollowUpDone marks follow-up n (1-based) of ended specialist
// referral id done at at.
func (b *Book) SpecialistFollowUpDone(a Actor, id, n, note string, at time.Time) (care.Specialist, error) {
	sp, ok := b.specs[id]
	if !ok {
		return care.Specialist{}, &NotFoundError{Kind: "specialist referral", ID: id}
	}
	now := stamp(at)
	next, ev, err := specialistFollowedUp(a, *sp, n, note, now)
	if err != nil {
		return *sp, err
	}
	*sp = next
	b.emit(collSpecialists, id, next.Version, ev)
	return next, nil
}

// ExpireStale is the maintenance sweep at at (ExpireStale of the
// Service): unanswered proposals and waits for a begun occurrence
// expire, and referrals of closed requests end.
func (b *Book) ExpireStale(at time.Time) error {
	now := stamp(at)
	var moves []sysMove
	open := b.open[:0]
	for _, id := range b.open {
		ref := b.refs[id]
		if len(care.NextStates(ref.State)) == 0 {
			continue
		}
		open = append(open, id)
		closure := ""
		if req := b.reqs[ref.RequestID]; req.Status == care.ReqClosed {
			closure = req.Closure
		}
		if m, ok := staleMove(*ref, closure, now, b.cfg.ProposalExpiry); ok {
			moves = append(moves, m)
		}
	}
	b.open = open
	var errs []error
	for _, m := range moves {
		errs = append(errs, b.moveFrom(m, now))
	}
	return errors.Join(errs...)
}

// Request returns request id as the Book holds it.
func (b *Book) Request(id string) (care.Request, bool) {
	r, ok := b.reqs[id]
	if !ok {
		return care.Request{}, false
	}
	return *r, true
}

// Referral returns referral id as the Book holds it.
func (b *Book) Referral(id string) (care.Referral, bool) {
	r, ok := b.refs[id]
	if !ok {
		return care.Referral{}, false
	}
	return *r, true
}

// Specialist returns specialist referral id as the Book holds it.
func (b *Book) Specialist(id string) (care.Specialist, bool) {
	s, ok := b.specs[id]
	if !ok {
		return care.Specialist{}, false
	}
	return *s, true
}

// Taken returns how many places of pool are held.
func (b *Book) Taken(pool string) int {
	n := 0
	for _, p := range b.pools[pool] {
		if p.holder != "" {
			n++
		}
	}
	return n
}

// BookRecords are a Book's records, each kind in creation order.
type BookRecords struct {
	Requests    []care.Request
	Searches    []care.Search
	Referrals   []care.Referral
	Specialists []care.Specialist
	// Places are the places held, by pool and number.
	Places []store.Place
}

// Records returns copies of the Book's records.
func (b *Book) Records() BookRecords {
	out := BookRecords{Searches: slices.Clone(b.searches)}
	for _, id := range b.reqOrder {
		out.Requests = append(out.Requests, *b.reqs[id])
	}
	for _, id := range b.refOrder {
		out.Referrals = append(out.Referrals, *b.refs[id])
	}
	for _, id := range b.specOrd {
		out.Specialists = append(out.Specialists, *b.specs[id])
	}
	pools := make([]string, 0, len(b.pools))
	for p := range b.pools {
		pools = append(pools, p)
	}
	slices.Sort(pools)
	for _, pool := range pools {
		for i, p := range b.pools[pool] {
			if p.holder != "" {
				out.Places = append(out.Places, store.Place{Pool: pool, Number: i + 1, Holder: p.holder, Claimed: p.at})
			}
		}
	}
	return out
}
