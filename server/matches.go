package server

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/store"
)

// matcher serves the zero-line searches.
type matcher struct {
	st     *store.Store
	eng    *matching.Engine
	bounds geo.Bounds
	now    func() time.Time
	cases  *cases
	cw     *casework.Service
}

// SearchResult is the answer to a search for a stored request.
type SearchResult struct {
	SearchID  string `json:"search_id"`
	RequestID string `json:"request_id"`
	matching.Result
}

// nearbyParams documents GET /api/v1/options/nearby.
type nearbyParams struct {
	Lat      float64  `query:"lat" required:"true" description:"latitude (WGS84) of the point to search around"`
	Lon      float64  `query:"lon" required:"true" description:"longitude (WGS84)"`
	RadiusM  int      `query:"radius_m" minimum:"1" maximum:"50000" default:"2000" description:"search radius in metres"`
	HelpType []string `query:"help_type" description:"help type code; repeat for several; none means all"`
	Kind     []string `query:"kind" enum:"volunteer,initiative,provision,activity" description:"option kind; repeat for several; none means all"`
	Limit    int      `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

type matchParams struct {
	ID    string `path:"id" description:"support request id"`
	Limit int    `query:"limit" minimum:"1" maximum:"50" default:"10" description:"options per need"`
}

func mountMatching(rt *routeTable, d Deps) {
	m := &matcher{st: d.Store, eng: d.Engine, bounds: d.Bounds, now: d.Now, cases: d.cases, cw: d.casework}
	rt.add(route{method: http.MethodPost, path: "/api/v1/requests/:id/matches", perm: permRequests, handler: m.match, tag: "matching",
		summary: "Run the zero-line search for a stored request: per need, local options ranked with reasons, and why a need has none. The search is recorded.",
		params:  matchParams{}, resp: SearchResult{}, status: http.StatusCreated, errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/options/nearby", perm: permSearch, handler: m.nearby, tag: "matching",
		summary: "Options around a point without a case, nearest first",
		params:  nearbyParams{}, resp: []matching.Candidate{}, errors: []int{http.StatusBadRequest}})
}

func (m *matcher) match(c *fiber.Ctx) error {
	limit, err := intParam(c, "limit", matching.DefaultLimit, 1, 50)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	req, err := m.cases.open(c, c.Params("id"), accesslog.ActionSearch)
	if err != nil {
		return err
	}
	id := req.ID
	res := m.eng.Match(fromcare.Request(req), limit)
	// The search is stored and the request points at it; the first one
	// moves it from open to searched.
	search, err := m.cw.Search(ctx, actorOf(ctx), id, fromcare.SearchNeeds(res))
	if err != nil {
		return err
	}
	m.eng.RecordProposals(res)
	if err := m.logShown(c, fromcare.Shown(res)); err != nil {
		return err
	}
	c.Location("/api/v1/requests/" + id)
	return c.Status(fiber.StatusCreated).JSON(SearchResult{SearchID: search.ID, RequestID: id, Result: res})
}

func (m *matcher) nearby(c *fiber.Ctx) error {
	var probs []FieldProblem
	bad := func(field, reason string) { probs = append(probs, FieldProblem{Field: field, Reason: reason}) }
	known := map[string]bool{"lat": true, "lon": true, "radius_m": true, "help_type": true, "kind": true, "limit": true}
	args := c.Context().QueryArgs()
	args.VisitAll(func(k, _ []byte) {
		if !known[string(k)] {
			bad(string(k), "is not a parameter of this search")
		}
	})
	coord := func(name string, lo, hi float64) float64 {
		s := c.Query(name)
		v, err := strconv.ParseFloat(s, 64)
		if s == "" {
			bad(name, "is required")
		} else if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
			bad(name, fmt.Sprintf("must be a number from %g to %g", lo, hi))
		}
		return v
	}
	lat, lon := coord("lat", -90, 90), coord("lon", -180, 180)
	radius, err := intParam(c, "radius_m", 2000, 1, 50000)
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", 20, 1, 100)
	if err != nil {
		return err
	}
	q := matching.NearbyQuery{Location: orb.Point{lon, lat}, RadiusM: float64(radius), Limit: limit,
		Municipality: actorOf(c.UserContext()).Municipality}
	for _, v := range args.PeekMulti("help_type") {
		if !care.IsHelpType(string(v)) {
			bad("help_type", "is not a known help type; see /api/v1/taxonomy")
		}
		q.HelpTypes = append(q.HelpTypes, string(v))
	}
	for _, v := range args.PeekMulti("kind") {
		k, ok := matching.ParseKind(string(v))
		if !ok {
			bad("kind", "must be volunteer, initiative, provision or activity")
		}
		q.Kinds = append(q.Kinds, k)
	}
	if len(probs) == 0 && !m.bounds.Contains(q.Location) {
		bad("lat", "the point lies outside the allowed area ("+m.bounds.String()+")")
	}
	if len(probs) > 0 {
		return newProblem(fiber.StatusBadRequest, "invalid-query", "the query string is invalid", probs...)
	}
	found := m.eng.Nearby(q)
	if err := m.logShown(c, found); err != nil {
		return err
	}
	return c.JSON(found)
}

// logShown writes an access-log entry about every volunteer among cs,
// once each: their name and offer were shown to the caller, which the
// volunteer may see at /me/access-log.
func (m *matcher) logShown(c *fiber.Ctx, cs []matching.Candidate) error {
	return m.cases.loggedAbout(c, accesslog.ActionSearch, fromcare.Volunteers(cs)...)
}

// intParam reads an optional whole-number query parameter within [lo, hi].
func intParam(c *fiber.Ctx, name string, def, lo, hi int) (int, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, newProblem(fiber.StatusBadRequest, "invalid-query", "the query string is invalid",
			FieldProblem{Field: name, Reason: fmt.Sprintf("must be a whole number from %d to %d", lo, hi)})
	}
	return n, nil
}
