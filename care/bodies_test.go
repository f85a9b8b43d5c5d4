package care_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// The request bodies whose rules are all declarative go through
// CheckTags; a move and a no-show have a method of their own.

func TestCheckReferralFields(t *testing.T) {
	t.Parallel()
	type r = care.ReferralFields
	valid := func() r {
		return r{Need: "garden", OptionID: hexID, Occurrence: "2026-03-17T17:30", Note: "Prefers mornings.\nHas a dog."}
	}
	rows := []row[r]{
		{name: "valid"},
		{name: "no occurrence or note", edit: func(f *r) { f.Occurrence, f.Note = "", "" }},
		{name: "need missing", edit: func(f *r) { f.Need = "" }, want: fields("need"), why: "is required"},
		{name: "need unknown", edit: func(f *r) { f.Need = "gardening" }, want: fields("need"), why: "help type"},
		{name: "option_id missing", edit: func(f *r) { f.OptionID = "" }, want: fields("option_id"), why: "is required"},
		{name: "option_id 23 digits", edit: func(f *r) { f.OptionID = shortHex }, want: fields("option_id"), why: "(len)"},
		{name: "option_id not hex", edit: func(f *r) { f.OptionID = hexIDBad }, want: fields("option_id"), why: "(hexadecimal)"},
		{name: "occurrence 17 characters", edit: func(f *r) { f.Occurrence = "2026-03-17T17:30Z" }, want: fields("occurrence"), why: "at most 16"},
		{name: "note 2000 characters", edit: func(f *r) { f.Note = strings.Repeat("n", 2000) }},
		{name: "note 2001 characters", edit: func(f *r) { f.Note = strings.Repeat("n", 2001) }, want: fields("note"), why: "at most 2000"},
		{name: "note operator", edit: func(f *r) { f.Note = "$set" }, want: fields("note"), why: "plain text"},
	}
	runRows(t, "CheckTags", valid, checkTags[r], rows)
}

func TestCheckClose(t *testing.T) {
	t.Parallel()
	type c = care.Close
	rows := []row[c]{
		{name: "resolved locally", edit: func(f *c) { f.Closure = care.ClosureResolvedLocally }},
		{name: "withdrawn with a note", edit: func(f *c) { f.Closure, f.Note = care.ClosureWithdrawn, "Moved away.\nThanks." }},
		{name: "closure missing", edit: func(f *c) { f.Closure = "" }, want: fields("closure"), why: "is required"},
		{name: "closure referred_to_specialist (only by a specialist referral)", edit: func(f *c) { f.Closure = care.ClosureSpecialist },
			want: fields("closure"), why: "resolved_locally, withdrawn"},
		{name: "closure unknown", edit: func(f *c) { f.Closure = "solved" }, want: fields("closure"), why: "resolved_locally, withdrawn"},
		{name: "note 2001 characters", edit: func(f *c) { f.Note = strings.Repeat("n", 2001) }, want: fields("note"), why: "at most 2000"},
		{name: "note NUL", edit: func(f *c) { f.Note = "\x00" }, want: fields("note"), why: "plain text"},
	}
	runRows(t, "CheckTags", func() c { return c{Closure: care.ClosureWithdrawn} }, checkTags[c], rows)
}

