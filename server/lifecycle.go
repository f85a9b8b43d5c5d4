package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
)

// lifecycle serves closing requests and the municipalities' settings,
// and keeps a request's lifecycle in step with its referrals.
type lifecycle struct {
	checker  *care.Checker
	settings *casework.Settings
	cw       *casework.Service
	cases    *cases
}

// newLifecycle returns the lifecycle of d, over its casework service or,
// when d has none (tests that build one from bare Deps), a new one.
func newLifecycle(d Deps) *lifecycle {
	cw := d.casework
	if cw == nil {
		cw = casework.New(casework.Deps{Store: d.Store, Log: d.Log, Now: d.Now})
	}
	return &lifecycle{checker: d.Checker, settings: casework.NewSettings(d.Store, d.Now), cw: cw, cases: d.cases}
}

type codeParam struct {
	Code string `path:"code" description:"CBS municipality code" pattern:"^GM[0-9]{4}$"`
}

func mountLifecycle(rt *routeTable, d Deps) {
	l := newLifecycle(d)
	rt.add(route{method: http.MethodPost, path: "/api/v1/requests/:id/close", perm: permRequests, handler: l.close, tag: "support request",
		summary: "Close a request: resolved_locally or withdrawn, with an optional note. Its referrals that did not start expire (proposed, waitlisted) or end (accepted), freeing their places; started ones end too when the request is withdrawn, and go on when it was resolved locally. 409 names the current status when it cannot close (already closed).",
		params:  idParam{}, body: care.Close{}, resp: care.Request{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/municipalities/:code/settings", perm: permSettingsRead, handler: l.getSettings, tag: "municipality settings",
		summary: "A municipality's settings; version 0 means nothing is stored and the defaults apply (contact target 7 days)",
		params:  codeParam{}, resp: care.MunicipalitySettings{}, errors: []int{http.StatusBadRequest}})
	rt.add(route{method: http.MethodPut, path: "/api/v1/municipalities/:code/settings", perm: permSettingsWrite, handler: l.putSettings, tag: "municipality settings",
		summary: "Set a municipality's settings: contact_target_days 1 to 90, the target time to first contact used in every request's timeliness (If-Match supported)",
		params:  codeParam{}, body: care.SettingsFields{}, resp: care.MunicipalitySettings{},
		errors: []int{http.StatusBadRequest, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
}

func (l *lifecycle) close(c *fiber.Ctx) error {
	var x care.Close
	if err := bindJSON(c, &x, func() error { return l.checker.CheckTags(&x) }); err != nil {
		return err
	}
	cur, err := l.cases.open(c, c.Params("id"), accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	req, err := l.cw.Close(c.UserContext(), actorOf(c.UserContext()), cur.ID, x)
	if err != nil {
		return err
	}
	one := []care.Request{req}
	if err := l.settings.WithTimeliness(c.UserContext(), one); err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(req.Version))
	return c.JSON(one[0])
}

// referralMoved keeps a request in step with one of its referrals, as
// the system (see casework.Service.ReferralMoved).
func (l *lifecycle) referralMoved(ctx context.Context, requestID, to string, at time.Time) error {
	return l.cw.ReferralMoved(ctx, casework.Actor{}, requestID, to, at)
}

// municipalityParam reads the municipality code from the path; a bad one is a 400
// naming the field.
func municipalityParam(c *fiber.Ctx) (string, error) {
	code := c.Params("code")
	if !municipalityCode.MatchString(code) {
		return "", newProblem(fiber.StatusBadRequest, "invalid-path", "code "+code+" is not a CBS municipality code",
			FieldProblem{Field: "code", Reason: "must be a CBS municipality code: GM and four digits, e.g. GM0363"})
	}
	if mine := actorOf(c.UserContext()).Municipality; code != mine {
		return "", newProblem(fiber.StatusForbidden, "other-municipality", "you work for "+mine+", not "+code,
			FieldProblem{Field: "code", Reason: "is not your municipality"})
	}
	return code, nil
}

func (l *lifecycle) getSettings(c *fiber.Ctx) error {
	code, err := municipalityParam(c)
	if err != nil {
		return err
	}
	s, err := l.settings.Of(c.UserContext(), code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(s.Version))
	return c.JSON(s)
}

func (l *lifecycle) putSettings(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	code, err := municipalityParam(c)
	if err != nil {
		return err
	}
	var f care.SettingsFields
	if err := decodeStrict(c.Body(), &f); err != nil {
		return err
	}
	if err := l.checker.CheckTags(&f); err != nil {
		return err
	}
	next, err := l.settings.Put(c.UserContext(), code, f, func(version int64) error { return checkIfMatch(c, version) })
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(next.Version))
	return c.JSON(next)
}
