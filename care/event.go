package care

import "time"

// Event types: every state change of casework emits one. The names are
// stable; subscribers (notifications, the audit trail, other processes)
// switch on them, and later versions only add to the list.
const (
	EvRequestOpened    = "request.opened"
	EvRequestEdited    = "request.edited" // the worker changed its fields; Code "needs_changed" when the needs did
	EvRequestDeleted   = "request.deleted"
	EvRequestSearched  = "request.searched"
	EvRequestReferred  = "request.referred"
	EvRequestContacted = "request.first_contact"
	EvRequestMatched   = "request.matched"
	EvRequestClosed    = "request.closed"
	EvRequestReopened  = "request.reopened"     // step-down: specialist care ended for a closed request
	EvRequestStepDown  = "request.stepped_down" // specialist care ended for one of its needs
	EvRequestUnlinked  = "request.unlinked"     // the resident's account was erased
	EvRequestAnonymous = "request.anonymised"
	// EvRequestUpdated is a change of the request's lifecycle that none
	// of the types above names (a status step such as in_progress), so
	// that followers of the request's state see every change.
	EvRequestUpdated = "request.updated"

	EvReferralProposed   = "referral.proposed"
	EvReferralAccepted   = "referral.accepted"
	EvReferralDeclined   = "referral.declined"
	EvReferralExpired    = "referral.expired"
	EvReferralWaitlisted = "referral.waitlisted"
	EvReferralStarted    = "referral.started"
	EvReferralCompleted  = "referral.completed"
	EvReferralEnded      = "referral.ended"
	EvReferralPromoted   = "referral.promoted" // accepted from the waiting line
	EvReferralFollowUp   = "referral.follow_up_done"
	EvReferralNoShow     = "referral.no_show"
	EvReferralAnonymous  = "referral.anonymised"

	EvSpecialistMade     = "specialist.referred"
	EvSpecialistEnded    = "specialist.ended"
	EvSpecialistFollowUp = "specialist.follow_up_done"
	EvSpecialistAnonym   = "specialist.anonymised"
)

// ReferralEvent is the event type of a referral entering state s.
func ReferralEvent(s string) string { return "referral." + s }

// Event is one state change of casework, as subscribers receive it. It
// holds ids, codes and the words of a move (as the audit trail does),
// never the resident's name, address or story.
type Event struct {
	// ID is derived from the change (the record, its version and the
	// type), so a change delivered twice is recognised by its id.
	ID   string    `json:"id" bson:"id"`
	Type string    `json:"type" bson:"type"`
	At   time.Time `json:"at" bson:"at"`
	// By is the account that made the change ("" for the system's own
	// jobs), with its role, and the account it acted for.
	By         string `json:"by,omitempty" bson:"by,omitempty"`
	ByRole     string `json:"by_role,omitempty" bson:"by_role,omitempty"`
	OnBehalfOf string `json:"on_behalf_of,omitempty" bson:"on_behalf_of,omitempty"`

	Municipality string `json:"municipality,omitempty" bson:"municipality,omitempty"`
	Team         string `json:"team,omitempty" bson:"team,omitempty"`
	RequestID    string `json:"request_id,omitempty" bson:"request_id,omitempty"`
	ReferralID   string `json:"referral_id,omitempty" bson:"referral_id,omitempty"`
	SpecialistID string `json:"specialist_id,omitempty" bson:"specialist_id,omitempty"`
	OptionID     string `json:"option_id,omitempty" bson:"option_id,omitempty"`
	OptionKind   string `json:"option_kind,omitempty" bson:"option_kind,omitempty"`
	// OwnerID is the account of the option's volunteer or organiser.
	OwnerID string   `json:"owner_id,omitempty" bson:"owner_id,omitempty"`
	Need    string   `json:"need,omitempty" bson:"need,omitempty"`
	Needs   []string `json:"needs,omitempty" bson:"needs,omitempty"`
	// Occurrence is an activity occurrence's local start, as the
	// referral names it ("2026-12-01T14:00").
	Occurrence string `json:"occurrence,omitempty" bson:"occurrence,omitempty"`
	// Pool is the place pool ("<kind>:<id>" or "<kind>:<id>@<unix
	// start>") in which a referral's move claims or frees a place; empty
	// when no place moves. The matching engine counts that pool again.
	Pool string `json:"pool,omitempty" bson:"pool,omitempty"`
	From string `json:"from,omitempty" bson:"from,omitempty"`
	To   string `json:"to,omitempty" bson:"to,omitempty"`
	// Code is a machine-readable cause: a closure, a decline reason code,
	// "promoted", "occurrence_cancelled", "option_withdrawn"…
	Code string `json:"code,omitempty" bson:"code,omitempty"`
	// Reason and Outcome are the words of a move, as the audit trail
	// keeps them (a decline's reason, a completion's outcome, a closing
	// note).
	Reason  string `json:"reason,omitempty" bson:"reason,omitempty"`
	Outcome string `json:"outcome,omitempty" bson:"outcome,omitempty"`
}
