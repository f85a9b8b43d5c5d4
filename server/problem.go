package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/calendars"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/monitor"
	"github.com/dichtbij/dichtbij/opendata"
	"github.com/dichtbij/dichtbij/options"
	"github.com/dichtbij/dichtbij/privacy"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/teams"
)

// problemContentType is RFC 9457's media type for error bodies.
const problemContentType = "application/problem+json"

// FieldProblem is one wrong field of a request: its dotted JSON path (as in
// "availability[2].start"), the same as a JSON Pointer, and the reason.
type FieldProblem struct {
	Field   string `json:"field"`
	Pointer string `json:"pointer"`
	Reason  string `json:"reason"`
}

// Problem is an RFC 9457 problem detail. Errors lists every wrong field
// when the request was invalid.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []FieldProblem `json:"errors,omitempty"`
}

// problemError is an error that already knows its problem document.
type problemError struct{ p Problem }

func (e *problemError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.p.Status, e.p.Title, e.p.Detail)
}

// newProblem builds an error answered with status and a problem whose type
// is urn:dichtbij:problem:<slug>.
func newProblem(status int, slug, detail string, fields ...FieldProblem) error {
	return &problemError{Problem{
		Type:   "urn:dichtbij:problem:" + slug,
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Errors: fields,
	}}
}

// fieldProblem names a field by its dotted path and derives the pointer.
func fieldProblem(path, reason string) FieldProblem {
	return FieldProblem{Field: path, Pointer: pointerOf(path), Reason: reason}
}

// pointerOf turns "a.b[2].c" into the JSON Pointer "/a/b/2/c".
func pointerOf(path string) string {
	if path == "" {
		return ""
	}
	var b strings.Builder
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name))
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			b.WriteString("/" + idx)
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return b.String()
}

// errorHandler maps every error a handler returns to problem+json: ours
// as built, validation errors as 422 naming each field, store sentinels to
// 404/409, Fiber's own errors to their status, and anything else to a 500
// that is logged but not explained to the client.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var (
			pe *problemError
			ve *care.ValidationError
			fe *fiber.Error
			le *lockedError
			p  Problem
		)
		switch {
		case errors.As(err, &pe):
			p = pe.p
		case isDomainError(err):
			p = domainProblem(err)
		case errors.As(err, &ve):
			fields := make([]FieldProblem, len(ve.Problems))
			for i, vp := range ve.Problems {
				fields[i] = fieldProblem(vp.Field, vp.Reason)
			}
			p = newProblemDoc(fiber.StatusUnprocessableEntity, "validation", fmt.Sprintf("%d field(s) are invalid", len(fields)), fields)
		case errors.As(err, &le):
			c.Set(fiber.HeaderRetryAfter, retryAfter(le.until, time.Now()))
			p = newProblemDoc(fiber.StatusTooManyRequests, "account-locked",
				"too many failed sign-ins: the account is locked until "+le.until.UTC().Format(time.RFC3339),
				[]FieldProblem{{Field: "password", Reason: "too many failed attempts"}})
		case errors.Is(err, store.ErrNotFound):
			p = newProblemDoc(fiber.StatusNotFound, "not-found", "no such record", nil)
		case errors.Is(err, store.ErrConflict):
			p = newProblemDoc(fiber.StatusConflict, "conflict", "the record was changed by someone else; read it again and retry", nil)
		case store.Unavailable(err):
			// Overload or a lost store: the client may try again soon,
			// and the log says which.
			log.Warn("store unavailable", "method", c.Method(), "path", c.Path(), "err", err)
			c.Set(fiber.HeaderRetryAfter, "5")
			p = newProblemDoc(fiber.StatusServiceUnavailable, "unavailable", "the store did not answer in time; try again in a few seconds", nil)
		case errors.As(err, &fe):
			p = newProblemDoc(fe.Code, slugFor(fe.Code), fe.Message, nil)
			if fe.Code == fiber.StatusRequestEntityTooLarge {
				p.Errors = []FieldProblem{{Field: "body", Reason: "request body is larger than the limit of " + strconv.Itoa(c.App().Config().BodyLimit) + " bytes"}}
			}
		default:
			log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
			p = newProblemDoc(fiber.StatusInternalServerError, "internal", "the server failed; the error was logged", nil)
		}
		p.Instance = c.OriginalURL()
		c.Set(fiber.HeaderContentType, problemContentType)
		return c.Status(p.Status).JSON(p, problemContentType)
	}
}

// isDomainError reports whether err is one of the domain's typed errors.
func isDomainError(err error) bool {
	return errors.Is(err, casework.ErrConcurrentChange) || errors.Is(err, casework.ErrWorkerOnly) ||
		errors.As(err, new(*casework.NotFoundError)) || errors.As(err, new(*casework.FieldError)) ||
		errors.As(err, new(*casework.MoveError)) || errors.As(err, new(*casework.FullError)) ||
		errors.As(err, new(*casework.LineError)) || errors.As(err, new(*casework.ConsentError)) ||
		errors.As(err, new(*casework.GateError)) || errors.As(err, new(*casework.StateError)) ||
		errors.As(err, new(*casework.DoneError)) || errors.As(err, new(*monitor.ParamError)) ||
		errors.As(err, new(*opendata.NotFoundError)) || errors.As(err, new(*opendata.BodyError)) ||
		errors.As(err, new(*calendars.NotFoundError)) || errors.As(err, new(*options.OwningError)) ||
		errors.Is(err, teams.ErrConcurrentChange) || errors.As(err, new(*teams.NotFoundError)) || errors.As(err, new(*teams.InUseError)) ||
		errors.As(err, new(*privacy.NotErasableError)) || errors.As(err, new(*accesslog.QueryError))
}

