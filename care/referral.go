package care

import "time"

// Referral states. A referral is proposed to an option's owner, who
// accepts or declines it; an accepted one starts and then completes or
// ends. A full option can hold referrals on its waiting list.
const (
	RefProposed   = "proposed"
	RefAccepted   = "accepted"
	RefDeclined   = "declined"
	RefExpired    = "expired"
	RefWaitlisted = "waitlisted"
	RefStarted    = "started"
	RefCompleted  = "completed"
	RefEnded      = "ended"
)

// referralMoves lists the legal moves between referral states.
var referralMoves = map[string][]string{
	RefProposed:   {RefAccepted, RefDeclined, RefExpired, RefWaitlisted},
	RefWaitlisted: {RefAccepted, RefExpired},
	RefAccepted:   {RefStarted, RefEnded},
	RefStarted:    {RefCompleted, RefEnded},
}

// NextStates returns the states a referral in state s may move to; none
// for a final state.
func NextStates(s string) []string { return append([]string(nil), referralMoves[s]...) }

// CanMove reports whether a referral may go from one state to another.
func CanMove(from, to string) bool {
	for _, s := range referralMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// HoldsPlace reports whether a referral in state s occupies a place of
// its option.
func HoldsPlace(s string) bool { return s == RefAccepted || s == RefStarted }

// ReferralFields is what a social worker sends to refer a need to an option.
type ReferralFields struct {
	Need     string `json:"need" bson:"need" validate:"required,helptype"`
	OptionID string `json:"option_id" bson:"option_id" validate:"required,len=24,hexadecimal"`
	// Occurrence is the start of the activity occurrence, for activities:
	// a local time "YYYY-MM-DDTHH:MM" in the activity's time zone.
	Occurrence string `json:"occurrence,omitempty" bson:"occurrence,omitempty" validate:"max=16"`
	Note       string `json:"note,omitempty" bson:"note,omitempty" validate:"max=2000,safelines"`
}

// PlaceRef names the place a referral holds.
type PlaceRef struct {
	Pool   string `json:"pool" bson:"pool"`
	Number int    `json:"number" bson:"number"`
}

// Step is one state a referral entered, and when.
type Step struct {
	State string    `json:"state" bson:"state"`
	At    time.Time `json:"at" bson:"at"`
}

// Referral is a stored referral of one need of a request to one option.
type Referral struct {
	Meta           `bson:",inline"`
	ReferralFields `bson:",inline"`
	RequestID      string `json:"request_id" bson:"request_id"`
	OptionKind     string `json:"option_kind" bson:"option_kind"`
	// OccurrenceAt is Occurrence as an instant (activities only).
	OccurrenceAt *time.Time `json:"occurrence_at,omitempty" bson:"occurrence_at,omitempty"`
	State        string     `json:"state" bson:"state"`
	// Place is held while accepted or started.
	Place *PlaceRef `json:"place,omitempty" bson:"place,omitempty"`
	// Reason explains a decline or an end; Outcome how it went.
	Reason  string `json:"reason,omitempty" bson:"reason,omitempty"`
	Outcome string `json:"outcome,omitempty" bson:"outcome,omitempty"`
	Steps   []Step `json:"steps" bson:"steps"`
	// FollowUps are set when the referral starts (FollowUpsFrom), in due
	// order; a follow-up is addressed by its 1-based position.
	FollowUps []FollowUp `json:"follow_ups,omitempty" bson:"follow_ups,omitempty"`
	// NoShows are recorded while accepted or started, oldest first.
	NoShows []NoShow `json:"no_shows,omitempty" bson:"no_shows,omitempty"`
	// AnonymisedAt is when the referral lost its free text (and its owner,
	// when the owner erased their account); it stays as a trace for
	// statistics.
	AnonymisedAt *time.Time `json:"anonymised_at,omitempty" bson:"anonymised_at,omitempty"`
}

// EnteredAt returns when the referral last entered state s, and whether
// it ever did.
func (r Referral) EnteredAt(s string) (time.Time, bool) {
	for i := len(r.Steps) - 1; i >= 0; i-- {
		if r.Steps[i].State == s {
			return r.Steps[i].At, true
		}
	}
	return time.Time{}, false
}

// Audit kinds: what a Transition moved.
const (
	AuditReferral = "referral"
	AuditRequest  = "request"
)

// Transition is one audited change of state of a referral or of a request
// itself: who, when, what, and on whose behalf. Its _id names the step:
// "<referral id>#<step number>" for referrals, "<request id>@<version>"
// for requests. So two concurrent moves of one record cannot both be
// recorded: the second insert is a duplicate key, which makes the entry
// the lock that lets one writer through. The log is append-only: no route
// changes or deletes an entry.
type Transition struct {
	Meta `bson:",inline"`
	// Kind is referral or request; entries from before the field existed
	// are referral moves.
	Kind       string `json:"kind" bson:"kind" enum:"referral,request"`
	ReferralID string `json:"referral_id,omitempty" bson:"referral_id,omitempty"`
	RequestID  string `json:"request_id" bson:"request_id"`
	From       string `json:"from" bson:"from"`
	To         string `json:"to" bson:"to"`
	// By is the account that made the change (empty for the system's own
	// moves, such as expiry); OnBehalfOf the account it acted for, when a
	// social worker moves a referral for the option's owner.
	By         string `json:"by" bson:"by"`
	ByRole     string `json:"by_role,omitempty" bson:"by_role,omitempty"`
	OnBehalfOf string `json:"on_behalf_of,omitempty" bson:"on_behalf_of,omitempty"`
	Reason     string `json:"reason,omitempty" bson:"reason,omitempty"`
	Outcome    string `json:"outcome,omitempty" bson:"outcome,omitempty"`
}

// Move is a request to change a referral's state.
type Move struct {
	To      string `json:"to" validate:"required,oneof=accepted declined expired waitlisted started completed ended"`
	Reason  string `json:"reason,omitempty" validate:"max=2000,safelines"`
	Outcome string `json:"outcome,omitempty" validate:"max=2000,safelines"`
}

// CheckMove validates a move on its own (not against the current state).
func (c *Checker) CheckMove(m *Move) error {
	var p problems
	c.structProblems(m, &p)
	if m.To == RefDeclined || m.To == RefEnded {
		if m.Reason == "" {
			p.add("reason", "is required when the referral is %s", m.To)
		}
	}
	if m.To == RefCompleted && m.Outcome == "" {
		p.add("outcome", "is required when the referral is completed")
	}
	return p.err()
}
