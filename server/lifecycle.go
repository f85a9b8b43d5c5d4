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

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// errNoChange tells updateRequest that a change has nothing to do, so
// nothing is written.
var errNoChange = errors.New("server: request unchanged")

// updateAttempts bounds the read-change-replace retries of updateRequest.
const updateAttempts = 8

// updateRequest applies change to the current version of request id and
// stores it with a version check, reading again and retrying when another
// write came in between (store.ErrConflict). When the status changed it
// checks the move with care.CanMoveRequest (409 naming the current status
// otherwise), appends a care.Step and records the move in the audit
// trail with the actor of ctx. A change returning errNoChange
// writes nothing; any other error is returned as is. It returns the
// request as stored.
func updateRequest(ctx context.Context, st *store.Store, now func() time.Time, id string, change func(*care.Request) error) (care.Request, error) {
	for attempt := 0; attempt < updateAttempts; attempt++ {
		cur, err := st.Requests().Get(ctx, id)
		if err != nil {
			return cur, err
		}
		next := cur
		next.Steps = slices.Clone(cur.Steps)
		if err := change(&next); errors.Is(err, errNoChange) {
			return cur, nil
		} else if err != nil {
			return cur, err
		}
		at := now().UTC().Truncate(time.Millisecond)
		next.Version = cur.Version + 1
		next.UpdatedAt = at
		var audit *care.Transition
		if next.Status != cur.Status {
			if !care.CanMoveRequest(cur.Status, next.Status) {
				return cur, illegalMove(cur, next.Status)
			}
			next.Steps = append(next.Steps, care.Step{State: next.Status, At: at})
			// The audit entry is named after the version it writes, so
			// it is also the lock that lets one status change of that
			// version through on the embedded store, where the version
			// check of Replace is not atomic.
			a := requestAudit(ctx, cur, next, at)
			if err := st.Transitions().Insert(ctx, a); errors.Is(err, store.ErrConflict) {
				continue // another writer moved this version: read again
			} else if err != nil {
				return cur, err
			}
			audit = &a
		}
		err = st.Requests().Replace(ctx, cur.Version, next)
		if err == nil {
			return next, nil
		}
		if audit != nil {
			if derr := st.Transitions().Delete(ctx, audit.ID); derr != nil {
				return cur, errors.Join(err, derr)
			}
		}
		if !errors.Is(err, store.ErrConflict) {
			return cur, err
		}
		select {
		case <-ctx.Done():
			return cur, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * time.Millisecond):
		}
	}
	return care.Request{}, fmt.Errorf("server: request %s changed too often: %w", id, store.ErrConflict)
}

// requestAudit is the audit entry of a request moving from cur to next.
func requestAudit(ctx context.Context, cur, next care.Request, at time.Time) care.Transition {
	a := actorOf(ctx)
	reason := ""
	switch {
	case next.Status == care.ReqClosed:
		reason = strings.TrimSpace("closed: " + next.Closure + " " + next.ClosureNote)
	case cur.Status == care.ReqClosed:
		reason = "step-down: specialist care ended, the request reopens for a new zero-line search"
	}
	return care.Transition{Meta: care.Meta{ID: fmt.Sprintf("%s@%d", cur.ID, next.Version), Version: 1, CreatedAt: at, UpdatedAt: at},
		Kind: care.AuditRequest, RequestID: cur.ID, From: cur.Status, To: next.Status,
		By: a.ID, ByRole: a.Role, OnBehalfOf: a.OnBehalfOf, Reason: reason}
}

// illegalMove is the 409 for a status change the lifecycle does not allow;
// it names the current status.
func illegalMove(r care.Request, to string) error {
	cur := r.Status
	if r.Closure != "" {
		cur += " (" + r.Closure + ")"
	}
	allowed := "it can move to " + strings.Join(care.RequestNextStates(r.Status), ", ")
	if r.Status == care.ReqClosed {
		allowed = "it reopens only when specialist care ends (step-down)"
	}
	return newProblem(fiber.StatusConflict, "illegal-transition",
		fmt.Sprintf("the request is %s; %s", cur, allowed),
		FieldProblem{Field: "status", Reason: fmt.Sprintf("cannot move from %s to %s", r.Status, to)})
}

