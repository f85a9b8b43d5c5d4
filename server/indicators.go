package server

import (
	"fmt"
	"net/http"
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
}

func newIndicators(d Deps) *indicators {
	return &indicators{idx: d.Indicators, settings: casework.NewSettings(d.Store, d.Now), areas: monitor.NewAreas(d.Checker.Areas()), now: d.Now}
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
	r, err := in.report(c)
	if err != nil {
		return err
	}
	rep := IndicatorReport{Municipality: AreaName{Code: r.Municipality, Name: r.MunicipalityName}, From: r.From, To: r.To, Level: r.Level,
		Area: r.Area, MinCount: monitor.MinCount, TargetDays: r.TargetDays, GeneratedAt: r.GeneratedAt, UnitPrices: r.UnitPrices,
		Total: r.Total, Areas: make([]AreaIndicators, len(r.Areas))}
	for i, a := range r.Areas {
		rep.Areas[i] = AreaIndicators(a)
	}
	return c.JSON(rep)
}

func (in *indicators) report(c *fiber.Ctx) (monitor.Report, error) {
	if err := stillLoading(c, in.idx); err != nil {
		return monitor.Report{}, err
	}
	ctx := c.UserContext()
	mun := actorOf(ctx).Municipality
	q, err := in.areas.ReportQuery(mun, c.Query("from"), c.Query("to"), c.Query("level"), c.Query("area"), in.now())
	if err != nil {
		return monitor.Report{}, err
	}
	s, err := in.settings.Of(ctx, mun)
	if err != nil {
		return monitor.Report{}, err
	}
	return in.areas.Report(in.idx, q, s), nil
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
	rep, err := in.report(c)
	if err != nil {
		return err
	}
	b, err := rep.CSV()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="indicators-%s-%s-%s.csv"`, rep.Municipality, rep.From, rep.To))
	return c.Send(b)
}

func (in *indicators) geojson(c *fiber.Ctx) error {
	rep, err := in.report(c)
	if err != nil {
		return err
	}
	b, err := in.areas.GeoJSON(rep)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="indicators-%s-%s-%s-%s.geojson"`, rep.Municipality, rep.Level, rep.From, rep.To))
	return c.Send(b)
}
