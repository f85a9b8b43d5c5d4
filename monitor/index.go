package monitor

import (
	"slices"
	"sync"
	"sync/atomic"
)

// Index holds the facts of every municipality. It is safe for concurrent
// use: writers replace one fact at a time, Compute reads under a shared
// lock.
type Index struct {
	// loaded is set once a full load was put in place (ReplaceWith).
	loaded atomic.Bool
	mu     sync.RWMutex
	munis  map[string]*facts
	// home maps a fact's collection and id to the municipality it is
	// filed under, so a delete or a changed municipality finds it.
	home map[key]string
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
	requests    map[string]*Request
	referrals   map[string]*Referral
	specialists map[string]*Specialist
	options     map[string]*Option
}

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{munis: map[string]*facts{}, home: map[key]string{}} }

func (x *Index) facts(mun string) *facts {
	f := x.munis[mun]
	if f == nil {
		f = &facts{requests: map[string]*Request{}, referrals: map[string]*Referral{}, specialists: map[string]*Specialist{}, options: map[string]*Option{}}
		x.munis[mun] = f
	}
	return f
}

// put files a fact under its municipality unless a newer version of it
// is already there: a reload that read a record just before a write must
// not undo that write.
func put[T any](x *Index, set Set, id, mun string, version int64, v *T, pick func(*facts) map[string]*T, versionOf func(*T) int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	k := key{set, id}
	if old, ok := x.home[k]; ok {
		m := pick(x.munis[old])
		if cur := m[id]; cur != nil && versionOf(cur) > version {
			return
		}
		delete(m, id)
	}
	x.home[k] = mun
	pick(x.facts(mun))[id] = v
}

// PutRequest adds or replaces a request's fact.
func (x *Index) PutRequest(f Request) {
	f.Domains = slices.Clone(f.Domains)
	f.prepare()
	put(x, Requests, f.ID, f.Municipality, f.Version, &f, func(s *facts) map[string]*Request { return s.requests }, func(r *Request) int64 { return r.Version })
}

// PutReferral adds or replaces a referral's fact.
func (x *Index) PutReferral(f Referral) {
	put(x, Referrals, f.ID, f.Municipality, f.Version, &f, func(s *facts) map[string]*Referral { return s.referrals }, func(r *Referral) int64 { return r.Version })
}

// PutSpecialist adds or replaces a specialist referral's fact.
func (x *Index) PutSpecialist(f Specialist) {
	put(x, Specialists, f.ID, f.Municipality, f.Version, &f, func(s *facts) map[string]*Specialist { return s.specialists }, func(r *Specialist) int64 { return r.Version })
}

// PutOption adds or replaces an option's fact.
func (x *Index) PutOption(f Option) {
	f.prepare()
	put(x, Options, f.ID, f.Municipality, f.Version, &f, func(s *facts) map[string]*Option { return s.options }, func(r *Option) int64 { return r.Version })
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
	f := x.munis[mun]
	switch set {
	case Requests:
		delete(f.requests, id)
	case Referrals:
		delete(f.referrals, id)
	case Specialists:
		delete(f.specialists, id)
	case Options:
		delete(f.options, id)
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
	munis, home := fresh.munis, fresh.home
	fresh.munis, fresh.home = nil, nil
	fresh.mu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.munis, x.home = munis, home
	x.loaded.Store(true)
}

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
	r := x.munis[mun].requests[requestID]
	return r.SearchID, r.Gaps, true
}

// EachRequest calls fn with a copy of every request fact of municipality
// mun, under the index's read lock: fn must not call back into the index.
func (x *Index) EachRequest(mun string, fn func(Request)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if f := x.munis[mun]; f != nil {
		for _, r := range f.requests {
			fn(*r)
		}
	}
}

// EachReferral calls fn with a copy of every referral fact of
// municipality mun, as EachRequest does.
func (x *Index) EachReferral(mun string, fn func(Referral)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if f := x.munis[mun]; f != nil {
		for _, r := range f.referrals {
			fn(*r)
		}
	}
}
