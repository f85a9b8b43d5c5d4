package monitor

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Index holds the facts of every municipality. It is safe for concurrent
// use: writers replace one fact at a time, Compute reads under a shared
// lock.
//
// Compute must walk 100,000 requests and their referrals well within half
// a second, and at that size it waits on memory more than it computes. So
// the facts of a municipality lie in one slice per kind, walked in order,
// a fact keeps its place (its slot) for its life (a newer version is
// copied into it; a deleted one is marked gone), a referral or
// specialist referral keeps the slots of its request and option, and area
// codes are interned to small numbers: Compute then needs no hash lookup
// per fact.
type Index struct {
	// loaded is set once a full load was put in place (ReplaceWith).
	loaded atomic.Bool
	// changes counts every change of the facts (Generation).
	changes atomic.Uint64
	mu      sync.RWMutex
	munis   map[string]*facts
	// home maps a fact's collection and id to the municipality it is
	// filed under, so a delete or a changed municipality finds it.
	home map[key]string
	// areaID interns district and neighbourhood codes; areaCodes[id] is
	// the code, and id 0 is "" (no district).
	areaID    map[string]int32
	areaCodes []string
}

type key struct {
	set Set
	id  string
}

// Set names a kind of fact.
type Set uint8

// The kinds of facts.
const (
	Requests Set = iota
	Referrals
	Specialists
	Options
)

type facts struct {
	requests    table[Request, *Request]
	referrals   table[Referral, *Referral]
	specialists table[Specialist, *Specialist]
	options     table[Option, *Option]
}

// row is what a table needs of a fact.
type row[T any] interface {
	*T
	key() string
	version() int64
	dead() bool
	kill()
}

// table holds facts in slots; byID finds a live fact's slot.
type table[T any, P row[T]] struct {
	rows []T
	byID map[string]int32
}

func newTable[T any, P row[T]]() table[T, P] { return table[T, P]{byID: map[string]int32{}} }

func (t *table[T, P]) find(id string) (P, int32) {
	i, ok := t.byID[id]
	if !ok {
		return nil, -1
	}
	return P(&t.rows[i]), i
}

// at returns the fact in slot i if it is live and has the id; otherwise
// the live fact with the id, wherever it is.
func (t *table[T, P]) at(i int32, id string) (P, int32) {
	if i >= 0 && int(i) < len(t.rows) {
		if p := P(&t.rows[i]); !p.dead() && p.key() == id {
			return p, i
		}
	}
	return t.find(id)
}

func (t *table[T, P]) upsert(f T) {
	id := P(&f).key()
	if i, ok := t.byID[id]; ok {
		t.rows[i] = f
		return
	}
	t.rows = append(t.rows, f)
	t.byID[id] = int32(len(t.rows) - 1)
}

func (t *table[T, P]) remove(id string) {
	if i, ok := t.byID[id]; ok {
		P(&t.rows[i]).kill()
		delete(t.byID, id)
	}
}

func (r *Request) key() string       { return r.ID }
func (r *Request) version() int64    { return r.Version }
func (r *Request) dead() bool        { return r.gone }
func (r *Request) kill()             { r.gone = true }
func (r *Referral) key() string      { return r.ID }
func (r *Referral) version() int64   { return r.Version }
func (r *Referral) dead() bool       { return r.gone }
func (r *Referral) kill()            { r.gone = true }
func (s *Specialist) key() string    { return s.ID }
func (s *Specialist) version() int64 { return s.Version }
func (s *Specialist) dead() bool     { return s.gone }
func (s *Specialist) kill()          { s.gone = true }
func (o *Option) key() string        { return o.ID }
func (o *Option) version() int64     { return o.Version }
func (o *Option) dead() bool         { return o.gone }
func (o *Option) kill()              { o.gone = true }

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{munis: map[string]*facts{}, home: map[key]string{}, areaID: map[string]int32{"": 0}, areaCodes: []string{""}}
}

func (x *Index) facts(mun string) *facts {
	f := x.munis[mun]
	if f == nil {
		f = &facts{requests: newTable[Request](), referrals: newTable[Referral](), specialists: newTable[Specialist](), options: newTable[Option]()}
		x.munis[mun] = f
	}
	return f
}

func (x *Index) intern(code string) int32 {
	id, ok := x.areaID[code]
	if !ok {
		id = int32(len(x.areaCodes))
		x.areaID[code] = id
		x.areaCodes = append(x.areaCodes, code)
	}
	return id
}

