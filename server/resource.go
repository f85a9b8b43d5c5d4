package server

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/options"
	"github.com/dichtbij/dichtbij/store"
)

// fieldsPtr ties a fields type F to its pointer, which implements
// care.Fields.
type fieldsPtr[F any] = options.FieldsPtr[F]

// resource serves create, read, replace, patch, delete and list for one
// record type. F is the client-editable part, R the stored record; kind
// holds their rules.
type resource[F any, PF fieldsPtr[F], R store.Record] struct {
	kind *options.Kind[F, PF, R]
	path string // plural, e.g. "volunteers"
	// filters are the list endpoint's query parameters.
	filters []filter
	// cases, when set, guards the records as support requests: team
	// access, break the glass, and an access-log entry per record read
	// or written.
	cases *cases
	// about, when set, logs other accounts' access to the records, which
	// are their owners' personal data (volunteer offers).
	about *cases
}

// filter is an equality filter exposed as a query parameter: the store's
// condition for its value. Its value is checked before it reaches the
// store, and only ever as a plain value.
type filter struct {
	param, doc string
	kind       filterKind
	// where is the condition for a code or id, whereBool for a boolean.
	where     func(string) store.Cond
	whereBool func(bool) store.Cond
	// allowed, when set, lists the values a code filter takes.
	allowed []string
}

type filterKind int

const (
	filterCode filterKind = iota // a code checked by valid
	filterBool
	filterID
)

var idPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// Page is one page of a list.
type Page[R any] struct {
	Items []R `json:"items"`
	// NextCursor fetches the next page when passed as ?cursor=; empty on
	// the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

func (r *resource[F, PF, R]) create(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	var f F
	if err := decodeStrict(c.Body(), &f); err != nil {
		return err
	}
	rec, err := r.kind.Create(c.UserContext(), actorOf(c.UserContext()), f, func(rec R) error {
		return r.trace(c, accesslog.ActionCreate, "", rec.Header())
	})
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			// Only a policy that fixes the id (one offer per resident)
			// can collide: new ids are fresh ObjectIDs.
			c.Location(fmt.Sprintf("/api/v1/%s/%s", r.path, rec.Header().ID))
			return newProblem(fiber.StatusConflict, "already-exists",
				"you have a "+strings.TrimSuffix(r.path, "s")+" record already: change it with PUT or PATCH at "+c.GetRespHeader(fiber.HeaderLocation))
		}
		return err
	}
	c.Location(fmt.Sprintf("/api/v1/%s/%s", r.path, rec.Header().ID))
	return r.respond(c.Status(fiber.StatusCreated), rec)
}

