package monitor

import "github.com/dichtbij/dichtbij/care"

// The code lists indicators count by. They are fixed (care never renames
// a code), so facts carry positions in them and Compute counts into
// arrays instead of maps: at 100,000 requests the map hashing was most
// of the time.
var (
	helpTypes   = termCodes(care.Codes().HelpTypes)
	lifeDomains = termCodes(care.Codes().LifeDomains)
	// gapReasons are the reasons a search gives for a need without options.
	gapReasons = []string{"none_of_type", "none_in_reach", "all_full", "no_time_overlap", "not_suitable"}
	kinds      = []string{KindVolunteer, KindInitiative, KindProvision, KindActivity}
)

func termCodes(ts []care.Term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

// position returns code's place in list, or -1 for a code not in it
// (never counted).
func position(list []string, code string) int8 {
	for i, c := range list {
		if c == code {
			return int8(i)
		}
	}
	return -1
}

func positions(list, codes []string) []int8 {
	out := make([]int8, len(codes))
	for i, c := range codes {
		out[i] = position(list, c)
	}
	return out
}

// tallyOf counts into a slice by position, skipping unknown codes.
func inc(counts []int, i int8) {
	if i >= 0 {
		counts[i]++
	}
}

// countsOf turns per-position counts into counts keyed by code.
func countsOf(list []string, n []int) map[string]Count {
	out := make(map[string]Count, len(list))
	for i, c := range list {
		out[c] = Count(n[i])
	}
	return out
}
