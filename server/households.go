package server

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// households serves the one plan of a family: the requests of its members
// with their referrals, side by side.
type households struct {
	st    *store.Store
	l     *lifecycle
	cases *cases
}

type householdParam struct {
	ID string `path:"id" description:"household id: 3 to 40 lower-case letters, digits and hyphens" pattern:"^[a-z0-9-]{3,40}$"`
}

// HouseholdPlan is one view of a household's needs and the help arranged
// for them, across its members' requests.
type HouseholdPlan struct {
	HouseholdID string `json:"household_id"`
	// Requests are in creation order.
	Requests []PlanRequest `json:"requests"`
}

// PlanRequest is one member's request in a household plan.
type PlanRequest struct {
	ID            string           `json:"id"`
	ResidentAlias string           `json:"resident_alias,omitempty"`
	Needs         []string         `json:"needs"`
	Urgency       string           `json:"urgency"`
	Status        string           `json:"status"`
	Closure       string           `json:"closure,omitempty"`
	Timeliness    *care.Timeliness `json:"timeliness"`
	// Referrals are to local options, in creation order.
	Referrals []PlanReferral `json:"referrals"`
	// Specialists are referrals to specialist care.
	Specialists []PlanSpecialist `json:"specialist_referrals"`
}

// PlanReferral is a referral to a local option as a plan shows it.
type PlanReferral struct {
	ID         string `json:"id"`
	Need       string `json:"need"`
	OptionID   string `json:"option_id"`
	OptionKind string `json:"option_kind"`
	State      string `json:"state"`
}

// PlanSpecialist is a specialist referral as a plan shows it.
type PlanSpecialist struct {
	ID             string   `json:"id"`
	Needs          []string `json:"needs"`
	Provider       string   `json:"provider,omitempty"`
	SafetyOverride bool     `json:"safety_override_used"`
	Ended          bool     `json:"ended"`
}

func mountHouseholds(rt *routeTable, d Deps) {
	h := &households{st: d.Store, l: newLifecycle(d), cases: d.cases}
	rt.add(route{method: http.MethodGet, path: "/api/v1/households/:id/plan", perm: permRequests, handler: h.plan, tag: "households",
		summary: "One family, one plan: every request with this household_id, with its needs, status, timeliness, referrals and specialist referrals. 404 when no request belongs to the household.",
		params:  householdParam{}, resp: HouseholdPlan{}, errors: []int{http.StatusBadRequest, http.StatusNotFound}})
}

func (h *households) plan(c *fiber.Ctx) error {
	id := c.Params("id")
	if !care.IsHouseholdID(id) {
		return newProblem(fiber.StatusBadRequest, "invalid-path", "household id "+id+" is malformed",
			FieldProblem{Field: "id", Reason: "must be 3 to 40 lower-case letters, digits and hyphens"})
	}
	ctx := c.UserContext()
	// Only the team's own requests: a household's plan is one team's.
	reqs, err := h.cases.household(c, id)
	if err != nil {
		return err
	}
	if len(reqs) == 0 {
		return newProblem(fiber.StatusNotFound, "not-found", "no support request belongs to household "+id)
	}
	if err := h.l.settings.WithTimeliness(ctx, reqs); err != nil {
		return err
	}
	plan := HouseholdPlan{HouseholdID: id, Requests: make([]PlanRequest, 0, len(reqs))}
	for _, r := range reqs {
		pr, err := h.planRequest(ctx, r)
		if err != nil {
			return err
		}
		plan.Requests = append(plan.Requests, pr)
	}
	return c.JSON(plan)
}

func (h *households) planRequest(ctx context.Context, r care.Request) (PlanRequest, error) {
	pr := PlanRequest{ID: r.ID, ResidentAlias: r.ResidentAlias, Needs: r.Needs, Urgency: r.Urgency, Status: r.Status,
		Closure: r.Closure, Timeliness: r.Timeliness, Referrals: []PlanReferral{}, Specialists: []PlanSpecialist{}}
	refs, err := h.st.Referrals().OfRequest(ctx, r.ID)
	if err != nil {
		return pr, err
	}
	for _, ref := range refs {
		pr.Referrals = append(pr.Referrals, PlanReferral{ID: ref.ID, Need: ref.Need, OptionID: ref.OptionID, OptionKind: ref.OptionKind, State: ref.State})
	}
	sps, err := h.st.Specialists().OfRequest(ctx, r.ID)
	if err != nil {
		return pr, err
	}
	for _, sp := range sps {
		pr.Specialists = append(pr.Specialists, PlanSpecialist{ID: sp.ID, Needs: sp.Needs, Provider: sp.Provider,
			SafetyOverride: sp.SafetyOverride, Ended: sp.EndedAt != nil})
	}
	return pr, nil
}
