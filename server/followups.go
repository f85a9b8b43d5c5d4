package server

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
)

// FollowUpItem is one open follow-up on the social workers' list.
type FollowUpItem casework.FollowUp

type followUpParams struct {
	ID string `path:"id" description:"referral id"`
	N  int    `path:"n" minimum:"1" description:"1-based position of the follow-up on the referral"`
}

type dueParams struct {
	DueBefore string `query:"due_before" required:"true" format:"date-time" description:"RFC 3339; lists follow-ups due strictly before it"`
}

// mountFollowUps adds follow-ups, no-shows and notifications to the
// referral routes.
func mountFollowUps(rt *routeTable, r *referrals) {
	tag := "referrals"
	rt.add(route{method: http.MethodGet, path: "/api/v1/follow-ups", perm: permRequests, handler: r.openFollowUps, tag: tag,
		summary: "Open follow-ups due before a moment, earliest first: a started referral gets one at 4 and one at 12 weeks, and so does a step-down when specialist care ends",
		params:  dueParams{}, resp: []FollowUpItem{}, errors: []int{http.StatusBadRequest}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/referrals/:id/follow-ups/:n/done", perm: permRequests, handler: r.followUpDone, tag: tag,
		summary: "Mark follow-up n of a referral done, with a note; 409 when it is done already",
		params:  followUpParams{}, body: care.FollowUpDone{}, resp: care.Referral{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/specialist-referrals/:id/follow-ups/:n/done", perm: permRequests, handler: r.stepDownFollowUpDone, tag: "specialist care",
		summary: "Mark follow-up n of a step-down done, with a note; 409 when it is done already",
		params:  followUpParams{}, body: care.FollowUpDone{}, resp: care.Specialist{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/referrals/:id/no-shows", perm: permRequests, handler: r.noShow, tag: tag,
		summary: "Record that the resident did not turn up; only on an accepted or started referral (409 otherwise)",
		params:  referralParams{}, body: care.NoShowFields{}, resp: care.Referral{}, status: http.StatusCreated,
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/referrals/:id/notifications", perm: permReferralRead, handler: r.notifications, tag: tag,
		summary: "What the social worker and the option's owner were told about a referral, oldest first (addressed by role until accounts exist)",
		params:  referralParams{}, resp: []care.Notification{}, errors: []int{http.StatusNotFound}})
}

// openFollowUps lists the open follow-ups of the caller's team due
// before due_before.
func (r *referrals) openFollowUps(c *fiber.Ctx) error {
	var probs []FieldProblem
	var before time.Time
	for key, val := range c.Queries() {
		if key != "due_before" {
			probs = append(probs, FieldProblem{Field: key, Reason: "is not a parameter of this list"})
			continue
		}
		t, err := time.Parse(time.RFC3339, val)
		if err != nil {
			probs = append(probs, FieldProblem{Field: key, Reason: "must be an RFC 3339 time with an offset, e.g. 2027-01-01T00:00:00Z"})
			continue
		}
		before = t
	}
	if before.IsZero() && len(probs) == 0 {
		probs = append(probs, FieldProblem{Field: "due_before", Reason: "is required"})
	}
	if len(probs) > 0 {
		slices.SortFunc(probs, func(a, b FieldProblem) int { return cmp.Compare(a.Field, b.Field) })
		return newProblem(fiber.StatusBadRequest, "invalid-query", "the query string is invalid", probs...)
	}
	a := actorOf(c.UserContext())
	fs, listed, err := r.cw.OpenFollowUps(c.UserContext(), before, func(m care.Meta) bool { return casework.Reach(a, m) == casework.OwnTeam })
	if err != nil {
		return err
	}
	// The list shows each request's needs and referrals: one access-log
	// entry per request listed.
	if err := r.cases.logged(c, accesslog.ActionList, "", listed...); err != nil {
		return err
	}
	out := make([]FollowUpItem, len(fs))
	for i, f := range fs {
		out[i] = FollowUpItem(f)
	}
	return c.JSON(out)
}

func (r *referrals) followUpDone(c *fiber.Ctx) error {
	var f care.FollowUpDone
	if err := bindJSON(c, &f, func() error { return r.checker.CheckTags(&f) }); err != nil {
		return err
	}
	ref, err := r.loadReferral(c)
	if err != nil {
		return err
	}
	next, err := r.cw.FollowUpDone(c.UserContext(), actorOf(c.UserContext()), ref, c.Params("n"), f.Note)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

// stepDownFollowUpDone marks a follow-up of an ended specialist referral done.
func (r *referrals) stepDownFollowUpDone(c *fiber.Ctx) error {
	var f care.FollowUpDone
	if err := bindJSON(c, &f, func() error { return r.checker.CheckTags(&f) }); err != nil {
		return err
	}
	sp, err := openSpecialist(c, r.st, r.cases, accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	next, err := r.cw.SpecialistFollowUpDone(c.UserContext(), actorOf(c.UserContext()), sp, c.Params("n"), f.Note)
	if err != nil {
		return err
	}
	return c.JSON(next)
}

func (r *referrals) noShow(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	var f care.NoShowFields
	if err := decodeStrict(c.Body(), &f); err != nil {
		return err
	}
	at, err := r.checker.CheckNoShow(&f, r.now().UTC().Truncate(time.Millisecond))
	if err != nil {
		return err
	}
	ref, err := r.loadReferral(c)
	if err != nil {
		return err
	}
	next, err := r.cw.NoShow(c.UserContext(), actorOf(c.UserContext()), ref, at, f.Note)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(next)
}
