package casework

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// TestPromotionEmitsEventsAndNotifiesOnce walks two referrals to a
// volunteer of one place: the second waits in line and moves up when the
// first ends. Every change is an event, delivered once; the promotion's
// notifications are written once, even when the notifications subscriber
// is handed every event again.
func TestPromotionEmitsEventsAndNotifiesOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	a := f.move(t, f.refer(t, f.request), care.RefAccepted, "")
	second := f.newRequest(t)
	b := f.refer(t, second)
	if _, err := f.svc.Move(ctx, worker, b, care.Move{To: care.RefAccepted}, false); !errors.As(err, new(*FullError)) {
		t.Fatalf("accept into a full option: error = %v; want *FullError", err)
	}
	b = f.move(t, b, care.RefWaitlisted, "")
	f.move(t, a, care.RefEnded, "verhuisd")

	b = f.referral(t, b.ID)
	if b.State != care.RefAccepted || b.Place == nil {
		t.Fatalf("waitlisted referral after the place came free: state %s, place %v; want accepted with a place", b.State, b.Place)
	}
	var ofB []string
	for _, ev := range f.count.evs {
		if ev.ReferralID == b.ID {
			ofB = append(ofB, ev.Type)
		}
	}
	want := []string{care.EvReferralProposed, care.EvReferralWaitlisted, care.EvReferralAccepted, care.EvReferralPromoted}
	if !slices.Equal(ofB, want) {
		t.Errorf("events of the promoted referral = %v; want %v", ofB, want)
	}
	for id, n := range f.count.seen {
		if n != 1 {
			t.Errorf("event %s delivered %d times; want once", id, n)
		}
	}
	for _, typ := range []string{care.EvRequestReferred, care.EvRequestContacted, care.EvReferralEnded} {
		if !slices.Contains(f.count.types(), typ) {
			t.Errorf("events %v lack %s", f.count.types(), typ)
		}
	}

	notes := func() []care.Notification {
		t.Helper()
		ns, err := f.svc.Notifications(ctx, f.referral(t, b.ID))
		if err != nil {
			t.Fatal(err)
		}
		return ns
	}
	if ns := notes(); len(ns) != 2 || ns[0].Kind != care.KindPromoted || !strings.Contains(ns[0].Text, "waiting list") {
		t.Fatalf("notifications of the promoted referral = %+v; want 2 of kind %s", ns, care.KindPromoted)
	}
	// The subscriber starts over in a new process (as after losing its
	// cursor): it is handed the promotion again and writes nothing new.
	if err := f.st.SetCursor(ctx, "notifications", 0); err != nil {
		t.Fatal(err)
	}
	restarted := newService(f.st, newCounter(), clock())
	if err := restarted.Bus().Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if seq, err := f.st.Cursor(ctx, "notifications"); err != nil || seq != lastSeq(t, f.st) {
		t.Fatalf("notifications' cursor after the redelivery = %d (%v); want the log's head %d", seq, err, lastSeq(t, f.st))
	}
	if ns := notes(); len(ns) != 2 {
		t.Errorf("notifications after redelivery = %d; want still 2", len(ns))
	}
	// The relayed entries are marked in one write by Sync (the
	// maintenance round), not one per change.
	if pending, err := f.st.EventOutbox().Pending(ctx); err != nil || len(pending) == 0 {
		t.Errorf("outbox pending before Sync = %d (%v); want the writes' entries, marked in a batch", len(pending), err)
	}
	if err := f.svc.Bus().Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if pending, err := f.st.EventOutbox().Pending(ctx); err != nil || len(pending) != 0 {
		t.Errorf("outbox pending after Sync = %d (%v); want 0", len(pending), err)
	}
}

