package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// referrals serves the closed loop from a need to an option: referral,
// acceptance or decline by the owner, start, and completion or end.
type referrals struct {
	st      *store.Store
	checker *care.Checker
	now     func() time.Time
}

// option is what a referral needs to know of its target.
type option struct {
	kind      string
	active    bool
	helpTypes []string
	// capacity is the number of places (per occurrence for activities);
	// 0 means open to all (provisions).
	capacity int
	schedule *care.Schedule
}

type referralParams struct {
	ID string `path:"id" description:"referral id"`
}

func mountReferrals(api fiber.Router, doc *apiDoc, d Deps) {
	r := &referrals{st: d.Store, checker: d.Checker, now: d.Now}
	api.Post("/requests/:id/referrals", r.create)
	api.Get("/requests/:id/referrals", r.ofRequest)
	api.Get("/requests/:id/audit", r.audit)
	api.Get("/referrals/:id", r.get)
	api.Post("/referrals/:id/transitions", r.move)
	tag := "referrals"
	doc.add(op{method: http.MethodPost, path: "/api/v1/requests/{id}/referrals", tag: tag,
		summary: "Refer one need of a request to an option (state proposed)", params: idParam{}, body: care.ReferralFields{},
		resp: care.Referral{}, status: http.StatusCreated, errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/requests/{id}/referrals", tag: tag, summary: "The referrals of a request",
		params: idParam{}, resp: []care.Referral{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/requests/{id}/audit", tag: tag,
		summary: "Every state change of the request's referrals, oldest first (append-only)", params: idParam{}, resp: []care.Transition{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/referrals/{id}", tag: tag, summary: "Read a referral", params: referralParams{}, resp: care.Referral{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodPost, path: "/api/v1/referrals/{id}/transitions", tag: tag,
		summary: "Move a referral: accepted (claims a place), declined (reason), expired, waitlisted, started, completed (outcome), ended (reason). 409 names the current state when the move is not allowed, or says the option is full.",
		params:  referralParams{}, body: care.Move{}, resp: care.Referral{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
}

func invalid(field, reason string) error {
	return &care.ValidationError{Problems: []care.Problem{{Field: field, Reason: reason}}}
}

// lookupOption finds an option by id in the four option collections.
func (r *referrals) lookupOption(ctx context.Context, id string) (option, error) {
	if v, err := r.st.Volunteers().Get(ctx, id); err == nil {
		return option{kind: collVolunteers, active: v.Status == "active", helpTypes: v.HelpTypes, capacity: v.Capacity}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if i, err := r.st.Initiatives().Get(ctx, id); err == nil {
		return option{kind: collInitiatives, active: i.Active == nil || *i.Active, helpTypes: i.HelpTypes, capacity: i.Capacity}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if p, err := r.st.Provisions().Get(ctx, id); err == nil {
		return option{kind: collProvisions, active: p.Active == nil || *p.Active, helpTypes: p.HelpTypes}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	a, err := r.st.Activities().Get(ctx, id)
	if err != nil {
		return option{}, err
	}
	return option{kind: collActivities, active: a.Active == nil || *a.Active, helpTypes: a.HelpTypes, capacity: a.SpotsPerOccurrence, schedule: a.Schedule}, nil
}

// kindOf names an option collection as an option kind.
func kindOf(coll string) string {
	return map[string]string{collVolunteers: "volunteer", collInitiatives: "initiative", collProvisions: "provision", collActivities: "activity"}[coll]
}

func (r *referrals) create(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	var f care.ReferralFields
	if err := decodeStrict(c.Body(), &f); err != nil {
		return err
	}
	if err := r.checker.CheckReferral(&f); err != nil {
		return err
	}
	ctx := c.UserContext()
	req, err := r.loadRequest(c)
	if err != nil {
		return err
	}
	if !slices.Contains(req.Needs, f.Need) {
		return invalid("need", "is not a need of this request (needs: "+strings.Join(req.Needs, ", ")+")")
	}
	opt, err := r.lookupOption(ctx, f.OptionID)
	if errors.Is(err, store.ErrNotFound) {
		return invalid("option_id", "names no volunteer, initiative, provision or activity")
	}
	if err != nil {
		return err
	}
	switch {
	case !opt.active:
		return invalid("option_id", "names an option that is paused or inactive")
	case !slices.Contains(opt.helpTypes, f.Need):
		return invalid("option_id", "names an option that does not offer "+f.Need)
	}
	now := r.now().UTC().Truncate(time.Millisecond)
	ref := care.Referral{Meta: care.Meta{ID: newID(), Version: 1, CreatedAt: now, UpdatedAt: now}, ReferralFields: f,
		RequestID: req.ID, OptionKind: kindOf(opt.kind), State: care.RefProposed, Steps: []care.Step{{State: care.RefProposed, At: now}}}
	if opt.kind == collActivities {
		at, err := occurrenceOf(opt.schedule, f.Occurrence)
		if err != nil {
			return err
		}
		ref.OccurrenceAt = &at
	} else if f.Occurrence != "" {
		return invalid("occurrence", "only applies to activities")
	}
	if err := r.record(ctx, ref, 1, "", care.RefProposed, care.Move{}); err != nil {
		return err
	}
	if err := r.st.Referrals().Insert(ctx, ref); err != nil {
		return err
	}
	if err := r.advanceRequest(ctx, req.ID, "referred", "open", "searched"); err != nil {
		return err
	}
	c.Location("/api/v1/referrals/" + ref.ID)
	return c.Status(fiber.StatusCreated).JSON(ref)
}

// occurrenceOf checks that local names a real occurrence of the schedule
// and returns it as an instant.
func occurrenceOf(s *care.Schedule, local string) (time.Time, error) {
	if local == "" {
		return time.Time{}, invalid("occurrence", `is required for an activity: the start "YYYY-MM-DDTHH:MM" of the occurrence`)
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return time.Time{}, fmt.Errorf("server: activity time zone %q: %w", s.Timezone, err)
	}
	at, err := time.ParseInLocation(care.LocalTimeLayout, local, loc)
	if err != nil {
		return time.Time{}, invalid("occurrence", `must be a local date and time "YYYY-MM-DDTHH:MM"`)
	}
	occ, err := s.Occurrences(at, at.Add(time.Minute))
	if err != nil {
		return time.Time{}, err
	}
	if len(occ) == 0 {
		return time.Time{}, invalid("occurrence", "is not an occurrence of this activity's schedule")
	}
	return at, nil
}

func (r *referrals) loadRequest(c *fiber.Ctx) (care.Request, error) {
	id := c.Params("id")
	if !idPattern.MatchString(id) {
		return care.Request{}, newProblem(fiber.StatusNotFound, "not-found", "no support request with id "+id)
	}
	return r.st.Requests().Get(c.UserContext(), id)
}

func (r *referrals) loadReferral(c *fiber.Ctx) (care.Referral, error) {
	id := c.Params("id")
	if !idPattern.MatchString(id) {
		return care.Referral{}, newProblem(fiber.StatusNotFound, "not-found", "no referral with id "+id)
	}
	return r.st.Referrals().Get(c.UserContext(), id)
}

// advanceRequest moves a request to status when it is in one of from.
func (r *referrals) advanceRequest(ctx context.Context, id, status string, from ...string) error {
	for attempt := 0; attempt < 4; attempt++ {
		req, err := r.st.Requests().Get(ctx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, req.Status) {
			return nil
		}
		next := req
		next.Version++
		next.Status = status
		next.UpdatedAt = r.now().UTC().Truncate(time.Millisecond)
		err = r.st.Requests().Replace(ctx, req.Version, next)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("server: request %s changed too often to move it to %s: %w", id, status, store.ErrConflict)
}

// record appends the audit entry of a referral entering state to. Its id
// is the referral's step number, so it doubles as the lock that lets
// only one of two concurrent moves of a referral through.
func (r *referrals) record(ctx context.Context, ref care.Referral, step int, from, to string, m care.Move) error {
	now := r.now().UTC().Truncate(time.Millisecond)
	t := care.Transition{Meta: care.Meta{ID: stepID(ref.ID, step), Version: 1, CreatedAt: now, UpdatedAt: now},
		ReferralID: ref.ID, RequestID: ref.RequestID, From: from, To: to, Reason: m.Reason, Outcome: m.Outcome}
	err := r.st.Transitions().Insert(ctx, t)
	if errors.Is(err, store.ErrConflict) {
		return newProblem(fiber.StatusConflict, "concurrent-change", "the referral was changed at the same moment; read it again")
	}
	return err
}

// stepID names the audit entry of a referral's step (1 is its creation).
func stepID(referralID string, step int) string { return fmt.Sprintf("%s#%d", referralID, step) }

// pool names the places a referral competes for.
func pool(ref care.Referral) string {
	p := ref.OptionKind + ":" + ref.OptionID
	if ref.OccurrenceAt != nil {
		p += fmt.Sprintf("@%d", ref.OccurrenceAt.Unix())
	}
	return p
}

func (r *referrals) move(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	var m care.Move
	if err := decodeStrict(c.Body(), &m); err != nil {
		return err
	}
	if err := r.checker.CheckMove(&m); err != nil {
		return err
	}
	ref, err := r.loadReferral(c)
	if err != nil {
		return err
	}
	if !care.CanMove(ref.State, m.To) {
		next := care.NextStates(ref.State)
		allowed := "none: it is final"
		if len(next) > 0 {
			allowed = strings.Join(next, ", ")
		}
		return newProblem(fiber.StatusConflict, "illegal-transition",
			fmt.Sprintf("the referral is %s; it can move to %s", ref.State, allowed),
			FieldProblem{Field: "to", Reason: fmt.Sprintf("cannot move from %s to %s", ref.State, m.To)})
	}
	next, err := r.apply(c.UserContext(), ref, m)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

// apply performs a legal move: it takes the step lock, claims or frees a
// place, and stores the referral.
func (r *referrals) apply(ctx context.Context, ref care.Referral, m care.Move) (care.Referral, error) {
	step := len(ref.Steps) + 1
	if err := r.record(ctx, ref, step, ref.State, m.To, m); err != nil {
		return ref, err
	}
	next := ref
	now := r.now().UTC().Truncate(time.Millisecond)
	if m.To == care.RefAccepted {
		opt, err := r.lookupOption(ctx, ref.OptionID)
		if err != nil {
			return ref, err
		}
		if opt.capacity > 0 {
			n, err := r.st.Places().Claim(ctx, pool(ref), opt.capacity, ref.ID, now)
			if errors.Is(err, store.ErrFull) {
				// Undo the step lock: the move did not happen.
				if derr := r.st.Transitions().Delete(ctx, stepID(ref.ID, step)); derr != nil {
					return ref, derr
				}
				return ref, newProblem(fiber.StatusConflict, "option-full",
					fmt.Sprintf("all %d places of this option are taken; put the referral on the waiting list (to: waitlisted)", opt.capacity),
					FieldProblem{Field: "to", Reason: "the option is full"})
			}
			if err != nil {
				return ref, err
			}
			next.Place = &care.PlaceRef{Pool: pool(ref), Number: n}
		}
	}
	if !care.HoldsPlace(m.To) && next.Place != nil {
		if _, err := r.st.Places().Release(ctx, next.Place.Pool, next.Place.Number, ref.ID); err != nil {
			return ref, err
		}
		next.Place = nil
	}
	next.State = m.To
	next.Reason, next.Outcome = firstNonEmpty(m.Reason, ref.Reason), firstNonEmpty(m.Outcome, ref.Outcome)
	next.Steps = append(slices.Clone(ref.Steps), care.Step{State: m.To, At: now})
	next.Version++
	next.UpdatedAt = now
	if err := r.st.Referrals().Replace(ctx, ref.Version, next); err != nil {
		return ref, err
	}
	if m.To == care.RefStarted {
		if err := r.advanceRequest(ctx, ref.RequestID, "in_progress", "open", "searched", "referred"); err != nil {
			return next, err
		}
	}
	return next, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (r *referrals) get(c *fiber.Ctx) error {
	ref, err := r.loadReferral(c)
	if err != nil {
		return err
	}
	return c.JSON(ref)
}

// ofRequest lists a request's referrals in creation order.
func (r *referrals) ofRequest(c *fiber.Ctx) error {
	req, err := r.loadRequest(c)
	if err != nil {
		return err
	}
	out := []care.Referral{}
	page, _, err := r.st.Referrals().List(c.UserContext(), store.Query{Where: []store.Cond{{Field: "request_id", Value: req.ID}}, Limit: 1000})
	if err != nil {
		return err
	}
	return c.JSON(append(out, page...))
}

// audit lists every state change of a request's referrals, oldest first.
func (r *referrals) audit(c *fiber.Ctx) error {
	req, err := r.loadRequest(c)
	if err != nil {
		return err
	}
	page, _, err := r.st.Transitions().List(c.UserContext(), store.Query{Where: []store.Cond{{Field: "request_id", Value: req.ID}}, Limit: 1000})
	if err != nil {
		return err
	}
	slices.SortStableFunc(page, func(a, b care.Transition) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return c.JSON(append([]care.Transition{}, page...))
}
