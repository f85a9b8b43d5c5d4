// Package server is dichtbij's HTTP side: the Fiber app with its routes,
// request decoding and validation, problem+json errors, the OpenAPI
// document, and the wiring of store and domain packages.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/frontend"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/store"
)

// Deps are what the app is built from.
type Deps struct {
	Store   *store.Store
	Checker *care.Checker
	Engine  *matching.Engine
	// Bounds are the allowed area for locations in queries.
	Bounds    geo.Bounds
	Log       *slog.Logger
	BodyLimit int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ProposalExpiry is how long a proposed referral waits for an
	// answer; 0 means DefaultProposalExpiry.
	ProposalExpiry time.Duration
}

// NewApp builds the Fiber app with every route and its maintenance jobs.
// It does not listen and does not run the jobs.
func NewApp(d Deps) (*App, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ProposalExpiry == 0 {
		d.ProposalExpiry = DefaultProposalExpiry
	}
	app := fiber.New(fiber.Config{
		AppName:               "dichtbij",
		BodyLimit:             d.BodyLimit,
		ErrorHandler:          errorHandler(d.Log),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(recover.New())
	app.Use(requestid.New())
	app.Use(accessLog(d.Log))

	doc := newAPIDoc()
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(health{Status: "ok"}) })
	app.Get("/readyz", readyz(d.Store))
	doc.add(op{method: http.MethodGet, path: "/healthz", tag: "health", summary: "The process is alive", resp: health{}})
	doc.add(op{method: http.MethodGet, path: "/readyz", tag: "health", summary: "The store answers", resp: health{}, errors: []int{http.StatusServiceUnavailable}})

	api := app.Group("/api/v1")
	api.Get("/taxonomy", func(c *fiber.Ctx) error { return c.JSON(care.Codes()) })
	doc.add(op{method: http.MethodGet, path: "/api/v1/taxonomy", tag: "taxonomy", summary: "Help types, ZRM life domains and other code lists with Dutch and English labels", resp: care.Taxonomy{}})

	engineSync := newOptionSync(d.Engine, d.Store, d.Log, d.Now)
	mountResources(api, doc, d, engineSync)
	mountMatching(api, doc, d)
	refs := newReferrals(d, engineSync)
	mountReferrals(api, doc, refs)
	mountSpecialists(api, doc, d, refs)
	mountLifecycle(api, doc, d, refs)
	mountHouseholds(api, doc, d)

	doc.add(op{method: http.MethodGet, path: "/api/openapi.json", tag: "meta", summary: "This OpenAPI document"})
	spec, err := doc.json()
	if err != nil {
		return nil, err
	}
	app.Get("/api/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(spec)
	})
	// Unknown API paths are problem+json 404s, never the portal's HTML.
	app.All("/api/*", func(c *fiber.Ctx) error {
		return newProblem(fiber.StatusNotFound, "not-found", "no such API route: "+c.Method()+" "+c.Path())
	})
	app.Use("/", filesystem.New(filesystem.Config{Root: http.FS(frontend.FS), NotFoundFile: "index.html"}))
	jobs := []job{
		{"expire referrals", func(ctx context.Context) error { return refs.expireStale(ctx, d.ProposalExpiry) }},
		{"sweep locks", func(ctx context.Context) error {
			_, err := d.Store.Locks().Sweep(ctx, d.Now().Add(-lockTTL))
			return err
		}},
	}
	return &App{App: app, jobs: jobs, log: d.Log}, nil
}

type health struct {
	Status  string `json:"status"`
	Backend string `json:"backend,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

func readyz(s *store.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := s.Ping(ctx); err != nil {
			return newProblem(fiber.StatusServiceUnavailable, "not-ready", "the store does not answer: "+err.Error())
		}
		return c.JSON(health{Status: "ready", Backend: string(s.Backend())})
	}
}

// accessLog logs one line per request at debug level, and failures at info.
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		var fe *fiber.Error
		if errors.As(err, &fe) {
			status = fe.Code
		}
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelInfo
		}
		log.Log(c.UserContext(), level, "request", "method", c.Method(), "path", c.Path(), "status", status,
			"duration", time.Since(start).String(), "request_id", c.GetRespHeader(fiber.HeaderXRequestID))
		return err
	}
}

// mount registers a resource's six routes.
func mount[F any, PF fieldsPtr[F], R store.Record](api fiber.Router, doc *apiDoc, tag string, r *resource[F, PF, R]) {
	base := "/" + r.path
	api.Post(base, r.create)
	api.Get(base, r.list)
	api.Get(base+"/:id", r.get)
	api.Put(base+"/:id", r.replace)
	api.Patch(base+"/:id", r.patch)
	api.Delete(base+"/:id", r.remove)
	describeResource[F, R](doc, r.path, tag, r.filters)
}
