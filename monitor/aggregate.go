package monitor

import (
	"slices"
	"strings"
	"time"
)

// Aggregates count the requests of a municipality created in a period,
// only of residents who consented to anonymous monitoring.
type Aggregates struct {
	// Requests counts the requests with monitoring consent;
	// WithoutConsent those left out.
	Requests, WithoutConsent Count
	// ByNeed, ByStatus and ByClosure count requests; a request with two
	// needs counts for both.
	ByNeed, ByStatus, ByClosure map[string]Count
	// Referrals counts the referrals of those requests by state.
	Referrals map[string]Count
	// ByDistrict is in code order.
	ByDistrict []DistrictCounts
}

// DistrictCounts are the counts of one district (CBS 2014 wijk).
type DistrictCounts struct {
	Code     string           `json:"code"`
	Name     string           `json:"name"`
	Requests Count            `json:"requests"`
	ByNeed   map[string]Count `json:"by_need"`
}

// Aggregate counts the requests of mun created in [from, to) and their
// referrals from the facts in memory, never scanning the store; b names
// the districts.
func (x *Index) Aggregate(b *Areas, mun string, from, to time.Time) Aggregates {
	out := Aggregates{ByNeed: map[string]Count{}, ByStatus: map[string]Count{}, ByClosure: map[string]Count{}, Referrals: map[string]Count{}}
	districts := map[string]*DistrictCounts{}
	counted := map[string]bool{}
	x.EachRequest(mun, func(r Request) {
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
				d.Name = b.Name(r.District)
			}
			districts[r.District] = d
		}
		d.Requests++
		for _, n := range r.Needs {
			out.ByNeed[n]++
			d.ByNeed[n]++
		}
	})
	x.EachReferral(mun, func(ref Referral) {
		if counted[ref.RequestID] {
			out.Referrals[ref.State]++
		}
	})
	out.ByDistrict = make([]DistrictCounts, 0, len(districts))
	for _, d := range districts {
		out.ByDistrict = append(out.ByDistrict, *d)
	}
	slices.SortFunc(out.ByDistrict, func(x, y DistrictCounts) int { return strings.Compare(x.Code, y.Code) })
	return out
}
