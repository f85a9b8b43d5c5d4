package matching

import (
	"time"

	"github.com/paulmach/orb"
)

// Kind is what sort of option something is.
type Kind uint8

// The four kinds of zero-line option.
const (
	KindVolunteer Kind = iota
	KindInitiative
	KindProvision
	KindActivity
)

var kindCodes = []string{"volunteer", "initiative", "provision", "activity"}

// String returns the kind's code, e.g. "volunteer".
func (k Kind) String() string {
	if int(k) < len(kindCodes) {
		return kindCodes[k]
	}
	return "unknown"
}

// ParseKind reads a kind's code.
func ParseKind(s string) (Kind, bool) {
	for i, c := range kindCodes {
		if c == s {
			return Kind(i), true
		}
	}
	return 0, false
}

// Level is a rung of the escalation ladder; lower is cheaper and closer.
// The numbering is that of care's ladder taxonomy (0 own strength … 4
// specialist care); a server test keeps the two in step.
type Level int

// The ladder levels that options sit on.
const (
	LevelInformal   Level = 1 // volunteers, neighbours, citizen initiatives
	LevelCollective Level = 2 // collective and general provisions, activities
)

// Level returns the ladder level of options of this kind.
func (k Kind) Level() Level {
	if k == KindVolunteer || k == KindInitiative {
		return LevelInformal
	}
	return LevelCollective
}

// Option is one zero-line option as the engine sees it. Locations are
// WGS84 lon/lat; the engine projects them.
type Option struct {
	ID   string
	Kind Kind
	Name string
	// Location is where the option is: a volunteer's coarse home, an
	// initiative's service-area centre, a provision's or activity's place.
	Location  orb.Point
	HelpTypes []string
	Active    bool
	// Capacity is how many residents at once (volunteers, initiatives) or
	// per occurrence (activities); 0 for provisions, which are open to all.
	Capacity int
	// Used is how many of Capacity are taken now.
	Used int
	// TravelM is how far a volunteer goes to help at home, in metres.
	TravelM float64
	// ServiceRadiusM or ServiceArea (lon/lat) bound where an initiative helps.
	ServiceRadiusM float64
	ServiceArea    orb.Polygon
	// Week is when the option is available (volunteers' slots, provisions'
	// opening hours); empty means unknown, which never excludes an option.
	// For activities the engine derives it from Occurrences.
	Week Week
	// Occurrences are an activity's upcoming starts; SpotsTaken counts the
	// sign-ups per occurrence start (Unix seconds).
	Occurrences []time.Time
	Duration    time.Duration
	SpotsTaken  map[int64]int
	// Languages spoken (volunteers); empty means not stated.
	Languages []string
	// TargetGroups (codes) the option is for; empty or "everyone" means all.
	TargetGroups   []string
	AgeMin, AgeMax int // 0 means no bound
	// WheelchairAccess is known true for places that state it.
	WheelchairAccess bool
	Municipality     string
	// Owner is the account whose personal data a volunteer's offer is;
	// searches hand it on (Candidate.OwnerID) so that the access log can
	// name whom a search showed.
	Owner string
}

// Request is what a resident needs, as the engine sees it.
type Request struct {
	ID string
	// Location is the resident's coarse location, lon/lat.
	Location     orb.Point
	Needs        []string
	MaxDistanceM float64
	// Windows is when the resident can; empty means any time.
	Windows      Week
	Languages    []string
	Mobility     string
	TargetGroups []string
	Age          int // 0 means not stated
	// Municipality, when set, keeps volunteers of other municipalities out
	// of the results and the diagnosis: a volunteer's offer is personal
	// data of their own municipality. Collective options across the
	// border stay, since a resident near it may use them.
	Municipality string
}