func TestCheckSettings(t *testing.T) {
	t.Parallel()
	type s = care.SettingsFields
	valid := func() s {
		return s{ContactTargetDays: 7, UnitPrices: &care.UnitPrices{SupportHourEUR: 78.5, SpecialistTrajectoryEUR: 12000, TransportRideEUR: 17,
			SupportHoursPerReferral: 10, RidesPerTransportReferral: 40, Source: "Begroting 2026"}}
	}
	up := func(f func(u *care.UnitPrices)) func(*s) { return func(x *s) { f(x.UnitPrices) } }
	rows := []row[s]{
		{name: "valid"},
		{name: "no unit prices", edit: func(f *s) { f.UnitPrices = nil }},
		{name: "all prices 0", edit: func(f *s) { f.UnitPrices = &care.UnitPrices{} }},
		{name: "contact_target_days 0", edit: func(f *s) { f.ContactTargetDays = 0 }, want: fields("contact_target_days"), why: "is required"},
		{name: "contact_target_days 1", edit: func(f *s) { f.ContactTargetDays = 1 }},
		{name: "contact_target_days 90", edit: func(f *s) { f.ContactTargetDays = 90 }},
		{name: "contact_target_days 91", edit: func(f *s) { f.ContactTargetDays = 91 }, want: fields("contact_target_days"), why: "at most 90"},
		{name: "contact_target_days -1", edit: func(f *s) { f.ContactTargetDays = -1 }, want: fields("contact_target_days"), why: "at least 1"},
		{name: "support_hour_eur negative", edit: up(func(u *care.UnitPrices) { u.SupportHourEUR = -1 }), want: fields("unit_prices.support_hour_eur"), why: "at least 0"},
		{name: "support_hour_eur 1000", edit: up(func(u *care.UnitPrices) { u.SupportHourEUR = 1000 })},
		{name: "support_hour_eur 1000.5", edit: up(func(u *care.UnitPrices) { u.SupportHourEUR = 1000.5 }), want: fields("unit_prices.support_hour_eur"), why: "at most 1000"},
		{name: "specialist_trajectory_eur 1000000", edit: up(func(u *care.UnitPrices) { u.SpecialistTrajectoryEUR = 1e6 })},
		{name: "specialist_trajectory_eur 1000001", edit: up(func(u *care.UnitPrices) { u.SpecialistTrajectoryEUR = 1e6 + 1 }), want: fields("unit_prices.specialist_trajectory_eur"), why: "at most 1000000"},
		{name: "specialist_trajectory_eur negative", edit: up(func(u *care.UnitPrices) { u.SpecialistTrajectoryEUR = -5 }), want: fields("unit_prices.specialist_trajectory_eur"), why: "at least 0"},
		{name: "transport_ride_eur 1001", edit: up(func(u *care.UnitPrices) { u.TransportRideEUR = 1001 }), want: fields("unit_prices.transport_ride_eur"), why: "at most 1000"},
		{name: "transport_ride_eur negative", edit: up(func(u *care.UnitPrices) { u.TransportRideEUR = -0.01 }), want: fields("unit_prices.transport_ride_eur"), why: "at least 0"},
		{name: "support_hours_per_referral 1001", edit: up(func(u *care.UnitPrices) { u.SupportHoursPerReferral = 1001 }), want: fields("unit_prices.support_hours_per_referral"), why: "at most 1000"},
		{name: "support_hours_per_referral negative", edit: up(func(u *care.UnitPrices) { u.SupportHoursPerReferral = -1 }), want: fields("unit_prices.support_hours_per_referral")},
		{name: "rides_per_transport_referral 1001", edit: up(func(u *care.UnitPrices) { u.RidesPerTransportReferral = 1001 }), want: fields("unit_prices.rides_per_transport_referral"), why: "at most 1000"},
		{name: "rides_per_transport_referral negative", edit: up(func(u *care.UnitPrices) { u.RidesPerTransportReferral = -1 }), want: fields("unit_prices.rides_per_transport_referral")},
		{name: "source 300 characters", edit: up(func(u *care.UnitPrices) { u.Source = strings.Repeat("s", 300) })},
		{name: "source 301 characters", edit: up(func(u *care.UnitPrices) { u.Source = strings.Repeat("s", 301) }), want: fields("unit_prices.source"), why: "at most 300"},
		{name: "source two lines", edit: up(func(u *care.UnitPrices) { u.Source = "a\nb" }), want: fields("unit_prices.source"), why: "plain text"},
	}
	runRows(t, "CheckTags", valid, checkTags[s], rows)
}