// domainProblem is the problem document of a domain error: the one
// place where the domain's refusals get their status, slug and fields.
func domainProblem(err error) Problem {
	var (
		nf    *casework.NotFoundError
		fe    *casework.FieldError
		me    *casework.MoveError
		full  *casework.FullError
		line  *casework.LineError
		cons  *casework.ConsentError
		gate  *casework.GateError
		state *casework.StateError
		done  *casework.DoneError
		odnf  *opendata.NotFoundError
		body  *opendata.BodyError
		feed  *calendars.NotFoundError
		owns  *options.OwningError
		param *monitor.ParamError
		query *accesslog.QueryError
		inUse *teams.InUseError
	)
	doc := func(status int, slug string, fields ...FieldProblem) Problem {
		return newProblemDoc(status, slug, errorDetail(err), fields)
	}
	switch {
	case errors.Is(err, casework.ErrConcurrentChange), errors.Is(err, teams.ErrConcurrentChange):
		return newProblemDoc(fiber.StatusConflict, slugConcurrentChange, "the record was changed at the same moment; read it again", nil)
	case errors.Is(err, casework.ErrWorkerOnly):
		return doc(fiber.StatusForbidden, "worker-only", FieldProblem{Field: "to", Reason: "is not the owner's to choose"})
	case errors.As(err, &nf):
		return newProblemDoc(fiber.StatusNotFound, "not-found", nf.Error(), nil)
	case errors.As(err, &fe):
		return newProblemDoc(fiber.StatusUnprocessableEntity, "validation", "1 field(s) are invalid", []FieldProblem{fieldProblem(fe.Field, fe.Reason)})
	case errors.As(err, &me):
		field := "to"
		if me.Kind == "request" {
			field = "status"
		}
		return newProblemDoc(fiber.StatusConflict, "illegal-transition", me.Error(),
			[]FieldProblem{{Field: field, Reason: fmt.Sprintf("cannot move from %s to %s", me.From, me.To)}})
	case errors.As(err, &full):
		return newProblemDoc(fiber.StatusConflict, "option-full", full.Error(), []FieldProblem{{Field: "to", Reason: "the option is full"}})
	case errors.As(err, &line):
		return newProblemDoc(fiber.StatusConflict, "waiting-line", line.Error(),
			[]FieldProblem{{Field: "to", Reason: fmt.Sprintf("%d referral(s) wait ahead of this one", line.Ahead)}})
	case errors.As(err, &cons):
		return newProblemDoc(fiber.StatusConflict, "consent-missing", cons.Error(), []FieldProblem{{Field: "consents", Reason: "lacks " + cons.Consent}})
	case errors.As(err, &gate):
		fields := make([]FieldProblem, len(gate.Missing))
		for i, m := range gate.Missing {
			fields[i] = fieldProblem(m.Field, m.Reason)
		}
		return newProblemDoc(fiber.StatusConflict, "zero-line-first", gate.Error(), fields)
	case errors.As(err, &state):
		return newProblemDoc(fiber.StatusConflict, "illegal-state", state.Error(), []FieldProblem{{Field: "state", Reason: "is " + state.State}})
	case errors.As(err, &done):
		slug := "already-done"
		if done.Ended {
			slug = "already-ended"
		}
		return newProblemDoc(fiber.StatusConflict, slug, done.Error(), nil)
	case errors.As(err, &odnf):
		return newProblemDoc(fiber.StatusNotFound, "not-found", odnf.Error(), nil)
	case errors.As(err, &feed):
		return newProblemDoc(fiber.StatusNotFound, "not-found", feed.Error(), nil)
	case errors.As(err, &owns):
		return newProblemDoc(fiber.StatusConflict, "has-activities", owns.Error(), nil)
	case errors.As(err, &body):
		return newProblemDoc(fiber.StatusBadRequest, "malformed-body", body.Error(), []FieldProblem{fieldProblem(body.Field, body.Reason)})
	case errors.As(err, new(*teams.NotFoundError)):
		return doc(fiber.StatusNotFound, "not-found")
	case errors.As(err, &inUse):
		return doc(fiber.StatusConflict, "team-in-use")
	case errors.As(err, new(*privacy.NotErasableError)):
		return doc(fiber.StatusConflict, "not-erasable")
	case errors.As(err, &query):
		return newProblemDoc(fiber.StatusBadRequest, "invalid-query", query.Param+" "+query.Reason, []FieldProblem{{Field: query.Param, Reason: query.Reason}})
	case errors.As(err, &param):
		return newProblemDoc(fiber.StatusBadRequest, "invalid-query", param.Error(), []FieldProblem{{Field: param.Param, Reason: param.Reason}})
	}
	return newProblemDoc(fiber.StatusInternalServerError, "internal", "the server failed; the error was logged", nil)
}

// errorDetail is err's own message, without the wrapping around it.
func errorDetail(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

func newProblemDoc(status int, slug, detail string, fields []FieldProblem) Problem {
	return newProblem(status, slug, detail, fields...).(*problemError).p
}

func slugFor(status int) string {
	return strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "-"))
}
