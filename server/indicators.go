package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/monitor"
	"github.com/dichtbij/dichtbij/store"
)

// maxPeriodMonths bounds a report's period: activities' occurrences are
// counted from monitor.OccurrenceMonthsBack months ago.
const maxPeriodMonths = 36

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
type AreaIndicators struct {
	Code       string             `json:"code"`
	Name       string             `json:"name"`
	Level      string             `json:"level"`
	Indicators monitor.Indicators `json:"indicators"`
}

type indicatorParams struct {
	From  string `query:"from" description:"first month of the period, YYYY-MM; default 11 months before to" pattern:"^[0-9]{4}-[0-9]{2}$"`
	To    string `query:"to" description:"last month of the period, YYYY-MM; default this month" pattern:"^[0-9]{4}-[0-9]{2}$"`
	Level string `query:"level" description:"the areas to break down by; default district" enum:"municipality,district,neighbourhood"`
	Area  string `query:"area" description:"only this district (WK…) or neighbourhood (BU…) of the municipality"`
}

// areaBook is the division the reports name and draw areas by.
type areaBook struct {
	units      map[string]geo.Unit
	districts  map[string][]string // municipality → its districts
	hoods      map[string][]string // district → its neighbourhoods
	loneHoods  map[string][]string // municipality → neighbourhoods in no district
	municipals *geo.Municipalities
}

func newAreaBook(a *geo.Areas) *areaBook {
	b := &areaBook{units: map[string]geo.Unit{}, districts: map[string][]string{}, hoods: map[string][]string{}, loneHoods: map[string][]string{},
		municipals: a.Municipalities()}
	for _, u := range a.Units() {
		b.units[u.Code] = u
		switch {
		case u.Level == monitor.LevelDistrict && u.Municipality != "":
			b.districts[u.Municipality] = append(b.districts[u.Municipality], u.Code)
		case u.Level == monitor.LevelNeighbourhood && u.District != "":
			b.hoods[u.District] = append(b.hoods[u.District], u.Code)
		case u.Level == monitor.LevelNeighbourhood && u.Municipality != "":
			b.loneHoods[u.Municipality] = append(b.loneHoods[u.Municipality], u.Code)
		}
	}
	return b
}

// within reports whether code is a district or neighbourhood of mun.
func (b *areaBook) within(mun, code string) bool {
	u, ok := b.units[code]
	if !ok || u.Level == monitor.LevelMunicipality {
		return false
	}
	return u.Municipality == mun
}

// unitsOf lists the codes of level in mun, or in area when set.
func (b *areaBook) unitsOf(mun, level, area string) []string {
	switch level {
	case monitor.LevelMunicipality:
		return []string{mun}
	case monitor.LevelDistrict:
		if area != "" {
			return []string{"WK" + area[2:8]}
		}
		return b.districts[mun]
	}
	switch {
	case strings.HasPrefix(area, "BU"):
		return []string{area}
	case area != "":
		return b.hoods[area]
	}
	var out []string
	for _, d := range b.districts[mun] {
		out = append(out, b.hoods[d]...)
	}
	return append(out, b.loneHoods[mun]...)
}

func (b *areaBook) name(code string) string {
	if code == "" {
		return "(outside the districts)"
	}
	if u, ok := b.units[code]; ok {
		return u.Name
	}
	return code
}

type indicators struct {
	idx   *monitor.Index
	st    *store.Store
	areas *areaBook
	now   func() time.Time
}

