package matching

import (
	"slices"

	"github.com/dichtbij/dichtbij/geo"
)

// MatchLinear is the brute-force reference of Match: the same filters,
// pool, scoring and ordering, but every option is visited in a linear
// scan instead of through the spatial indexes. Tests compare the two;
// benchmarks use it as the baseline.
func (e *Engine) MatchLinear(req Request, limit int) Result {
	if limit <= 0 {
		limit = DefaultLimit
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	q := &query{req: req, rd: geo.ToRD(req.Location), needMask: e.maskOf(req.Needs), now: e.now()}
	res := Result{Needs: make([]NeedResult, 0, len(req.Needs)), Uncovered: []string{}, At: q.now}
	for _, need := range req.Needs {
		nr := NeedResult{Need: need, Options: []Candidate{}}
		bit := e.helpBits[need]
		if bit != 0 {
			for _, src := range e.sources(q) {
				type hit struct {
					h uint32
					d float64
				}
				var hits []hit
				for h, en := range e.entries {
					if en == nil || !en.Active || en.help&bit == 0 || e.indexFor(en.Kind) != src.ix {
						continue
					}
					d := geo.DistanceRD(en.rd, q.rd)
					if d > src.radius+indexSlackM {
						continue
					}
					if r, _ := e.check(en, q, d); r != fits {
						continue
					}
					hits = append(hits, hit{uint32(h), d})
				}
				slices.SortFunc(hits, func(a, b hit) int {
					if a.d != b.d {
						if a.d < b.d {
							return -1
						}
						return 1
					}
					return int(a.h) - int(b.h)
				})
				if len(hits) > poolSize {
					hits = hits[:poolSize]
				}
				for _, h := range hits {
					nr.Options = append(nr.Options, e.candidate(e.entries[h.h], q, h.d))
				}
			}
		}
		e.finish(&res, nr, q, bit, limit)
	}
	return res
}

// NearbyLinear is the brute-force reference of Nearby.
func (e *Engine) NearbyLinear(nq NearbyQuery) []Candidate {
	if nq.Limit <= 0 {
		nq.Limit = DefaultLimit
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	mask := e.maskOf(nq.HelpTypes)
	q := &query{req: Request{Location: nq.Location, Needs: nq.HelpTypes, MaxDistanceM: nq.RadiusM}, rd: geo.ToRD(nq.Location), needMask: mask, now: e.now()}
	if len(nq.HelpTypes) == 0 {
		mask = 0
	}
	type hit struct {
		en *entry
		d  float64
	}
	var hits []hit
	for _, en := range e.entries {
		if en == nil || !en.Active || en.help == 0 || (mask != 0 && en.help&mask == 0) || (len(nq.Kinds) > 0 && !slices.Contains(nq.Kinds, en.Kind)) {
			continue
		}
		d := geo.DistanceRD(en.rd, q.rd)
		if d > nq.RadiusM {
			continue
		}
		if r, _ := e.check(en, q, d); r == fits {
			hits = append(hits, hit{en, d})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.d != b.d {
			if a.d < b.d {
				return -1
			}
			return 1
		}
		if a.en.ID < b.en.ID {
			return -1
		}
		return 1
	})
	if len(hits) > nq.Limit {
		hits = hits[:nq.Limit]
	}
	out := make([]Candidate, len(hits))
	for i, h := range hits {
		out[i] = e.candidate(h.en, q, h.d)
	}
	e.explainAll(out, q)
	return out
}
