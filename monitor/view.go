package monitor

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/dichtbij/dichtbij/care"
)

// ReportQuery is what a coordinator's report covers, checked.
type ReportQuery struct {
	Municipality, Level, Area string
	// From and To are the period's first and last month (MonthIndex).
	From, To int32
	Now      time.Time
}

// Report is the indicators of a municipality in a period, for the whole
// and per area, named; see docs/monitoring.md.
type Report struct {
	Municipality, MunicipalityName string
	// From and To are the period's first and last month, YYYY-MM.
	From, To    string
	Level, Area string
	// AreaName is the name of Area, when set.
	AreaName    string
	TargetDays  int
	UnitPrices  *care.UnitPrices
	GeneratedAt time.Time
	Total       Indicators
	Areas       []NamedIndicators
}

// NamedIndicators are one area's indicators with its name and level.
type NamedIndicators struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Level      string     `json:"level"`
	Indicators Indicators `json:"indicators"`
}

// ReportQuery checks a report's parameters as given: the months YYYY-MM
// (empty: the 12 months up to now), the level (empty: districts) and an
// area of mun (empty: all of it). A refusal is a *ParamError, the first
// of from, to, level and area in that order.
func (b *Areas) ReportQuery(mun, from, to, level, area string, now time.Time) (ReportQuery, error) {
	first, last, err := Months(from, to, now)
	if err != nil {
		return ReportQuery{}, err
	}
	if level == "" {
		level = LevelDistrict
	}
	if level != LevelMunicipality && level != LevelDistrict && level != LevelNeighbourhood {
		return ReportQuery{}, &ParamError{"level", "must be municipality, district or neighbourhood"}
	}
	if area != "" && !b.Within(mun, area) {
		return ReportQuery{}, &ParamError{"area", fmt.Sprintf("%q is not a district or neighbourhood of %s", area, mun)}
	}
	if area != "" && level == LevelMunicipality {
		return ReportQuery{}, &ParamError{"level", "must be district or neighbourhood when an area is chosen"}
	}
	return ReportQuery{Municipality: mun, Level: level, Area: area, From: first, To: last, Now: now}, nil
}

// Report computes q from the facts of x with the municipality's
// settings s (its contact target and unit prices).
func (b *Areas) Report(x *Index, q ReportQuery, s care.MunicipalitySettings) Report {
	mun := q.Municipality
	res := x.Compute(Query{Municipality: mun, From: MonthStart(q.From), To: MonthStart(q.To + 1), Level: q.Level, Area: q.Area,
		Units: b.UnitsOf(mun, q.Level, q.Area), TargetDays: s.ContactTargetDays, Prices: s.UnitPrices, Now: q.Now})
	rep := Report{Municipality: mun, MunicipalityName: b.MunicipalityName(mun), From: MonthString(q.From), To: MonthString(q.To),
		Level: q.Level, Area: q.Area, TargetDays: s.ContactTargetDays, UnitPrices: s.UnitPrices, GeneratedAt: q.Now.UTC(),
		Total: res.Total, Areas: make([]NamedIndicators, 0, len(res.Areas))}
	if q.Area != "" {
		rep.AreaName = b.Name(q.Area)
	}
	for _, a := range res.Areas {
		rep.Areas = append(rep.Areas, NamedIndicators{Code: a.Code, Name: b.Name(a.Code), Level: q.Level, Indicators: a.Indicators})
	}
	if q.Level == LevelMunicipality && len(rep.Areas) == 1 {
		rep.Areas[0].Name = rep.MunicipalityName
	}
	return rep
}

// CSV writes r with one row per area and indicator:
// municipality,from,to,level,area_code,area_name,indicator,value; the
// whole comes first, as level total.
func (r Report) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"municipality", "from", "to", "level", "area_code", "area_name", "indicator", "value"})
	row := func(level, code, name string, ind Indicators) {
		for _, f := range ind.Flatten() {
			_ = w.Write([]string{r.Municipality, r.From, r.To, level, code, name, f.Key, csvValue(f.Value)})
		}
	}
	code, name := r.Municipality, r.MunicipalityName
	if r.Area != "" {
		code, name = r.Area, r.AreaName
	}
	row("total", code, name, r.Total)
	for _, a := range r.Areas {
		row(a.Level, a.Code, a.Name, a.Indicators)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("monitor: csv: %w", err)
	}
	return buf.Bytes(), nil
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

// GeoJSON writes r's areas as a feature collection for a choropleth:
// every indicator a flat property; districts and municipalities as
// polygons, neighbourhoods as their label point.
func (b *Areas) GeoJSON(r Report) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	for _, a := range r.Areas {
		shape, ok, err := b.shape(a.Code)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // facts outside every district have no shape
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		buf.WriteString(`{"type":"Feature","geometry":`)
		buf.Write(shape)
		// The properties in Flatten's order, written as they come: a map
		// through json.Marshal sorted and reflected over every key of
		// every area (half of a map's cost).
		buf.WriteString(`,"properties":{`)
		fields := append([]Field{{"code", a.Code}, {"name", a.Name}, {"level", a.Level}}, a.Indicators.Flatten()...)
		for i, f := range fields {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSONField(&buf, f); err != nil {
				return nil, err
			}
		}
		buf.WriteString(`}}`)
	}
	buf.WriteString(`]}`)
	return buf.Bytes(), nil
}

// writeJSONField writes "key":value for a flattened indicator. Keys and
// codes are plain ASCII and written as they are; anything else goes
// through encoding/json (a quarter of a map's cost when every key did).
func writeJSONField(buf *bytes.Buffer, f Field) error {
	if err := writeJSONString(buf, f.Key); err != nil {
		return err
	}
	buf.WriteByte(':')
	switch v := f.Value.(type) {
	case nil:
		buf.WriteString("null")
	case int64:
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), v, 10))
	case bool:
		buf.Write(strconv.AppendBool(buf.AvailableBuffer(), v))
	case string:
		return writeJSONString(buf, v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("monitor: geojson %s: %v is no JSON number", f.Key, v)
		}
		buf.Write(strconv.AppendFloat(buf.AvailableBuffer(), v, 'f', -1, 64))
	default:
		j, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("monitor: geojson %s: %w", f.Key, err)
		}
		buf.Write(j)
	}
	return nil
}

// writeJSONString writes s quoted: as it is when it holds only letters,
// digits and . _ - and spaces, else as encoding/json escapes it.
func writeJSONString(buf *bytes.Buffer, s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == ' ') {
			j, err := json.Marshal(s)
			if err != nil {
				return fmt.Errorf("monitor: geojson: %w", err)
			}
			buf.Write(j)
			return nil
		}
	}
	buf.WriteByte('"')
	buf.WriteString(s)
	buf.WriteByte('"')
	return nil
}

// shape returns a unit's geometry as GeoJSON (its polygon, or its label
// point), encoding it the first time.
func (b *Areas) shape(code string) (json.RawMessage, bool, error) {
	u, ok := b.units[code]
	if !ok {
		return nil, false, nil
	}
	b.shapesMu.Lock()
	defer b.shapesMu.Unlock()
	if s, ok := b.shapes[code]; ok {
		return s, true, nil
	}
	var g orb.Geometry = u.Point
	if len(u.Geometry) > 0 {
		g = u.Geometry
	}
	s, err := geojson.NewGeometry(g).MarshalJSON()
	if err != nil {
		return nil, false, fmt.Errorf("monitor: geojson of %s: %w", code, err)
	}
	if b.shapes == nil {
		b.shapes = map[string]json.RawMessage{}
	}
	b.shapes[code] = s
	return s, true, nil
}
