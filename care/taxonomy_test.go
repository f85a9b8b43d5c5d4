package care_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// The code lists, written out: codes are stored in records and sent over
// the API, so a code is never renamed or dropped (new ones are added).
var (
	allHelpTypes = []string{"groceries", "transport", "companionship", "odd_jobs", "garden", "household_admin",
		"language_buddy", "digital_help", "meals", "day_activities", "meeting_place", "exercise", "parenting_support",
		"respite_care", "debt_buddy", "walking_buddy", "light_housekeeping", "pet_care", "homework_help", "play_and_youth"}
	allLifeDomains = []string{"finances", "work_education", "time_use", "housing", "domestic_relations", "mental_health",
		"physical_health", "addiction", "daily_living", "social_network", "community_participation", "justice"}
	allTargetGroups = []string{"everyone", "children", "youth", "adults", "seniors", "families", "carers", "disability", "newcomers", "lonely"}
	allMobilities   = []string{"independent", "walking_aid", "wheelchair", "needs_transport", "homebound"}
	allUrgencies    = []string{"low", "normal", "high", "crisis"}
	allLadder       = []string{"own_strength", "informal", "collective", "light_support", "specialist"}
	allWeekdays     = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)

func codes(terms []care.Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Code
	}
	return out
}

// TestCodes: every list holds exactly the known codes, in order, and
// every term has both labels.
func TestCodes(t *testing.T) {
	t.Parallel()
	tx := care.Codes()
	for _, tc := range []struct {
		name  string
		terms []care.Term
		want  []string
	}{
		{"help_types", tx.HelpTypes, allHelpTypes},
		{"life_domains", tx.LifeDomains, allLifeDomains},
		{"target_groups", tx.TargetGroups, allTargetGroups},
		{"mobility", tx.Mobility, allMobilities},
		{"urgency", tx.Urgency, allUrgencies},
		{"ladder", tx.Ladder, allLadder},
		{"weekdays", tx.Weekdays, allWeekdays},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := codes(tc.terms); !slices.Equal(got, tc.want) {
				t.Errorf("Codes().%s = %q; want %q", tc.name, got, tc.want)
			}
			for _, term := range tc.terms {
				if term.Label.NL == "" || term.Label.EN == "" {
					t.Errorf("Codes().%s term %q has label %+v; want both languages", tc.name, term.Code, term.Label)
				}
			}
		})
	}
}

// TestCodesIsACopy: changing what Codes returns changes neither a later
// answer nor validation.
func TestCodesIsACopy(t *testing.T) {
	t.Parallel()
	tx := care.Codes()
	tx.HelpTypes[0] = care.Term{Code: "hacked"}
	tx.Urgency[0].Code = "hacked"
	if got := care.Codes().HelpTypes[0].Code; got != "groceries" {
		t.Errorf("Codes().HelpTypes[0] after changing an earlier copy = %q; want groceries", got)
	}
	if !care.IsHelpType("groceries") || care.IsHelpType("hacked") {
		t.Error("changing a copy from Codes changed IsHelpType")
	}
	if !care.IsUrgency("low") || care.IsUrgency("hacked") {
		t.Error("changing a copy from Codes changed IsUrgency")
	}
}

func TestIsCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fn   string
		is   func(string) bool
		in   string
		want bool
	}{
		{"IsHelpType", care.IsHelpType, "garden", true},
		{"IsHelpType", care.IsHelpType, "play_and_youth", true},
		{"IsHelpType", care.IsHelpType, "Garden", false},
		{"IsHelpType", care.IsHelpType, "", false},
		{"IsHelpType", care.IsHelpType, "housing", false}, // a life domain
		{"IsTargetGroup", care.IsTargetGroup, "everyone", true},
		{"IsTargetGroup", care.IsTargetGroup, "lonely", true},
		{"IsTargetGroup", care.IsTargetGroup, "students", false},
		{"IsTargetGroup", care.IsTargetGroup, "", false},
		{"IsUrgency", care.IsUrgency, "crisis", true},
		{"IsUrgency", care.IsUrgency, "low", true},
		{"IsUrgency", care.IsUrgency, "urgent", false},
		{"IsUrgency", care.IsUrgency, "", false},
		{"IsLifeDomain", care.IsLifeDomain, "finances", true},
		{"IsLifeDomain", care.IsLifeDomain, "justice", true},
		{"IsLifeDomain", care.IsLifeDomain, "garden", false},
		{"IsLifeDomain", care.IsLifeDomain, "", false},
	} {
		t.Run(tc.fn+"/"+tc.in, func(t *testing.T) {
			t.Parallel()
			if got := tc.is(tc.in); got != tc.want {
				t.Errorf("%s(%q) = %v; want %v", tc.fn, tc.in, got, tc.want)
			}
		})
	}
}

func TestLadderLevelCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level care.LadderLevel
		want  string
	}{
		{care.LevelOwnStrength, "own_strength"},
		{care.LevelInformal, "informal"},
		{care.LevelCollective, "collective"},
		{care.LevelLightSupport, "light_support"},
		{care.LevelSpecialist, "specialist"},
		{-1, ""},
		{5, ""},
		{100, ""},
	} {
		t.Run(fmt.Sprint(int(tc.level)), func(t *testing.T) {
			t.Parallel()
			if got := tc.level.Code(); got != tc.want {
				t.Errorf("LadderLevel(%d).Code() = %q; want %q", tc.level, got, tc.want)
			}
		})
	}
	if care.LevelOwnStrength != 0 || care.LevelSpecialist != 4 {
		t.Errorf("ladder levels run %d..%d; want 0..4 (stored and compared as numbers)", care.LevelOwnStrength, care.LevelSpecialist)
	}
}
