package monitor

import (
	"fmt"
	"math"
	"strconv"
)

// MinCount is the smallest count shown: 1 to MinCount-1 become "<5", so
// that no number points at one resident in a small neighbourhood.
const MinCount = 5

// Count is a number of residents' records with small numbers suppressed:
// it marshals as a JSON number when 0 or at least MinCount, else as "<5".
type Count int

// Hidden is what a "<5" decodes to: a count known only to be small.
const Hidden Count = -1

// Suppressed reports whether the count is shown as "<5".
func (n Count) Suppressed() bool { return n == Hidden || n > 0 && n < MinCount }

// UnmarshalJSON reads a number, or "<5" as Hidden.
func (n *Count) UnmarshalJSON(b []byte) error {
	if string(b) == `"<`+strconv.Itoa(MinCount)+`"` || string(b) == `"\u003c`+strconv.Itoa(MinCount)+`"` {
		*n = Hidden
		return nil
	}
	v, err := strconv.Atoi(string(b))
	if err != nil {
		return fmt.Errorf("monitor: count %s: want a number or \"<%d\"", b, MinCount)
	}
	*n = Count(v)
	return nil
}

// MarshalJSON writes small counts as "<5".
func (n Count) MarshalJSON() ([]byte, error) {
	if n.Suppressed() {
		return []byte(`"<` + strconv.Itoa(MinCount) + `"`), nil
	}
	return []byte(strconv.Itoa(int(n))), nil
}

// Value returns the count as shown: an int, or the string "<5".
func (n Count) Value() any {
	if n.Suppressed() {
		return "<" + strconv.Itoa(MinCount)
	}
	return int(n)
}

// Indicators are the figures of one area in one period.
type Indicators struct {
	Supply       Supply       `json:"supply"`
	Demand       Demand       `json:"demand"`
	Gaps         Gaps         `json:"gaps"`
	Results      Results      `json:"results"`
	Timeliness   Timeliness   `json:"timeliness"`
	Outcomes     Outcomes     `json:"outcomes"`
	AvoidedCosts AvoidedCosts `json:"avoided_costs"`
}

// Supply is what the area offers at the end of the period: active
// options created before it ended.
type Supply struct {
	Options    Count            `json:"options"`
	ByKind     map[string]Count `json:"by_kind"`
	ByLevel    map[string]Count `json:"by_level"`
	ByHelpType map[string]Count `json:"by_help_type"`
	// Capacity is the places of volunteers and initiatives; PlacesTaken
	// those held now by accepted or started referrals.
	Capacity    Count `json:"capacity"`
	PlacesTaken Count `json:"places_taken"`
	FreePlaces  Count `json:"free_places"`
	// ActivitySpots are the places of the activities' occurrences in the
	// period, ActivitySpotsTaken those accepted referrals took.
	ActivitySpots      Count    `json:"activity_spots"`
	ActivitySpotsTaken Count    `json:"activity_spots_taken"`
	ActivityOccupancy  *float64 `json:"activity_occupancy"`
	// VolunteersHelping are active volunteers with a referral created in
	// the period that they accepted.
	VolunteersActive     Count    `json:"volunteers_active"`
	VolunteersHelping    Count    `json:"volunteers_helping"`
	VolunteerUtilisation *float64 `json:"volunteer_utilisation"`
}

// Demand is the requests created in the period.
type Demand struct {
	Requests       Count            `json:"requests"`
	WithoutConsent Count            `json:"without_consent"`
	ByNeed         map[string]Count `json:"by_need"`
	ByLifeDomain   map[string]Count `json:"by_life_domain"`
}

// Gaps are the needs of requests created in the period that their latest
// zero-line search found no option for.
type Gaps struct {
	RequestsWithGap Count            `json:"requests_with_gap"`
	Share           *float64         `json:"share"`
	ByNeed          map[string]Count `json:"by_need"`
	ByReason        map[string]Count `json:"by_reason"`
}

