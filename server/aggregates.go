package server

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/monitor"
)

// Count is a number of residents' records with small numbers suppressed:
// a JSON number when 0 or at least 5, else "<5".
type Count = monitor.Count

// Aggregates are a coordinator's counts of the requests of their
// municipality created in a period, only of residents who consented to
// anonymous monitoring. Issue-level indicators (supply, gaps, results,
// costs) are built on the same rules.
type Aggregates struct {
	Municipality string    `json:"municipality"`
	From         time.Time `json:"from"`
	To           time.Time `json:"to"`
	// MinCount is the suppression threshold: counts 1 to MinCount-1 show
	// as "<5".
	MinCount int `json:"min_count"`
	// Requests counts the requests with monitoring consent;
	// WithoutConsent those left out.
	Requests       Count `json:"requests" description:"a number, or \"<5\""`
	WithoutConsent Count `json:"without_consent" description:"a number, or \"<5\""`
	// ByNeed, ByStatus and ByClosure count requests; a request with two
	// needs counts for both.
	ByNeed    map[string]Count `json:"by_need"`
	ByStatus  map[string]Count `json:"by_status"`
	ByClosure map[string]Count `json:"by_closure"`
	// Referrals counts the referrals of those requests by state.
	Referrals  map[string]Count `json:"referrals_by_state"`
	ByDistrict []DistrictCounts `json:"by_district"`
}

// DistrictCounts are the counts of one district (CBS 2014 wijk).
type DistrictCounts struct {
	Code     string           `json:"code"`
	Name     string           `json:"name"`
	Requests Count            `json:"requests"`
	ByNeed   map[string]Count `json:"by_need"`
}

type aggregateParams struct {
	From string `query:"from" description:"requests created from (inclusive), RFC 3339 or YYYY-MM-DD; default 365 days ago"`
	To   string `query:"to" description:"until (exclusive); default now"`
}

type aggregator struct {
	idx   *monitor.Index
	areas *areaBook
	now   func() time.Time
}

func mountAggregates(rt *routeTable, a *aggregator) {
	rt.add(route{method: http.MethodGet, path: "/api/v1/aggregates", perm: permAggregates, handler: a.get, tag: "monitoring",
		summary: "Counts of the municipality's support requests and their referrals in a period, per need, status and district, of residents who consented to monitoring; counts from 1 to 4 show as \"<5\"",
		params:  aggregateParams{}, resp: Aggregates{}, errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusServiceUnavailable}})
}

// get counts from the indicators' in-memory facts, never scanning the
// store.
func (a *aggregator) get(c *fiber.Ctx) error {
	from, to, err := periodParams(c, a.now(), 365*24*time.Hour)
	if err != nil {
		return err
	}
	if err := stillLoading(c, a.idx); err != nil {
		return err
	}
	mun := actorOf(c.UserContext()).Municipality
	out := Aggregates{Municipality: mun, From: from.UTC(), To: to.UTC(), MinCount: monitor.MinCount,
		ByNeed: map[string]Count{}, ByStatus: map[string]Count{}, ByClosure: map[string]Count{}, Referrals: map[string]Count{}}
	districts := map[string]*DistrictCounts{}
	counted := map[string]bool{}
	a.idx.EachRequest(mun, func(r monitor.Request) {
		if r.CreatedAt.Before(from) || !r.CreatedAt.Before(to) {
			return
		}
		if !r.Consent {
			out.WithoutConsent++
			return
		}
		counted[r.ID] = true
		out.Requests++
		out.ByStatus[r.Status]++
		if r.Closure != "" {
			out.ByClosure[r.Closure]++
		}
		d := districts[r.District]
		if d == nil {
			d = &DistrictCounts{Code: r.District, ByNeed: map[string]Count{}}
			if r.District != "" {
				d.Name = a.areas.name(r.District)
			}
			districts[r.District] = d
		}
		d.Requests++
		for _, n := range r.Needs {
			out.ByNeed[n]++
			d.ByNeed[n]++
		}
	})
	a.idx.EachReferral(mun, func(ref monitor.Referral) {
		if counted[ref.RequestID] {
			out.Referrals[ref.State]++
		}
	})
	out.ByDistrict = make([]DistrictCounts, 0, len(districts))
	for _, d := range districts {
		out.ByDistrict = append(out.ByDistrict, *d)
	}
	slices.SortFunc(out.ByDistrict, func(x, y DistrictCounts) int { return strings.Compare(x.Code, y.Code) })
	return c.JSON(out)
}
