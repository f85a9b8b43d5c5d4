package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// activityKind is a kind of recurring activity.
type activityKind struct {
	name, description string
	help              []string // the first is always offered
	groups            []string
	// ageMin and ageMax bound the participants' age; -1 means no bound.
	ageMin, ageMax int
	hours          []int // start hours to choose from, 9–19
	durations      []int // minutes, 60–180
	spots          [2]int
	// fortnightly fixes the rule to every other week.
	fortnightly bool
}

var activityKinds = weighted(
	entry[activityKind]{activityKind{"Koffieochtend", "Binnenlopen voor koffie, thee en een praatje.",
		[]string{"meeting_place", "companionship"}, []string{"everyone"}, -1, -1, []int{9, 10}, []int{90, 120}, [2]int{10, 30}, false}, 14},
	entry[activityKind]{activityKind{"Samen eten", "Een warme maaltijd aan een gedeelde tafel.",
		[]string{"meals", "meeting_place"}, []string{"seniors", "lonely"}, -1, -1, []int{17, 18}, []int{90, 120}, [2]int{10, 30}, false}, 10},
	entry[activityKind]{activityKind{"Taalcafé", "Nederlands oefenen met vrijwilligers.",
		[]string{"language_buddy", "meeting_place"}, []string{"newcomers"}, 16, -1, []int{10, 14, 19}, []int{90, 120}, [2]int{8, 20}, false}, 8},
	entry[activityKind]{activityKind{"Digitaal spreekuur", "Hulp met telefoon, tablet, DigiD en formulieren.",
		[]string{"digital_help", "household_admin"}, []string{"seniors", "adults"}, -1, -1, []int{10, 13, 14}, []int{60, 120}, [2]int{5, 12}, false}, 8},
	entry[activityKind]{activityKind{"Wandelgroep", "Een rustige wandeling door de wijk, daarna koffie.",
		[]string{"walking_buddy", "exercise", "companionship"}, []string{"everyone"}, -1, -1, []int{9, 10, 14}, []int{60, 90}, [2]int{8, 25}, false}, 8},
	entry[activityKind]{activityKind{"Bewegen voor ouderen", "Stoelyoga en lichte oefeningen op muziek.",
		[]string{"exercise", "meeting_place"}, []string{"seniors"}, 55, -1, []int{10, 11, 14}, []int{60}, [2]int{8, 20}, false}, 7},
	entry[activityKind]{activityKind{"Huiswerkklas", "Vrijwilligers helpen met huiswerk en plannen.",
		[]string{"homework_help", "play_and_youth"}, []string{"children", "youth"}, 8, 16, []int{15, 16}, []int{90, 120}, [2]int{8, 20}, false}, 6},
	entry[activityKind]{activityKind{"Kinderclub", "Spelen, knutselen en buiten ravotten.",
		[]string{"play_and_youth"}, []string{"children"}, 4, 12, []int{14, 15}, []int{90, 120}, [2]int{10, 30}, false}, 6},
	entry[activityKind]{activityKind{"Jongereninloop", "Chillen, gamen en praten met jongerenwerkers.",
		[]string{"play_and_youth"}, []string{"youth"}, 12, 18, []int{15, 19}, []int{120, 180}, [2]int{10, 30}, false}, 5},
	entry[activityKind]{activityKind{"Repair Café", "Samen spullen repareren: fietsen, kleding, apparaten.",
		[]string{"odd_jobs", "digital_help", "meeting_place"}, []string{"everyone"}, -1, -1, []int{10, 13}, []int{150, 180}, [2]int{10, 30}, false}, 6},
	entry[activityKind]{activityKind{"Mantelzorgcafé", "Lotgenoten ontmoeten en even op adem komen.",
		[]string{"respite_care", "meeting_place"}, []string{"carers"}, -1, -1, []int{10, 19}, []int{90, 120}, [2]int{6, 15}, false}, 4},
	entry[activityKind]{activityKind{"Formulierenspreekuur", "Hulp bij brieven, toeslagen en betalingsachterstanden.",
		[]string{"household_admin", "debt_buddy"}, []string{"adults"}, 18, -1, []int{9, 13}, []int{120}, [2]int{5, 10}, false}, 5},
	entry[activityKind]{activityKind{"Creatieve middag", "Schilderen, handwerken en samen maken.",
		[]string{"day_activities", "meeting_place"}, []string{"seniors", "disability"}, -1, -1, []int{13, 14}, []int{120, 150}, [2]int{6, 16}, false}, 6},
	entry[activityKind]{activityKind{"Speelkamer", "Kinderen met een beperking spelen samen in een gratis buurtruimte; ouders ontmoeten elkaar.",
		[]string{"play_and_youth", "respite_care"}, []string{"children", "disability"}, 4, 12, []int{10, 14}, []int{120, 180}, [2]int{5, 5}, true}, 2},
	entry[activityKind]{activityKind{"Ouder-kindochtend", "Spelen met de kleintjes en ervaringen delen.",
		[]string{"parenting_support", "play_and_youth"}, []string{"families"}, 0, 4, []int{9, 10}, []int{90, 120}, [2]int{6, 15}, false}, 5},
)

// venues host activities of initiatives and, sometimes, of provisions.
var venues = []string{"Buurthuis", "Wijkcentrum", "Kerkzaal", "Gymzaal", "Speeltuingebouw", "Bibliotheek", "Zorgcentrum"}

// Recurrences, with the RRULE each one writes.
type recurrence int

const (
	weekly recurrence = iota
	fortnightly
	monthly
	once
)