func newIndicators(d Deps) *indicators {
	return &indicators{idx: d.Indicators, st: d.Store, areas: newAreaBook(d.Checker.Areas()), now: d.Now}
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
	rep, err := in.report(c)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

func (in *indicators) report(c *fiber.Ctx) (IndicatorReport, error) {
	if err := stillLoading(c, in.idx); err != nil {
		return IndicatorReport{}, err
	}
	ctx := c.UserContext()
	mun := actorOf(ctx).Municipality
	from, to, err := monthParams(c.Query("from"), c.Query("to"), in.now())
	if err != nil {
		return IndicatorReport{}, err
	}
	level := c.Query("level", monitor.LevelDistrict)
	if level != monitor.LevelMunicipality && level != monitor.LevelDistrict && level != monitor.LevelNeighbourhood {
		return IndicatorReport{}, invalidQuery("level", "must be municipality, district or neighbourhood")
	}
	area := c.Query("area")
	if area != "" && !in.areas.within(mun, area) {
		return IndicatorReport{}, invalidQuery("area", fmt.Sprintf("%q is not a district or neighbourhood of %s", area, mun))
	}
	if area != "" && level == monitor.LevelMunicipality {
		return IndicatorReport{}, invalidQuery("level", "must be district or neighbourhood when an area is chosen")
	}
	target, prices, err := in.settings(ctx, mun)
	if err != nil {
		return IndicatorReport{}, err
	}
	res := in.idx.Compute(monitor.Query{Municipality: mun, From: monitor.MonthStart(from), To: monitor.MonthStart(to + 1), Level: level, Area: area,
		Units: in.areas.unitsOf(mun, level, area), TargetDays: target, Prices: prices, Now: in.now()})
	name := mun
	if m, ok := in.areas.municipals.Lookup(mun); ok {
		name = m.Name
	}
	rep := IndicatorReport{Municipality: AreaName{Code: mun, Name: name}, From: monthString(from), To: monthString(to), Level: level, Area: area,
		MinCount: monitor.MinCount, TargetDays: target, GeneratedAt: in.now().UTC(), UnitPrices: prices, Total: res.Total, Areas: []AreaIndicators{}}
	for _, a := range res.Areas {
		rep.Areas = append(rep.Areas, AreaIndicators{Code: a.Code, Name: in.areas.name(a.Code), Level: level, Indicators: a.Indicators})
	}
	if level == monitor.LevelMunicipality && len(rep.Areas) == 1 {
		rep.Areas[0].Name = name
	}
	return rep, nil
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

func (in *indicators) settings(ctx context.Context, mun string) (int, *care.UnitPrices, error) {
	s, err := in.st.MunicipalitySettings().Get(ctx, mun)
	if errors.Is(err, store.ErrNotFound) {
		return care.DefaultContactTargetDays, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return s.ContactTargetDays, s.UnitPrices, nil
}

// monthParams parses the period's first and last month (YYYY-MM, Dutch
// time) into month indices; by default the 12 months up to this one.
func monthParams(from, to string, now time.Time) (int32, int32, error) {
	last := monitor.MonthIndex(now)
	if to != "" {
		m, err := parseMonth(to)
		if err != nil {
			return 0, 0, invalidQuery("to", err.Error())
		}
		last = m
	}
	// The default start stays within the months parseMonth accepts.
	first := max(last-11, 2000*12)
	if from != "" {
		m, err := parseMonth(from)
		if err != nil {
			return 0, 0, invalidQuery("from", err.Error())
		}
		first = m
	}
	switch {
	case first > last:
		return 0, 0, invalidQuery("from", "must not be after to")
	case last-first+1 > maxPeriodMonths:
		return 0, 0, invalidQuery("from", fmt.Sprintf("the period may span at most %d months", maxPeriodMonths))
	}
	return first, last, nil
}

func parseMonth(s string) (int32, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2999 {
		return 0, errors.New("must be a month YYYY-MM, e.g. 2026-03")
	}
	return int32(t.Year()*12 + int(t.Month()) - 1), nil
}

func monthString(m int32) string { return fmt.Sprintf("%04d-%02d", m/12, m%12+1) }

func (in *indicators) csv(c *fiber.Ctx) error {
	rep, err := in.report(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"municipality", "from", "to", "level", "area_code", "area_name", "indicator", "value"})
	row := func(level, code, name string, ind monitor.Indicators) {
		for _, f := range ind.Flatten() {
			_ = w.Write([]string{rep.Municipality.Code, rep.From, rep.To, level, code, name, f.Key, csvValue(f.Value)})
		}
	}
	code, name := rep.Municipality.Code, rep.Municipality.Name
	if rep.Area != "" {
		code, name = rep.Area, in.areas.name(rep.Area)
	}
	row("total", code, name, rep.Total)
	for _, a := range rep.Areas {
		row(a.Level, a.Code, a.Name, a.Indicators)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="indicators-%s-%s-%s.csv"`, rep.Municipality.Code, rep.From, rep.To))
	return c.Send(buf.Bytes())
}

// csvValue writes a flattened value: numbers plainly, null as empty.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func (in *indicators) geojson(c *fiber.Ctx) error {
	rep, err := in.report(c)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range rep.Areas {
		u, ok := in.areas.units[a.Code]
		if !ok {
			continue // facts outside every district have no shape
		}
		var g orb.Geometry = u.Point
		if len(u.Geometry) > 0 {
			g = u.Geometry
		}
		f := geojson.NewFeature(g)
		f.Properties = geojson.Properties{"code": a.Code, "name": a.Name, "level": a.Level}
		for _, v := range a.Indicators.Flatten() {
			f.Properties[v.Key] = v.Value
		}
		fc.Append(f)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="indicators-%s-%s-%s-%s.geojson"`, rep.Municipality.Code, rep.Level, rep.From, rep.To))
	return c.Send(b)
}