// lifecycle serves closing requests and the municipalities' settings,
// and keeps a request's lifecycle in step with its referrals.
type lifecycle struct {
	st      *store.Store
	checker *care.Checker
	now     func() time.Time
	// refs ends a closed request's referrals; nil where only the
	// request's own lifecycle is needed.
	refs *referrals
}

func newLifecycle(d Deps) *lifecycle {
	return &lifecycle{st: d.Store, checker: d.Checker, now: d.Now}
}

type codeParam struct {
	Code string `path:"code" description:"CBS municipality code" pattern:"^GM[0-9]{4}$"`
}

func mountLifecycle(api *routes, doc *apiDoc, d Deps, refs *referrals) {
	l := newLifecycle(d)
	l.refs = refs
	api.post("/requests/:id/close", permRequests, l.close)
	api.get("/municipalities/:code/settings", permSettingsRead, l.settings)
	api.put("/municipalities/:code/settings", permSettingsWrite, l.putSettings)
	doc.add(op{method: http.MethodPost, path: "/api/v1/requests/{id}/close", tag: "support request",
		summary: "Close a request: resolved_locally or withdrawn, with an optional note. Its referrals that did not start expire (proposed, waitlisted) or end (accepted), freeing their places; started ones end too when the request is withdrawn, and go on when it was resolved locally. 409 names the current status when it cannot close (already closed).",
		params:  idParam{}, body: care.Close{}, resp: care.Request{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/municipalities/{code}/settings", tag: "municipality settings",
		summary: "A municipality's settings; version 0 means nothing is stored and the defaults apply (contact target 7 days)",
		params:  codeParam{}, resp: care.MunicipalitySettings{}, errors: []int{http.StatusBadRequest}})
	doc.add(op{method: http.MethodPut, path: "/api/v1/municipalities/{code}/settings", tag: "municipality settings",
		summary: "Set a municipality's settings: contact_target_days 1 to 90, the target time to first contact used in every request's timeliness (If-Match supported)",
		params:  codeParam{}, body: care.SettingsFields{}, resp: care.MunicipalitySettings{},
		errors: []int{http.StatusBadRequest, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
}

func (l *lifecycle) close(c *fiber.Ctx) error {
	var x care.Close
	if err := bindJSON(c, &x, func() error { return l.checker.CheckTags(&x) }); err != nil {
		return err
	}
	cur, err := l.refs.cases.open(c, c.Params("id"), accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	req, err := updateRequest(c.UserContext(), l.st, l.now, cur.ID, func(r *care.Request) error {
		if r.Status == care.ReqClosed {
			return illegalMove(*r, care.ReqClosed)
		}
		r.Status, r.Closure, r.ClosureNote = care.ReqClosed, x.Closure, x.Note
		return nil
	})
	if err != nil {
		return err
	}
	if err := l.refs.endOpen(c.UserContext(), req.ID, x.Closure); err != nil {
		// The request is closed; the maintenance sweep ends what is left.
		l.refs.log.Error("ending the referrals of a closed request", "request", req.ID, "err", err)
	}
	one := []care.Request{req}
	if err := l.withTimeliness(c.UserContext(), one); err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(req.Version))
	return c.JSON(one[0])
}

// referralMoved keeps a request in step with one of its referrals that
// entered state to at the given time (care.RefProposed on creation):
//   - proposed: the request becomes referred (from open or searched);
//   - accepted: first_contact_at is set, or moved earlier;
//   - started: matched_at is set (first_contact_at too if missing) and
//     the request becomes in_progress (from open, searched or referred).
//
// Other states change nothing. A closed request keeps its status. It is
// idempotent and safe to call concurrently.
func (l *lifecycle) referralMoved(ctx context.Context, requestID, to string, at time.Time) error {
	at = at.UTC().Truncate(time.Millisecond)
	earliest := func(t **time.Time) bool {
		if *t == nil || at.Before(**t) {
			*t = &at
			return true
		}
		return false
	}
	_, err := updateRequest(ctx, l.st, l.now, requestID, func(r *care.Request) error {
		changed := false
		switch to {
		case care.RefProposed:
			if r.Status == care.ReqOpen || r.Status == care.ReqSearched {
				r.Status, changed = care.ReqReferred, true
			}
		case care.RefAccepted:
			changed = earliest(&r.FirstContactAt)
		case care.RefStarted:
			changed = earliest(&r.MatchedAt)
			if r.FirstContactAt == nil {
				r.FirstContactAt, changed = &at, true
			}
			if r.Status == care.ReqOpen || r.Status == care.ReqSearched || r.Status == care.ReqReferred {
				r.Status, changed = care.ReqInProgress, true
			}
		}
		if !changed {
			return errNoChange
		}
		return nil
	})
	return err
}

// targetDays returns the contact target of a municipality: its stored
// setting, or the default when it has none (or no municipality).
func (l *lifecycle) targetDays(ctx context.Context, code string) (int, error) {
	if code == "" {
		return care.DefaultContactTargetDays, nil
	}
	s, err := l.st.MunicipalitySettings().Get(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return care.DefaultContactTargetDays, nil
	}
	if err != nil {
		return 0, err
	}
	return s.ContactTargetDays, nil
}

// withTimeliness sets the derived timeliness of each request, reading
// each municipality's settings once.
func (l *lifecycle) withTimeliness(ctx context.Context, reqs []care.Request) error {
	now := l.now().UTC()
	targets := map[string]int{}
	for i := range reqs {
		code := reqs[i].Area.MunicipalityCode
		days, ok := targets[code]
		if !ok {
			var err error
			if days, err = l.targetDays(ctx, code); err != nil {
				return err
			}
			targets[code] = days
		}
		t := care.TimelinessOf(reqs[i], days, now)
		reqs[i].Timeliness = &t
	}
	return nil
}

// timedRequests is the requests collection as the resource uses it:
// every request read carries its timeliness, and so does every request
// written whose Timeliness points at a slot to fill (the resource's
// build allocates one; the response shares the pointer).
type timedRequests struct {
	*store.Collection[care.Request]
	l *lifecycle
}

func (t timedRequests) Insert(ctx context.Context, r care.Request) error {
	if err := t.Collection.Insert(ctx, r); err != nil {
		return err
	}
	return t.fill(ctx, r)
}

func (t timedRequests) Replace(ctx context.Context, prev int64, r care.Request) error {
	if err := t.Collection.Replace(ctx, prev, r); err != nil {
		return err
	}
	return t.fill(ctx, r)
}

// fill derives r's timeliness into the slot r.Timeliness points at.
func (t timedRequests) fill(ctx context.Context, r care.Request) error {
	if r.Timeliness == nil {
		return nil
	}
	slot := r.Timeliness
	one := []care.Request{r}
	if err := t.l.withTimeliness(ctx, one); err != nil {
		return err
	}
	*slot = *one[0].Timeliness
	return nil
}

func (t timedRequests) Get(ctx context.Context, id string) (care.Request, error) {
	r, err := t.Collection.Get(ctx, id)
	if err != nil {
		return r, err
	}
	one := []care.Request{r}
	if err := t.l.withTimeliness(ctx, one); err != nil {
		return r, err
	}
	return one[0], nil
}

func (t timedRequests) List(ctx context.Context, q store.Query) ([]care.Request, bool, error) {
	rs, more, err := t.Collection.List(ctx, q)
	if err != nil {
		return rs, more, err
	}
	return rs, more, t.l.withTimeliness(ctx, rs)
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

func (l *lifecycle) settings(c *fiber.Ctx) error {
	code, err := municipalityParam(c)
	if err != nil {
		return err
	}
	s, err := l.st.MunicipalitySettings().Get(c.UserContext(), code)
	if errors.Is(err, store.ErrNotFound) {
		s = care.MunicipalitySettings{Meta: care.Meta{ID: code}, SettingsFields: care.SettingsFields{ContactTargetDays: care.DefaultContactTargetDays}}
	} else if err != nil {
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
	ctx := c.UserContext()
	now := l.now().UTC().Truncate(time.Millisecond)
	cur, err := l.st.MunicipalitySettings().Get(ctx, code)
	next := care.MunicipalitySettings{Meta: care.Meta{ID: code, Version: 1, CreatedAt: now, UpdatedAt: now}, SettingsFields: f}
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := checkIfMatch(c, 0); err != nil {
			return err
		}
		// Two first writes at once: the second is a duplicate key, 409.
		err = l.st.MunicipalitySettings().Insert(ctx, next)
	case err != nil:
		return err
	default:
		if err := checkIfMatch(c, cur.Version); err != nil {
			return err
		}
		next.Version, next.CreatedAt = cur.Version+1, cur.CreatedAt
		err = l.st.MunicipalitySettings().Replace(ctx, cur.Version, next)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(next.Version))
	return c.JSON(next)
}
