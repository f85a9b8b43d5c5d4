package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/store"
)

// AccessReasonHeader opens a request of another team of the same
// municipality ("break the glass"): the reason is logged and the access
// flagged for the coordinators' review.
const AccessReasonHeader = "Dichtbij-Access-Reason"

// accessTrail is what case access needs of the access log.
type accessTrail interface {
	AppendAll(ctx context.Context, es []accesslog.Entry) ([]accesslog.Entry, error)
}

// cases guards the support requests: who may open which, and a trace of
// every opening in the access log (NEN 7513). Every handler that reads
// or changes a request goes through open or logged.
type cases struct {
	st  *store.Store
	log accessTrail
}

// check decides whether the actor of c may reach the request with meta m;
// it returns the break-the-glass reason when it came from another team.
func (cs *cases) check(c *fiber.Ctx, m care.Meta) (reason string, err error) {
	a := actorOf(c.UserContext())
	switch casework.Reach(a, m) {
	case casework.OwnTeam:
		return "", nil
	case casework.OtherTeam:
		reason = strings.TrimSpace(c.Get(AccessReasonHeader))
		if reason == "" {
			return "", newProblem(fiber.StatusForbidden, "other-team",
				"this request belongs to another team; give your reason in the "+AccessReasonHeader+" header to open it (logged and reviewed)",
				FieldProblem{Field: AccessReasonHeader, Reason: "is required to open another team's request"})
		}
		if len(reason) > 500 {
			return "", invalid(AccessReasonHeader, "must be at most 500 characters")
		}
		return reason, nil
	}
	return "", newProblem(fiber.StatusNotFound, "not-found", "no support request with id "+m.ID)
}

// The ways to a support request's personal data are the methods of
// cases: each reads and writes the access-log entry (NEN 7513) in one
// call, so no handler can read a request and forget the trace.
// TestRequestsHaveOneAccessor keeps other code from reading requests.

// open loads request id for the caller of c, checks access and logs
// action; a request the caller may not see is a plain 404.
func (cs *cases) open(c *fiber.Ctx, id, action string) (care.Request, error) {
	req, err := loadByID(c, id, "support request", cs.st.Requests().Get)
	if err != nil {
		return req, err
	}
	return req, cs.admit(c, req.Meta, action)
}

// behind reads the request behind a referral for the owner of the
// referral's option, whom the caller's route checked, and logs the read.
func (cs *cases) behind(c *fiber.Ctx, ref care.Referral) (care.Request, error) {
	req, err := cs.st.Requests().Get(c.UserContext(), ref.RequestID)
	if err != nil {
		return req, err
	}
	return req, cs.logged(c, accesslog.ActionRead, "", req.Meta)
}

// behindAll reads the request behind each referral, in order, and logs
// the reads in one write: an entry per referral's request, as behind
// would, without a log write per referral (an organiser's list).
func (cs *cases) behindAll(c *fiber.Ctx, refs []care.Referral) ([]care.Request, error) {
	reqs := make([]care.Request, len(refs))
	metas := make([]care.Meta, len(refs))
	for i, ref := range refs {
		req, err := cs.st.Requests().Get(c.UserContext(), ref.RequestID)
		if err != nil {
			return nil, err
		}
		reqs[i], metas[i] = req, req.Meta
	}
	return reqs, cs.logged(c, accesslog.ActionRead, "", metas...)
}

// household reads the requests of household id that the caller's team
// keeps, and logs each read.
func (cs *cases) household(c *fiber.Ctx, id string) ([]care.Request, error) {
	a := actorOf(c.UserContext())
	reqs, err := cs.st.Requests().OfHousehold(c.UserContext(), a.Municipality, a.Team, id)
	if err != nil {
		return nil, err
	}
	metas := make([]care.Meta, len(reqs))
	for i, r := range reqs {
		metas[i] = r.Meta
	}
	return reqs, cs.logged(c, accesslog.ActionRead, "", metas...)
}

// openPart loads a record that belongs to a request (a referral, a
// specialist referral), named by the path's id, for a worker of the
// request's team, and logs action on that request.
func openPart[R store.Record](c *fiber.Ctx, cs *cases, kind, action string, get func(context.Context, string) (R, error), requestID func(R) string) (R, error) {
	rec, err := loadByID(c, c.Params("id"), kind, get)
	if err != nil {
		return rec, err
	}
	if err := cs.admit(c, partOf(rec.Header(), requestID(rec)), action); err != nil {
		var zero R
		if isProblem(err, "not-found") {
			err = notFound(kind, rec.Header().ID)
		}
		return zero, err
	}
	return rec, nil
}

// partOf is the meta of the request that a record with meta m belongs to:
// its municipality and team are the request's.
func partOf(m care.Meta, requestID string) care.Meta {
	return care.Meta{ID: requestID, Municipality: m.Municipality, Team: m.Team, Subject: m.Subject}
}

// admit lets the caller of c at the request with meta req (check) and
// logs action on it.
func (cs *cases) admit(c *fiber.Ctx, req care.Meta, action string) error {
	reason, err := cs.check(c, req)
	if err != nil {
		return err
	}
	return cs.logged(c, action, reason, req)
}

// loadByID reads record id with get; a malformed id or a missing record
// is the 404 naming kind.
func loadByID[R any](c *fiber.Ctx, id, kind string, get func(context.Context, string) (R, error)) (R, error) {
	var zero R
	if !idPattern.MatchString(id) {
		return zero, notFound(kind, id)
	}
	rec, err := get(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return zero, notFound(kind, id)
	}
	return rec, err
}

func notFound(kind, id string) error {
	return newProblem(fiber.StatusNotFound, "not-found", "no "+kind+" with id "+id)
}

// logged appends one access-log entry per request to the log, before
// the response leaves: no trace, no data.
func (cs *cases) logged(c *fiber.Ctx, action, reason string, reqs ...care.Meta) error {
	ctx := c.UserContext()
	return cs.appendAll(ctx, casework.Accessed(actorOf(ctx), c.Method()+" "+c.Route().Path, action, reason, reqs...))
}

// appendAll writes entries in one round trip (a list of 50 requests is one
// insert, not 50).
func (cs *cases) appendAll(ctx context.Context, es []accesslog.Entry) error {
	if len(es) == 0 {
		return nil
	}
	if _, err := cs.log.AppendAll(ctx, es); err != nil {
		return fmt.Errorf("server: access log: %w", err)
	}
	return nil
}

// loggedAbout logs access to the personal records ms of other accounts
// (their owners; see casework.AccessedAbout), so that the owner can see
// who looked (GET /me/access-log).
func (cs *cases) loggedAbout(c *fiber.Ctx, action string, ms ...care.Meta) error {
	ctx := c.UserContext()
	return cs.appendAll(ctx, casework.AccessedAbout(actorOf(ctx), c.Method()+" "+c.Route().Path, action, ms...))
}
