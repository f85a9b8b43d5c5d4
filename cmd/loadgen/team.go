package main

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"
)

// team is what the virtual users share: the recorder, the pacing, and
// what one user made that others act on.
type team struct {
	rec          *recorder
	municipality string
	thinkMin     time.Duration
	thinkMax     time.Duration
	workers      int // head count of social workers, for sharing follow-ups
	shared       shared
}

// shared is the little the users of one process coordinate on, so that
// two of them do not race on one record in a way real colleagues would
// not (two workers referring the same case at the same second).
type shared struct {
	mu sync.Mutex
	// owned are the options the load generator's organisers and
	// residents own: workers prefer them, so that referrals reach
	// someone who answers.
	owned     map[string]bool
	ownedList []string
	// retired are activities their organiser is about to delete: no
	// worker refers to them any more, so a referral does not meet one
	// deleted between the worker's search and the referral (a 422 that
	// is the server right, not a failure).
	retired map[string]bool
	// claimed are the requests a worker has open now.
	claimed map[string]bool
	// activities are active demo activities, for calendar reads.
	activities []string
}

func (s *shared) own(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owned == nil {
		s.owned = map[string]bool{}
	}
	if !s.owned[id] {
		s.owned[id] = true
		s.ownedList = append(s.ownedList, id)
	}
}

func (s *shared) retire(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retired == nil {
		s.retired = map[string]bool{}
	}
	s.retired[id] = true
}

func (s *shared) isRetired(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.retired[id]
}

func (s *shared) isOwned(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.owned[id]
}

// claim takes the first request of ids, from a random place on, that no
// other worker has open.
func (s *shared) claim(ids []string, rng *rand.Rand) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.claimed == nil {
		s.claimed = map[string]bool{}
	}
	if len(ids) == 0 {
		return "", false
	}
	off := rng.IntN(len(ids))
	for i := range ids {
		id := ids[(off+i)%len(ids)]
		if !s.claimed[id] {
			s.claimed[id] = true
			return id, true
		}
	}
	return "", false
}

func (s *shared) release(id string) {
	s.mu.Lock()
	delete(s.claimed, id)
	s.mu.Unlock()
}

func (s *shared) setActivities(ids []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.activities) == 0 {
		s.activities = ids
	}
}

func (s *shared) activity(rng *rand.Rand) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.activities) == 0 {
		return "", false
	}
	return s.activities[rng.IntN(len(s.activities))], true
}

// vu is one virtual user: an account, its own random source and its
// index among the users of its role.
type vu struct {
	*team
	u   *user
	rng *rand.Rand
	idx int
}

// think waits a random think time, the pause of a person between two
// clicks; false when the run is over.
func (v *vu) think(ctx context.Context) bool {
	d := v.thinkMin
	if span := v.thinkMax - v.thinkMin; span > 0 {
		d += time.Duration(v.rng.Int64N(int64(span)))
	}
	return sleep(ctx, d)
}

// mine reports whether a record with id is this worker's to handle, so
// that workers split the team's follow-ups between them as a team does.
func (v *vu) mine(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32()%uint32(max(v.workers, 1))) == v.idx
}

// flow is one role's loop; each call is one round of its flow.
type flow interface {
	setup(ctx context.Context) error
	round(ctx context.Context)
	self() *vu
}

func (v *vu) self() *vu { return v }