func TestCheckSpecialistFields(t *testing.T) {
	t.Parallel()
	type s = care.SpecialistFields
	valid := func() s {
		return s{Needs: []string{"household_admin"}, Reasons: []care.GateReason{{Need: "household_admin", Code: "too_complex", Text: "Debts with 14 creditors.\nBailiff involved."}},
			Provider: "Schuldhulp Amsterdam"}
	}
	rows := []row[s]{
		{name: "valid"},
		{name: "override instead of reasons", edit: func(f *s) { f.Reasons, f.Override = nil, &care.SafetyOverride{Reason: "Domestic violence."} }},
		{name: "needs missing", edit: func(f *s) { f.Needs = nil }, want: fields("needs"), why: "is required"},
		{name: "needs empty", edit: func(f *s) { f.Needs = []string{} }, want: fields("needs"), why: "at least 1 items"},
		{name: "needs duplicate", edit: func(f *s) { f.Needs = []string{"meals", "meals"} }, want: fields("needs"), why: "duplicates"},
		{name: "needs unknown", edit: func(f *s) { f.Needs = []string{"therapy"} }, want: fields("needs[0]"), why: "help type"},
		{name: "reasons 21", edit: func(f *s) { f.Reasons = slices.Repeat(f.Reasons, 21) }, want: fields("reasons"), why: "at most 20 items"},
		{name: "reason need missing", edit: func(f *s) { f.Reasons[0].Need = "" }, want: fields("reasons[0].need"), why: "is required"},
		{name: "reason need unknown", edit: func(f *s) { f.Reasons[0].Need = "debts" }, want: fields("reasons[0].need"), why: "help type"},
		{name: "reason code missing", edit: func(f *s) { f.Reasons[0].Code = "" }, want: fields("reasons[0].code"), why: "is required"},
		{name: "reason code unknown", edit: func(f *s) { f.Reasons[0].Code = "too_expensive" }, want: fields("reasons[0].code"),
			why: "no_option_within_reach, all_declined, all_full, safety_risk, too_complex, resident_refuses"},
		{name: "reason text missing", edit: func(f *s) { f.Reasons[0].Text = "" }, want: fields("reasons[0].text"), why: "is required"},
		{name: "reason text 2001 characters", edit: func(f *s) { f.Reasons[0].Text = strings.Repeat("t", 2001) }, want: fields("reasons[0].text"), why: "at most 2000"},
		{name: "reason text operator", edit: func(f *s) { f.Reasons[0].Text = "$t" }, want: fields("reasons[0].text"), why: "plain text"},
		{name: "override without reason", edit: func(f *s) { f.Override = &care.SafetyOverride{} }, want: fields("safety_override.reason"), why: "is required"},
		{name: "override reason 2001 characters", edit: func(f *s) { f.Override = &care.SafetyOverride{Reason: strings.Repeat("r", 2001)} }, want: fields("safety_override.reason"), why: "at most 2000"},
		{name: "provider 200 characters", edit: func(f *s) { f.Provider = strings.Repeat("p", 200) }},
		{name: "provider 201 characters", edit: func(f *s) { f.Provider = strings.Repeat("p", 201) }, want: fields("provider"), why: "at most 200"},
		{name: "provider two lines", edit: func(f *s) { f.Provider = "a\nb" }, want: fields("provider"), why: "plain text"},
	}
	runRows(t, "CheckTags", valid, checkTags[s], rows)
}

// TestGateReasonCodes: the code list in GateReasons is the one the
// validate tag of GateReason.Code accepts.
func TestGateReasonCodes(t *testing.T) {
	t.Parallel()
	want := []string{"no_option_within_reach", "all_declined", "all_full", "safety_risk", "too_complex", "resident_refuses"}
	if !slices.Equal(care.GateReasons, want) {
		t.Errorf("GateReasons = %q; want %q", care.GateReasons, want)
	}
	c := checker(t)
	for _, code := range care.GateReasons {
		r := care.GateReason{Need: "meals", Code: code, Text: "x"}
		if err := c.CheckTags(&r); err != nil {
			t.Errorf("CheckTags(GateReason with code %q) = %v; want no error", code, err)
		}
	}
}

