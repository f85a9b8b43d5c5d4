package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// AccessReasonHeader opens a request of another team of the same
// municipality ("break the glass"): the reason is logged and the access
// flagged for the coordinators' review.
const AccessReasonHeader = "Dichtbij-Access-Reason"

// accessTrail is what case access needs of the access log.
type accessTrail interface {
	Append(ctx context.Context, e accesslog.Entry) (accesslog.Entry, error)
}

// cases guards the support requests: who may open which, and a trace of
// every opening in the access log (NEN 7513). Every handler that reads
// or changes a request goes through open or logged.
type cases struct {
	st  *store.Store
	log accessTrail
}

// teamAccess says how an actor reaches a request: not at all, as a
// member of its team, or from another team of the municipality (only
// with a reason).
type teamAccess int

const (
	noAccess teamAccess = iota
	ownTeam
	otherTeam
)

func requestAccess(a actor, m care.Meta) teamAccess {
	switch {
	case a.Role != auth.RoleSocialWorker || a.Municipality == "" || m.Municipality != a.Municipality:
		return noAccess
	case m.Team == a.Team:
		return ownTeam
	}
	return otherTeam
}

// check decides whether the actor of c may reach the request with meta m;
// it returns the break-the-glass reason when it came from another team.
func (cs *cases) check(c *fiber.Ctx, m care.Meta) (reason string, err error) {
	a := actorOf(c.UserContext())
	switch requestAccess(a, m) {
	case ownTeam:
		return "", nil
	case otherTeam:
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

// open loads request id for the caller of c, checks access and logs
// action; a request the caller may not see is a plain 404.
func (cs *cases) open(c *fiber.Ctx, id, action string) (care.Request, error) {
	if !idPattern.MatchString(id) {
		return care.Request{}, newProblem(fiber.StatusNotFound, "not-found", "no support request with id "+id)
	}
	req, err := cs.st.Requests().Get(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return req, newProblem(fiber.StatusNotFound, "not-found", "no support request with id "+id)
	}
	if err != nil {
		return req, err
	}
	reason, err := cs.check(c, req.Meta)
	if err != nil {
		return care.Request{}, err
	}
	return req, cs.logged(c, action, reason, req.Meta)
}

// logged appends one access-log entry per request to the log, before
// the response leaves: no trace, no data.
func (cs *cases) logged(c *fiber.Ctx, action, reason string, reqs ...care.Meta) error {
	ctx := c.UserContext()
	a := actorOf(ctx)
	route := c.Method() + " " + c.Route().Path
	for _, m := range reqs {
		e := accesslog.Entry{Actor: a.ID, ActorRole: a.Role, ActorTeam: a.Team, OnBehalfOf: a.OnBehalfOf,
			Municipality: m.Municipality, RequestID: m.ID, Action: action, Route: route,
			Reason: reason, OutsideTeam: reason != ""}
		if _, err := cs.log.Append(ctx, e); err != nil {
			return fmt.Errorf("server: access log: %w", err)
		}
	}
	return nil
}

// teamConds limits a list of requests (or their referrals) to the
// actor's municipality and team.
func teamConds(a actor) []store.Cond {
	return []store.Cond{{Field: "municipality", Value: a.Municipality}, {Field: "team", Value: a.Team}}
}
