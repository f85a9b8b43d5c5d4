// Package server is dichtbij's HTTP side: the Fiber app with its routes,
// request decoding and validation, problem+json errors, the OpenAPI
// document, and the wiring of store and domain packages.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/frontend"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/monitor"
	"github.com/dichtbij/dichtbij/opendata"
	"github.com/dichtbij/dichtbij/privacy"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/teams"
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
	// PasswordParams are the argon2id costs; zero means auth.DefaultParams.
	PasswordParams auth.Params
	// SessionTTL is how long a session lives after sign-in; 0 means 12
	// hours, a working day. Requests do not extend it: that would be a
	// store write on each of them.
	SessionTTL time.Duration
	// CookieSecure marks the session and CSRF cookies Secure (HTTPS only;
	// browsers treat http://localhost as secure too).
	CookieSecure bool
	// BaseURL is the portal's public address, for links in mail.
	BaseURL string
	// LoginLimit is how many sign-in and reset attempts one client
	// address may make per minute; 0 means 10.
	LoginLimit int
	// CORSOrigins lists the other origins allowed to call the API with
	// credentials, comma-separated; empty keeps CORS closed.
	CORSOrigins string
	// Mail sends the outbox; nil leaves the messages for an admin to read.
	Mail auth.Sender
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the
	// client (for the per-address limits); empty trusts none.
	TrustedProxies []string
	// TileURL and TileAttribution give the portal's map a basemap; the
	// CSP then allows the tiles' origin.
	TileURL, TileAttribution string
	// Retention is how long a closed request keeps its personal data;
	// 0 means DefaultRetention.
	Retention time.Duration
	// Postcodes turn a postcode into a point; nil loads the embedded ones.
	Postcodes *geo.Postcodes
	// Indicators are the facts monitoring computes from, kept current by
	// the app; nil makes NewApp load them from the store.
	Indicators *monitor.Index
	// IndicatorsLoadedElsewhere says the caller loads Indicators itself
	// (in the background, so the server answers at once); until then the
	// indicator routes answer 503. Otherwise NewApp loads an index that
	// was not loaded yet before it returns.
	IndicatorsLoadedElsewhere bool
	// Bus is the casework event bus and Follow the sync of the engine
	// and the indicators, subscribed to it, when the caller made and
	// loaded them (start-up does, before the server answers); nil makes
	// NewApp build them over Engine and Indicators as they are.
	Bus    *casework.Bus
	Follow *follow.Sync
	// APIDoc is the OpenAPI document of an app built before in this
	// process (App.APIDoc); nil renders it.
	APIDoc *APIDoc

	// cases guards support requests; NewApp sets it.
	cases *cases
	// casework applies the workflow's rules; NewApp sets it.
	casework *casework.Service
	// accounts are the accounts, for references to them; NewApp sets it.
	accounts *auth.Accounts
}

