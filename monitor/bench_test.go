package monitor

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// largeMunicipality fills an index as the benchmark asks: one
// municipality with 100,000 requests and 20,000 options, plus 1.5
// referrals per request and a specialist referral for about 1 in 8, spread
// over 30 districts of 10 neighbourhoods and two years.
func largeMunicipality() (*Index, []Request, []Referral, []Specialist, []Option) {
	rng := rand.New(rand.NewPCG(1, 2))
	helpTypes := care.Codes().HelpTypes
	area := func() (string, string) {
		d := rng.IntN(30)
		return fmt.Sprintf("WK0001%02d", d), fmt.Sprintf("BU0001%02d%02d", d, rng.IntN(10))
	}
	start := now.AddDate(-2, 0, 0)
	at := func(base time.Time, maxDays int) time.Time {
		return base.Add(time.Duration(rng.IntN(maxDays*24)) * time.Hour)
	}
	var (
		reqs  []Request
		refs  []Referral
		specs []Specialist
		opts  []Option
	)
	for i := range 20_000 {
		d, n := area()
		kind := []string{KindVolunteer, KindVolunteer, KindVolunteer, KindInitiative, KindProvision, KindActivity}[rng.IntN(6)]
		o := Option{ID: fmt.Sprint("o", i), Kind: kind, Municipality: "GM0001", District: d, Neighbourhood: n, Active: rng.IntN(10) != 0,
			CreatedAt: at(start, 700), HelpTypes: []string{helpTypes[rng.IntN(len(helpTypes))].Code, helpTypes[rng.IntN(len(helpTypes))].Code}, Capacity: 1 + rng.IntN(4)}
		if kind == KindActivity {
			o.Occurrences = map[int32]int32{}
			for m := MonthIndex(start); m <= MonthIndex(now); m++ {
				o.Occurrences[m] = 4
			}
		}
		opts = append(opts, o)
	}
	for i := range 100_000 {
		d, n := area()
		created := at(start, 720)
		r := Request{ID: fmt.Sprint("r", i), Municipality: "GM0001", District: d, Neighbourhood: n, Consent: rng.IntN(10) != 0, CreatedAt: created,
			Needs: []string{helpTypes[rng.IntN(len(helpTypes))].Code}, Status: care.ReqInProgress,
			Domains: []Domain{{Code: "finances", Intake: int8(1 + rng.IntN(3))}, {Code: "housing", Intake: int8(1 + rng.IntN(3))}}}
		r.FirstContactAt = created.Add(time.Duration(rng.IntN(14*24)) * time.Hour)
		if rng.IntN(3) > 0 {
			r.Status, r.ClosedAt = care.ReqClosed, created.Add(time.Duration(rng.IntN(90*24))*time.Hour)
			r.Closure = []string{care.ClosureResolvedLocally, care.ClosureResolvedLocally, care.ClosureResolvedLocally, care.ClosureWithdrawn, care.ClosureSpecialist}[rng.IntN(5)]
			for j := range r.Domains {
				r.Domains[j].Closure = min(5, r.Domains[j].Intake+int8(rng.IntN(3)))
			}
		}
		if rng.IntN(8) == 0 {
			r.Gaps = []Gap{{Need: r.Needs[0], Reason: "none_in_reach"}}
		}
		if r.Closure == care.ClosureSpecialist {
			s := Specialist{ID: fmt.Sprint("s", i), RequestID: r.ID, Municipality: "GM0001", CreatedAt: r.ClosedAt, Override: rng.IntN(10) == 0}
			if rng.IntN(3) == 0 {
				s.EndedAt = s.CreatedAt.Add(60 * 24 * time.Hour)
			}
			specs = append(specs, s)
		}
		for j := range 1 + rng.IntN(2) {
			o := opts[rng.IntN(len(opts))]
			refs = append(refs, Referral{ID: fmt.Sprint("f", i, "-", j), RequestID: r.ID, Municipality: "GM0001", OptionID: o.ID, OptionKind: o.Kind,
				Need: r.Needs[0], CreatedAt: created.Add(time.Hour), State: care.RefStarted, Accepted: true, Started: true, Completed: rng.IntN(2) == 0})
		}
		reqs = append(reqs, r)
	}
	x := NewIndex()
	fill(x, reqs, refs, specs, opts)
	return x, reqs, refs, specs, opts
}

func fill(x *Index, reqs []Request, refs []Referral, specs []Specialist, opts []Option) {
	for _, r := range reqs {
		x.PutRequest(r)
	}
	for _, r := range refs {
		x.PutReferral(r)
	}
	for _, s := range specs {
		x.PutSpecialist(s)
	}
	for _, o := range opts {
		x.PutOption(o)
	}
}

// BenchmarkIndicators computes a year's indicators per district for the
// large municipality from the index, as every dashboard call does.
// BenchmarkIndicatorsRebuild is the baseline of the same run: building
// the index from its facts before computing, the least a recomputation
// from records must do even before reading them from a store.
func BenchmarkIndicators(b *testing.B) {
	x, _, _, _, _ := largeMunicipality()
	for _, level := range []string{LevelMunicipality, LevelDistrict, LevelNeighbourhood} {
		b.Run(level, func(b *testing.B) {
			q := year()
			q.Level = level
			q.Units = nil
			q.Prices = &care.UnitPrices{SpecialistTrajectoryEUR: 4000}
			for b.Loop() {
				x.Compute(q)
			}
		})
	}
}

func BenchmarkIndicatorsRebuild(b *testing.B) {
	_, reqs, refs, specs, opts := largeMunicipality()
	q := year()
	for b.Loop() {
		x := NewIndex()
		fill(x, reqs, refs, specs, opts)
		x.Compute(q)
	}
}

// BenchmarkPutRequest is the cost of keeping the index current: one
// request's fact replaced in the large municipality.
func BenchmarkPutRequest(b *testing.B) {
	x, reqs, _, _, _ := largeMunicipality()
	i := 0
	for b.Loop() {
		r := reqs[i%len(reqs)]
		r.Version = int64(i + 2)
		x.PutRequest(r)
		i++
	}
}
