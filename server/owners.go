package server

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
)

// OwnerReferral is a referral as the volunteer or organiser it is
// addressed to sees it: only what answering and helping need. Never the
// worker's note, the life domains, other needs or other referrals; the
// resident's first name or alias only once accepted, and only while the
// resident consents to sharing with this kind of option.
type OwnerReferral struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	Need       string `json:"need"`
	OptionID   string `json:"option_id"`
	OptionKind string `json:"option_kind"`
	Occurrence string `json:"occurrence,omitempty"`
	// Neighbourhood and District are where the resident lives, by name:
	// never a point.
	Neighbourhood string              `json:"neighbourhood,omitempty"`
	District      string              `json:"district,omitempty"`
	TimeWindows   []care.WeeklySlot   `json:"time_windows"`
	ResidentName  string              `json:"resident_name,omitempty"`
	Steps         []care.Step         `json:"steps"`
	FollowUpsDue  []time.Time         `json:"-"`
	CreatedAt     time.Time           `json:"created_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
	Notifications []OwnerNotification `json:"notifications"`
}

// OwnerNotification is what the owner was told about the referral.
type OwnerNotification struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Text string    `json:"text"`
}

// ownerMinimal builds the owner's view of ref from its request.
func ownerMinimal(ref care.Referral, req care.Request, notes []care.Notification) OwnerReferral {
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

// ownerRead reads what the owner's view of ref needs, logging the read
// of the request's data in the access log.
func (r *referrals) ownerRead(c *fiber.Ctx, ref care.Referral) (OwnerReferral, error) {
	req, err := r.cases.behind(c, ref)
	if err != nil {
		return OwnerReferral{}, err
	}
	notes, err := r.cw.Notifications(c.UserContext(), ref.ID)
	if err != nil {
		return OwnerReferral{}, err
	}
	return ownerMinimal(ref, req, notes), nil
}

func (r *referrals) ownerView(c *fiber.Ctx, ref care.Referral) error {
	v, err := r.ownerRead(c, ref)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func mountOwners(rt *routeTable, r *referrals) {
	rt.add(route{method: http.MethodGet, path: "/api/v1/my/referrals", perm: permAnswer, handler: r.mine, tag: "referrals",
		summary: "The referrals addressed to one's own options (volunteer offers, initiatives, provisions, activities), newest first, as their owner sees them: help type, neighbourhood, time windows, and the resident's first name or alias only after acceptance and with consent",
		resp:    []OwnerReferral{}, errors: []int{http.StatusUnauthorized, http.StatusForbidden}})
}

// mine lists the referrals to the caller's options.
func (r *referrals) mine(c *fiber.Ctx) error {
	a := actorOf(c.UserContext())
	page, err := r.st.Referrals().OwnedIn(c.UserContext(), a.ID, a.Municipality)
	if err != nil {
		return err
	}
	out := make([]OwnerReferral, 0, len(page))
	for i := len(page) - 1; i >= 0; i-- {
		v, err := r.ownerRead(c, page[i])
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	return c.JSON(out)
}
