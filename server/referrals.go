package server

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/store"
)

// referrals serves the closed loop from a need to an option: referral,
// acceptance or decline by the owner, start, and completion or end. The
// rules are casework's; this is their HTTP side.
type referrals struct {
	st      *store.Store
	checker *care.Checker
	now     func() time.Time
	log     *slog.Logger
	cw      *casework.Service
	// cases guards the requests behind the referrals.
	cases *cases
}

type referralParams struct {
	ID string `path:"id" description:"referral id"`
}

func newReferrals(d Deps) *referrals {
	return &referrals{st: d.Store, checker: d.Checker, now: d.Now, log: d.Log, cw: d.casework, cases: d.cases}
}

func mountReferrals(rt *routeTable, r *referrals) {
	tag := "referrals"
	rt.add(route{method: http.MethodPost, path: "/api/v1/requests/:id/referrals", perm: permRequests, handler: r.create, tag: tag,
		summary: "Refer one need of a request to an option (state proposed)", params: idParam{}, body: care.ReferralFields{},
		resp: care.Referral{}, status: http.StatusCreated, errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/requests/:id/referrals", perm: permRequests, handler: r.ofRequest, tag: tag, summary: "The referrals of a request",
		params: idParam{}, resp: []care.Referral{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/requests/:id/audit", perm: permRequests, handler: r.audit, tag: tag,
		summary: "Every state change of the request and of its referrals, oldest first, with who made it and on whose behalf (append-only)", params: idParam{}, resp: []care.Transition{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/referrals/:id", perm: permReferralRead, handler: r.get, tag: tag, summary: "Read a referral", params: referralParams{}, resp: care.Referral{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/referrals/:id/transitions", perm: permAnswer, handler: r.move, tag: tag,
		summary: "Move a referral: accepted (claims a place), declined (reason), expired, waitlisted, started, completed (outcome), ended (reason). Ending or completing an accepted or started referral frees its place, which goes to the first referral on the waiting list of the same option and occurrence (audit reason \"promoted from the waiting list\"; both sides get a notification). Starting sets follow-ups at 4 and 12 weeks. 409 names the current state when the move is not allowed, or says the option is full.",
		params:  referralParams{}, body: care.Move{}, resp: care.Referral{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	mountFollowUps(rt, r)
}

func invalid(field, reason string) error {
	return &care.ValidationError{Problems: []care.Problem{{Field: field, Reason: reason}}}
}

func (r *referrals) create(c *fiber.Ctx) error {
	var f care.ReferralFields
	if err := bindJSON(c, &f, func() error { return r.checker.CheckTags(&f) }); err != nil {
		return err
	}
	req, err := r.cases.open(c, c.Params("id"), accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	ref, err := r.cw.Refer(c.UserContext(), actorOf(c.UserContext()), req, f)
	if err != nil {
		return err
	}
	c.Location("/api/v1/referrals/" + ref.ID)
	return c.Status(fiber.StatusCreated).JSON(ref)
}

// openReferral loads the referral in the path for the caller: a worker
// of the request's team (logged as access to the request), or, when
// ownerMay, the owner of the referral's option, who gets owner true.
// Anyone else gets a 404.
func (r *referrals) openReferral(c *fiber.Ctx, action string, ownerMay bool) (care.Referral, bool, error) {
	a := actorOf(c.UserContext())
	if a.Role == auth.RoleSocialWorker {
		ref, err := openPart(c, r.cases, "referral", action, r.st.Referrals().Get, func(ref care.Referral) string { return ref.RequestID })
		return ref, false, err
	}
	ref, err := loadByID(c, c.Params("id"), "referral", r.st.Referrals().Get)
	if err != nil {
		return ref, false, err
	}
	if ownerMay && ref.OwnerID != "" && ref.OwnerID == a.ID && sameMunicipality(a, ref.Meta) {
		return ref, true, nil
	}
	return care.Referral{}, false, notFound("referral", ref.ID)
}

// loadReferral opens the referral for a worker of its team only.
func (r *referrals) loadReferral(c *fiber.Ctx) (care.Referral, error) {
	ref, _, err := r.openReferral(c, accesslog.ActionUpdate, false)
	return ref, err
}

func (r *referrals) move(c *fiber.Ctx) error {
	var m care.Move
	if err := bindJSON(c, &m, func() error { return r.checker.CheckMove(&m) }); err != nil {
		return err
	}
	ref, owner, err := r.openReferral(c, accesslog.ActionUpdate, true)
	if err != nil {
		return err
	}
	next, err := r.cw.Move(c.UserContext(), actorOf(c.UserContext()), ref, m, owner)
	if err != nil {
		return err
	}
	if owner {
		return r.ownerView(c, next)
	}
	return c.JSON(next)
}

const slugConcurrentChange = "concurrent-change"

func errConcurrentChange() error {
	return newProblem(fiber.StatusConflict, slugConcurrentChange, "the record was changed at the same moment; read it again")
}

// isProblem reports whether err is a problem of the given slug.
func isProblem(err error, slug string) bool {
	var pe *problemError
	return errors.As(err, &pe) && pe.p.Type == "urn:dichtbij:problem:"+slug
}

func (r *referrals) get(c *fiber.Ctx) error {
	ref, owner, err := r.openReferral(c, accesslog.ActionRead, true)
	if err != nil {
		return err
	}
	if owner {
		return r.ownerView(c, ref)
	}
	return c.JSON(ref)
}

// ofRequest lists a request's referrals in creation order.
func (r *referrals) ofRequest(c *fiber.Ctx) error {
	req, err := r.cases.open(c, c.Params("id"), accesslog.ActionRead)
	if err != nil {
		return err
	}
	out := []care.Referral{}
	page, err := r.st.Referrals().OfRequest(c.UserContext(), req.ID)
	if err != nil {
		return err
	}
	return c.JSON(append(out, page...))
}

// audit lists every state change of a request and its referrals, oldest
// first.
func (r *referrals) audit(c *fiber.Ctx) error {
	req, err := r.cases.open(c, c.Params("id"), accesslog.ActionRead)
	if err != nil {
		return err
	}
	ts, err := r.cw.Transitions(c.UserContext(), req.ID)
	if err != nil {
		return err
	}
	return c.JSON(ts)
}