func TestCheckSmallBodies(t *testing.T) {
	t.Parallel()
	runRows(t, "CheckTags", func() care.SpecialistEnd {
		return care.SpecialistEnd{Outcome: "Debts settled.\nBack to the neighbourhood."}
	}, checkTags[care.SpecialistEnd], []row[care.SpecialistEnd]{
		{name: "specialist end valid"},
		{name: "specialist end outcome missing", edit: func(f *care.SpecialistEnd) { f.Outcome = "" }, want: fields("outcome"), why: "is required"},
		{name: "specialist end outcome 2001 characters", edit: func(f *care.SpecialistEnd) { f.Outcome = strings.Repeat("o", 2001) }, want: fields("outcome"), why: "at most 2000"},
		{name: "specialist end outcome control", edit: func(f *care.SpecialistEnd) { f.Outcome = "\x07" }, want: fields("outcome"), why: "plain text"},
	})
	runRows(t, "CheckTags", func() care.FollowUpDone { return care.FollowUpDone{Note: "Going well."} }, checkTags[care.FollowUpDone], []row[care.FollowUpDone]{
		{name: "follow-up done valid"},
		{name: "follow-up done without note", edit: func(f *care.FollowUpDone) { f.Note = "" }},
		{name: "follow-up done note 2001 characters", edit: func(f *care.FollowUpDone) { f.Note = strings.Repeat("n", 2001) }, want: fields("note"), why: "at most 2000"},
		{name: "follow-up done note operator", edit: func(f *care.FollowUpDone) { f.Note = "$x" }, want: fields("note"), why: "plain text"},
	})
}

func TestCheckTeamFields(t *testing.T) {
	t.Parallel()
	type tf = care.TeamFields
	rows := []row[tf]{
		{name: "valid"},
		{name: "no districts", edit: func(f *tf) { f.Districts = nil }},
		{name: "name missing", edit: func(f *tf) { f.Name = "" }, want: fields("name"), why: "is required"},
		{name: "name 100 characters", edit: func(f *tf) { f.Name = strings.Repeat("n", 100) }},
		{name: "name 101 characters", edit: func(f *tf) { f.Name = strings.Repeat("n", 101) }, want: fields("name"), why: "at most 100"},
		{name: "name operator", edit: func(f *tf) { f.Name = "$team" }, want: fields("name"), why: "plain text"},
		{name: "district a municipality code", edit: func(f *tf) { f.Districts = []string{"GM036300"} }, want: fields("districts[0]"), why: "(startswith)"},
		{name: "district too short", edit: func(f *tf) { f.Districts = []string{"WK036300", "WK0363"} }, want: fields("districts[1]"), why: "(len)"},
		{name: "district duplicate", edit: func(f *tf) { f.Districts = []string{"WK036300", "WK036300"} }, want: fields("districts"), why: "duplicates"},
		{name: "districts 201", edit: func(f *tf) { f.Districts = slices.Repeat([]string{"WK036300"}, 201) }, want: fields("districts"), why: "at most 200 items"},
	}
	runRows(t, "CheckTags", func() tf { return tf{Name: "Sociaal team Centrum", Districts: []string{"WK036300", "WK036301"}} }, checkTags[tf], rows)
}

