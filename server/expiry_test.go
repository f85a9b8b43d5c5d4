package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// auditEntry is what these tests read of the audit trail.
type auditEntry struct {
	Kind       string `json:"kind"`
	ReferralID string `json:"referral_id"`
	From       string `json:"from"`
	To         string `json:"to"`
	Reason     string `json:"reason"`
}

func (e referralEnv) audit() []auditEntry {
	e.t.Helper()
	var out []auditEntry
	r := e.do(http.MethodGet, "/api/v1/requests/"+e.reqID+"/audit", "")
	if r.status != http.StatusOK {
		e.t.Fatalf("GET audit = %d %s", r.status, r.body)
	}
	r.json(e.t, &out)
	return out
}

// referAt creates a referral and moves it through the given states.
func (e referralEnv) referAt(states ...string) string {
	e.t.Helper()
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	for _, s := range states {
		e.mustMove(id, `{"to":"`+s+`"}`)
	}
	return id
}

func (e referralEnv) declined() string {
	e.t.Helper()
	id := e.referAt()
	e.mustMove(id, `{"to":"declined","reason":"geen tijd"}`)
	return id
}

// TestClosingEndsOpenReferrals: closing a request frees what its
// referrals hold. Resolved locally: proposed and waitlisted expire,
// accepted ends, started goes on. Withdrawn: started ends too. Every
// change, the request's own included, is in the audit trail.
func TestClosingEndsOpenReferrals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		closure      string
		startedState string
	}{
		{care.ClosureResolvedLocally, care.RefStarted},
		{care.ClosureWithdrawn, care.RefEnded},
	} {
		t.Run(tc.closure, func(t *testing.T) {
			t.Parallel()
			e := newReferralEnv(t, 3)
			want := map[string]string{
				e.referAt():                      care.RefExpired,
				e.referAt("waitlisted"):          care.RefExpired,
				e.referAt("accepted"):            care.RefEnded,
				e.referAt("accepted", "started"): tc.startedState,
				e.declined():                     care.RefDeclined,
				e.referAt("accepted", "started"): tc.startedState,
			}
			if r := e.do(http.MethodPost, "/api/v1/requests/"+e.reqID+"/close", `{"closure":"`+tc.closure+`"}`); r.status != http.StatusOK {
				t.Fatalf("close = %d %s", r.status, r.body)
			}
			held := 0
			for id, state := range want {
				got := e.referral(id)
				if got.State != state {
					t.Errorf("referral %s = %s; want %s", id, got.State, state)
				}
				if got.Place != nil {
					held++
				}
			}
			places, err := e.store.Places().Taken(context.Background(), "volunteer:"+e.volID, 3)
			if err != nil {
				t.Fatal(err)
			}
			taken := len(places)
			wantHeld := 0
			if tc.startedState == care.RefStarted {
				wantHeld = 2
			}
			if held != wantHeld || taken != wantHeld {
				t.Errorf("places held by referrals %d, claimed in the store %d; want %d", held, taken, wantHeld)
			}
			var closes int
			for _, a := range e.audit() {
				if a.Kind == care.AuditRequest && a.To == care.ReqClosed {
					closes++
					if a.From != care.ReqInProgress || a.Reason != "closed: "+tc.closure {
						t.Errorf("request audit entry = %+v; want from in_progress, reason closed: %s", a, tc.closure)
					}
				}
				if a.Kind == care.AuditReferral && a.Reason == "the request was closed: "+tc.closure && a.To != want[a.ReferralID] {
					t.Errorf("audit %+v; want the referral to move to %s", a, want[a.ReferralID])
				}
			}
			if closes != 1 {
				t.Errorf("%d audit entries close the request; want 1", closes)
			}
		})
	}
}

// TestRequestStatusChangesAreAudited walks a request from open to closed
// and back (step-down) and reads each status change in the audit trail.
func TestRequestStatusChangesAreAudited(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 1)
	if r := e.do(http.MethodPost, "/api/v1/requests/"+e.reqID+"/matches", ""); r.status != http.StatusCreated {
		t.Fatalf("search = %d %s", r.status, r.body)
	}
	e.referAt("accepted", "started")
	// Specialist care for every need closes the request.
	r := e.do(http.MethodPost, "/api/v1/requests/"+e.reqID+"/specialist-referrals", `{"needs":["groceries","companionship"],"safety_override":{"reason":"Acuut onveilig"}}`)
	if r.status != http.StatusCreated {
		t.Fatalf("specialist = %d %s", r.status, r.body)
	}
	var sp struct {
		ID string `json:"id"`
	}
	r.json(t, &sp)
	if r := e.do(http.MethodPost, "/api/v1/specialist-referrals/"+sp.ID+"/end", `{"outcome":"Terug naar de buurt"}`); r.status != http.StatusOK {
		t.Fatalf("end = %d %s", r.status, r.body)
	}
	var got [][2]string
	for _, a := range e.audit() {
		if a.Kind == care.AuditRequest {
			got = append(got, [2]string{a.From, a.To})
		}
	}
	want := [][2]string{{"open", "searched"}, {"searched", "referred"}, {"referred", "in_progress"}, {"in_progress", "closed"}, {"closed", "open"}}
	if len(got) != len(want) {
		t.Fatalf("request moves in the audit = %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("audit move %d = %v; want %v", i, got[i], want[i])
		}
	}
}

