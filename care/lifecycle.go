package care

import (
	"math"
	"regexp"
	"time"
)

// Request lifecycle states, in the order a request normally passes them.
const (
	ReqOpen       = "open"
	ReqSearched   = "searched"
	ReqReferred   = "referred"
	ReqInProgress = "in_progress"
	ReqClosed     = "closed"
)

// requestMoves lists the legal changes of a request's status. A closed
// request only reopens through step-down, when specialist care ends.
var requestMoves = map[string][]string{
	ReqOpen:       {ReqSearched, ReqReferred, ReqInProgress, ReqClosed},
	ReqSearched:   {ReqReferred, ReqInProgress, ReqClosed},
	ReqReferred:   {ReqInProgress, ReqClosed},
	ReqInProgress: {ReqClosed},
	ReqClosed:     {ReqOpen},
}

// CanMoveRequest reports whether a request may go from one status to
// another.
func CanMoveRequest(from, to string) bool {
	for _, s := range requestMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// RequestNextStates returns the statuses a request in status s may move
// to.
func RequestNextStates(s string) []string { return append([]string(nil), requestMoves[s]...) }

// Closures a worker may choose when closing a request; ClosureSpecialist
// is set only by a specialist referral.
const (
	ClosureResolvedLocally = "resolved_locally"
	ClosureWithdrawn       = "withdrawn"
)

// Close is a worker's request to close a support request.
type Close struct {
	Closure string `json:"closure" validate:"required,oneof=resolved_locally withdrawn"`
	Note    string `json:"note,omitempty" validate:"max=2000,safelines"`
}

// householdRE is the form of a household id: 3 to 40 lower-case letters,
// digits and hyphens. A 24-hex record id fits it; so does a local label.
var householdRE = regexp.MustCompile(`^[a-z0-9-]{3,40}$`)

// IsHouseholdID reports whether s has the form of a household id.
func IsHouseholdID(s string) bool { return householdRE.MatchString(s) }

// DefaultContactTargetDays is the time to first contact a municipality
// aims for unless its settings say otherwise.
const DefaultContactTargetDays = 7

// SettingsFields are a municipality's editable settings.
type SettingsFields struct {
	// ContactTargetDays is the target time, in days from the request's
	// creation, to the first accepted referral.
	ContactTargetDays int `json:"contact_target_days" bson:"contact_target_days" validate:"required,min=1,max=90"`
	// UnitPrices are what specialist care costs the municipality, for the
	// estimated avoided costs in monitoring; absent until set.
	UnitPrices *UnitPrices `json:"unit_prices,omitempty" bson:"unit_prices,omitempty"`
}

// UnitPrices are a municipality's prices, in euros, of what a step back
// to the neighbourhood saves. Each is per unit; monitoring multiplies
// them by counts and shows the calculation, not only the total.
type UnitPrices struct {
	// SupportHourEUR is an hour of individual specialist support.
	SupportHourEUR float64 `json:"support_hour_eur" bson:"support_hour_eur" validate:"min=0,max=1000"`
	// SpecialistTrajectoryEUR is one specialist trajectory (maatwerk).
	SpecialistTrajectoryEUR float64 `json:"specialist_trajectory_eur" bson:"specialist_trajectory_eur" validate:"min=0,max=1000000"`
	// TransportRideEUR is one ride of (Wmo) transport.
	TransportRideEUR float64 `json:"transport_ride_eur" bson:"transport_ride_eur" validate:"min=0,max=1000"`
	// SupportHoursPerReferral is how many hours of individual support a
	// completed referral to a volunteer or initiative stands in for; 0
	// leaves that line of the estimate out.
	SupportHoursPerReferral float64 `json:"support_hours_per_referral" bson:"support_hours_per_referral" validate:"min=0,max=1000"`
	// RidesPerTransportReferral is how many rides a completed referral
	// for transport stands in for; 0 leaves that line out.
	RidesPerTransportReferral float64 `json:"rides_per_transport_referral" bson:"rides_per_transport_referral" validate:"min=0,max=1000"`
	// Source says where the prices come from (a budget, a contract).
	Source string `json:"source,omitempty" bson:"source,omitempty" validate:"max=300,safetext"`
}

// MunicipalitySettings are stored per municipality; the ID is the CBS
// code, e.g. "GM0363".
type MunicipalitySettings struct {
	Meta           `bson:",inline"`
	SettingsFields `bson:",inline"`
}

// Timeliness is how fast a request got help, measured from its creation.
// It is derived on every read, never stored.
type Timeliness struct {
	// FirstContactAt is when the first of its referrals was accepted.
	FirstContactAt *time.Time `json:"first_contact_at"`
	// MatchedAt is when the first of its referrals started.
	MatchedAt *time.Time `json:"matched_at"`
	// DaysToFirstContact and DaysToMatch are in days (to 0.01) from
	// creation; null until it happened.
	DaysToFirstContact *float64 `json:"days_to_first_contact"`
	DaysToMatch        *float64 `json:"days_to_match"`
	ContactTargetDays  int      `json:"contact_target_days"`
	// ContactDueAt is creation plus the target.
	ContactDueAt time.Time `json:"contact_due_at"`
	// WithinTarget is whether first contact came within the target; null
	// while there was no contact and the target has not passed yet (or
	// the request was closed before it passed).
	WithinTarget *bool `json:"within_target"`
}

// TimelinessOf derives a request's timeliness against a target in days,
// as it stands at now.
func TimelinessOf(r Request, targetDays int, now time.Time) Timeliness {
	due := r.CreatedAt.Add(time.Duration(targetDays) * 24 * time.Hour)
	t := Timeliness{FirstContactAt: r.FirstContactAt, MatchedAt: r.MatchedAt, ContactTargetDays: targetDays, ContactDueAt: due}
	days := func(at *time.Time) *float64 {
		if at == nil {
			return nil
		}
		d := math.Round(at.Sub(r.CreatedAt).Hours()/24*100) / 100
		return &d
	}
	t.DaysToFirstContact, t.DaysToMatch = days(r.FirstContactAt), days(r.MatchedAt)
	// A closed request stops the clock when it closed.
	until := now
	if n := len(r.Steps); r.Status == ReqClosed && n > 0 && r.Steps[n-1].State == ReqClosed {
		until = r.Steps[n-1].At
	}
	switch {
	case r.FirstContactAt != nil:
		ok := !r.FirstContactAt.After(due)
		t.WithinTarget = &ok
	case until.After(due):
		ok := false
		t.WithinTarget = &ok
	}
	return t
}
