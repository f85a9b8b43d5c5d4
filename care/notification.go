package care

import "time"

// Notification recipients and kinds.
const (
	ToWorker = "worker" // the social worker who made the referral
	ToOwner  = "owner"  // the option's volunteer or organiser

	KindPromoted = "promoted_from_waiting_list"
)

// Notification tells one side of a referral that something happened to
// it. Until accounts exist (issue 5) it is addressed to a role on the
// referral, not to a person, and read per referral.
type Notification struct {
	// ID is "<referral id>#<step>:<to>", so writing it twice stores it once.
	ID         string    `json:"id" bson:"_id"`
	At         time.Time `json:"at" bson:"at"`
	ReferralID string    `json:"referral_id" bson:"referral_id"`
	RequestID  string    `json:"request_id" bson:"request_id"`
	OptionID   string    `json:"option_id" bson:"option_id"`
	To         string    `json:"to" bson:"to" enum:"worker,owner"`
	Kind       string    `json:"kind" bson:"kind" enum:"promoted_from_waiting_list"`
	Text       string    `json:"text" bson:"text"`
}

// Header returns the notification's metadata, so it can be stored like
// any record. Notifications are never changed.
func (n Notification) Header() Meta {
	return Meta{ID: n.ID, Version: 1, CreatedAt: n.At, UpdatedAt: n.At}
}
