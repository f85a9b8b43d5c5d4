package server

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
)

// review serves a coordinator's (privacy officer's) view of the access
// log of their municipality: the entries, a report of unusual access,
// and the check of the hash chain.
type review struct {
	log *accesslog.Log
	now func() time.Time
}

type accessLogParams struct {
	From   string `query:"from" description:"start (inclusive), RFC 3339 or YYYY-MM-DD (midnight in Europe/Amsterdam)"`
	To     string `query:"to" description:"end (exclusive), RFC 3339 or YYYY-MM-DD"`
	Actor  string `query:"actor" description:"only this account's accesses"`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"100" description:"page size"`
	Cursor string `query:"cursor" description:"next_cursor of the previous page"`
}

type unusualParams struct {
	From      string `query:"from" description:"start (inclusive); default 30 days ago"`
	To        string `query:"to" description:"end (exclusive); default now"`
	MaxPerDay int    `query:"max_per_day" minimum:"1" default:"30" description:"distinct requests one account may touch in a day before it is a finding"`
}

// UnusualReport is the findings over one period.
type UnusualReport accesslog.UnusualReport

func mountReview(rt *routeTable, rv *review) {
	tag := "access log"
	errs := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden}
	rt.add(route{method: http.MethodGet, path: "/api/v1/access-log", perm: permAccessReview, handler: rv.list, tag: tag,
		summary: "The access log of the coordinator's municipality, oldest first: who read or changed which request or person's data, when, how, on whose behalf and why",
		params:  accessLogParams{}, resp: Page[accesslog.Entry]{}, errors: errs})
	rt.add(route{method: http.MethodGet, path: "/api/v1/access-log/unusual", perm: permAccessReview, handler: rv.unusual, tag: tag,
		summary: "Unusual access in the coordinator's municipality: requests opened outside the team (break the glass), and accounts touching more than max_per_day requests a day",
		params:  unusualParams{}, resp: UnusualReport{}, errors: errs})
	rt.add(route{method: http.MethodGet, path: "/api/v1/access-log/verify", perm: permAccessReview, handler: rv.verify, tag: tag,
		summary: "Check the whole hash chain of the access log: changed, relinked or missing entries; keep head and head_hash elsewhere to notice later that the newest were removed",
		resp:    accesslog.Report{}, errors: []int{http.StatusUnauthorized, http.StatusForbidden}})
}

// amsterdam is the zone of dates given without a time.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		// main embeds tzdata, so only a test binary on a host without
		// zoneinfo gets here; winter time is then off by an hour in summer.
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// timeParam reads an optional time query parameter.
func timeParam(c *fiber.Ctx, name string) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, amsterdam); err == nil {
		return t, nil
	}
	return time.Time{}, invalidQuery(name, "must be a time such as 2026-11-22T09:00:00+01:00 or a date such as 2026-11-22")
}

// periodParams reads the from and to query parameters of a report: to
// defaults to now, from to span before to, and from must come first.
func periodParams(c *fiber.Ctx, now time.Time, span time.Duration) (from, to time.Time, err error) {
	if from, err = timeParam(c, "from"); err != nil {
		return
	}
	if to, err = timeParam(c, "to"); err != nil {
		return
	}
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.Add(-span)
	}
	if !from.Before(to) {
		err = invalidQuery("from", "must be before to")
	}
	return
}

func invalidQuery(name, reason string) error {
	return newProblem(fiber.StatusBadRequest, "invalid-query", name+" "+reason, FieldProblem{Field: name, Reason: reason})
}

func (rv *review) list(c *fiber.Ctx) error {
	from, err := timeParam(c, "from")
	if err != nil {
		return err
	}
	to, err := timeParam(c, "to")
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	after := c.Query("cursor")
	f := accesslog.Filter{Municipality: actorOf(c.UserContext()).Municipality, Actor: c.Query("actor"), From: from, To: to}
	entries, more, err := rv.log.List(c.UserContext(), f, after, limit)
	if err != nil {
		return err
	}
	page := Page[accesslog.Entry]{Items: append([]accesslog.Entry{}, entries...)}
	if more && len(entries) > 0 {
		page.NextCursor = entries[len(entries)-1].ID
	}
	return c.JSON(page)
}

func (rv *review) unusual(c *fiber.Ctx) error {
	from, to, err := periodParams(c, rv.now(), 30*24*time.Hour)
	if err != nil {
		return err
	}
	maxPerDay, err := intParam(c, "max_per_day", 30, 1, 100000)
	if err != nil {
		return err
	}
	rep, err := accesslog.Review(c.UserContext(), rv.log, actorOf(c.UserContext()).Municipality, from, to, maxPerDay)
	if err != nil {
		return err
	}
	return c.JSON(UnusualReport(rep))
}

func (rv *review) verify(c *fiber.Ctx) error {
	rep, err := rv.log.Verify(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(rep)
}