var recurrences = weighted(
	entry[recurrence]{weekly, 55}, entry[recurrence]{fortnightly, 20},
	entry[recurrence]{monthly, 15}, entry[recurrence]{once, 10},
)

// byDay are the RFC 5545 weekday codes in time.Weekday order.
var byDay = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// activityDays: mostly weekdays, some Saturdays, Sunday rarely.
var activityDays = weighted(
	entry[time.Weekday]{time.Monday, 10}, entry[time.Weekday]{time.Tuesday, 12}, entry[time.Weekday]{time.Wednesday, 12},
	entry[time.Weekday]{time.Thursday, 12}, entry[time.Weekday]{time.Friday, 9}, entry[time.Weekday]{time.Saturday, 5},
	entry[time.Weekday]{time.Sunday, 1},
)

func (g *generator) activity(w *worker, i, n int, prov, ini []owner, a *care.Activity) error {
	r := w.r
	var o *owner
	isProvision := len(ini) == 0 || (len(prov) > 0 && chance(r, 2.0/3))
	if isProvision {
		o = &prov[r.IntN(len(prov))]
	} else {
		o = &ini[r.IntN(len(ini))]
	}
	k := activityKinds.pick(r)

	var place care.Place
	placeArea := o.area
	if isProvision && chance(r, 0.8) {
		addr := *o.address
		place = care.Place{Name: o.name, Address: &addr, Location: location(o.at)}
	} else {
		p, pa := g.space.near(r, o.at, o.area, 400)
		placeArea = pa
		place = care.Place{
			Name:     oneOf(r, venues) + " " + oneOf(r, placeNames),
			Address:  address(r, p, pa),
			Location: location(p),
		}
	}

	help := themed(r, k.help)
	if extra := oneOf(r, o.help); len(help) < 3 && !slices.Contains(help, extra) && chance(r, 0.3) {
		help = append(help, extra)
	}
	fa := care.ActivityFields{
		Name:               fmt.Sprintf("%s in %s", k.name, place.Name),
		Description:        k.description,
		HelpTypes:          help,
		Place:              &place,
		Schedule:           g.schedule(r, k),
		SpotsPerOccurrence: between(r, k.spots[0], k.spots[1]),
		TargetGroups:       slices.Clone(k.groups),
		Active:             ptr(true),
	}
	if k.ageMin >= 0 {
		fa.AgeMin = ptr(k.ageMin)
	}
	if k.ageMax >= 0 {
		fa.AgeMax = ptr(k.ageMax)
	}
	if isProvision {
		fa.ProvisionID = o.id
	} else {
		fa.InitiativeID = o.id
	}
	*a = care.Activity{Meta: g.meta(tagActivity, i, n), ActivityFields: fa, Area: care.AreaFrom(placeArea)}
	return nil
}

// schedule returns a schedule whose first occurrence falls in the three
// weeks after Config.Now (monthly ones up to two months after), between
// 09:00 and 19:00 local time.
func (g *generator) schedule(r *rand.Rand, k activityKind) *care.Schedule {
	rec := recurrences.pick(r)
	if k.fortnightly {
		rec = fortnightly
	}
	wd := activityDays.pick(r)
	from := g.local.AddDate(0, 0, between(r, 1, 21))
	y, mo, d := from.Date()
	// Civil dates at noon UTC: adding days never trips over DST.
	date := time.Date(y, mo, d, 12, 0, 0, 0, time.UTC)
	var rule string
	matches := func(t time.Time) bool { return t.Weekday() == wd }
	twice := false
	switch rec {
	case weekly:
		rule = "FREQ=WEEKLY;BYDAY=" + byDay[wd]
		if twice = chance(r, 0.1); twice { // e.g. Tuesday and Thursday
			wd2 := (wd + 2) % 7
			if wd2 == time.Sunday {
				wd2 = time.Monday
			}
			first, second := wd, wd2
			if (first+6)%7 > (second+6)%7 { // in Monday-first order
				first, second = second, first
			}
			rule = "FREQ=WEEKLY;BYDAY=" + byDay[first] + "," + byDay[second]
			matches = func(t time.Time) bool { return t.Weekday() == wd || t.Weekday() == wd2 }
		}
	case fortnightly:
		rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=" + byDay[wd]
	case monthly:
		nth := oneOf(r, []int{1, 1, 2, 3, 4, -1})
		rule = fmt.Sprintf("FREQ=MONTHLY;BYDAY=%d%s", nth, byDay[wd])
		matches = func(t time.Time) bool { return t.Weekday() == wd && nthWeekday(t, nth) }
	}
	for !matches(date) {
		date = date.AddDate(0, 0, 1)
	}
	hour := oneOf(r, k.hours)
	minute := 0
	if hour < 19 && chance(r, 0.3) {
		minute = 30
	}
	at := func(t time.Time) string {
		return time.Date(t.Year(), t.Month(), t.Day(), hour, minute, 0, 0, g.loc).Format(care.LocalTimeLayout)
	}
	s := &care.Schedule{
		Start:           at(date),
		Timezone:        timezone,
		DurationMinutes: oneOf(r, k.durations),
		RRule:           rule,
	}
	if rec == weekly && !twice && chance(r, 0.1) {
		// A holiday: one weekly occurrence is cancelled.
		s.ExDates = []string{at(date.AddDate(0, 0, 7*between(r, 2, 6)))}
	}
	return s
}

// nthWeekday reports whether t is the nth of its weekday in its month;
// -1 means the last.
func nthWeekday(t time.Time, nth int) bool {
	if nth < 0 {
		return t.AddDate(0, 0, 7).Month() != t.Month()
	}
	return (t.Day()-1)/7+1 == nth
}
