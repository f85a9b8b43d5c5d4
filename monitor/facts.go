// Package monitor computes dichtbij's neighbourhood indicators (supply,
// demand, gaps, results, timeliness, outcomes and avoided costs) per area
// and period, from compact facts it keeps in memory.
//
// The embedded store scans a whole collection for every query that is not
// by _id, so recomputing from the store on each call would read every
// request of a municipality each time. Instead the server feeds the Index
// one fact per record as records are written (and from the change log for
// other processes' writes), and Compute walks those facts. A fact holds
// only what the indicators need: codes, states, times and scores, never a
// name, text or location.
package monitor

import (
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// Request is what the indicators need of a support request.
type Request struct {
	ID, Municipality        string
	District, Neighbourhood string
	Version                 int64
	// Consent is whether the resident agreed to anonymous monitoring;
	// requests without it are only counted as "without consent".
	Consent   bool
	CreatedAt time.Time
	Needs     []string
	Domains   []Domain
	Status    string
	Closure   string
	// ClosedAt is when the request last closed; zero while it is open.
	ClosedAt                  time.Time
	FirstContactAt, MatchedAt time.Time
	// SearchID is the latest zero-line search, and Gaps the needs it
	// found no option for.
	SearchID string
	Gaps     []Gap

	// positions of Needs, Domains and Gaps in the code lists, set when
	// the fact is put into an index, so Compute counts into arrays
	needIdx, gapNeedIdx, gapReasonIdx []int8
	// set by the index: see Index
	districtID, hoodID int32
	gone               bool
}

func (r *Request) prepare() {
	r.needIdx = positions(helpTypes, r.Needs)
	r.gapNeedIdx, r.gapReasonIdx = r.gapNeedIdx[:0], r.gapReasonIdx[:0]
	for _, g := range r.Gaps {
		r.gapNeedIdx = append(r.gapNeedIdx, position(helpTypes, g.Need))
		r.gapReasonIdx = append(r.gapReasonIdx, position(gapReasons, g.Reason))
	}
	for i := range r.Domains {
		r.Domains[i].idx = position(lifeDomains, r.Domains[i].Code)
	}
}

// Domain is a ZRM life domain's score at intake and closure, 0 when not
// scored.
type Domain struct {
	Code            string
	Intake, Closure int8
	idx             int8 // position in lifeDomains
}

// Gap is a need a search found no option for, and why.
type Gap struct{ Need, Reason string }

// Referral is what the indicators need of a referral.
type Referral struct {
	ID, RequestID, Municipality string
	OptionID, OptionKind, Need  string
	Version                     int64
	CreatedAt                   time.Time
	State                       string
	// The states the referral ever entered.
	Accepted, Declined, Expired, Started, Completed, Ended bool
	NoShows                                                []time.Time
	OccurrenceAt                                           time.Time

	// set by the index: the slots of its request and option when it was
	// filed (-1 for none), see Index
	reqSlot, optSlot int32
	gone             bool
}

// Specialist is what the indicators need of a specialist referral.
type Specialist struct {
	ID, RequestID, Municipality string
	Version                     int64
	CreatedAt                   time.Time
	Override                    bool
	// EndedAt is the step-down back to the neighbourhood; zero while the
	// specialist care goes on.
	EndedAt time.Time

	reqSlot int32 // its request's slot when it was filed, see Index
	gone    bool
}

// Option is what the indicators need of a zero-line option.
type Option struct {
	ID, Kind, Municipality  string
	District, Neighbourhood string
	Version                 int64
	CreatedAt               time.Time
	Active                  bool
	HelpTypes               []string
	// Capacity is how many residents it takes at once (volunteers,
	// initiatives) or per occurrence (activities); 0 for provisions,
	// which have no places.
	Capacity int
	// Occurrences counts an activity's occurrences per month (see
	// MonthIndex) in the window Occurrences was computed for.
	Occurrences map[int32]int32

	helpIdx []int8
	kindIdx int8
	// set by the index: see Index
	districtID, hoodID int32
	gone               bool
}

func (o *Option) prepare() {
	o.helpIdx = positions(helpTypes, o.HelpTypes)
	o.kindIdx = position(kinds, o.Kind)
}

// Option kinds, as the matching engine names them.
const (
	KindVolunteer  = "volunteer"
	KindInitiative = "initiative"
	KindProvision  = "provision"
	KindActivity   = "activity"
)

// informal reports whether options of kind sit on the ladder's informal
// rung (volunteers and citizen initiatives); the rest are collective.
func informal(kind string) bool { return kind == KindVolunteer || kind == KindInitiative }

// Amsterdam is the time zone months are counted in.
var amsterdam = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// MonthIndex numbers the month t falls in, in Dutch time, as year*12 +
// month - 1.
func MonthIndex(t time.Time) int32 {
	t = t.In(amsterdam)
	return int32(t.Year()*12 + int(t.Month()) - 1)
}

// MonthStart returns the first instant of month index m, in Dutch time.
func MonthStart(m int32) time.Time {
	return time.Date(int(m/12), time.Month(m%12+1), 1, 0, 0, 0, 0, amsterdam)
}

// FromRequest makes a request's fact; search is its latest search, or nil
// when it has none or it could not be read.
func FromRequest(r care.Request, search *care.Search) Request {
	f := fromRequest(r)
	if search != nil && search.ID == f.SearchID {
		for _, n := range search.Needs {
			if !n.Covered {
				f.Gaps = append(f.Gaps, Gap{Need: n.Need, Reason: n.Reason})
			}
		}
	}
	return f
}

// FromRequestGaps makes a request's fact with the gaps already known of
// its latest search.
func FromRequestGaps(r care.Request, gaps []Gap) Request {
	f := fromRequest(r)
	f.Gaps = slices.Clone(gaps)
	return f
}

func fromRequest(r care.Request) Request {
	f := Request{ID: r.ID, Municipality: r.Municipality, District: r.Area.DistrictCode, Neighbourhood: r.Area.NeighbourhoodCode,
		Version: r.Version, Consent: r.HasConsent(care.ConsentMonitoring), CreatedAt: r.CreatedAt,
		Needs: slices.Clone(r.Needs), Status: r.Status, Closure: r.Closure}
	if f.Municipality == "" {
		f.Municipality = r.Area.MunicipalityCode
	}
	for _, d := range r.LifeDomains {
		f.Domains = append(f.Domains, Domain{Code: d.Domain, Intake: score(d.IntakeScore), Closure: score(d.ClosureScore)})
	}
	if r.Status == care.ReqClosed {
		f.ClosedAt = r.UpdatedAt
		for i := len(r.Steps) - 1; i >= 0; i-- {
			if r.Steps[i].State == care.ReqClosed {
				f.ClosedAt = r.Steps[i].At
				break
			}
		}
	}
	if r.FirstContactAt != nil {
		f.FirstContactAt = *r.FirstContactAt
	}
	if r.MatchedAt != nil {
		f.MatchedAt = *r.MatchedAt
	}
	if r.LastSearch != nil {
		f.SearchID = r.LastSearch.ID
	}
	return f
}

func score(p *int) int8 {
	if p == nil {
		return 0
	}
	return int8(*p)
}

// FromReferral makes a referral's fact.
func FromReferral(r care.Referral) Referral {
	f := Referral{ID: r.ID, RequestID: r.RequestID, Municipality: r.Municipality, OptionID: r.OptionID, OptionKind: r.OptionKind,
		Need: r.Need, Version: r.Version, CreatedAt: r.CreatedAt, State: r.State}
	for _, s := range r.Steps {
		switch s.State {
		case care.RefAccepted:
			f.Accepted = true
		case care.RefDeclined:
			f.Declined = true
		case care.RefExpired:
			f.Expired = true
		case care.RefStarted:
			f.Started = true
		case care.RefCompleted:
			f.Completed = true
		case care.RefEnded:
			f.Ended = true
		}
	}
	for _, n := range r.NoShows {
		f.NoShows = append(f.NoShows, n.At)
	}
	if r.OccurrenceAt != nil {
		f.OccurrenceAt = *r.OccurrenceAt
	}
	return f
}

// FromSpecialist makes a specialist referral's fact.
func FromSpecialist(s care.Specialist) Specialist {
	f := Specialist{ID: s.ID, RequestID: s.RequestID, Municipality: s.Municipality, Version: s.Version, CreatedAt: s.CreatedAt, Override: s.SafetyOverride}
	if s.EndedAt != nil {
		f.EndedAt = *s.EndedAt
	}
	return f
}

func optionFact(kind string, m care.Meta, a care.Area, active bool, helpTypes []string, capacity int) Option {
	mun := m.Municipality
	if mun == "" {
		mun = a.MunicipalityCode
	}
	return Option{ID: m.ID, Kind: kind, Municipality: mun, District: a.DistrictCode, Neighbourhood: a.NeighbourhoodCode,
		Version: m.Version, CreatedAt: m.CreatedAt, Active: active, HelpTypes: slices.Clone(helpTypes), Capacity: capacity}
}

// FromVolunteer makes a volunteer offer's fact.
func FromVolunteer(v care.Volunteer) Option {
	return optionFact(KindVolunteer, v.Meta, v.Area, v.Status != "paused", v.HelpTypes, v.Capacity)
}

// FromInitiative makes an initiative's fact.
func FromInitiative(i care.Initiative) Option {
	return optionFact(KindInitiative, i.Meta, i.Area, i.Active == nil || *i.Active, i.HelpTypes, i.Capacity)
}

// FromProvision makes a provision's fact.
func FromProvision(p care.Provision) Option {
	return optionFact(KindProvision, p.Meta, p.Area, p.Active == nil || *p.Active, p.HelpTypes, 0)
}

// OccurrenceWindow is how far back and ahead of now an activity's
// occurrences are counted per month: periods further back show no
// activity places.
const (
	OccurrenceMonthsBack  = 24
	OccurrenceMonthsAhead = 1
)

// FromActivity makes an activity's fact, counting its occurrences per
// month from OccurrenceMonthsBack months before now's month to
// OccurrenceMonthsAhead after it. A schedule that cannot be expanded
// counts no occurrences.
func FromActivity(a care.Activity, now time.Time) Option {
	f := optionFact(KindActivity, a.Meta, a.Area, a.Active == nil || *a.Active, a.HelpTypes, a.SpotsPerOccurrence)
	if a.Schedule == nil {
		return f
	}
	m := MonthIndex(now)
	times, err := a.Schedule.Occurrences(MonthStart(m-OccurrenceMonthsBack), MonthStart(m+OccurrenceMonthsAhead+1))
	if err != nil {
		return f
	}
	f.Occurrences = map[int32]int32{}
	for _, t := range times {
		f.Occurrences[MonthIndex(t)]++
	}
	return f
}