// TestTypedErrors checks that each refusal of the rules is its typed
// error, so that the HTTP side and the background jobs can tell them
// apart without reading messages.
func TestTypedErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	proposed := f.refer(t, f.request)
	declined := f.move(t, f.refer(t, f.request), care.RefDeclined, "geen tijd")
	noConsent := f.request
	noConsent.Consents = nil

	var (
		move    *MoveError
		field   *FieldError
		consent *ConsentError
		gate    *GateError
	)
	tests := []struct {
		name  string
		err   error
		check func(error) bool
		want  string
	}{
		{"a final referral moves nowhere", second(f.svc.Move(ctx, worker, declined, care.Move{To: care.RefAccepted}, false)),
			func(err error) bool {
				return errors.As(err, &move) && move.From == care.RefDeclined && len(move.Allowed) == 0
			}, "*MoveError from declined"},
		{"the owner may not waitlist", second(f.svc.Move(ctx, Actor{ID: "acc-anna"}, proposed, care.Move{To: care.RefWaitlisted}, true)),
			func(err error) bool { return errors.Is(err, ErrWorkerOnly) }, "ErrWorkerOnly"},
		{"a need the request lacks", second(f.svc.Refer(ctx, worker, f.request, care.ReferralFields{Need: "garden", OptionID: f.volID})),
			func(err error) bool { return errors.As(err, &field) && field.Field == "need" }, "*FieldError on need"},
		{"an option that does not exist", second(f.svc.Refer(ctx, worker, f.request, care.ReferralFields{Need: "groceries", OptionID: store.NewID()})),
			func(err error) bool { return errors.As(err, &field) && field.Field == "option_id" }, "*FieldError on option_id"},
		{"no consent to share with volunteers", second(f.svc.Refer(ctx, worker, noConsent, care.ReferralFields{Need: "groceries", OptionID: f.volID})),
			func(err error) bool { return errors.As(err, &consent) && consent.Consent == care.ConsentShareVolunteer }, "*ConsentError"},
		{"specialist care without a search", second(f.svc.ReferSpecialist(ctx, worker, f.request, care.SpecialistFields{Needs: []string{"groceries"}})),
			func(err error) bool {
				return errors.As(err, &gate) && len(gate.Missing) == 2 && gate.Missing[0].Field == "search"
			}, "*GateError naming the search and the reason"},
	}
	for _, tt := range tests {
		if !tt.check(tt.err) {
			t.Errorf("%s: error = %v (%T); want %s", tt.name, tt.err, tt.err, tt.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestSpecialistCarePerNeed: referring one need to specialist care ends
// only that need's zero-line referrals and leaves the request open for
// the other; the request closes when the last need goes.
func TestSpecialistCarePerNeed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	req := f.request
	req.Needs = []string{"groceries", "companionship"}
	req.Version++
	if err := f.st.Requests().Replace(ctx, f.request.Version, req); err != nil {
		t.Fatal(err)
	}
	groceries := f.move(t, f.refer(t, req), care.RefAccepted, "")
	if _, err := f.svc.Search(ctx, worker, req.ID, []care.SearchNeed{{Need: "groceries"}, {Need: "companionship"}}); err != nil {
		t.Fatal(err)
	}
	req, _ = f.st.Requests().Get(ctx, req.ID)
	reason := func(need string) []care.GateReason {
		return []care.GateReason{{Need: need, Code: "too_complex", Text: "Vraagt een professional"}}
	}
	sp, err := f.svc.ReferSpecialist(ctx, worker, req, care.SpecialistFields{Needs: []string{"companionship"}, Reasons: reason("companionship")})
	if err != nil {
		t.Fatalf("ReferSpecialist(companionship) error = %v", err)
	}
	if got := f.referral(t, groceries.ID); got.State != care.RefAccepted {
		t.Errorf("groceries referral after specialist care for companionship: %s; want accepted still", got.State)
	}
	req, _ = f.st.Requests().Get(ctx, req.ID)
	if req.Status == care.ReqClosed {
		t.Fatalf("request closed after specialist care for one of two needs; want it open for groceries")
	}
	if _, err := f.svc.ReferSpecialist(ctx, worker, req, care.SpecialistFields{Needs: []string{"groceries"}, Reasons: reason("groceries")}); err != nil {
		t.Fatalf("ReferSpecialist(groceries) error = %v", err)
	}
	req, _ = f.st.Requests().Get(ctx, req.ID)
	if req.Status != care.ReqClosed || req.Closure != care.ClosureSpecialist {
		t.Errorf("request with both needs in specialist care: %s %s; want closed %s", req.Status, req.Closure, care.ClosureSpecialist)
	}
	if got := f.referral(t, groceries.ID); got.State != care.RefEnded {
		t.Errorf("groceries referral after specialist care for groceries: %s; want ended", got.State)
	}
	// Stepping down from one need's care reopens the request.
	if _, err := f.svc.EndSpecialist(ctx, worker, sp, care.SpecialistEnd{Outcome: "afgerond"}); err != nil {
		t.Fatal(err)
	}
	req, _ = f.st.Requests().Get(ctx, req.ID)
	if req.Status != care.ReqOpen || req.StepDowns != 1 {
		t.Errorf("request after a step-down: %s with %d step-downs; want open with 1", req.Status, req.StepDowns)
	}
}

// TestCancelledOccurrenceReleasesReferrals: an exdate added to an
// activity ends the accepted referral to that occurrence (its place is
// freed) and expires the proposed one, each with an event saying why;
// a referral to another occurrence stays.
func TestCancelledOccurrenceReleasesReferrals(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	yes := true
	act := care.Activity{Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: t0, UpdatedAt: t0, Municipality: "GM0363", OwnerID: "acc-org"},
		ActivityFields: care.ActivityFields{Name: "Samen eten", HelpTypes: []string{"groceries"}, SpotsPerOccurrence: 2, Active: &yes,
			Schedule: &care.Schedule{Start: "2026-12-01T17:00", Timezone: "Europe/Amsterdam", DurationMinutes: 90, RRule: "FREQ=WEEKLY;BYDAY=TU"}}}
	if err := f.st.Activities().Insert(ctx, act); err != nil {
		t.Fatal(err)
	}
	req := f.request
	req.Consents = []string{care.ConsentShareProvision}
	refer := func(occ string) care.Referral {
		t.Helper()
		ref, err := f.svc.Refer(ctx, worker, req, care.ReferralFields{Need: "groceries", OptionID: act.ID, Occurrence: occ})
		if err != nil {
			t.Fatalf("Refer(%s) error = %v", occ, err)
		}
		return ref
	}
	accepted := f.move(t, refer("2026-12-08T17:00"), care.RefAccepted, "")
	proposed := refer("2026-12-08T17:00")
	other := f.move(t, refer("2026-12-15T17:00"), care.RefAccepted, "")

	next := act
	next.Schedule = &care.Schedule{Start: "2026-12-01T17:00", Timezone: "Europe/Amsterdam", DurationMinutes: 90, RRule: "FREQ=WEEKLY;BYDAY=TU",
		ExDates: []string{"2026-12-08T17:00"}}
	next.Version++
	if err := f.st.Activities().Replace(ctx, act.Version, next); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ActivityChanged(ctx, act.ID); err != nil {
		t.Fatalf("ActivityChanged() error = %v", err)
	}
	for _, tt := range []struct {
		ref  care.Referral
		want string
	}{{accepted, care.RefEnded}, {proposed, care.RefExpired}, {other, care.RefAccepted}} {
		got := f.referral(t, tt.ref.ID)
		if got.State != tt.want {
			t.Errorf("referral to %s: %s; want %s", tt.ref.Occurrence, got.State, tt.want)
		}
		if tt.want != care.RefAccepted && (got.Reason != reasonCancelled || got.Place != nil) {
			t.Errorf("released referral: reason %q, place %v; want %q and no place", got.Reason, got.Place, reasonCancelled)
		}
	}
	taken, err := f.st.Places().Taken(ctx, Pool(accepted), 2)
	if err != nil || len(taken) != 0 {
		t.Errorf("places taken of the cancelled occurrence = %v (%v); want none", taken, err)
	}
	cancelled := 0
	for _, ev := range f.count.evs {
		if ev.Code == codeOccurrenceCancelled {
			cancelled++
		}
	}
	if cancelled != 2 {
		t.Errorf("events with code %s = %d; want 2", codeOccurrenceCancelled, cancelled)
	}
	// Idempotent: a second call changes nothing.
	before := len(f.count.evs)
	if err := f.svc.ActivityChanged(ctx, act.ID); err != nil || len(f.count.evs) != before {
		t.Errorf("second ActivityChanged: err %v, %d new events; want none", err, len(f.count.evs)-before)
	}
}
