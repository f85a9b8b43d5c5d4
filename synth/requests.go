package synth

import (
	"math/rand/v2"
	"slices"

	"github.com/dichtbij/dichtbij/care"
)

// Request values.
var (
	needCount = weighted(entry[int]{1, 55}, entry[int]{2, 30}, entry[int]{3, 15})
	// lifeDomains: loneliness, daily living and health dominate the
	// requests social teams see for zero-line help.
	lifeDomains = weighted(
		e{"social_network", 14}, e{"daily_living", 12}, e{"physical_health", 12}, e{"mental_health", 10},
		e{"time_use", 9}, e{"finances", 9}, e{"community_participation", 8}, e{"housing", 6},
		e{"domestic_relations", 5}, e{"work_education", 4}, e{"addiction", 2}, e{"justice", 1},
	)
	// intakeScores on the ZRM scale: 1 acute … 5 fully self-reliant.
	intakeScores = weighted(entry[int]{1, 5}, entry[int]{2, 25}, entry[int]{3, 40}, entry[int]{4, 22}, entry[int]{5, 8})
	windowCount  = weighted(entry[int]{0, 40}, entry[int]{1, 30}, entry[int]{2, 20}, entry[int]{3, 10})
	mobility     = weighted(
		e{"independent", 45}, e{"walking_aid", 25}, e{"needs_transport", 12}, e{"homebound", 10}, e{"wheelchair", 8},
	)
	urgency = weighted(e{"low", 20}, e{"normal", 55}, e{"high", 20}, e{"crisis", 5})
)

var ownStrength = []string{
	"Doet zelf nog de was en kookt eenvoudige maaltijden.",
	"Kan goed plannen, maar lopen gaat moeizaam.",
	"Wil graag zelf blijven doen wat kan.",
	"Regelt de post met hulp van een app.",
	"Is handig met de computer.",
}

var network = []string{
	"Dochter woont in een andere provincie en komt eens per maand.",
	"Buurvrouw kijkt af en toe om het hoekje.",
	"Geen familie in de buurt; contact met de kerk is weggevallen.",
	"Zoon helpt in het weekend, doordeweeks niemand.",
	"Partner is mantelzorger en raakt overbelast.",
}

func (g *generator) request(w *worker, i, n int, rq *care.Request) error {
	r := w.r
	p, a, err := g.space.point(r, w.cells)
	if err != nil {
		return err
	}
	domains := distinct(r, lifeDomains, between(r, 1, 4))
	scores := make([]care.DomainScore, len(domains))
	for k, d := range domains {
		scores[k] = care.DomainScore{Domain: d}
		if chance(r, 0.9) {
			scores[k].IntakeScore = ptr(intakeScores.pick(r))
		}
	}
	f := care.RequestFields{
		Needs:       distinct(r, requestNeeds, needCount.pick(r)),
		LifeDomains: scores,
		Location:    location(p),
		Constraints: &care.Constraints{
			MaxDistanceM: maxDistanceM(r),
			TimeWindows:  weeklySlots(r, windowCount.pick(r), 0.15),
			Languages:    languages(r, 0.08),
			Mobility:     mobility.pick(r),
		},
		Urgency: urgency.pick(r),
	}
	if chance(r, 0.85) {
		f.ResidentAlias = oneOf(r, firstNames)
	}
	if chance(r, 0.85) {
		f.ResidentAge = ptr(residentAge(r))
	}
	f.TargetGroups = residentGroups(r, f)
	if chance(r, 0.6) {
		f.OwnStrength = oneOf(r, ownStrength)
	}
	if chance(r, 0.6) {
		f.Network = oneOf(r, network)
	}
	meta := g.meta(tagRequest, i, n)
	*rq = care.Request{
		Meta:              meta,
		RequestFields:     f,
		Area:              care.AreaFrom(a),
		LocationPrecision: care.CoarsePrecision,
		Status:            "open",
		NeedsChangedAt:    meta.UpdatedAt, // as the server sets it on create
	}
	return nil
}

// residentAge is in years: most zero-line requests concern older people,
// some families and young people.
func residentAge(r *rand.Rand) int {
	switch x := r.Float64(); {
	case x < 0.10:
		return between(r, 4, 17)
	case x < 0.30:
		return between(r, 18, 44)
	case x < 0.50:
		return between(r, 45, 64)
	default:
		return between(r, 65, 97)
	}
}

// residentGroups derives the target groups a resident belongs to from
// their age, needs and languages; nil when none apply.
func residentGroups(r *rand.Rand, f care.RequestFields) []string {
	var gs []string
	add := func(g string, ok bool) {
		if ok && len(gs) < 4 {
			gs = append(gs, g)
		}
	}
	if f.ResidentAge != nil {
		age := *f.ResidentAge
		add("children", age < 12)
		add("youth", age >= 12 && age < 18)
		add("adults", age >= 18 && age < 65)
		add("seniors", age >= 65)
	}
	has := func(need string) bool { return slices.Contains(f.Needs, need) }
	add("lonely", has("companionship") && chance(r, 0.5))
	add("carers", has("respite_care"))
	add("families", has("parenting_support"))
	add("newcomers", has("language_buddy") || !slices.Contains(f.Constraints.Languages, "nl"))
	return gs
}

// maxDistanceM is how far a resident can travel, in metres: 500–5,000,
// mostly 1–3 km.
func maxDistanceM(r *rand.Rand) int {
	switch x := r.Float64(); {
	case x < 0.15:
		return 100 * between(r, 5, 9)
	case x < 0.85:
		return 250 * between(r, 4, 12)
	default:
		return 500 * between(r, 7, 10)
	}
}
