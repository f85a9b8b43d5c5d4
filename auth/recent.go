package auth

import (
	"sync"
	"time"
)

// recentTTL is how long a session or an account read from the store
// answers again from memory. Every signed-in request reads both; on the
// embedded store each read scans its collection, which was a third of
// the store's time under the team load. A change made through this
// value's writes shows at once; one made by another process sharing the
// store (or another Accounts) shows within recentTTL.
const recentTTL = 2 * time.Second

// recentMax bounds the entries kept; past it the oldest reads go.
const recentMax = 10000

// recent remembers values read a moment ago, by key.
type recent[V any] struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]recentEntry[V]
}

type recentEntry[V any] struct {
	v  V
	at time.Time
}

func newRecent[V any](now func() time.Time) *recent[V] {
	return &recent[V]{now: now, entries: map[string]recentEntry[V]{}}
}

// get returns the value kept for key if it was read within recentTTL.
func (r *recent[V]) get(key string) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[key]
	if !ok || r.now().Sub(e.at) >= recentTTL || r.now().Before(e.at) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put keeps v for key.
func (r *recent[V]) put(key string, v V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.entries) >= recentMax {
		now := r.now()
		for k, e := range r.entries {
			if now.Sub(e.at) >= recentTTL {
				delete(r.entries, k)
			}
		}
		if len(r.entries) >= recentMax {
			r.entries = map[string]recentEntry[V]{}
		}
	}
	r.entries[key] = recentEntry[V]{v: v, at: r.now()}
}

// forget drops key, after a write of it.
func (r *recent[V]) forget(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.entries, key)
}

// clear drops everything.
func (r *recent[V]) clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = map[string]recentEntry[V]{}
}
