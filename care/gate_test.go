package care_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// TestGate: before specialist care, a zero-line search must have run
// since the needs last changed, and every need of the referral must have
// a reason with a code and text; a safety override opens the gate alone.
func TestGate(t *testing.T) {
	t.Parallel()
	changed := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	searched := func(at time.Time) care.Request {
		return care.Request{Meta: care.Meta{ID: "r1"}, NeedsChangedAt: changed, LastSearch: &care.SearchRef{ID: "s1", At: at}}
	}
	reason := func(need string) care.GateReason {
		return care.GateReason{Need: need, Code: "all_declined", Text: "Three volunteers declined."}
	}
	both := care.SpecialistFields{Needs: []string{"household_admin", "transport"}, Reasons: []care.GateReason{reason("household_admin"), reason("transport")}}
	with := func(f func(*care.SpecialistFields)) care.SpecialistFields {
		x := both
		x.Needs, x.Reasons = slices.Clone(both.Needs), slices.Clone(both.Reasons)
		f(&x)
		return x
	}
	override := &care.SafetyOverride{Reason: "Resident is not safe at home."}
	for _, tc := range []struct {
		name string
		req  care.Request
		f    care.SpecialistFields
		want []string // fields of the missing items; none: the gate is open
		why  string   // part of the reason for want[0]
	}{
		{"searched after the change, all reasons", searched(changed.Add(time.Hour)), both, nil, ""},
		{"searched at the instant of the change", searched(changed), both, nil, ""},
		{"never searched", care.Request{Meta: care.Meta{ID: "r1"}, NeedsChangedAt: changed}, both, fields("search"), "POST /api/v1/requests/r1/matches"},
		{"searched before the needs changed", searched(changed.Add(-time.Second)), both, fields("search"), "older than the last change of the needs"},
		{"searched long before, no needs change recorded", care.Request{LastSearch: &care.SearchRef{At: changed}}, both, nil, ""},
		{"one reason missing", searched(changed), with(func(f *care.SpecialistFields) { f.Reasons = f.Reasons[:1] }), fields("reasons[transport]"), "transport"},
		{"no reasons", searched(changed), with(func(f *care.SpecialistFields) { f.Reasons = nil }), fields("reasons[household_admin]", "reasons[transport]"), "no_option_within_reach"},
		{"reason without code", searched(changed), with(func(f *care.SpecialistFields) { f.Reasons[0].Code = "" }), fields("reasons[household_admin]"), ""},
		{"reason without text", searched(changed), with(func(f *care.SpecialistFields) { f.Reasons[1].Text = "" }), fields("reasons[transport]"), ""},
		{"reason for another need", searched(changed), with(func(f *care.SpecialistFields) { f.Reasons[1].Need = "meals" }), fields("reasons[transport]"), ""},
		{"extra reason for a need not referred", searched(changed), with(func(f *care.SpecialistFields) { f.Reasons = append(f.Reasons, reason("meals")) }), nil, ""},
		{"need given twice, one complete", searched(changed), with(func(f *care.SpecialistFields) {
			f.Reasons = append([]care.GateReason{{Need: "transport", Code: "all_full"}}, f.Reasons...)
		}), nil, ""},
		{"never searched and no reasons", care.Request{}, with(func(f *care.SpecialistFields) { f.Reasons = nil }),
			fields("search", "reasons[household_admin]", "reasons[transport]"), "zero-line search"},
		{"override, never searched, no reasons", care.Request{}, with(func(f *care.SpecialistFields) { f.Reasons, f.Override = nil, override }), nil, ""},
		{"override, stale search", searched(changed.Add(-time.Hour)), with(func(f *care.SpecialistFields) { f.Override = override }), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := care.Gate(tc.req, tc.f)
			var err error
			if len(got) > 0 {
				err = &care.ValidationError{Problems: got}
			}
			wantProblems(t, "Gate("+tc.name+")", err, tc.want, tc.why)
		})
	}
}

// TestGateNamesTimes: a stale search is refused with both times, so the
// worker sees what changed.
func TestGateNamesTimes(t *testing.T) {
	t.Parallel()
	req := care.Request{NeedsChangedAt: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC), LastSearch: &care.SearchRef{At: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)}}
	got := care.Gate(req, care.SpecialistFields{Needs: []string{"meals"}, Reasons: []care.GateReason{{Need: "meals", Code: "all_full", Text: "x"}}})
	if len(got) != 1 || !strings.Contains(got[0].Reason, "2026-05-01T08:00:00Z") || !strings.Contains(got[0].Reason, "2026-05-04T09:00:00Z") {
		t.Errorf("Gate(stale search) = %+v; want one problem naming 2026-05-01T08:00:00Z and 2026-05-04T09:00:00Z", got)
	}
}
