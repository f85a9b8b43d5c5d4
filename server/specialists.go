package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// specialists serves the gate before specialist care and the step back
// down when that care ends.
type specialists struct {
	st      *store.Store
	checker *care.Checker
	now     func() time.Time
}

func mountSpecialists(api fiber.Router, doc *apiDoc, d Deps) {
	s := &specialists{st: d.Store, checker: d.Checker, now: d.Now}
	api.Post("/requests/:id/specialist-referrals", s.create)
	api.Get("/specialist-referrals/:id", s.get)
	api.Post("/specialist-referrals/:id/end", s.end)
	tag := "specialist care"
	doc.add(op{method: http.MethodPost, path: "/api/v1/requests/{id}/specialist-referrals", tag: tag,
		summary: "Refer to specialist care. Refused with 409 listing what is missing unless a zero-line search ran after the needs last changed and every covered need has a reason, or a safety override with a written reason is given.",
		params:  idParam{}, body: care.SpecialistFields{}, resp: care.Specialist{}, status: http.StatusCreated,
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/specialist-referrals/{id}", tag: tag, summary: "Read a specialist referral",
		params: referralParams{}, resp: care.Specialist{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodPost, path: "/api/v1/specialist-referrals/{id}/end", tag: tag,
		summary: "End specialist care: the request reopens for a new zero-line search (step-down)",
		params:  referralParams{}, body: care.SpecialistEnd{}, resp: care.Specialist{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
}

func (s *specialists) create(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	var f care.SpecialistFields
	if err := decodeStrict(c.Body(), &f); err != nil {
		return err
	}
	if err := s.checker.CheckSpecialist(&f); err != nil {
		return err
	}
	id := c.Params("id")
	if !idPattern.MatchString(id) {
		return newProblem(fiber.StatusNotFound, "not-found", "no support request with id "+id)
	}
	ctx := c.UserContext()
	req, err := s.st.Requests().Get(ctx, id)
	if err != nil {
		return err
	}
	for i, n := range f.Needs {
		if !slices.Contains(req.Needs, n) {
			return invalid(fmt.Sprintf("needs[%d]", i), n+" is not a need of this request")
		}
	}
	if req.Status == "closed" {
		return newProblem(fiber.StatusConflict, "request-closed", "the request is closed ("+req.Closure+")")
	}
	if missing := care.Gate(req, f); len(missing) > 0 {
		fields := make([]FieldProblem, len(missing))
		for i, m := range missing {
			fields[i] = fieldProblem(m.Field, m.Reason)
		}
		return newProblem(fiber.StatusConflict, "zero-line-first",
			fmt.Sprintf("specialist care is refused until the neighbourhood was tried: %d thing(s) missing", len(fields)), fields...)
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	sp := care.Specialist{Meta: care.Meta{ID: newID(), Version: 1, CreatedAt: now, UpdatedAt: now}, SpecialistFields: f,
		RequestID: req.ID, SafetyOverride: f.Override != nil}
	if req.LastSearch != nil {
		sp.SearchID = req.LastSearch.ID
	}
	if err := s.st.Specialists().Insert(ctx, sp); err != nil {
		return err
	}
	if err := s.updateRequest(ctx, req.ID, func(r *care.Request) { r.Status, r.Closure = "closed", care.ClosureSpecialist }); err != nil {
		return err
	}
	c.Location("/api/v1/specialist-referrals/" + sp.ID)
	return c.Status(fiber.StatusCreated).JSON(sp)
}

// updateRequest applies change to the current request, retrying when
// another write came in between.
func (s *specialists) updateRequest(ctx context.Context, id string, change func(*care.Request)) error {
	for attempt := 0; attempt < 4; attempt++ {
		req, err := s.st.Requests().Get(ctx, id)
		if err != nil {
			return err
		}
		next := req
		change(&next)
		next.Version++
		next.UpdatedAt = s.now().UTC().Truncate(time.Millisecond)
		err = s.st.Requests().Replace(ctx, req.Version, next)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("server: request %s changed too often: %w", id, store.ErrConflict)
}

func (s *specialists) load(c *fiber.Ctx) (care.Specialist, error) {
	id := c.Params("id")
	if !idPattern.MatchString(id) {
		return care.Specialist{}, newProblem(fiber.StatusNotFound, "not-found", "no specialist referral with id "+id)
	}
	return s.st.Specialists().Get(c.UserContext(), id)
}

func (s *specialists) get(c *fiber.Ctx) error {
	sp, err := s.load(c)
	if err != nil {
		return err
	}
	return c.JSON(sp)
}

// end closes specialist care and steps the request back down: it reopens
// with its needs marked as changed now, so a new zero-line search must
// run before any further specialist referral.
func (s *specialists) end(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	var e care.SpecialistEnd
	if err := decodeStrict(c.Body(), &e); err != nil {
		return err
	}
	if err := s.checker.CheckEnd(&e); err != nil {
		return err
	}
	sp, err := s.load(c)
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
	next.Version++
	next.UpdatedAt = now
	if err := s.st.Specialists().Replace(ctx, sp.Version, next); err != nil {
		return err
	}
	if err := s.updateRequest(ctx, sp.RequestID, func(r *care.Request) {
		r.Status, r.Closure, r.NeedsChangedAt = "open", "", now
		r.StepDowns++
	}); err != nil {
		return err
	}
	return c.JSON(next)
}
