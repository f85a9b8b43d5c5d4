package care

// Label is a term's name in the portal's two languages.
type Label struct {
	NL string `json:"nl"`
	EN string `json:"en"`
}

// Term is one entry of a fixed code list: a stable snake_case code that is
// stored and sent over the API, and its labels.
type Term struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
}

// HelpTypes is the help-type taxonomy shared by offers (volunteers,
// initiatives, provisions, activities) and needs (support requests). Codes
// are stored in records, so a code is never renamed; a new kind of help gets
// a new code. Municipalities that need more add them here first, so every
// tenant can still match on the same codes.
var helpTypes = []Term{
	{"groceries", Label{"Boodschappen", "Groceries"}},
	{"transport", Label{"Vervoer en begeleiding", "Transport and escort"}},
	{"companionship", Label{"Gezelschap en bezoek", "Companionship and visits"}},
	{"odd_jobs", Label{"Klusjes in huis", "Odd jobs"}},
	{"garden", Label{"Tuin", "Garden"}},
	{"household_admin", Label{"Thuisadministratie", "Household admin"}},
	{"language_buddy", Label{"Taalmaatje", "Language buddy"}},
	{"digital_help", Label{"Digitale hulp", "Digital help"}},
	{"meals", Label{"Maaltijden", "Meals"}},
	{"day_activities", Label{"Dagbesteding en dagactiviteiten", "Day activities"}},
	{"meeting_place", Label{"Ontmoetingsplek", "Meeting place"}},
	{"exercise", Label{"Bewegen en sport", "Exercise"}},
	{"parenting_support", Label{"Steun bij opvoeden", "Parenting support"}},
	{"respite_care", Label{"Respijtzorg voor mantelzorgers", "Respite for carers"}},
	{"debt_buddy", Label{"Schuldhulpmaatje", "Debt buddy"}},
	{"walking_buddy", Label{"Wandelmaatje", "Walking buddy"}},
	{"light_housekeeping", Label{"Lichte hulp in huis", "Light housekeeping"}},
	{"pet_care", Label{"Hulp bij huisdieren", "Pet care"}},
	{"homework_help", Label{"Huiswerkbegeleiding", "Homework help"}},
	{"play_and_youth", Label{"Spelen en jongerenwerk", "Play and youth work"}},
}

// lifeDomains are the domains of the Zelfredzaamheid-Matrix (ZRM), each
// scored 1 (acute problems) to 5 (fully self-reliant).
var lifeDomains = []Term{
	{"finances", Label{"Financiën", "Finances"}},
	{"work_education", Label{"Werk en opleiding", "Work and education"}},
	{"time_use", Label{"Tijdsbesteding", "Time use"}},
	{"housing", Label{"Huisvesting", "Housing"}},
	{"domestic_relations", Label{"Huiselijke relaties", "Domestic relations"}},
	{"mental_health", Label{"Geestelijke gezondheid", "Mental health"}},
	{"physical_health", Label{"Lichamelijke gezondheid", "Physical health"}},
	{"addiction", Label{"Verslaving", "Addiction"}},
	{"daily_living", Label{"Activiteiten van het dagelijks leven", "Activities of daily living"}},
	{"social_network", Label{"Sociaal netwerk", "Social network"}},
	{"community_participation", Label{"Maatschappelijke participatie", "Community participation"}},
	{"justice", Label{"Justitie", "Justice"}},
}

var targetGroups = []Term{
	{"everyone", Label{"Iedereen", "Everyone"}},
	{"children", Label{"Kinderen", "Children"}},
	{"youth", Label{"Jongeren", "Young people"}},
	{"adults", Label{"Volwassenen", "Adults"}},
	{"seniors", Label{"Ouderen", "Older people"}},
	{"families", Label{"Gezinnen", "Families"}},
	{"carers", Label{"Mantelzorgers", "Informal carers"}},
	{"disability", Label{"Mensen met een beperking", "People with a disability"}},
	{"newcomers", Label{"Nieuwkomers", "Newcomers"}},
	{"lonely", Label{"Mensen die zich eenzaam voelen", "People who feel lonely"}},
}

var mobilities = []Term{
	{"independent", Label{"Zelfstandig mobiel", "Gets around independently"}},
	{"walking_aid", Label{"Met rollator of stok", "Uses a walking aid"}},
	{"wheelchair", Label{"Rolstoel", "Wheelchair"}},
	{"needs_transport", Label{"Heeft vervoer nodig", "Needs transport"}},
	{"homebound", Label{"Komt niet buiten de deur", "Homebound"}},
}

var urgencies = []Term{
	{"low", Label{"Laag", "Low"}},
	{"normal", Label{"Normaal", "Normal"}},
	{"high", Label{"Hoog", "High"}},
	{"crisis", Label{"Crisis", "Crisis"}},
}

// LadderLevel is a rung of the escalation ladder: cheaper and closer first.
type LadderLevel int

// The escalation ladder. Options in dichtbij sit on levels 1 and 2; level 4
// is what the zero-line search tries to avoid.
const (
	LevelOwnStrength  LadderLevel = iota // own strength and own network
	LevelInformal                        // volunteers, neighbours, citizen initiatives
	LevelCollective                      // collective and general provisions, activities
	LevelLightSupport                    // light support by the social team
	LevelSpecialist                      // specialist care (maatwerk, second line)
)

var ladder = []Term{
	{"own_strength", Label{"Eigen kracht en netwerk", "Own strength and network"}},
	{"informal", Label{"Informele hulp", "Informal help"}},
	{"collective", Label{"Collectieve en algemene voorzieningen", "Collective and general provisions"}},
	{"light_support", Label{"Lichte ondersteuning door het sociaal team", "Light support by the social team"}},
	{"specialist", Label{"Specialistische zorg (maatwerk)", "Specialist care"}},
}

// Code returns the level's stable code, e.g. "informal".
func (l LadderLevel) Code() string {
	if l < 0 || int(l) >= len(ladder) {
		return ""
	}
	return ladder[l].Code
}

// Taxonomy is every code list served to clients at /api/v1/taxonomy.
type Taxonomy struct {
	HelpTypes    []Term `json:"help_types"`
	LifeDomains  []Term `json:"life_domains"`
	TargetGroups []Term `json:"target_groups"`
	Mobility     []Term `json:"mobility"`
	Urgency      []Term `json:"urgency"`
	Ladder       []Term `json:"ladder"`
	Weekdays     []Term `json:"weekdays"`
}

// Codes returns a copy of every code list, safe to hand out.
func Codes() Taxonomy {
	cp := func(t []Term) []Term { return append([]Term(nil), t...) }
	return Taxonomy{cp(helpTypes), cp(lifeDomains), cp(targetGroups), cp(mobilities), cp(urgencies), cp(ladder), cp(weekdays)}
}

func hasCode(list []Term, code string) bool {
	for _, t := range list {
		if t.Code == code {
			return true
		}
	}
	return false
}

func codesOf(list []Term) []string {
	out := make([]string, len(list))
	for i, t := range list {
		out[i] = t.Code
	}
	return out
}

// IsHelpType reports whether code is in the help-type taxonomy.
func IsHelpType(code string) bool { return hasCode(helpTypes, code) }

// IsTargetGroup reports whether code is a known target group.
func IsTargetGroup(code string) bool { return hasCode(targetGroups, code) }

// IsUrgency reports whether code is a known urgency.
func IsUrgency(code string) bool { return hasCode(urgencies, code) }

// IsLifeDomain reports whether code is a ZRM life domain.
func IsLifeDomain(code string) bool { return hasCode(lifeDomains, code) }
