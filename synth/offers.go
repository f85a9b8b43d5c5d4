package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

// owner is what an activity needs of its provision or initiative.
type owner struct {
	id      string
	name    string
	at      orb.Point     // the provision's address or the initiative's centre
	area    geo.Area      // the Area of at
	address *care.Address // nil for initiatives
	help    []string
}

// Volunteer values.
var (
	volunteerCapacity = weighted(entry[int]{1, 60}, entry[int]{2, 30}, entry[int]{3, 10})
	pausedShare       = 0.10
)

func (g *generator) volunteer(w *worker, i, n int, v *care.Volunteer) error {
	r := w.r
	p, a, err := g.space.point(r, w.cells)
	if err != nil {
		return err
	}
	status := "active"
	if chance(r, pausedShare) {
		status = "paused"
	}
	*v = care.Volunteer{
		Meta: g.meta(tagVolunteer, i, n),
		VolunteerFields: care.VolunteerFields{
			DisplayName:  personName(r),
			HelpTypes:    distinct(r, volunteerHelp, helpCount.pick(r)),
			HomeLocation: location(p),
			MaxTravelM:   travelM(r),
			Availability: weeklySlots(r, between(r, 1, 4), 0.2),
			Languages:    languages(r, 0.04),
			Capacity:     volunteerCapacity.pick(r),
			Status:       status,
		},
		Area:              care.AreaFrom(a),
		LocationPrecision: care.CoarsePrecision,
	}
	return nil
}

// travelM returns how far a volunteer goes, in metres: mostly 1–5 km.
func travelM(r *rand.Rand) int {
	switch x := r.Float64(); {
	case x < 0.10:
		return 100 * between(r, 5, 10)
	case x < 0.80:
		return 250 * between(r, 4, 20)
	default:
		return 500 * between(r, 11, 20)
	}
}

// Initiative values.
const (
	polygonShare = 0.20 // initiatives with a polygon service area
	hexagonMinM  = 600
	hexagonMaxM  = 2000
)

func (g *generator) initiative(w *worker, i, n int, in *care.Initiative, o *owner) error {
	r := w.r
	th := oneOf(r, initiativeThemes)
	centre, a, err := g.space.point(r, nil)
	if err != nil {
		return err
	}
	help := themed(r, th.help)
	sa := &care.ServiceArea{Center: location(centre), RadiusM: 250 * between(r, 4, 20)}
	saArea := a
	if chance(r, polygonShare) {
		if poly, pa, ok := g.hexagon(r, centre); ok {
			sa, saArea = &care.ServiceArea{Polygon: poly}, pa
		}
	}
	name := th.name + " " + a.MunicipalityName
	if chance(r, 0.5) {
		name += "-" + oneOf(r, districts)
	}
	if f := legalForms.pick(r); f != "" {
		name = f + " " + name
	}
	meta := g.meta(tagInitiative, i, n)
	*in = care.Initiative{
		Meta: meta,
		InitiativeFields: care.InitiativeFields{
			Organisation: name,
			Description:  th.description,
			HelpTypes:    help,
			ServiceArea:  sa,
			Contact:      contact(r, th.name, i, 1),
			Capacity:     between(r, 5, 50),
			Active:       ptr(true),
		},
		Area: care.AreaFrom(saArea),
	}
	*o = owner{id: meta.ID, name: name, at: centre, area: a, help: help}
	return nil
}

// hexagon returns a regular hexagon around centre as a closed GeoJSON
// ring, with the Area care.Checker derives for it (the one its centroid
// lies in). ok is false when a corner falls outside the allowed area (the
// sea, or outside Config.Municipality).
func (g *generator) hexagon(r *rand.Rand, centre orb.Point) (*care.GeoJSONPolygon, geo.Area, bool) {
	radius := float64(between(r, hexagonMinM, hexagonMaxM))
	turn := r.Float64() * math.Pi / 3
	ring := make([][]float64, 7)
	rings := [][][2]float64{make([][2]float64, 7)}
	for k := range 6 {
		a := turn + float64(k)*math.Pi/3
		p := round6(offset(centre, radius*math.Cos(a), radius*math.Sin(a)))
		if !g.space.allowed(p) {
			return nil, geo.Area{}, false
		}
		ring[k], rings[0][k] = []float64{p[0], p[1]}, p
	}
	ring[6], rings[0][6] = slices.Clone(ring[0]), rings[0][0]
	// As care.Checker does: the centroid decides, or the first corner when
	// the centroid is outside the bounds.
	c, _ := planar.CentroidArea(geo.PolygonFromRings(rings))
	a, ok := g.space.areas.Locate(c)
	if !ok {
		a, ok = g.space.areas.Locate(rings[0][0])
	}
	if !ok || (g.space.only.Code != "" && a.MunicipalityCode != g.space.only.Code) {
		return nil, geo.Area{}, false
	}
	return &care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{ring}}, a, true
}