// Results are what happened in the period: closures, specialist
// referrals, step-downs and re-entries, and the referrals created in it.
type Results struct {
	Closed               Count    `json:"closed"`
	ResolvedLocally      Count    `json:"resolved_locally"`
	ReferredToSpecialist Count    `json:"referred_to_specialist"`
	SafetyOverrides      Count    `json:"safety_overrides"`
	Withdrawn            Count    `json:"withdrawn"`
	ZeroLineShare        *float64 `json:"zero_line_share"`
	StepDowns            Count    `json:"step_downs"`
	ReEntries            Count    `json:"re_entries"`
	Referrals            Count    `json:"referrals"`
	Accepted             Count    `json:"accepted"`
	Declined             Count    `json:"declined"`
	Expired              Count    `json:"expired"`
	AcceptanceRate       *float64 `json:"acceptance_rate"`
	Started              Count    `json:"started"`
	Completed            Count    `json:"completed"`
	Ended                Count    `json:"ended"`
	CompletionRate       *float64 `json:"completion_rate"`
	NoShows              Count    `json:"no_shows"`
}

// Timeliness is how fast requests created in the period got help.
type Timeliness struct {
	FirstContact Delay `json:"first_contact"`
	Match        Delay `json:"match"`
	// WaitingList counts referrals waiting for a place at the period's
	// end (now, for a period that has not ended).
	WaitingList Count `json:"waiting_list"`
}

// Delay is the time from a request's creation to an event.
type Delay struct {
	// Requests are those due: reached, or past the target without being
	// closed before it.
	Requests          Count    `json:"requests"`
	Reached           Count    `json:"reached"`
	MedianDays        *float64 `json:"median_days"`
	P90Days           *float64 `json:"p90_days"`
	WithinTarget      Count    `json:"within_target"`
	WithinTargetShare *float64 `json:"within_target_share"`
}

// Outcomes are the changes in ZRM scores, closure minus intake, of
// requests closed in the period with both scores for a domain.
type Outcomes struct {
	Requests   Count                    `json:"requests"`
	MeanChange *float64                 `json:"mean_change"`
	Improved   Count                    `json:"improved"`
	Unchanged  Count                    `json:"unchanged"`
	Worsened   Count                    `json:"worsened"`
	ByDomain   map[string]DomainOutcome `json:"by_domain"`
}

// DomainOutcome is the change in one life domain.
type DomainOutcome struct {
	Requests   Count    `json:"requests"`
	MeanChange *float64 `json:"mean_change"`
}

// AvoidedCosts estimate what the zero line saved, line by line.
type AvoidedCosts struct {
	// Configured is whether the municipality set its unit prices.
	Configured bool       `json:"configured"`
	Lines      []CostLine `json:"lines"`
	TotalEUR   *float64   `json:"total_eur"`
	// ExcludesSuppressed is set when a line's count is below MinCount:
	// its amount is left out of the total, which would reveal it.
	ExcludesSuppressed bool `json:"excludes_suppressed"`
}

// CostLine is count × quantity per count × unit price = amount.
type CostLine struct {
	Item             string   `json:"item"`
	Count            Count    `json:"count"`
	QuantityPerCount float64  `json:"quantity_per_count"`
	Unit             string   `json:"unit"`
	UnitPriceEUR     *float64 `json:"unit_price_eur"`
	AmountEUR        *float64 `json:"amount_eur"`
	Basis            string   `json:"basis"`
}

// share is num/den when both are shown (0 or at least MinCount) and den
// is at least MinCount; otherwise nil, since it would reveal a small
// number.
func share(num, den int) *float64 {
	if den < MinCount || Count(num).Suppressed() || Count(den-num).Suppressed() {
		return nil
	}
	return round(float64(num)/float64(den), 4)
}

func round(v float64, places int) *float64 {
	p := math.Pow(10, float64(places))
	r := math.Round(v*p) / p
	return &r
}