func (r *resource[F, PF, R]) respond(c *fiber.Ctx, rec R) error {
	c.Set(fiber.HeaderETag, etag(rec.Header().Version))
	return c.JSON(rec)
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// load reads the record named in the path for reading (write false) or
// writing, checking the id's form first so that anything else is a plain
// 404, and so is a record the caller may not reach.
func (r *resource[F, PF, R]) load(c *fiber.Ctx, write bool) (R, error) {
	var zero R
	id := c.Params("id")
	if !idPattern.MatchString(id) {
		return zero, newProblem(fiber.StatusNotFound, "not-found", "no "+r.path+" record with id "+strconv.Quote(id))
	}
	rec, err := r.kind.Records.Get(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return zero, notVisible(r.path, id)
	}
	if err != nil {
		return zero, err
	}
	if r.cases != nil {
		reason, err := r.cases.check(c, rec.Header())
		if err != nil {
			return zero, err
		}
		action := accesslog.ActionRead
		if write {
			action = accesslog.ActionUpdate
		}
		return rec, r.trace(c, action, reason, rec.Header())
	}
	a := actorOf(c.UserContext())
	if !r.kind.Policy.See(a, rec.Header()) {
		return zero, notVisible(r.path, id)
	}
	if write && !r.kind.Policy.Edit(a, rec.Header()) {
		return zero, newProblem(fiber.StatusForbidden, "not-yours", "you may read this "+r.path+" record but not change it: it is its owner's")
	}
	if r.about != nil {
		action := accesslog.ActionRead
		if write {
			action = accesslog.ActionUpdate
		}
		if err := r.about.loggedAbout(c, action, rec.Header()); err != nil {
			return zero, err
		}
	}
	return rec, nil
}

// trace logs access to support requests; other records need none.
func (r *resource[F, PF, R]) trace(c *fiber.Ctx, action, reason string, ms ...care.Meta) error {
	if r.cases == nil {
		return nil
	}
	return r.cases.logged(c, action, reason, ms...)
}

// checkIfMatch honours an If-Match header: a write based on an older
// version is refused with 412 instead of silently overwriting.
func checkIfMatch(c *fiber.Ctx, version int64) error {
	im := c.Get(fiber.HeaderIfMatch)
	if im == "" || im == "*" || im == etag(version) || im == "W/"+etag(version) {
		return nil
	}
	return newProblem(fiber.StatusPreconditionFailed, "precondition-failed",
		"If-Match "+im+" does not match the current version "+etag(version),
		FieldProblem{Field: "If-Match", Reason: "must be the current ETag " + etag(version)})
}

func (r *resource[F, PF, R]) get(c *fiber.Ctx) error {
	rec, err := r.load(c, false)
	if err != nil {
		return err
	}
	return r.respond(c, rec)
}

func (r *resource[F, PF, R]) replace(c *fiber.Ctx) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	cur, err := r.load(c, true)
	if err != nil {
		return err
	}
	if err := checkIfMatch(c, cur.Header().Version); err != nil {
		return err
	}
	var f F
	if err := decodeStrict(c.Body(), &f); err != nil {
		return err
	}
	return r.store(c, cur, f)
}