// Provision values.
var (
	provisionGroups = weighted(
		e{"everyone", 35}, e{"seniors", 20}, e{"families", 10}, e{"children", 8}, e{"youth", 8},
		e{"adults", 5}, e{"carers", 5}, e{"disability", 4}, e{"newcomers", 3}, e{"lonely", 2},
	)
	groupCount = weighted(entry[int]{1, 60}, entry[int]{2, 30}, entry[int]{3, 10})
)

func (g *generator) provision(w *worker, i, n int, pr *care.Provision, o *owner) error {
	r := w.r
	pt := provisionTypes.pick(r)
	p, a, err := g.space.point(r, nil)
	if err != nil {
		return err
	}
	name := pt.prefix + " " + a.MunicipalityName
	if pt.named {
		name = pt.prefix + " " + oneOf(r, placeNames)
	}
	var org string
	switch x := r.Float64(); {
	case x < 0.45:
		org = "Stichting Welzijn " + a.MunicipalityName
	case x < 0.65:
		org = "Gemeente " + a.MunicipalityName
	}
	help := themed(r, pt.help)
	addr := address(r, p, a)
	var ct *care.Contact
	if chance(r, 0.85) {
		ct = contact(r, pt.prefix, i, 2)
	}
	meta := g.meta(tagProvision, i, n)
	*pr = care.Provision{
		Meta: meta,
		ProvisionFields: care.ProvisionFields{
			Name:          name,
			Organisation:  org,
			Description:   pt.description,
			HelpTypes:     help,
			Address:       addr,
			Location:      location(p),
			OpeningHours:  openingHours(r),
			TargetGroups:  targetGroups(r, pt.groups),
			Cost:          cost(r),
			Accessibility: accessibility(r),
			Contact:       ct,
			Active:        ptr(true),
		},
		Area: care.AreaFrom(a),
	}
	*o = owner{id: meta.ID, name: name, at: p, area: a, address: addr, help: help}
	return nil
}

// targetGroups returns the groups a provision of a type meant for groups
// usually serves, or else 1–3 groups, or just "everyone".
func targetGroups(r *rand.Rand, groups []string) []string {
	if len(groups) > 0 && chance(r, 0.8) {
		return slices.Clone(groups)
	}
	gs := distinct(r, provisionGroups, groupCount.pick(r))
	if slices.Contains(gs, "everyone") {
		return []string{"everyone"}
	}
	return gs
}

// openingHours returns a provision's week: office hours, afternoons, or
// a few mornings and evenings, sometimes with a Saturday.
func openingHours(r *rand.Rand) []care.WeeklySlot {
	var out []care.WeeklySlot
	weekdays := []string{"mon", "tue", "wed", "thu", "fri"}
	switch x := r.Float64(); {
	case x < 0.45: // office hours
		end := oneOf(r, []string{"16:00", "17:00", "17:00", "21:00"})
		for _, d := range weekdays {
			out = append(out, care.WeeklySlot{Day: d, Start: "09:00", End: end})
		}
		if chance(r, 0.3) { // short Friday
			out[4].End = "12:30"
		}
	case x < 0.75: // some afternoons
		for _, d := range weekdays {
			if chance(r, 0.6) {
				out = append(out, care.WeeklySlot{Day: d, Start: "13:00", End: "17:00"})
			}
		}
	default: // a few mornings or evenings
		for _, d := range weekdays {
			switch y := r.Float64(); {
			case y < 0.3:
				out = append(out, care.WeeklySlot{Day: d, Start: "09:30", End: "12:30"})
			case y < 0.5:
				out = append(out, care.WeeklySlot{Day: d, Start: "19:00", End: "22:00"})
			}
		}
	}
	if chance(r, 0.25) {
		out = append(out, care.WeeklySlot{Day: "sat", Start: "10:00", End: "14:00"})
	}
	if len(out) == 0 {
		out = append(out, care.WeeklySlot{Day: oneOf(r, weekdays), Start: "10:00", End: "12:00"})
	}
	return out
}

