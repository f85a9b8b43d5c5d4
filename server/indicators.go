package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/monitor"
)

// IndicatorReport is a coordinator's indicators for their municipality
// in a period, for the whole and per area; see docs/monitoring.md.
type IndicatorReport struct {
	Municipality AreaName `json:"municipality"`
	// From and To are the period's first and last month, YYYY-MM.
	From  string `json:"from"`
	To    string `json:"to"`
	Level string `json:"level" enum:"municipality,district,neighbourhood"`
	Area  string `json:"area"`
	// MinCount is the suppression threshold: counts 1 to MinCount-1 show
	// as "<5", and shares, means and quantiles resting on them as null.
	MinCount    int       `json:"min_count"`
	TargetDays  int       `json:"target_days"`
	GeneratedAt time.Time `json:"generated_at"`
	// UnitPrices are the municipality's prices the avoided costs use.
	UnitPrices *care.UnitPrices   `json:"unit_prices"`
	Total      monitor.Indicators `json:"total"`
	Areas      []AreaIndicators   `json:"areas"`
}

// AreaName names an area.
type AreaName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// AreaIndicators are one area's indicators.
type AreaIndicators monitor.NamedIndicators

type indicatorParams struct {
	From  string `query:"from" description:"first month of the period, YYYY-MM; default 11 months before to" pattern:"^[0-9]{4}-[0-9]{2}$"`
	To    string `query:"to" description:"last month of the period, YYYY-MM; default this month" pattern:"^[0-9]{4}-[0-9]{2}$"`
	Level string `query:"level" description:"the areas to break down by; default district" enum:"municipality,district,neighbourhood"`
	Area  string `query:"area" description:"only this district (WK…) or neighbourhood (BU…) of the municipality"`
}

type indicators struct {
	idx      *monitor.Index
	settings *casework.Settings
	areas    *monitor.Areas
	now      func() time.Time
	// answers are the encoded reports, kept while nothing they rest on
	// changed (answered): computing and encoding the map and the CSV for
	// each of a few coordinators' reloads was a tenth of the server's CPU
	// under the team load.
	mu      sync.Mutex
	answers map[string]answer
}

// answer is an encoded report and the file name it is offered under,
// computed at the index's generation gen at time at.
type answer struct {
	body []byte
	name string
	gen  uint64
	at   time.Time
}

// maxAnswers bounds the answers kept; past it they are dropped.
const maxAnswers = 256

// answerMaxAge bounds how long an answer is kept even when no fact
// changed: the timeliness counts a request as due once its deadline
// passes, with nothing written.
const answerMaxAge = time.Minute

func newIndicators(d Deps) *indicators {
	return &indicators{idx: d.Indicators, settings: casework.NewSettings(d.Store, d.Now), areas: monitor.NewAreas(d.Checker.Areas()), now: d.Now,
		answers: map[string]answer{}}
}

// answered returns the answer of the kind ("json", "csv", "geojson") to
// the caller's query, encoding it with encode (and keeping it) unless one
// was kept at the index's generation, with the same settings, less than
// answerMaxAge ago.
func (in *indicators) answered(c *fiber.Ctx, kind string, encode func(monitor.Report) (answer, error)) (answer, error) {
	if err := stillLoading(c, in.idx); err != nil {
		return answer{}, err
	}
	ctx := c.UserContext()
	mun := actorOf(ctx).Municipality
	now := in.now()
	q, err := in.areas.ReportQuery(mun, c.Query("from"), c.Query("to"), c.Query("level"), c.Query("area"), now)
	if err != nil {
		return answer{}, err
	}
	s, err := in.settings.Of(ctx, mun)
	if err != nil {
		return answer{}, err
	}
	// The generation before the report: a change while it is computed
	// moves it on, and the next call computes again. One answer per
	// question (the period as resolved): a newer one replaces it.
	gen := in.idx.Generation()
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%d-%d\x00%d\x00%s", kind, q.Municipality, q.Level, q.Area, q.From, q.To, s.Version, s.UpdatedAt)
	in.mu.Lock()
	a, ok := in.answers[key]
	in.mu.Unlock()
	if ok && a.gen == gen && now.Sub(a.at) < answerMaxAge {
		return a, nil
	}
	if a, err = encode(in.areas.Report(in.idx, q, s)); err != nil {
		return answer{}, err
	}
	a.gen, a.at = gen, now
	in.mu.Lock()
	if len(in.answers) >= maxAnswers {
		in.answers = map[string]answer{}
	}
	if cur, ok := in.answers[key]; !ok || cur.gen <= gen {
		in.answers[key] = a
	}
	in.mu.Unlock()
	return a, nil
}

