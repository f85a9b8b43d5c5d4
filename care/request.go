package care

import (
	"fmt"
	"slices"
	"time"
)

// DomainScore is a ZRM life domain with its self-reliance scores, 1 (acute
// problems) to 5 (fully self-reliant), at intake and at closure.
type DomainScore struct {
	Domain       string `json:"domain" bson:"domain" validate:"required,lifedomain"`
	IntakeScore  *int   `json:"intake_score,omitempty" bson:"intake_score,omitempty" validate:"omitempty,min=1,max=5"`
	ClosureScore *int   `json:"closure_score,omitempty" bson:"closure_score,omitempty" validate:"omitempty,min=1,max=5"`
}

// Constraints narrow what options suit a resident.
type Constraints struct {
	// MaxDistanceM is how far, in metres, the resident can travel to a place.
	MaxDistanceM int          `json:"max_distance_m" bson:"max_distance_m" validate:"required,min=100,max=50000"`
	TimeWindows  []WeeklySlot `json:"time_windows" bson:"time_windows" validate:"max=50,dive"`
	Languages    []string     `json:"languages" bson:"languages" validate:"max=10,unique,dive,lang"`
	Mobility     string       `json:"mobility" bson:"mobility" validate:"required,mobility"`
}

// RequestFields is what a social worker records at the kitchen table.
type RequestFields struct {
	// ResidentAlias is a first name or alias, shown to helpers only after
	// they accept a referral.
	ResidentAlias string        `json:"resident_alias,omitempty" bson:"resident_alias,omitempty" validate:"max=60,safetext"`
	Needs         []string      `json:"needs" bson:"needs" validate:"required,min=1,max=20,unique,dive,helptype"`
	LifeDomains   []DomainScore `json:"life_domains" bson:"life_domains" validate:"max=12,dive"`
	// Location is stored coarse, like a volunteer's home.
	Location    *Location    `json:"location" bson:"location"`
	Constraints *Constraints `json:"constraints" bson:"constraints" validate:"required"`
	OwnStrength string       `json:"own_strength,omitempty" bson:"own_strength,omitempty" validate:"max=4000,safelines"`
	Network     string       `json:"network,omitempty" bson:"network,omitempty" validate:"max=4000,safelines"`
	Urgency     string       `json:"urgency" bson:"urgency" validate:"required,urgency"`
	// TargetGroups the resident belongs to (e.g. seniors, carers), so that
	// activities aimed at a group can be matched; optional.
	TargetGroups []string `json:"target_groups,omitempty" bson:"target_groups,omitempty" validate:"max=10,unique,dive,targetgroup"`
	// ResidentAge in years, for activities with an age range; optional.
	ResidentAge *int `json:"resident_age,omitempty" bson:"resident_age,omitempty" validate:"omitempty,min=0,max=120"`
	// HouseholdID groups the requests of one family into one plan
	// (GET /api/v1/households/{id}/plan); optional. It is 3 to 40
	// lower-case letters, digits and hyphens: a 24-hex id or a label
	// chosen by the worker. Use an opaque label, never a name or address.
	HouseholdID string `json:"household_id,omitempty" bson:"household_id,omitempty" validate:"max=40"`
	// Consents are the purposes the resident agreed to, recorded at the
	// kitchen table and withdrawn by removing them: share_volunteer (a
	// volunteer may learn the first name or alias after accepting),
	// share_provision (the same for initiatives, provisions and
	// activities), monitoring (counted in anonymous aggregates). Every
	// change is kept in consent_history.
	Consents []string `json:"consents,omitempty" bson:"consents,omitempty" validate:"max=3,unique,dive,oneof=share_volunteer share_provision monitoring"`
	// ResidentAccount links the request to the resident's own account in
	// dichtbij, if they have one (its id, shown to them on their "my
	// data" page): they can then see who accessed the request.
	ResidentAccount string `json:"resident_account,omitempty" bson:"resident_account,omitempty" validate:"omitempty,len=24,hexadecimal"`
}

// Request is a stored support request.
type Request struct {
	Meta              `bson:",inline"`
	RequestFields     `bson:",inline"`
	Area              Area   `json:"area" bson:"area"`
	LocationPrecision string `json:"location_precision" bson:"location_precision"`
	// Status is the request's place in its lifecycle, starting at "open";
	// see CanMoveRequest.
	Status string `json:"status" bson:"status"`
	// Steps lists every status the request entered, and when, oldest
	// first; the last one is Status. Requests stored before steps were
	// recorded have none.
	Steps []Step `json:"steps" bson:"steps"`
	// FirstContactAt is when the first of its referrals was accepted, and
	// MatchedAt when the first one started; nil until then.
	FirstContactAt *time.Time `json:"first_contact_at,omitempty" bson:"first_contact_at,omitempty"`
	MatchedAt      *time.Time `json:"matched_at,omitempty" bson:"matched_at,omitempty"`
	// NeedsChangedAt is when the needs were set or last changed; a search
	// older than this no longer counts for the request.
	NeedsChangedAt time.Time `json:"needs_changed_at" bson:"needs_changed_at"`
	// LastSearch is the latest zero-line search run for the request.
	LastSearch *SearchRef `json:"last_search,omitempty" bson:"last_search,omitempty"`
	// Closure says how a closed request ended.
	Closure string `json:"closure,omitempty" bson:"closure,omitempty"`
	// ClosureNote is the worker's note on closing; optional.
	ClosureNote string `json:"closure_note,omitempty" bson:"closure_note,omitempty"`
	// StepDowns counts how often specialist care ended and the request
	// came back to the neighbourhood.
	StepDowns int `json:"step_downs,omitempty" bson:"step_downs,omitempty"`
	// ConsentHistory lists every consent given or withdrawn, oldest first.
	ConsentHistory []ConsentChange `json:"consent_history,omitempty" bson:"consent_history,omitempty"`
	// AnonymisedAt is when the retention job stripped the closed request
	// of its personal data; what is left serves statistics only.
	AnonymisedAt *time.Time `json:"anonymised_at,omitempty" bson:"anonymised_at,omitempty"`
	// Timeliness is derived when the request is read (GET and lists),
	// never stored; absent from write responses.
	Timeliness *Timeliness `json:"timeliness,omitempty" bson:"-"`
}

