package server

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
)

// households serves the one plan of a family: the requests of its members
// with their referrals, side by side.
type households struct {
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
type PlanReferral casework.PlanReferral

// PlanSpecialist is a specialist referral as a plan shows it.
type PlanSpecialist casework.PlanSpecialist

func mountHouseholds(rt *routeTable, d Deps) {
	h := &households{l: newLifecycle(d), cases: d.cases}
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
	// Only the team's own requests: a household's plan is one team's.
	reqs, err := h.cases.household(c, id)
	if err != nil {
		return err
	}
	if len(reqs) == 0 {
		return newProblem(fiber.StatusNotFound, "not-found", "no support request belongs to household "+id)
	}
	rs, err := h.l.cw.HouseholdPlan(c.UserContext(), h.l.settings, reqs)
	if err != nil {
		return err
	}
	plan := HouseholdPlan{HouseholdID: id, Requests: make([]PlanRequest, len(rs))}
	for i, r := range rs {
		plan.Requests[i] = PlanRequest{ID: r.ID, ResidentAlias: r.ResidentAlias, Needs: r.Needs, Urgency: r.Urgency, Status: r.Status,
			Closure: r.Closure, Timeliness: r.Timeliness, Referrals: make([]PlanReferral, len(r.Referrals)), Specialists: make([]PlanSpecialist, len(r.Specialists))}
		for j, ref := range r.Referrals {
			plan.Requests[i].Referrals[j] = PlanReferral(ref)
		}
		for j, sp := range r.Specialists {
			plan.Requests[i].Specialists[j] = PlanSpecialist(sp)
		}
	}
	return c.JSON(plan)
}
