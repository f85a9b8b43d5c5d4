package care

import "time"

// GateReasons are why local options do not suffice for a need; one of
// them, with free text, is required per need before specialist care.
var GateReasons = []string{"no_option_within_reach", "all_declined", "all_full", "safety_risk", "too_complex", "resident_refuses"}

// GateReason is the recorded reason for one need.
type GateReason struct {
	Need string `json:"need" bson:"need" validate:"required,helptype"`
	Code string `json:"code" bson:"code" validate:"required,oneof=no_option_within_reach all_declined all_full safety_risk too_complex resident_refuses"`
	Text string `json:"text" bson:"text" validate:"required,max=2000,safelines"`
}

// SafetyOverride lets a worker refer to specialist care at once when the
// resident is not safe; it needs a written reason and is counted apart.
type SafetyOverride struct {
	Reason string `json:"reason" bson:"reason" validate:"required,max=2000,safelines"`
}

// SpecialistFields is a referral to specialist care (maatwerk, second line).
type SpecialistFields struct {
	// Needs are the needs the specialist referral covers.
	Needs    []string        `json:"needs" bson:"needs" validate:"required,min=1,max=20,unique,dive,helptype"`
	Reasons  []GateReason    `json:"reasons" bson:"reasons" validate:"max=20,dive"`
	Override *SafetyOverride `json:"safety_override,omitempty" bson:"safety_override,omitempty"`
	Provider string          `json:"provider,omitempty" bson:"provider,omitempty" validate:"max=200,safetext"`
}

// Specialist is a stored specialist referral.
type Specialist struct {
	Meta             `bson:",inline"`
	SpecialistFields `bson:",inline"`
	RequestID        string `json:"request_id" bson:"request_id"`
	// SafetyOverride is true when the gate was passed by the override;
	// every count of specialist referrals shows these apart.
	SafetyOverride bool `json:"safety_override_used" bson:"safety_override_used"`
	// SearchID is the zero-line search the gate accepted.
	SearchID string     `json:"search_id,omitempty" bson:"search_id,omitempty"`
	EndedAt  *time.Time `json:"ended_at,omitempty" bson:"ended_at,omitempty"`
	Outcome  string     `json:"outcome,omitempty" bson:"outcome,omitempty"`
	// FollowUps are set when specialist care ends (the step-down), as
	// for a started referral: the worker checks how the resident fares
	// back in the neighbourhood.
	FollowUps []FollowUp `json:"follow_ups,omitempty" bson:"follow_ups,omitempty"`
}

// Gate lists what is missing before a request may be referred to
// specialist care for the needs in f (which must be needs of req): a zero-line search run after the
// needs last changed, and for every covered need a reason from
// GateReasons with text. A safety override with a written reason opens
// the gate by itself. An empty result means the gate is open.
func Gate(req Request, f SpecialistFields) []Problem {
	var p problems
	if f.Override != nil {
		return p
	}
	switch {
	case req.LastSearch == nil:
		p.add("search", "no zero-line search was run for this request; run POST /api/v1/requests/%s/matches first", req.ID)
	case req.LastSearch.At.Before(req.NeedsChangedAt):
		p.add("search", "the last zero-line search (%s) is older than the last change of the needs (%s); search again",
			req.LastSearch.At.Format(time.RFC3339), req.NeedsChangedAt.Format(time.RFC3339))
	}
	for _, n := range f.Needs {
		ok := false
		for _, r := range f.Reasons {
			ok = ok || (r.Need == n && r.Code != "" && r.Text != "")
		}
		if !ok {
			p.add("reasons["+n+"]", "give why local options do not suffice for %s: one of %v, with text", n, GateReasons)
		}
	}
	return p
}

// SpecialistEnd ends a specialist referral with how it went.
type SpecialistEnd struct {
	Outcome string `json:"outcome" validate:"required,max=2000,safelines"`
}