// patch applies an RFC 7396 JSON merge patch to the editable fields and
// validates the result as a whole, exactly as a full replacement.
func (r *resource[F, PF, R]) patch(c *fiber.Ctx) error {
	if err := requireJSON(c, "application/merge-patch+json", fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	cur, err := r.load(c, true)
	if err != nil {
		return err
	}
	if err := checkIfMatch(c, cur.Header().Version); err != nil {
		return err
	}
	var probe map[string]json.RawMessage
	if err := decodeStrict(c.Body(), &probe); err != nil {
		return err
	}
	orig, err := json.Marshal(r.kind.Editable(cur))
	if err != nil {
		return fmt.Errorf("server: patch %s: encode current: %w", r.path, err)
	}
	merged, err := jsonpatch.MergePatch(orig, c.Body())
	if err != nil {
		return badBody("body", "is not a valid JSON merge patch: "+err.Error())
	}
	var f F
	if err := decodeStrict(merged, &f); err != nil {
		return err
	}
	return r.store(c, cur, f)
}

func (r *resource[F, PF, R]) store(c *fiber.Ctx, cur R, f F) error {
	rec, err := r.kind.Replace(c.UserContext(), cur, f)
	if err != nil {
		return err
	}
	return r.respond(c, rec)
}

func (r *resource[F, PF, R]) remove(c *fiber.Ctx) error {
	cur, err := r.load(c, true)
	if err != nil {
		return err
	}
	if err := checkIfMatch(c, cur.Header().Version); err != nil {
		return err
	}
	if err := r.kind.Delete(c.UserContext(), cur.Header().ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (r *resource[F, PF, R]) list(c *fiber.Ctx) error {
	q, err := r.query(c)
	if err != nil {
		return err
	}
	items, more, err := r.kind.List(c.UserContext(), actorOf(c.UserContext()), q)
	if err != nil {
		return err
	}
	metas := make([]care.Meta, len(items))
	for i, it := range items {
		metas[i] = it.Header()
	}
	if err := r.trace(c, accesslog.ActionList, "", metas...); err != nil {
		return err
	}
	if r.about != nil {
		if err := r.about.loggedAbout(c, accesslog.ActionList, metas...); err != nil {
			return err
		}
	}
	page := Page[R]{Items: items}
	if more && len(items) > 0 {
		page.NextCursor = encodeCursor(items[len(items)-1].Header().ID)
	}
	return c.JSON(page)
}

// query turns the list endpoint's query string into a store query,
// rejecting unknown parameters and bad values with the parameter's name.
func (r *resource[F, PF, R]) query(c *fiber.Ctx) (store.Query, error) {
	q := store.Query{Limit: defaultPageSize}
	known := map[string]filter{}
	for _, f := range r.filters {
		known[f.param] = f
	}
	var probs []FieldProblem
	for key, val := range c.Queries() {
		switch key {
		case "limit":
			n, prob := pageLimit(key, val)
			if prob != nil {
				probs = append(probs, *prob)
				continue
			}
			q.Limit = n
		case "cursor":
			id, ok := decodeCursor(val)
			if !ok {
				probs = append(probs, FieldProblem{Field: "cursor", Reason: "is not a cursor returned by this list"})
				continue
			}
			q.After = id
		case "owner":
			// Only one's own records: what an organiser keeps. Anyone
			// else's owner id is not a thing to list by.
			if val != "me" {
				probs = append(probs, FieldProblem{Field: "owner", Reason: `must be "me": only one's own records can be listed by owner`})
				continue
			}
			q.Where = append(q.Where, store.OwnedBy(actorOf(c.UserContext()).ID))
		default:
			f, ok := known[key]
			if !ok {
				probs = append(probs, FieldProblem{Field: key, Reason: "is not a filter of this list"})
				continue
			}
			cond, reason := f.cond(val)
			if reason != "" {
				probs = append(probs, FieldProblem{Field: key, Reason: reason})
				continue
			}
			q.Where = append(q.Where, cond)
		}
	}
	if len(probs) > 0 {
		return q, newProblem(fiber.StatusBadRequest, "invalid-query", "the query string is invalid", probs...)
	}
	return q, nil
}

func (f filter) cond(val string) (store.Cond, string) {
	switch f.kind {
	case filterBool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return store.Cond{}, "must be true or false"
		}
		return f.whereBool(b), ""
	case filterID:
		if !idPattern.MatchString(val) {
			return store.Cond{}, "must be a record id (24 hexadecimal characters)"
		}
	default:
		if f.allowed != nil {
			if !slices.Contains(f.allowed, val) {
				return store.Cond{}, "must be one of: " + strings.Join(f.allowed, ", ")
			}
		} else if !validCode(f.param, val) {
			return store.Cond{}, "is not a known code; see /api/v1/taxonomy"
		}
	}
	return f.where(val), ""
}

// validCode checks a filter value against its code list.
func validCode(param, val string) bool {
	switch param {
	case "help_type", "need":
		return care.IsHelpType(val)
	case "target_group":
		return care.IsTargetGroup(val)
	case "urgency":
		return care.IsUrgency(val)
	case "municipality":
		return municipalityCode.MatchString(val)
	}
	return false
}

var municipalityCode = regexp.MustCompile(`^GM[0-9]{4}$`)

// Cursors are opaque to clients: base64url of the last id of a page.
// pageLimit reads a list's page size, 1 to maxPageSize, from parameter
// key, or names what is wrong with it.
func pageLimit(key, val string) (int, *FieldProblem) {
	n, err := strconv.Atoi(val)
	if err != nil || n < 1 || n > maxPageSize {
		return 0, &FieldProblem{Field: key, Reason: fmt.Sprintf("must be a whole number from 1 to %d", maxPageSize)}
	}
	return n, nil
}

func encodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

func decodeCursor(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !idPattern.Match(b) {
		return "", false
	}
	return string(b), true
}