// Consent purposes.
const (
	ConsentShareVolunteer = "share_volunteer"
	ConsentShareProvision = "share_provision"
	ConsentMonitoring     = "monitoring"
)

// ConsentChange is one consent given or withdrawn.
type ConsentChange struct {
	Purpose string    `json:"purpose" bson:"purpose"`
	Given   bool      `json:"given" bson:"given"`
	At      time.Time `json:"at" bson:"at"`
}

// ConsentChanges returns the changes from the consents before to after,
// at the given moment, in a stable order.
func ConsentChanges(before, after []string, at time.Time) []ConsentChange {
	var out []ConsentChange
	for _, p := range []string{ConsentShareVolunteer, ConsentShareProvision, ConsentMonitoring} {
		was, is := slices.Contains(before, p), slices.Contains(after, p)
		if was != is {
			out = append(out, ConsentChange{Purpose: p, Given: is, At: at})
		}
	}
	return out
}

// HasConsent reports whether the request holds consent for purpose.
func (r Request) HasConsent(purpose string) bool { return slices.Contains(r.Consents, purpose) }

// ConsentFor names the consent that sharing with an option kind needs.
func ConsentFor(optionKind string) string {
	if optionKind == "volunteer" {
		return ConsentShareVolunteer
	}
	return ConsentShareProvision
}

// RequestStatuses are the lifecycle states a request can be in so far:
// recorded (open), searched for local options at least once, referred to
// an option, in progress once a referral started, and closed (see
// Closure).
var RequestStatuses = []string{ReqOpen, ReqSearched, ReqReferred, ReqInProgress, ReqClosed}

// ClosureSpecialist is the closure of a request referred to specialist
// care; ending that referral reopens the request (step-down).
const ClosureSpecialist = "referred_to_specialist"

// SearchRef points at a recorded search.
type SearchRef struct {
	ID string    `json:"id" bson:"id"`
	At time.Time `json:"at" bson:"at"`
}

// Search records that a zero-line search ran for a request: when, for
// whom, and what it found per need.
type Search struct {
	Meta      `bson:",inline"`
	RequestID string `json:"request_id" bson:"request_id"`
	// By is who ran it; empty until accounts exist.
	By    string       `json:"by" bson:"by"`
	Needs []SearchNeed `json:"needs" bson:"needs"`
}

// SearchNeed is a search's outcome for one need.
type SearchNeed struct {
	Need      string   `json:"need" bson:"need"`
	OptionIDs []string `json:"option_ids" bson:"option_ids"`
	Covered   bool     `json:"covered" bson:"covered"`
	Reason    string   `json:"reason,omitempty" bson:"reason,omitempty"`
	Detail    string   `json:"detail,omitempty" bson:"detail,omitempty"`
}

// Editable returns the fields a client may change.
func (r Request) Editable() RequestFields { return r.RequestFields }

func (f *RequestFields) normalize() {
	if f.LifeDomains == nil {
		f.LifeDomains = []DomainScore{}
	}
	if f.Constraints != nil {
		if f.Constraints.TimeWindows == nil {
			f.Constraints.TimeWindows = []WeeklySlot{}
		}
		if f.Constraints.Languages == nil {
			f.Constraints.Languages = []string{}
		}
	}
}

func (f *RequestFields) check(c *Checker, p *problems) Area {
	seen := map[string]bool{}
	for i, d := range f.LifeDomains {
		if seen[d.Domain] {
			p.add(fmt.Sprintf("life_domains[%d].domain", i), "is listed twice")
		}
		seen[d.Domain] = true
	}
	if f.Constraints != nil {
		checkSlots("constraints.time_windows", f.Constraints.TimeWindows, p)
	}
	if f.HouseholdID != "" && !IsHouseholdID(f.HouseholdID) {
		p.add("household_id", "must be 3 to 40 lower-case letters, digits and hyphens, e.g. a 24-hex id or \"hh-0042\"")
	}
	area, ok := c.checkCoarseLocation("location", f.Location, p)
	if ok {
		coarsen(&f.Location)
	}
	return area
}

// SameNeeds reports whether two requests ask for the same help types, in
// any order.
func SameNeeds(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