// cost is mostly free, otherwise cheap.
func cost(r *rand.Rand) *care.Cost {
	var c care.Cost
	switch x := r.Float64(); {
	case x < 0.60:
		c = care.Cost{Unit: "free"}
	case x < 0.85:
		c = care.Cost{AmountEUR: 0.5 * float64(between(r, 2, 10)), Unit: "per_visit"}
	case x < 0.95:
		c = care.Cost{AmountEUR: float64(between(r, 5, 15)), Unit: "per_month"}
	default:
		c = care.Cost{AmountEUR: float64(5 * between(r, 2, 12)), Unit: "per_year"}
	}
	if c.Unit != "free" && chance(r, 0.3) {
		c.Notes = "Gratis of met korting met de stadspas."
	}
	return &c
}

func accessibility(r *rand.Rand) *care.Accessibility {
	a := &care.Accessibility{Wheelchair: chance(r, 0.7)}
	a.StepFree = a.Wheelchair || chance(r, 0.3)
	a.AccessibleToilet = a.Wheelchair && chance(r, 0.8)
	a.HearingLoop = chance(r, 0.25)
	if !a.StepFree && chance(r, 0.5) {
		a.Notes = "Ingang met een drempel; hulp bij binnenkomen op verzoek."
	} else if a.Wheelchair && chance(r, 0.2) {
		a.Notes = "Lift naar de eerste verdieping."
	}
	return a
}

// address returns a Dutch-looking address for the place p in a.
func address(r *rand.Rand, p orb.Point, a geo.Area) *care.Address {
	return &care.Address{
		Street:      oneOf(r, streets),
		HouseNumber: houseNumber(r),
		Postcode:    postcode(r, p),
		City:        a.MunicipalityName,
	}
}

// contact returns contact details with at least an email address; the
// addresses use example.nl so that no real mailbox is ever written to.
func contact(r *rand.Rand, topic string, i int, kind int) *care.Contact {
	slug := slugify(topic)
	c := &care.Contact{
		Name:  personName(r),
		Email: fmt.Sprintf("%s-%d-%d@example.nl", slug, kind, i),
	}
	if chance(r, 0.6) {
		c.Phone = fmt.Sprintf("06-%08d", r.IntN(100_000_000))
	}
	if chance(r, 0.4) {
		c.Website = fmt.Sprintf("https://example.nl/%s-%d-%d", slug, kind, i)
	}
	return c
}

// slugify lowercases s and keeps ASCII letters and digits, joined by
// dashes.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}

// themed returns the first help type of list and up to two more of it.
func themed(r *rand.Rand, list []string) []string {
	out := []string{list[0]}
	for _, h := range list[1:] {
		if len(out) < 3 && chance(r, 0.45) {
			out = append(out, h)
		}
	}
	return out
}

// weeklySlots returns n slots of 2–4 hours on different days, weekdays
// mostly, in the week's order.
func weeklySlots(r *rand.Rand, n int, pWeekend float64) []care.WeeklySlot {
	days := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	var used [7]bool
	for k := 0; k < n; {
		d := r.IntN(5)
		if chance(r, pWeekend) {
			d = 5 + r.IntN(2)
		}
		if !used[d] {
			used[d] = true
			k++
		}
	}
	out := make([]care.WeeklySlot, 0, n)
	for d, ok := range used {
		if !ok {
			continue
		}
		length := 30 * between(r, 4, 8) // minutes
		start := min(60*between(r, 8, 18)+30*r.IntN(2), 22*60-length)
		out = append(out, care.WeeklySlot{Day: days[d], Start: hhmm(start), End: hhmm(start + length)})
	}
	return out
}

// hhmm formats minutes after midnight, a multiple of 30, as "HH:MM".
func hhmm(minutes int) string { return halfHours[minutes/30] }

// halfHours holds "00:00", "00:30", … "24:00", so slots cost no formatting.
var halfHours = func() []string {
	out := make([]string, 49)
	for i := range out {
		out[i] = fmt.Sprintf("%02d:%02d", i/2, i%2*30)
	}
	return out
}()

func location(p orb.Point) *care.Location { return &care.Location{Lat: p[1], Lon: p[0]} }

func ptr[T any](v T) *T { return &v }