func mountIndicators(rt *routeTable, in *indicators) {
	errs := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusServiceUnavailable}
	const what = "of the coordinator's municipality in a period: supply, demand, gaps, results, timeliness, outcomes and estimated avoided costs, for the whole and per district or neighbourhood; counts from 1 to 4 show as \"<5\", and shares resting on them as null; see docs/monitoring.md"
	rt.add(route{method: http.MethodGet, path: "/api/v1/monitoring/indicators", perm: permAggregates, handler: in.json, tag: "monitoring", summary: "The indicators " + what,
		params: indicatorParams{}, resp: IndicatorReport{}, errors: errs})
	rt.add(route{method: http.MethodGet, path: "/api/v1/monitoring/indicators.csv", perm: permAggregates, handler: in.csv, tag: "monitoring",
		summary: "The same indicators as CSV (text/csv), one row per area and indicator: municipality,from,to,level,area_code,area_name,indicator,value; the whole comes first, as level total",
		params:  indicatorParams{}, errors: errs})
	rt.add(route{method: http.MethodGet, path: "/api/v1/monitoring/indicators.geojson", perm: permAggregates, handler: in.geojson, tag: "monitoring",
		summary: "The same indicators as GeoJSON (application/geo+json) for a choropleth: one feature per area of the level with every indicator as a flat property (districts and municipalities as polygons, neighbourhoods as their label point)",
		params:  indicatorParams{}, errors: errs})
}

func (in *indicators) json(c *fiber.Ctx) error {
	a, err := in.answered(c, "json", func(r monitor.Report) (answer, error) {
		rep := IndicatorReport{Municipality: AreaName{Code: r.Municipality, Name: r.MunicipalityName}, From: r.From, To: r.To, Level: r.Level,
			Area: r.Area, MinCount: monitor.MinCount, TargetDays: r.TargetDays, GeneratedAt: r.GeneratedAt, UnitPrices: r.UnitPrices,
			Total: r.Total, Areas: make([]AreaIndicators, len(r.Areas))}
		for i, a := range r.Areas {
			rep.Areas[i] = AreaIndicators(a)
		}
		b, err := json.Marshal(rep)
		return answer{body: b}, err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(a.body)
}

// stillLoading is the 503 of a route counting from the facts while the
// start-up load has not been put in place yet; nil once it has.
func stillLoading(c *fiber.Ctx, idx *monitor.Index) error {
	if idx.Loaded() {
		return nil
	}
	c.Set(fiber.HeaderRetryAfter, "10")
	return newProblem(fiber.StatusServiceUnavailable, "unavailable", "the counts are being loaded after a start; try again in a few seconds")
}

func (in *indicators) csv(c *fiber.Ctx) error {
	a, err := in.answered(c, "csv", func(r monitor.Report) (answer, error) {
		b, err := r.CSV()
		return answer{body: b, name: fmt.Sprintf("indicators-%s-%s-%s.csv", r.Municipality, r.From, r.To)}, err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, a.name))
	return c.Send(a.body)
}

func (in *indicators) geojson(c *fiber.Ctx) error {
	a, err := in.answered(c, "geojson", func(r monitor.Report) (answer, error) {
		b, err := in.areas.GeoJSON(r)
		return answer{body: b, name: fmt.Sprintf("indicators-%s-%s-%s-%s.geojson", r.Municipality, r.Level, r.From, r.To)}, err
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s"`, a.name))
	return c.Send(a.body)
}
