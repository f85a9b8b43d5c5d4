package synth

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
)

// entry is a value with its relative weight.
type entry[T any] struct {
	v T
	w float64
}

// table draws values with probability proportional to their weights.
type table[T any] struct {
	vals []T
	cum  []float64 // cumulative shares, ending at 1
}

func weighted[T any](es ...entry[T]) table[T] {
	t := table[T]{vals: make([]T, len(es)), cum: make([]float64, len(es))}
	total := 0.0
	for _, e := range es {
		total += e.w
	}
	sum := 0.0
	for i, e := range es {
		sum += e.w
		t.vals[i], t.cum[i] = e.v, sum/total
	}
	t.cum[len(es)-1] = 1
	return t
}

func (t table[T]) pick(r *rand.Rand) T { return t.vals[pickCum(r, t.cum)] }

// distinct draws n different values, n at most len(t.vals), weighted
// without replacement.
func distinct[T comparable](r *rand.Rand, t table[T], n int) []T {
	n = min(n, len(t.vals))
	out := make([]T, 0, n)
	for len(out) < n {
		if v := t.pick(r); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// oneOf returns a uniformly chosen element of list.
func oneOf[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

type e = entry[string]

// Help types offered by volunteers: everyday practical help is common,
// specialist buddies (debt, respite) rare.
var volunteerHelp = weighted(
	e{"groceries", 14}, e{"companionship", 14}, e{"transport", 12}, e{"odd_jobs", 12},
	e{"garden", 7}, e{"digital_help", 7}, e{"walking_buddy", 6}, e{"household_admin", 5},
	e{"language_buddy", 5}, e{"light_housekeeping", 4}, e{"pet_care", 4}, e{"homework_help", 4},
	e{"meals", 2}, e{"respite_care", 1.5}, e{"debt_buddy", 1.5}, e{"parenting_support", 1},
)

// Needs in support requests: loneliness and practical help lead.
var requestNeeds = weighted(
	e{"companionship", 14}, e{"groceries", 12}, e{"transport", 12}, e{"odd_jobs", 8},
	e{"household_admin", 7}, e{"digital_help", 6}, e{"light_housekeeping", 5}, e{"day_activities", 5},
	e{"meeting_place", 5}, e{"language_buddy", 4}, e{"garden", 4}, e{"walking_buddy", 4},
	e{"meals", 4}, e{"respite_care", 3}, e{"debt_buddy", 3}, e{"parenting_support", 2},
	e{"exercise", 2}, e{"homework_help", 2}, e{"pet_care", 1}, e{"play_and_youth", 1},
)

// helpCount: how many help types or needs a record lists.
var helpCount = weighted(entry[int]{1, 45}, entry[int]{2, 35}, entry[int]{3, 20})

// initiativeTheme is a kind of citizen initiative.
type initiativeTheme struct {
	name, description string
	help              []string // the first is always offered
}

var initiativeThemes = []initiativeTheme{
	{"Burenhulp", "Buren helpen buren met boodschappen, klusjes en een praatje.", []string{"odd_jobs", "groceries", "companionship", "garden"}},
	{"Boodschappendienst", "Vrijwilligers doen boodschappen voor wie dat zelf niet kan.", []string{"groceries", "transport"}},
	{"Maatjesproject", "Een vast maatje voor bezoek, een wandeling of een kop koffie.", []string{"companionship", "walking_buddy"}},
	{"Vervoersdienst", "Vrijwillige chauffeurs brengen bewoners naar de dokter of de markt.", []string{"transport", "groceries"}},
	{"Taalcafé", "Samen Nederlands oefenen in een ontspannen sfeer.", []string{"language_buddy", "meeting_place"}},
	{"Repair Café", "Samen kapotte spullen repareren in plaats van weggooien.", []string{"odd_jobs", "digital_help", "meeting_place"}},
	{"Formulierenhulp", "Hulp bij brieven, formulieren en de thuisadministratie.", []string{"household_admin", "digital_help", "debt_buddy"}},
	{"Buurtmoestuin", "Samen tuinieren, oogsten en koken in de wijk.", []string{"garden", "meeting_place", "exercise"}},
	{"Mantelzorgsteunpunt", "Even vrij voor mantelzorgers: een vrijwilliger neemt het over.", []string{"respite_care", "companionship"}},
	{"Huiswerkklas", "Vrijwilligers helpen kinderen met huiswerk en lezen.", []string{"homework_help", "play_and_youth"}},
	{"Buurtkamer", "Een huiskamer in de wijk: binnenlopen, koffie, samen eten.", []string{"meeting_place", "meals", "day_activities"}},
	{"Wandelclub", "Elke week samen wandelen door de buurt.", []string{"walking_buddy", "exercise", "companionship"}},
	{"SchuldHulpMaatje", "Getrainde maatjes helpen bij geldzorgen en schulden.", []string{"debt_buddy", "household_admin"}},
	{"Opvoedsteunpunt", "Ervaren ouders steunen gezinnen met jonge kinderen.", []string{"parenting_support", "play_and_youth"}},
	{"Digicafé", "Hulp met de telefoon, de computer en DigiD.", []string{"digital_help", "household_admin"}},
}

var legalForms = weighted(e{"Stichting", 6}, e{"Vereniging", 2}, e{"Buurtvereniging", 1}, e{"", 3})

var districts = []string{"Noord", "Oost", "Zuid", "West", "Centrum", "Oud-Zuid", "De Wijk", "Dorp"}

// provisionType is a kind of collective provision.
type provisionType struct {
	prefix, description string
	help                []string // the first is always offered
	// named is true when the place gets a proper name ("Buurthuis De
	// Linde"), false when it takes the municipality's ("Bibliotheek Ede").
	named bool
	// groups are the target groups it is meant for; nil means any.
	groups []string
}

var provisionTypes = weighted(
	entry[provisionType]{provisionType{"Buurthuis", "Ontmoeting, activiteiten en een kop koffie voor iedereen uit de buurt.", []string{"meeting_place", "day_activities", "meals"}, true, nil}, 14},
	entry[provisionType]{provisionType{"Wijkcentrum", "Activiteiten, spreekuren en cursussen in de wijk.", []string{"meeting_place", "exercise", "digital_help"}, true, nil}, 10},
	entry[provisionType]{provisionType{"Inloophuis", "Zonder afspraak binnenlopen voor een praatje of advies.", []string{"meeting_place", "companionship"}, true, nil}, 6},
	entry[provisionType]{provisionType{"Taalhuis", "Hulp bij lezen, schrijven en Nederlands leren.", []string{"language_buddy", "digital_help"}, false, []string{"newcomers", "adults"}}, 4},
	entry[provisionType]{provisionType{"Bibliotheek", "Informatiepunt Digitale Overheid en cursussen digitale vaardigheden.", []string{"digital_help", "household_admin", "language_buddy"}, false, nil}, 4},
	entry[provisionType]{provisionType{"Maaltijdpunt", "Samen een warme maaltijd eten voor een kleine bijdrage.", []string{"meals", "meeting_place"}, true, nil}, 5},
	entry[provisionType]{provisionType{"Dagactiviteitencentrum", "Een zinvolle dag voor ouderen en mensen met een beperking.", []string{"day_activities", "respite_care"}, true, []string{"seniors", "disability"}}, 5},
	entry[provisionType]{provisionType{"Speeltuin", "Een speeltuin met begeleiding en activiteiten voor kinderen.", []string{"play_and_youth"}, true, []string{"children", "families"}}, 3},
	entry[provisionType]{provisionType{"Jongerencentrum", "Een plek voor jongeren met jongerenwerkers en huiswerkbegeleiding.", []string{"play_and_youth", "homework_help"}, true, []string{"youth"}}, 3},
	entry[provisionType]{provisionType{"Buurtsportcentrum", "Laagdrempelig bewegen en sporten voor alle leeftijden.", []string{"exercise", "walking_buddy"}, true, nil}, 4},
	entry[provisionType]{provisionType{"Geldloket", "Gratis hulp bij geldzaken, schulden en formulieren.", []string{"household_admin", "debt_buddy"}, false, nil}, 3},
	entry[provisionType]{provisionType{"Steunpunt Mantelzorg", "Advies, lotgenotencontact en respijtzorg voor mantelzorgers.", []string{"respite_care", "companionship"}, false, []string{"carers"}}, 2},
	entry[provisionType]{provisionType{"Ouder-kindcentrum", "Inloop en opvoedadvies voor ouders met jonge kinderen.", []string{"parenting_support", "play_and_youth"}, true, []string{"families", "children"}}, 2},
)

var placeNames = []string{
	"De Linde", "Het Anker", "De Brug", "De Boog", "Het Trefpunt", "De Ontmoeting",
	"De Schakel", "De Horizon", "Het Baken", "De Wissel", "De Kastanje", "De Vonk",
	"Het Klokhuis", "De Meerpaal", "De Eik", "De Kroon", "Het Kompas", "De Duif",
	"De Notenkraker", "Het Podium", "De Regenboog", "De Molen", "Het Palet", "De Vijverhof",
}

var streets = []string{
	"Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianastraat",
	"Wilhelminastraat", "Beatrixlaan", "Eikenlaan", "Lindenlaan", "Kastanjelaan", "Parallelweg",
	"Nieuwstraat", "Hoofdstraat", "Prins Bernhardlaan", "Oranjestraat", "Burgemeester de Vlugtlaan",
	"Van Goghstraat", "Rembrandtlaan", "Vondelstraat", "Tulpstraat", "Zuiderweg", "Marktplein",
	"Sportlaan", "Emmastraat", "Spoorstraat", "Havenstraat", "Boslaan",
}

var firstNames = []string{
	"Anna", "Sanne", "Lotte", "Emma", "Eva", "Fleur", "Noor", "Julia", "Ingrid", "Wilma",
	"Jan", "Piet", "Daan", "Sem", "Lucas", "Bram", "Henk", "Kees", "Ruud", "Gerrit",
	"Fatima", "Mohamed", "Yusuf", "Salma", "Emre", "Ayşe", "Mehmet", "Zeynep", "Piotr", "Kasia",
	"Olena", "Dmytro", "Semhar", "Yonas", "Priya", "Wei", "Marieke", "Joke", "Anouk", "Thijs",
}

var surnameInitials = "ABCDEFGHJKLMNOPRSTVWYZ"

// spokenLanguages beyond Dutch, with how often a volunteer speaks them.
var extraLanguages = []entry[string]{
	{"en", 0.30}, {"ar", 0.05}, {"tr", 0.05}, {"pl", 0.03}, {"uk", 0.02}, {"ti", 0.015},
}

// nonDutch are the languages of newcomers who do not (yet) speak Dutch.
var nonDutch = []string{"en", "ar", "tr", "pl", "uk", "ti"}

// languages returns the languages of a volunteer or resident: mostly Dutch,
// often English, some others; pNoDutch is the chance of no Dutch at all.
func languages(r *rand.Rand, pNoDutch float64) []string {
	if chance(r, pNoDutch) {
		first := oneOf(r, nonDutch)
		if first != "en" && chance(r, 0.4) {
			return []string{first, "en"}
		}
		return []string{first}
	}
	out := []string{"nl"}
	for _, l := range extraLanguages {
		if chance(r, l.w) {
			out = append(out, l.v)
		}
	}
	return out
}

// personName returns a first name, often with a surname initial, e.g.
// "Sanne V.".
func personName(r *rand.Rand) string {
	n := oneOf(r, firstNames)
	if chance(r, 0.8) {
		i := r.IntN(len(surnameInitials))
		n += " " + surnameInitials[i:i+1] + "."
	}
	return n
}

// postcodeAreas are the first digits of Dutch postcodes around anchor
// points; a place takes the digit of the nearest anchor. This is rough
// (borders of postcode regions follow no city), but "1234 AB" in
// Maastricht would look wrong in a demo.
var postcodeAreas = []struct {
	digit byte
	at    orb.Point
}{
	{'1', orb.Point{4.90, 52.37}}, {'1', orb.Point{4.80, 52.65}}, {'1', orb.Point{5.10, 52.85}},
	{'1', orb.Point{5.20, 52.35}}, {'1', orb.Point{5.15, 52.23}}, {'1', orb.Point{4.85, 52.28}},
	{'2', orb.Point{4.30, 52.07}}, {'2', orb.Point{4.50, 52.16}}, {'2', orb.Point{4.64, 52.38}},
	{'2', orb.Point{4.66, 52.08}}, {'2', orb.Point{4.20, 51.98}},
	{'3', orb.Point{5.12, 52.09}}, {'3', orb.Point{4.48, 51.92}}, {'3', orb.Point{4.68, 51.81}},
	{'3', orb.Point{5.39, 52.16}}, {'3', orb.Point{4.15, 51.85}}, {'3', orb.Point{5.60, 52.33}},
	{'4', orb.Point{3.80, 51.50}}, {'4', orb.Point{4.78, 51.59}}, {'4', orb.Point{4.97, 51.84}},
	{'4', orb.Point{4.30, 51.50}}, {'4', orb.Point{5.40, 51.90}}, {'4', orb.Point{3.60, 51.30}},
	{'5', orb.Point{5.48, 51.44}}, {'5', orb.Point{5.30, 51.69}}, {'5', orb.Point{5.09, 51.56}},
	{'5', orb.Point{6.17, 51.37}}, {'5', orb.Point{5.80, 51.60}},
	{'6', orb.Point{5.69, 50.85}}, {'6', orb.Point{5.98, 50.89}}, {'6', orb.Point{5.86, 51.84}},
	{'6', orb.Point{5.90, 51.98}}, {'6', orb.Point{5.67, 52.04}}, {'6', orb.Point{5.85, 51.05}},
	{'6', orb.Point{6.50, 51.95}},
	{'7', orb.Point{5.96, 52.21}}, {'7', orb.Point{6.89, 52.22}}, {'7', orb.Point{6.90, 52.78}},
	{'7', orb.Point{6.16, 52.25}}, {'7', orb.Point{6.45, 52.45}}, {'7', orb.Point{6.40, 52.75}},
	{'8', orb.Point{6.09, 52.52}}, {'8', orb.Point{5.80, 53.20}}, {'8', orb.Point{5.47, 52.52}},
	{'8', orb.Point{5.66, 53.03}}, {'8', orb.Point{5.70, 52.85}}, {'8', orb.Point{5.20, 53.35}},
	{'9', orb.Point{6.57, 53.22}}, {'9', orb.Point{6.56, 52.99}}, {'9', orb.Point{6.10, 53.10}},
	{'9', orb.Point{6.90, 53.30}}, {'9', orb.Point{6.00, 53.40}},
}

// postcode returns a postcode of the form "1234 AB" whose first digit
// roughly fits p. Letter pairs SA, SD and SS are not used in the
// Netherlands.
func postcode(r *rand.Rand, p orb.Point) string {
	digit, best := byte('1'), 1e9
	for _, a := range postcodeAreas {
		dx, dy := (a.at[0]-p[0])*0.62, a.at[1]-p[1] // 0.62: cos of 52°N
		if d := dx*dx + dy*dy; d < best {
			digit, best = a.digit, d
		}
	}
	b := []byte{digit, 0, 0, 0, ' ', 0, 0}
	n := r.IntN(1000)
	b[1], b[2], b[3] = byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10)
	for {
		b[5], b[6] = byte('A'+r.IntN(26)), byte('A'+r.IntN(26))
		if b[5] != 'S' || (b[6] != 'A' && b[6] != 'D' && b[6] != 'S') {
			return string(b)
		}
	}
}

// houseNumber returns e.g. "12" or "12a".
func houseNumber(r *rand.Rand) string {
	n := strconv.Itoa(between(r, 1, 240))
	if chance(r, 0.08) {
		n += string(rune('a' + r.IntN(4)))
	}
	return n
}
