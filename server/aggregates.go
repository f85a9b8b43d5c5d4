package server

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// minCount is the smallest count shown: 1 to 4 become "<5", so that no
// count points at one resident in a small neighbourhood.
const minCount = 5

// Count is a number of residents' records with small numbers suppressed:
// it marshals as a JSON number when 0 or at least 5, else as "<5".
type Count int

// MarshalJSON writes small counts as "<5".
func (n Count) MarshalJSON() ([]byte, error) {
	if n > 0 && n < minCount {
		return []byte(`"<` + strconv.Itoa(minCount) + `"`), nil
	}
	return []byte(strconv.Itoa(int(n))), nil
}

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
	st  *store.Store
	now func() time.Time
}

func mountAggregates(api *routes, doc *apiDoc, a *aggregator) {
	api.get("/aggregates", permAggregates, a.get)
	doc.add(op{method: http.MethodGet, path: "/api/v1/aggregates", tag: "monitoring",
		summary: "Counts of the municipality's support requests and their referrals in a period, per need, status and district, of residents who consented to monitoring; counts from 1 to 4 show as \"<5\"",
		params:  aggregateParams{}, resp: Aggregates{}, errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden}})
}

func (a *aggregator) get(c *fiber.Ctx) error {
	from, to, err := periodParams(c, a.now(), 365*24*time.Hour)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	mun := actorOf(ctx).Municipality
	reqs, err := a.st.Requests().All(ctx, store.Cond{Field: "municipality", Value: mun})
	if err != nil {
		return err
	}
	out := Aggregates{Municipality: mun, From: from.UTC(), To: to.UTC(), MinCount: minCount,
		ByNeed: map[string]Count{}, ByStatus: map[string]Count{}, ByClosure: map[string]Count{}, Referrals: map[string]Count{}}
	districts := map[string]*DistrictCounts{}
	counted := map[string]bool{}
	for _, r := range reqs {
		if r.CreatedAt.Before(from) || !r.CreatedAt.Before(to) {
			continue
		}
		if !r.HasConsent(care.ConsentMonitoring) {
			out.WithoutConsent++
			continue
		}
		counted[r.ID] = true
		out.Requests++
		out.ByStatus[r.Status]++
		if r.Closure != "" {
			out.ByClosure[r.Closure]++
		}
		code := r.Area.DistrictCode
		d := districts[code]
		if d == nil {
			d = &DistrictCounts{Code: code, Name: r.Area.DistrictName, ByNeed: map[string]Count{}}
			districts[code] = d
		}
		d.Requests++
		for _, n := range r.Needs {
			out.ByNeed[n]++
			d.ByNeed[n]++
		}
	}
	refs, err := a.st.Referrals().All(ctx, store.Cond{Field: "municipality", Value: mun})
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if counted[ref.RequestID] {
			out.Referrals[ref.State]++
		}
	}
	out.ByDistrict = make([]DistrictCounts, 0, len(districts))
	for _, d := range districts {
		out.ByDistrict = append(out.ByDistrict, *d)
	}
	slices.SortFunc(out.ByDistrict, func(x, y DistrictCounts) int {
		switch {
		case x.Code < y.Code:
			return -1
		case x.Code > y.Code:
			return 1
		}
		return 0
	})
	return c.JSON(out)
}
