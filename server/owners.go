package server

import (
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
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
	CreatedAt     time.Time           `json:"created_at"`
	UpdatedAt     time.Time           `json:"updated_at"`
	Notifications []OwnerNotification `json:"notifications"`
}

// OwnerNotification is what the owner was told about the referral.
type OwnerNotification casework.OwnerNotification

// ownerMinimal is the owner's view of ref (casework.OwnerView) on the wire.
func ownerMinimal(ref care.Referral, req care.Request, notes []care.Notification) OwnerReferral {
	v := casework.OwnerView(ref, req, notes)
	out := OwnerReferral{ID: v.ID, State: v.State, Need: v.Need, OptionID: v.OptionID, OptionKind: v.OptionKind, Occurrence: v.Occurrence,
		Neighbourhood: v.Neighbourhood, District: v.District, TimeWindows: v.TimeWindows, ResidentName: v.ResidentName, Steps: v.Steps,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Notifications: make([]OwnerNotification, len(v.Notifications))}
	for i, n := range v.Notifications {
		out.Notifications[i] = OwnerNotification(n)
	}
	return out
}

// ownerRead reads what the owner's view of ref needs, logging the read
// of the request's data in the access log.
func (r *referrals) ownerRead(c *fiber.Ctx, ref care.Referral) (OwnerReferral, error) {
	req, err := r.cases.behind(c, ref)
	if err != nil {
		return OwnerReferral{}, err
	}
	notes, err := r.cw.Notifications(c.UserContext(), ref)
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
	// Newest first. The requests behind are read and logged in one write
	// (an entry per referral's request, as a read of each logs): one
	// write per referral made an organiser's list cost a log insert for
	// each of its referrals.
	slices.Reverse(page)
	reqs, err := r.cases.behindAll(c, page)
	if err != nil {
		return err
	}
	out := make([]OwnerReferral, 0, len(page))
	for i, ref := range page {
		notes, err := r.cw.Notifications(c.UserContext(), ref)
		if err != nil {
			return err
		}
		out = append(out, ownerMinimal(ref, reqs[i], notes))
	}
	return c.JSON(out)
}
