package server

import (
	"net/http"
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
type DistrictCounts monitor.DistrictCounts

type aggregateParams struct {
	From string `query:"from" description:"requests created from (inclusive), RFC 3339 or YYYY-MM-DD; default 365 days ago"`
	To   string `query:"to" description:"until (exclusive); default now"`
}

type aggregator struct {
	idx   *monitor.Index
	areas *monitor.Areas
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
	n := a.idx.Aggregate(a.areas, mun, from, to)
	out := Aggregates{Municipality: mun, From: from.UTC(), To: to.UTC(), MinCount: monitor.MinCount, Requests: n.Requests, WithoutConsent: n.WithoutConsent,
		ByNeed: n.ByNeed, ByStatus: n.ByStatus, ByClosure: n.ByClosure, Referrals: n.Referrals, ByDistrict: make([]DistrictCounts, len(n.ByDistrict))}
	for i, d := range n.ByDistrict {
		out.ByDistrict[i] = DistrictCounts(d)
	}
	return c.JSON(out)
}