// TestCheckMove: a move names a state other than proposed; declining and
// ending need a reason, completing an outcome.
func TestCheckMove(t *testing.T) {
	t.Parallel()
	type m = care.Move
	rows := []row[m]{
		{name: "accepted", edit: func(x *m) { x.To = care.RefAccepted }},
		{name: "waitlisted", edit: func(x *m) { x.To = care.RefWaitlisted }},
		{name: "expired", edit: func(x *m) { x.To = care.RefExpired }},
		{name: "started", edit: func(x *m) { x.To = care.RefStarted }},
		{name: "declined with reason", edit: func(x *m) { x.To, x.Reason = care.RefDeclined, "No time this month." }},
		{name: "ended with reason", edit: func(x *m) { x.To, x.Reason = care.RefEnded, "Moved away." }},
		{name: "completed with outcome", edit: func(x *m) { x.To, x.Outcome = care.RefCompleted, "Garden tidy.\nWill keep visiting." }},
		{name: "to missing", edit: func(x *m) { x.To = "" }, want: fields("to"), why: "is required"},
		{name: "to proposed", edit: func(x *m) { x.To = care.RefProposed }, want: fields("to"), why: "accepted, declined, expired, waitlisted, started, completed, ended"},
		{name: "to unknown", edit: func(x *m) { x.To = "cancelled" }, want: fields("to"), why: "must be one of"},
		{name: "to in capitals", edit: func(x *m) { x.To = "ACCEPTED" }, want: fields("to")},
		{name: "declined without reason", edit: func(x *m) { x.To = care.RefDeclined }, want: fields("reason"), why: "is required when the referral is declined"},
		{name: "ended without reason", edit: func(x *m) { x.To = care.RefEnded }, want: fields("reason"), why: "is required when the referral is ended"},
		{name: "ended with only an outcome", edit: func(x *m) { x.To, x.Outcome = care.RefEnded, "Stopped." }, want: fields("reason")},
		{name: "completed without outcome", edit: func(x *m) { x.To = care.RefCompleted }, want: fields("outcome"), why: "is required when the referral is completed"},
		{name: "completed with only a reason", edit: func(x *m) { x.To, x.Reason = care.RefCompleted, "Done." }, want: fields("outcome")},
		{name: "reason 2001 characters", edit: func(x *m) { x.To, x.Reason = care.RefDeclined, strings.Repeat("r", 2001) }, want: fields("reason"), why: "at most 2000"},
		{name: "reason operator", edit: func(x *m) { x.To, x.Reason = care.RefEnded, "$r" }, want: fields("reason"), why: "plain text"},
		{name: "outcome 2001 characters", edit: func(x *m) { x.To, x.Outcome = care.RefCompleted, strings.Repeat("o", 2001) }, want: fields("outcome"), why: "at most 2000"},
		{name: "outcome NUL", edit: func(x *m) { x.To, x.Outcome = care.RefCompleted, "\x00" }, want: fields("outcome"), why: "plain text"},
	}
	runRows(t, "CheckMove", func() m { return m{} }, func(c *care.Checker, x *m) error { return c.CheckMove(x) }, rows)
}

// TestCheckNoShow: a no-show is an RFC 3339 time with an offset, not
// after now, returned in UTC.
func TestCheckNoShow(t *testing.T) {
	t.Parallel()
	c := checker(t)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		f      care.NoShowFields
		want   []string
		why    string
		wantAt time.Time
	}{
		{"an hour ago, Amsterdam offset", care.NoShowFields{At: "2026-11-20T12:00:00+01:00"}, nil, "", time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)},
		{"exactly now", care.NoShowFields{At: "2026-11-20T12:00:00Z"}, nil, "", now},
		{"with a note", care.NoShowFields{At: "2026-11-19T10:00:00Z", Note: "Not home.\nCalled twice."}, nil, "", time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC)},
		{"fractional seconds", care.NoShowFields{At: "2026-11-20T11:59:59.5Z"}, nil, "", time.Date(2026, 11, 20, 11, 59, 59, 5e8, time.UTC)},
		{"a second from now", care.NoShowFields{At: "2026-11-20T12:00:01Z"}, fields("at"), "lies in the future", time.Time{}},
		{"later today in New York", care.NoShowFields{At: "2026-11-20T07:30:00-05:00"}, fields("at"), "lies in the future", time.Time{}},
		{"missing", care.NoShowFields{}, fields("at"), "is required", time.Time{}},
		{"without offset", care.NoShowFields{At: "2026-11-20T10:00:00"}, fields("at"), "RFC 3339", time.Time{}},
		{"a date only", care.NoShowFields{At: "2026-11-20"}, fields("at"), "RFC 3339", time.Time{}},
		{"41 characters", care.NoShowFields{At: "2026-11-20T10:00:00.000000000000000+01:00"}, fields("at"), "at most 40", time.Time{}},
		{"note 2001 characters", care.NoShowFields{At: "2026-11-20T10:00:00Z", Note: strings.Repeat("n", 2001)}, fields("note"), "at most 2000", time.Time{}},
		{"note operator", care.NoShowFields{At: "2026-11-20T10:00:00Z", Note: "$n"}, fields("note"), "plain text", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := tc.f
			at, err := c.CheckNoShow(&f, now)
			wantProblems(t, "CheckNoShow("+tc.name+")", err, tc.want, tc.why)
			if err == nil && (!at.Equal(tc.wantAt) || at.Location() != time.UTC) {
				t.Errorf("CheckNoShow(%q) = %v; want %v in UTC", tc.f.At, at, tc.wantAt)
			}
		})
	}
}
