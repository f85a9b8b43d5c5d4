package fromcare

import (
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/matching"
)

// SearchNeeds is res as a request's search keeps it: per need, the
// options proposed and whether and why the need is covered.
func SearchNeeds(res matching.Result) []care.SearchNeed {
	var needs []care.SearchNeed
	for _, n := range res.Needs {
		sn := care.SearchNeed{Need: n.Need, OptionIDs: []string{}, Covered: n.Coverage.Covered, Reason: n.Coverage.Reason, Detail: n.Coverage.Detail}
		for _, o := range n.Options {
			sn.OptionIDs = append(sn.OptionIDs, o.OptionID)
		}
		needs = append(needs, sn)
	}
	return needs
}

// Shown lists every option res proposes, need by need.
func Shown(res matching.Result) []matching.Candidate {
	var shown []matching.Candidate
	for _, n := range res.Needs {
		shown = append(shown, n.Options...)
	}
	return shown
}

// Volunteers are the volunteers among cs, once each, as the meta of
// their offers: a volunteer's name and offer are personal data, and
// their owner may see who was shown them.
func Volunteers(cs []matching.Candidate) []care.Meta {
	seen := map[string]bool{}
	var metas []care.Meta
	for _, cd := range cs {
		if cd.Kind != matching.KindVolunteer.String() || seen[cd.OptionID] {
			continue
		}
		seen[cd.OptionID] = true
		metas = append(metas, care.Meta{ID: cd.OptionID, Municipality: cd.Municipality, OwnerID: cd.OwnerID})
	}
	return metas
}