// contentSecurityPolicy allows only the app's own scripts and styles: no
// inline code, no other origin (the portal is one built bundle). Images
// may also come from tileOrigin, the basemap's tile server, when set.
func contentSecurityPolicy(tileOrigin string) string {
	img := "img-src 'self' data: blob:"
	if tileOrigin != "" {
		img += " " + tileOrigin
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; " + img + "; " +
		"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

// tileOrigin is the scheme and host of a tile URL template, for the CSP:
// "https://{s}.tile.example.org/…" allows "https://*.tile.example.org".
func tileOrigin(tmpl string) string {
	if tmpl == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(tmpl, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host = strings.ReplaceAll(host, "{s}", "*")
	if strings.ContainsAny(host, "{}; '") {
		return ""
	}
	return scheme + "://" + host
}

// NewApp builds the Fiber app with every route and its maintenance jobs.
// It does not listen and does not run the jobs.
func NewApp(d Deps) (*App, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ProposalExpiry == 0 {
		d.ProposalExpiry = casework.DefaultProposalExpiry
	}
	if d.PasswordParams == (auth.Params{}) {
		d.PasswordParams = auth.DefaultParams()
	}
	if d.SessionTTL == 0 {
		d.SessionTTL = 12 * time.Hour
	}
	if d.LoginLimit == 0 {
		d.LoginLimit = 10
	}
	if d.Retention == 0 {
		d.Retention = DefaultRetention
	}
	if d.Postcodes == nil {
		pcs, err := geo.LoadPostcodes()
		if err != nil {
			return nil, err
		}
		d.Postcodes = pcs
	}
	app := fiber.New(fiber.Config{
		AppName:               "dichtbij",
		BodyLimit:             d.BodyLimit,
		ErrorHandler:          errorHandler(d.Log),
		DisableStartupMessage: true,
		// Values from the request (path parameters, queries, headers) are
		// copies, safe to keep: by default they point into a buffer
		// fasthttp reuses, and one kept as a cache's map key changed
		// under the map (opendata.Directory grew by a catalog per write).
		Immutable:    true,
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  120 * time.Second,
		// Behind a trusted reverse proxy the client is the one its
		// X-Forwarded-For names; from anyone else the header is ignored.
		EnableTrustedProxyCheck: len(d.TrustedProxies) > 0,
		TrustedProxies:          d.TrustedProxies,
		ProxyHeader:             proxyHeader(d.TrustedProxies),
	})
	app.Use(recover.New())
	app.Use(requestid.New())
	app.Use(accessLog(d.Log))
	// Tiles from another origin send no Cross-Origin-Resource-Policy, so
	// with a basemap the embedder policy lets them in without credentials.
	coep := "require-corp"
	if d.TileURL != "" {
		coep = "credentialless"
	}
	app.Use(helmet.New(helmet.Config{ContentSecurityPolicy: contentSecurityPolicy(tileOrigin(d.TileURL)), ReferrerPolicy: "same-origin",
		CrossOriginEmbedderPolicy: coep, HSTSMaxAge: 31536000}))
	if d.CORSOrigins != "" {
		app.Use(cors.New(cors.Config{AllowOrigins: d.CORSOrigins, AllowCredentials: true,
			AllowHeaders: "Content-Type, Authorization, If-Match, " + CSRFHeader, ExposeHeaders: "ETag, Location"}))
	}

	accounts := auth.NewAccounts(d.Store, d.PasswordParams, d.Now)
	tokens := auth.NewTokens(accounts, func(s string) bool { return slices.Contains(scopes(), s) })
	sessionStorage := auth.NewSessionStorage(d.Store, d.Now)
	sessions := session.New(session.Config{Storage: sessionStorage, Expiration: d.SessionTTL, KeyLookup: "cookie:" + sessionCookie,
		CookieSecure: d.CookieSecure, CookieHTTPOnly: true, CookieSameSite: "Strict"})
	alog := accesslog.New(d.Store, d.Now)
	d.cases = &cases{st: d.Store, log: alog}
	d.accounts = accounts
	// Every process sharing the store signs CSRF tokens with the same key.
	keyCtx, cancelKey := context.WithTimeout(context.Background(), 30*time.Second)
	csrfKey, err := d.Store.Keys().GetOrCreate(keyCtx, "csrf", randomKey())
	cancelKey()
	if err != nil {
		return nil, err
	}
	csrf := csrfGuard{key: csrfKey, secure: d.CookieSecure}
	an := &authn{accounts: accounts, tokens: tokens, sessions: sessions, csrf: csrf, baseURL: d.BaseURL, log: d.Log}

	rt := &routeTable{}
	rt.add(route{method: http.MethodGet, path: "/healthz", perm: permPublic, handler: func(c *fiber.Ctx) error { return c.JSON(health{Status: "ok"}) },
		tag: "health", summary: "The process is alive", resp: health{}})
	rt.add(route{method: http.MethodGet, path: "/readyz", perm: permPublic, handler: readyz(d.Store),
		tag: "health", summary: "The store answers", resp: health{}, errors: []int{http.StatusServiceUnavailable}})

	api := app.Group(apiPrefix, an.authenticate, csrf.check)
	rt.add(route{method: http.MethodGet, path: "/api/v1/taxonomy", perm: permPublic, handler: func(c *fiber.Ctx) error { return c.JSON(care.Codes()) },
		tag: "taxonomy", summary: "Help types, ZRM life domains and other code lists with Dutch and English labels", resp: care.Taxonomy{}})
	portal := PortalConfig{TileURL: d.TileURL, TileAttribution: d.TileAttribution}
	rt.add(route{method: http.MethodGet, path: "/api/v1/config", perm: permPublic, handler: func(c *fiber.Ctx) error { return c.JSON(portal) },
		tag: "meta", summary: "What the portal needs to know of this deployment: the basemap tiles, if any", resp: PortalConfig{}})

	if d.Indicators == nil {
		d.Indicators = monitor.NewIndex()
	}
	bus := d.Bus
	if bus == nil {
		bus = casework.NewBus(d.Store, d.Log, d.Now)
	}
	engineSync := d.Follow
	if engineSync == nil {
		// The engine and the indicators given are taken as the store's
		// state now: they follow the events from here.
		engineSync = follow.New(d.Engine, d.Store, d.Log, d.Now).WithIndicators(d.Indicators).Subscribe(bus)
		if err := engineSync.FromHead(context.Background()); err != nil {
			return nil, err
		}
		if err := d.Store.LoadMirrors(context.Background()); err != nil {
			return nil, err
		}
	}
	if !d.Indicators.Loaded() && !d.IndicatorsLoadedElsewhere {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err := engineSync.Indicators().Load(ctx)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	d.casework = casework.New(casework.Deps{Store: d.Store, Bus: bus, Log: d.Log, Now: d.Now, ProposalExpiry: d.ProposalExpiry})
	refs := newReferrals(d)
	mountResources(rt, d, engineSync)
	mountMatching(rt, d)
	mountReferrals(rt, refs)
	mountOwners(rt, refs)
	mountSpecialists(rt, d)
	mountLifecycle(rt, d)
	mountHouseholds(rt, d)
	mountAuth(rt, an, d.LoginLimit)
	socialTeams := teams.New(d.Store, d.Checker.Areas(), accounts, d.Now)
	mountTeams(rt, &teamsAPI{s: socialTeams, checker: d.Checker})
	mountAccounts(rt, &accountAdmin{accounts: accounts, tokens: tokens, teams: socialTeams})
	mountAreas(rt, &boundaries{areas: d.Checker.Areas(), postcodes: d.Postcodes})
	mountCalendars(rt, d)
	priv := &privacyAPI{s: privacy.New(d.Store, accounts, tokens, alog, d.casework, engineSync), refs: refs, now: d.Now}
	mountPrivacy(rt, priv)
	mountReview(rt, &review{log: alog, now: d.Now})
	ind := newIndicators(d)
	mountAggregates(rt, &aggregator{idx: d.Indicators, areas: ind.areas, now: d.Now})
	mountIndicators(rt, ind)

	dir := opendata.NewDirectory(d.Store, d.Checker.Areas(), d.BaseURL)
	mountHSDS(rt, &hsdsAPI{dir: dir, postcodes: d.Postcodes, baseURL: d.BaseURL})
	mountPublicMap(rt, &publicMap{dir: dir})
	mountImports(rt, opendata.NewImporter(d.Store, d.Checker, engineSync, d.Now))
	var doc *APIDoc
	rt.add(route{method: http.MethodGet, path: "/api/openapi.json", perm: permPublic, handler: func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(doc.spec)
	}, tag: "meta", summary: "This OpenAPI document"})
	doc, err = apiDocFor(d.APIDoc, rt)
	if err != nil {
		return nil, err
	}
	if err := rt.serve(app, api, guard(rolePerms())); err != nil {
		return nil, err
	}
	// Unknown API paths are problem+json 404s, never the portal's HTML.
	app.All("/api/*", func(c *fiber.Ctx) error {
		return newProblem(fiber.StatusNotFound, "not-found", "no such API route: "+c.Method()+" "+c.Path())
	})
	app.Use("/", filesystem.New(filesystem.Config{Root: http.FS(frontend.FS), NotFoundFile: "index.html"}))
	jobs := append([]job{
		{Name: "sweep sessions", Run: func(ctx context.Context) error {
			_, err := sessionStorage.Sweep(ctx)
			return err
		}},
	}, d.casework.Maintenance(d.Retention)...)
	if d.Mail != nil {
		jobs = append(jobs, job{Name: "send mail", Run: func(ctx context.Context) error {
			_, err := accounts.Outbox().Deliver(ctx, d.Mail)
			return err
		}})
	}
	return &App{App: app, jobs: jobs, log: d.Log, routes: rt.routes, doc: doc}, nil
}

// PortalConfig is the deployment's settings the portal reads.
type PortalConfig struct {
	// TileURL is a tile URL template ({z}/{x}/{y}); empty means no
	// basemap, only the municipal boundaries.
	TileURL         string `json:"tile_url"`
	TileAttribution string `json:"tile_attribution"`
}

// proxyHeader is the header naming the client behind trusted proxies.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
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

// mount adds a resource's six routes: reads need read, writes write. F is
// the request body, R the stored record.
func mount[F any, PF fieldsPtr[F], R store.Record](rt *routeTable, tag string, read, write perm, r *resource[F, PF, R]) {
	base := apiPrefix + "/" + r.path
	item := base + "/:id"
	var f F
	var rec R
	bad := []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}
	rt.add(route{method: http.MethodPost, path: base, perm: write, handler: r.create,
		tag: tag, summary: "Create a " + tag, body: f, resp: rec, status: http.StatusCreated, errors: bad})
	rt.add(route{method: http.MethodGet, path: base, perm: read, handler: r.list,
		tag: tag, summary: "List " + r.path + " in creation order", params: pageParams{}, resp: Page[R]{}, errors: []int{http.StatusBadRequest}, query: r.filters})
	rt.add(route{method: http.MethodGet, path: item, perm: read, handler: r.get,
		tag: tag, summary: "Read a " + tag, params: idParam{}, resp: rec, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodPut, path: item, perm: write, handler: r.replace,
		tag: tag, summary: "Replace a " + tag + " (If-Match supported)", params: idParam{}, body: f, resp: rec,
		errors: append([]int{http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed}, bad...)})
	rt.add(route{method: http.MethodPatch, path: item, perm: write, handler: r.patch,
		tag: tag, summary: "Change a " + tag + " with an RFC 7396 merge patch", params: idParam{}, body: f, bodyType: "application/merge-patch+json", resp: rec,
		errors: append([]int{http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed}, bad...)})
	rt.add(route{method: http.MethodDelete, path: item, perm: write, handler: r.remove,
		tag: tag, summary: "Delete a " + tag, params: idParam{}, status: http.StatusNoContent,
		errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed}})
}