// put files f under municipality mun unless a newer version of it is
// already there: a reload that read a record just before a write must
// not undo that write. The caller holds the write lock.
func put[T any, P row[T]](x *Index, set Set, mun string, f T, tab func(*facts) *table[T, P]) {
	id := P(&f).key()
	k := key{set, id}
	if old, ok := x.home[k]; ok {
		t := tab(x.munis[old])
		if cur, _ := t.find(id); cur != nil && cur.version() > P(&f).version() {
			return
		}
		if old != mun {
			t.remove(id)
		}
	}
	tab(x.facts(mun)).upsert(f)
	x.home[k] = mun
	x.changes.Add(1)
}

func requestsOf(f *facts) *table[Request, *Request]          { return &f.requests }
func referralsOf(f *facts) *table[Referral, *Referral]       { return &f.referrals }
func specialistsOf(f *facts) *table[Specialist, *Specialist] { return &f.specialists }
func optionsOf(f *facts) *table[Option, *Option]             { return &f.options }

// PutRequest adds or replaces a request's fact.
func (x *Index) PutRequest(f Request) {
	f.Domains = slices.Clone(f.Domains)
	f.prepare()
	x.mu.Lock()
	defer x.mu.Unlock()
	f.districtID, f.hoodID = x.intern(f.District), x.intern(f.Neighbourhood)
	put(x, Requests, f.Municipality, f, requestsOf)
}

// PutOption adds or replaces an option's fact.
func (x *Index) PutOption(f Option) {
	f.prepare()
	x.mu.Lock()
	defer x.mu.Unlock()
	f.districtID, f.hoodID = x.intern(f.District), x.intern(f.Neighbourhood)
	put(x, Options, f.Municipality, f, optionsOf)
}

// PutReferral adds or replaces a referral's fact.
func (x *Index) PutReferral(f Referral) {
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.facts(f.Municipality)
	_, f.reqSlot = s.requests.find(f.RequestID)
	_, f.optSlot = s.options.find(f.OptionID)
	put(x, Referrals, f.Municipality, f, referralsOf)
}

// PutSpecialist adds or replaces a specialist referral's fact.
func (x *Index) PutSpecialist(f Specialist) {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, f.reqSlot = x.facts(f.Municipality).requests.find(f.RequestID)
	put(x, Specialists, f.Municipality, f, specialistsOf)
}

// Delete removes a fact; removing one that is not there does nothing.
func (x *Index) Delete(set Set, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	k := key{set, id}
	mun, ok := x.home[k]
	if !ok {
		return
	}
	delete(x.home, k)
	x.changes.Add(1)
	f := x.munis[mun]
	switch set {
	case Requests:
		f.requests.remove(id)
	case Referrals:
		f.referrals.remove(id)
	case Specialists:
		f.specialists.remove(id)
	case Options:
		f.options.remove(id)
	}
}

// Len returns how many facts of a set the index holds.
func (x *Index) Len(set Set) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := 0
	for k := range x.home {
		if k.set == set {
			n++
		}
	}
	return n
}

// ReplaceWith gives x the facts of fresh, which must not be used after.
// A reload builds a fresh index while x goes on answering, then swaps.
func (x *Index) ReplaceWith(fresh *Index) {
	fresh.mu.Lock()
	munis, home, ids, codes := fresh.munis, fresh.home, fresh.areaID, fresh.areaCodes
	fresh.munis, fresh.home, fresh.areaID, fresh.areaCodes = nil, nil, nil, nil
	fresh.mu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.munis, x.home, x.areaID, x.areaCodes = munis, home, ids, codes
	x.changes.Add(1)
	x.loaded.Store(true)
}

// Generation is a number that moves with every change of the facts: a
// report computed at one generation holds while it stays.
func (x *Index) Generation() uint64 { return x.changes.Load() }

// Loaded reports whether a full load was put in place: before that the
// index holds only what was written since the process started.
func (x *Index) Loaded() bool { return x.loaded.Load() }

// Search returns the latest search id and gaps of a request's fact, so a
// write that did not run a new search need not read it again.
func (x *Index) Search(requestID string) (searchID string, gaps []Gap, ok bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	mun, ok := x.home[key{Requests, requestID}]
	if !ok {
		return "", nil, false
	}
	r, _ := x.munis[mun].requests.find(requestID)
	if r == nil {
		return "", nil, false
	}
	return r.SearchID, r.Gaps, true
}

// EachRequest calls fn with a copy of every request fact of municipality
// mun, under the index's read lock: fn must not call back into the index.
func (x *Index) EachRequest(mun string, fn func(Request)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if f := x.munis[mun]; f != nil {
		for _, r := range f.requests.rows {
			if !r.gone {
				fn(r)
			}
		}
	}
}

// EachReferral calls fn with a copy of every referral fact of
// municipality mun, as EachRequest does.
func (x *Index) EachReferral(mun string, fn func(Referral)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if f := x.munis[mun]; f != nil {
		for _, r := range f.referrals.rows {
			if !r.gone {
				fn(r)
			}
		}
	}
}
