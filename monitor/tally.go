package monitor

import (
	"math"
	"slices"
	"time"
)

// tally holds one area's raw counts while Compute walks the facts.
type tally struct {
	options, informal, collective         int
	byKind, byHelpType                    []int
	capacity, placesTaken, freePlaces     int
	spots, spotsTaken                     int
	volunteers, volunteersHelping         int
	requests, withoutConsent              int
	byNeed, byDomain                      []int
	withGap                               int
	gapByNeed, gapByReason                []int
	closed, resolved, withdrawn           int
	specialist, overrides                 int
	stepDowns, reEntries                  int
	referrals, accepted, declined         int
	expired, started, completed, ended    int
	endedAfterStart, noShows, waiting     int
	contact, match                        delay
	outRequests, improved, unchanged      int
	worsened                              int
	outSum                                float64
	domainN                               []int
	domainSum                             []float64
	informalCompleted, transportCompleted int
}

func newTally() *tally {
	h, d := len(helpTypes), len(lifeDomains)
	return &tally{byKind: make([]int, len(kinds)), byHelpType: make([]int, h), byNeed: make([]int, h), byDomain: make([]int, d),
		gapByNeed: make([]int, h), gapByReason: make([]int, len(gapReasons)), domainN: make([]int, d), domainSum: make([]float64, d)}
}

// delay collects the days from creation to an event.
type delay struct {
	due, within int
	days        []float64
}

// add counts a request created in the period: reached at at (zero when
// not yet). An unreached request is due once its target passed, unless it
// closed before that.
func (d *delay) add(r *Request, at time.Time, target time.Duration, now time.Time) {
	deadline := r.CreatedAt.Add(target)
	switch {
	case !at.IsZero():
		d.due++
		days := at.Sub(r.CreatedAt).Hours() / 24
		d.days = append(d.days, days)
		if !at.After(deadline) {
			d.within++
		}
	case now.After(deadline) && (r.ClosedAt.IsZero() || r.ClosedAt.After(deadline)):
		d.due++
	}
}

func (d *delay) result() Delay {
	out := Delay{Requests: Count(d.due), Reached: Count(len(d.days)), WithinTarget: Count(d.within),
		WithinTargetShare: share(d.within, d.due)}
	if len(d.days) >= MinCount {
		s := slices.Clone(d.days)
		slices.Sort(s)
		out.MedianDays = round(quantile(s, 0.5), 1)
		out.P90Days = round(quantile(s, 0.9), 1)
	}
	return out
}

// quantile interpolates linearly between the closest ranks of sorted s.
func quantile(s []float64, q float64) float64 {
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// outcome counts a closed request's change in ZRM scores.
func (t *tally) outcome(r *Request) {
	n, sum := 0, 0.0
	for _, d := range r.Domains {
		if d.Intake == 0 || d.Closure == 0 {
			continue
		}
		ch := float64(d.Closure - d.Intake)
		if d.idx >= 0 {
			t.domainN[d.idx]++
			t.domainSum[d.idx] += ch
		}
		n++
		sum += ch
	}
	if n == 0 {
		return
	}
	mean := sum / float64(n)
	t.outRequests++
	t.outSum += mean
	switch {
	case mean > 0:
		t.improved++
	case mean < 0:
		t.worsened++
	default:
		t.unchanged++
	}
}

// mean is sum/n, or nil for fewer than MinCount records.
func mean(sum float64, n int) *float64 {
	if n < MinCount {
		return nil
	}
	return round(sum/float64(n), 2)
}

func (t *tally) indicators(q Query) Indicators {
	out := Indicators{
		Supply: Supply{Options: Count(t.options), ByKind: countsOf(kinds, t.byKind),
			ByLevel:    map[string]Count{"informal": Count(t.informal), "collective": Count(t.collective)},
			ByHelpType: countsOf(helpTypes, t.byHelpType), Capacity: Count(t.capacity), PlacesTaken: Count(t.placesTaken), FreePlaces: Count(t.freePlaces),
			ActivitySpots: Count(t.spots), ActivitySpotsTaken: Count(t.spotsTaken), ActivityOccupancy: share(min(t.spotsTaken, t.spots), t.spots),
			VolunteersActive: Count(t.volunteers), VolunteersHelping: Count(t.volunteersHelping), VolunteerUtilisation: share(t.volunteersHelping, t.volunteers)},
		Demand: Demand{Requests: Count(t.requests), WithoutConsent: Count(t.withoutConsent), ByNeed: countsOf(helpTypes, t.byNeed), ByLifeDomain: countsOf(lifeDomains, t.byDomain)},
		Gaps: Gaps{RequestsWithGap: Count(t.withGap), Share: share(t.withGap, t.requests),
			ByNeed: countsOf(helpTypes, t.gapByNeed), ByReason: countsOf(gapReasons, t.gapByReason)},
		Results: Results{Closed: Count(t.closed), ResolvedLocally: Count(t.resolved), ReferredToSpecialist: Count(t.specialist),
			SafetyOverrides: Count(t.overrides), Withdrawn: Count(t.withdrawn), ZeroLineShare: share(t.resolved, t.resolved+t.specialist),
			StepDowns: Count(t.stepDowns), ReEntries: Count(t.reEntries),
			Referrals: Count(t.referrals), Accepted: Count(t.accepted), Declined: Count(t.declined), Expired: Count(t.expired),
			AcceptanceRate: share(t.accepted, t.accepted+t.declined+t.expired),
			Started:        Count(t.started), Completed: Count(t.completed), Ended: Count(t.ended),
			CompletionRate: share(t.completed, t.completed+t.endedAfterStart), NoShows: Count(t.noShows)},
		Timeliness: Timeliness{FirstContact: t.contact.result(), Match: t.match.result(), WaitingList: Count(t.waiting)},
		Outcomes: Outcomes{Requests: Count(t.outRequests), MeanChange: mean(t.outSum, t.outRequests),
			Improved: Count(t.improved), Unchanged: Count(t.unchanged), Worsened: Count(t.worsened), ByDomain: map[string]DomainOutcome{}},
	}
	for i, d := range lifeDomains {
		out.Outcomes.ByDomain[d] = DomainOutcome{Requests: Count(t.domainN[i]), MeanChange: mean(t.domainSum[i], t.domainN[i])}
	}
	out.AvoidedCosts = t.avoidedCosts(q)
	return out
}
