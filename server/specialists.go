package server

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/store"
)

// specialists serves the gate before specialist care and the step back
// down when that care ends.
type specialists struct {
	st      *store.Store
	checker *care.Checker
	now     func() time.Time
	cw      *casework.Service
	cases   *cases
}

func mountSpecialists(rt *routeTable, d Deps) {
	s := &specialists{st: d.Store, checker: d.Checker, now: d.Now, cw: d.casework, cases: d.cases}
	tag := "specialist care"
	rt.add(route{method: http.MethodPost, path: "/api/v1/requests/:id/specialist-referrals", perm: permRequests, handler: s.create, tag: tag,
		summary: "Refer to specialist care. Refused with 409 listing what is missing unless a zero-line search ran after the needs last changed and every covered need has a reason, or a safety override with a written reason is given. The gate and the closure work per need: the zero-line referrals for the referred needs that did not start yet expire or end (started ones go on), and the request closes only when every one of its needs is in specialist care; until then it stays open for its other needs (a combined arrangement).",
		params:  idParam{}, body: care.SpecialistFields{}, resp: care.Specialist{}, status: http.StatusCreated,
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/requests/:id/specialist-referrals", perm: permRequests, handler: s.ofRequest, tag: tag, summary: "The request's specialist referrals, oldest first",
		params: idParam{}, resp: []care.Specialist{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/specialist-referrals/:id", perm: permRequests, handler: s.get, tag: tag, summary: "Read a specialist referral",
		params: referralParams{}, resp: care.Specialist{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/specialist-referrals/:id/end", perm: permRequests, handler: s.end, tag: tag,
		summary: "End specialist care (step-down), with follow-ups 4 and 12 weeks on: a request closed by specialist care reopens for a new zero-line search; one that stayed open for other needs counts the step-down and needs a new search before the gate",
		params:  referralParams{}, body: care.SpecialistEnd{}, resp: care.Specialist{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
}

func (s *specialists) create(c *fiber.Ctx) error {
	var f care.SpecialistFields
	if err := bindJSON(c, &f, func() error { return s.checker.CheckTags(&f) }); err != nil {
		return err
	}
	req, err := s.cases.open(c, c.Params("id"), accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	sp, err := s.cw.ReferSpecialist(c.UserContext(), actorOf(c.UserContext()), req, f)
	if err != nil {
		return err
	}
	c.Location("/api/v1/specialist-referrals/" + sp.ID)
	return c.Status(fiber.StatusCreated).JSON(sp)
}

func (s *specialists) load(c *fiber.Ctx, action string) (care.Specialist, error) {
	return openSpecialist(c, s.st, s.cases, action)
}

// openSpecialist loads the specialist referral in the path for a worker
// of its request's team, logging the access.
func openSpecialist(c *fiber.Ctx, st *store.Store, cs *cases, action string) (care.Specialist, error) {
	return openPart(c, cs, "specialist referral", action, st.Specialists().Get, func(sp care.Specialist) string { return sp.RequestID })
}

func (s *specialists) get(c *fiber.Ctx) error {
	sp, err := s.load(c, accesslog.ActionRead)
	if err != nil {
		return err
	}
	return c.JSON(sp)
}

// end closes specialist care and steps the request back down: it reopens
// with its needs marked as changed now, so a new zero-line search must
// run before any further specialist referral.
func (s *specialists) end(c *fiber.Ctx) error {
	var e care.SpecialistEnd
	if err := bindJSON(c, &e, func() error { return s.checker.CheckTags(&e) }); err != nil {
		return err
	}
	sp, err := s.load(c, accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	next, err := s.cw.EndSpecialist(c.UserContext(), actorOf(c.UserContext()), sp, e)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

func (s *specialists) ofRequest(c *fiber.Ctx) error {
	req, err := s.cases.open(c, c.Params("id"), accesslog.ActionRead)
	if err != nil {
		return err
	}
	out, err := s.st.Specialists().OfRequest(c.UserContext(), req.ID)
	if err != nil {
		return err
	}
	return c.JSON(append([]care.Specialist{}, out...))
}
