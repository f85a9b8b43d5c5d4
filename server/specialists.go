package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// specialists serves the gate before specialist care and the step back
// down when that care ends.
type specialists struct {
	st      *store.Store
	checker *care.Checker
	now     func() time.Time
	// refs ends the zero-line referrals still pending when the request
	// closes for specialist care.
	refs *referrals
}

func mountSpecialists(api *routes, doc *apiDoc, d Deps, refs *referrals) {
	s := &specialists{st: d.Store, checker: d.Checker, now: d.Now, refs: refs}
	api.post("/requests/:id/specialist-referrals", permRequests, s.create)
	api.get("/requests/:id/specialist-referrals", permRequests, s.ofRequest)
	api.get("/specialist-referrals/:id", permRequests, s.get)
	api.post("/specialist-referrals/:id/end", permRequests, s.end)
	tag := "specialist care"
	doc.add(op{method: http.MethodPost, path: "/api/v1/requests/{id}/specialist-referrals", tag: tag,
		summary: "Refer to specialist care. Refused with 409 listing what is missing unless a zero-line search ran after the needs last changed and every covered need has a reason, or a safety override with a written reason is given. The request closes; its zero-line referrals that did not start yet expire or end (started ones go on).",
		params:  idParam{}, body: care.SpecialistFields{}, resp: care.Specialist{}, status: http.StatusCreated,
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/requests/{id}/specialist-referrals", tag: tag, summary: "The request's specialist referrals, oldest first",
		params: idParam{}, resp: []care.Specialist{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/specialist-referrals/{id}", tag: tag, summary: "Read a specialist referral",
		params: referralParams{}, resp: care.Specialist{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodPost, path: "/api/v1/specialist-referrals/{id}/end", tag: tag,
		summary: "End specialist care: the request reopens for a new zero-line search (step-down), with follow-ups 4 and 12 weeks on",
		params:  referralParams{}, body: care.SpecialistEnd{}, resp: care.Specialist{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
}

func (s *specialists) create(c *fiber.Ctx) error {
	var f care.SpecialistFields
	if err := bindJSON(c, &f, func() error { return s.checker.CheckTags(&f) }); err != nil {
		return err
	}
	ctx := c.UserContext()
	req, err := s.refs.cases.open(c, c.Params("id"), accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	for i, n := range f.Needs {
		if !slices.Contains(req.Needs, n) {
			return invalid(fmt.Sprintf("needs[%d]", i), n+" is not a need of this request")
		}
	}
	if req.Status == care.ReqClosed {
		return illegalMove(req, care.ReqClosed)
	}
	if missing := care.Gate(req, f); len(missing) > 0 {
		return gateRefused(missing)
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	sp := care.Specialist{Meta: care.Meta{ID: newID(), Version: 1, CreatedAt: now, UpdatedAt: now,
		Municipality: req.Municipality, Team: req.Team, Subject: req.Subject}, SpecialistFields: f,
		RequestID: req.ID, SafetyOverride: f.Override != nil}
	if req.LastSearch != nil {
		sp.SearchID = req.LastSearch.ID
	}
	if err := s.st.Specialists().Insert(ctx, sp); err != nil {
		return err
	}
	// Close the request, checking the gate again on its current version:
	// a concurrent close or change of needs undoes the referral.
	if _, err := updateRequest(ctx, s.st, s.now, req.ID, func(r *care.Request) error {
		if r.Status == care.ReqClosed {
			return illegalMove(*r, care.ReqClosed)
		}
		if missing := care.Gate(*r, f); len(missing) > 0 {
			return gateRefused(missing)
		}
		r.Status, r.Closure = care.ReqClosed, care.ClosureSpecialist
		return nil
	}); err != nil {
		if derr := s.st.Specialists().Delete(ctx, sp.ID); derr != nil {
			return errors.Join(err, derr)
		}
		return err
	}
	if err := s.refs.endOpen(ctx, req.ID, care.ClosureSpecialist); err != nil {
		// The request is closed; the maintenance sweep ends what is left.
		s.refs.log.Error("ending the referrals of a closed request", "request", req.ID, "err", err)
	}
	c.Location("/api/v1/specialist-referrals/" + sp.ID)
	return c.Status(fiber.StatusCreated).JSON(sp)
}

// gateRefused is the 409 listing what the gate misses.
func gateRefused(missing []care.Problem) error {
	fields := make([]FieldProblem, len(missing))
	for i, m := range missing {
		fields[i] = fieldProblem(m.Field, m.Reason)
	}
	return newProblem(fiber.StatusConflict, "zero-line-first",
		fmt.Sprintf("specialist care is refused until the neighbourhood was tried: %d thing(s) missing", len(fields)), fields...)
}

func (s *specialists) load(c *fiber.Ctx, action string) (care.Specialist, error) {
	return openSpecialist(c, s.st, s.refs.cases, action)
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
	if sp.EndedAt != nil {
		return newProblem(fiber.StatusConflict, "already-ended", "this specialist referral ended at "+sp.EndedAt.Format(time.RFC3339))
	}
	ctx := c.UserContext()
	now := s.now().UTC().Truncate(time.Millisecond)
	next := sp
	next.EndedAt, next.Outcome = &now, e.Outcome
	next.FollowUps = care.FollowUpsFrom(now)
	next.Version++
	next.UpdatedAt = now
	if err := s.st.Specialists().Replace(ctx, sp.Version, next); err != nil {
		return err
	}
	if _, err := updateRequest(ctx, s.st, s.now, sp.RequestID, func(r *care.Request) error {
		if r.Status != care.ReqClosed || r.Closure != care.ClosureSpecialist {
			return errNoChange // not closed by specialist care: nothing to reopen
		}
		r.Status, r.Closure, r.ClosureNote, r.NeedsChangedAt = care.ReqOpen, "", "", now
		r.StepDowns++
		return nil
	}); err != nil {
		return err
	}
	return c.JSON(next)
}

// ofRequest lists a request's specialist referrals, so that a worker on
// any computer finds the one to end.
func (s *specialists) ofRequest(c *fiber.Ctx) error {
	req, err := s.refs.cases.open(c, c.Params("id"), accesslog.ActionRead)
	if err != nil {
		return err
	}
	out, err := s.st.Specialists().All(c.UserContext(), store.Cond{Field: "request_id", Value: req.ID})
	if err != nil {
		return err
	}
	return c.JSON(append([]care.Specialist{}, out...))
}
