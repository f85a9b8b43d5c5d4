package casework

import (
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// OwnerReferral is a referral as the volunteer or organiser it is
// addressed to sees it: only what answering and helping need. Never the
// worker's note, the life domains, other needs or other referrals; the
// resident's first name or alias only once accepted, and only while the
// resident consents to sharing with this kind of option.
type OwnerReferral struct {
	ID, State, Need, OptionID, OptionKind, Occurrence string
	// Neighbourhood and District are where the resident lives, by name:
	// never a point.
	Neighbourhood, District string
	TimeWindows             []care.WeeklySlot
	ResidentName            string
	Steps                   []care.Step
	CreatedAt, UpdatedAt    time.Time
	Notifications           []OwnerNotification
}

// OwnerNotification is what the owner was told about the referral.
type OwnerNotification struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Text string    `json:"text"`
}

// OwnerView builds the owner's view of ref from its request and the
// notifications of the referral (nil for none): the one place that
// decides what an owner sees.
func OwnerView(ref care.Referral, req care.Request, notes []care.Notification) OwnerReferral {
	v := OwnerReferral{ID: ref.ID, State: ref.State, Need: ref.Need, OptionID: ref.OptionID, OptionKind: ref.OptionKind,
		Occurrence: ref.Occurrence, Neighbourhood: req.Area.NeighbourhoodName, District: req.Area.DistrictName,
		TimeWindows: []care.WeeklySlot{}, Steps: ref.Steps, CreatedAt: ref.CreatedAt, UpdatedAt: ref.UpdatedAt,
		Notifications: []OwnerNotification{}}
	if req.Constraints != nil {
		v.TimeWindows = append(v.TimeWindows, req.Constraints.TimeWindows...)
	}
	if _, accepted := ref.EnteredAt(care.RefAccepted); accepted && req.HasConsent(care.ConsentFor(ref.OptionKind)) {
		v.ResidentName = req.ResidentAlias
	}
	for _, n := range notes {
		if n.To == care.ToOwner && n.ReferralID == ref.ID {
			v.Notifications = append(v.Notifications, OwnerNotification{At: n.At, Kind: n.Kind, Text: n.Text})
		}
	}
	return v
}