// TestWaitlistedCannotJumpTheLine: the second in line cannot be accepted
// directly; the first can, when a place is free.
func TestWaitlistedCannotJumpTheLine(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 1)
	holder := e.referAt("accepted")
	line := e.waitlist(2)
	p := mustProblem(t, e.moveTo(line[1], `{"to":"accepted"}`), http.StatusConflict, "to")
	if p.Type != "urn:dichtbij:problem:waiting-line" {
		t.Errorf("problem type = %s; want waiting-line", p.Type)
	}
	mustProblem(t, e.moveTo(line[0], `{"to":"accepted"}`), http.StatusConflict, "to") // full
	// Freeing the place promotes the first; the second is first now.
	e.mustMove(holder, `{"to":"ended","reason":"verhuisd"}`)
	if got := e.referral(line[0]).State; got != care.RefAccepted {
		t.Fatalf("first in line = %s; want accepted", got)
	}
	e.mustMove(line[0], `{"to":"ended","reason":"klaar"}`)
	if got := e.referral(line[1]).State; got != care.RefAccepted {
		t.Errorf("second in line = %s; want accepted after the first ended", got)
	}
}

// TestMaintenanceExpires: an unanswered proposal expires after the
// expiry; a waitlisted referral expires when its occurrence began; a
// maintenance round changes nothing else.
func TestMaintenanceExpires(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 1)
	old := e.referAt()
	e.advance(13 * 24 * time.Hour)
	young := e.referAt()
	accepted := e.referAt("accepted")
	if err := e.app.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.referral(old).State; got != care.RefProposed {
		t.Fatalf("13-day-old proposal = %s; want proposed", got)
	}
	e.advance(2 * 24 * time.Hour)
	if err := e.app.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{old: care.RefExpired, young: care.RefProposed, accepted: care.RefAccepted} {
		if got := e.referral(id).State; got != want {
			t.Errorf("referral %s = %s; want %s", id, got, want)
		}
	}
	if reason := e.lastReason(old); reason != "no answer within 14 days" {
		t.Errorf("expiry reason = %q", reason)
	}

	// An activity occurrence that began takes its waiting list with it.
	provID := e.create("/api/v1/provisions", validProvision)
	actID := e.create("/api/v1/activities", validActivity(provID))
	kid := e.create("/api/v1/requests", strings.Replace(validRequest, `"needs":["groceries","companionship"]`, `"needs":["day_activities"]`, 1))
	w := e.create("/api/v1/requests/"+kid+"/referrals", `{"need":"day_activities","option_id":"`+actID+`","occurrence":"2026-12-01T14:00"}`)
	e.mustMove(w, `{"to":"waitlisted"}`)
	e.advance(7 * 24 * time.Hour) // now past 2026-12-01 14:00
	if err := e.app.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.referral(w).State; got != care.RefExpired {
		t.Errorf("waitlisted for a past occurrence = %s; want expired", got)
	}
}

// TestStepDownFollowUps: ending specialist care sets follow-ups at 4 and
// 12 weeks on the worker's list, which can be marked done once.
func TestStepDownFollowUps(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	reqID := e.create("/api/v1/requests", validRequest)
	spID := e.create("/api/v1/requests/"+reqID+"/specialist-referrals", `{"needs":["groceries"],"safety_override":{"reason":"Acuut onveilig"}}`)
	r := e.do(http.MethodPost, "/api/v1/specialist-referrals/"+spID+"/end", `{"outcome":"Afgerond"}`)
	if r.status != http.StatusOK {
		t.Fatalf("end = %d %s", r.status, r.body)
	}
	var sp struct {
		EndedAt   time.Time       `json:"ended_at"`
		FollowUps []care.FollowUp `json:"follow_ups"`
	}
	r.json(t, &sp)
	if len(sp.FollowUps) != 2 || !sp.FollowUps[0].Due.Equal(sp.EndedAt.Add(28*24*time.Hour)) || !sp.FollowUps[1].Due.Equal(sp.EndedAt.Add(84*24*time.Hour)) {
		t.Fatalf("follow_ups = %+v; want 4 and 12 weeks after %v", sp.FollowUps, sp.EndedAt)
	}
	var page Page[FollowUpItem]
	e.do(http.MethodGet, "/api/v1/follow-ups?due_before=2027-06-01T00:00:00Z", "").json(t, &page)
	items := page.Items
	if len(items) != 2 || items[0].Kind != "step_down" || items[0].SpecialistID != spID || items[0].RequestID != reqID || items[0].N != 1 {
		t.Fatalf("follow-up list = %+v; want two step_down items of %s", items, spID)
	}
	done := "/api/v1/specialist-referrals/" + spID + "/follow-ups/1/done"
	if r := e.do(http.MethodPost, done, `{"note":"Gaat goed"}`); r.status != http.StatusOK {
		t.Fatalf("done = %d %s", r.status, r.body)
	}
	mustProblem(t, e.do(http.MethodPost, done, `{}`), http.StatusConflict, "")
	mustProblem(t, e.do(http.MethodPost, "/api/v1/specialist-referrals/"+spID+"/follow-ups/3/done", `{}`), http.StatusNotFound, "")
	page = Page[FollowUpItem]{}
	e.do(http.MethodGet, "/api/v1/follow-ups?due_before=2027-06-01T00:00:00Z", "").json(t, &page)
	if items = page.Items; len(items) != 1 || items[0].N != 2 {
		t.Errorf("after done: %+v; want only follow-up 2", items)
	}
}
