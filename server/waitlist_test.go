package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

// referralView is what the waiting-list tests read of a referral.
type referralView struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Place *struct {
		Pool   string `json:"pool"`
		Number int    `json:"number"`
	} `json:"place"`
}

func (e referralEnv) referral(id string) referralView {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/v1/referrals/"+id, "")
	if r.status != http.StatusOK {
		e.t.Fatalf("GET referral %s = %d %s", id, r.status, r.body)
	}
	var v referralView
	r.json(e.t, &v)
	return v
}

func (e referralEnv) mustMove(id, body string) {
	e.t.Helper()
	if r := e.moveTo(id, body); r.status != http.StatusOK {
		e.t.Fatalf("move %s %s = %d %s", id, body, r.status, r.body)
	}
}

// waitlist creates n referrals to the volunteer and puts them on its
// waiting list one after the other, so the line is in slice order.
func (e referralEnv) waitlist(n int) []string {
	e.t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
		e.mustMove(ids[i], `{"to":"waitlisted"}`)
	}
	return ids
}

func (e referralEnv) notifications(id string) []notificationView {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/v1/referrals/"+id+"/notifications", "")
	if r.status != http.StatusOK {
		e.t.Fatalf("GET notifications %s = %d %s", id, r.status, r.body)
	}
	var out []notificationView
	r.json(e.t, &out)
	return out
}

// lastReason is the audit reason of the referral's latest move.
func (e referralEnv) lastReason(id string) string {
	e.t.Helper()
	var audit []struct {
		ReferralID string `json:"referral_id"`
		Reason     string `json:"reason"`
	}
	e.do(http.MethodGet, "/api/v1/requests/"+e.reqID+"/audit", "").json(e.t, &audit)
	reason := ""
	for _, a := range audit {
		if a.ReferralID == id {
			reason = a.Reason
		}
	}
	return reason
}

// TestPromotionWhenAPlaceFrees: capacity 1, one accepted referral and two
// in line. Ending the accepted one gives its place to the first in line
// (by the time it joined the line, not by id); the second keeps waiting;
// both sides of the promoted referral are told.
func TestPromotionWhenAPlaceFrees(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 1)
	holder := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	second := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`) // created first, joins the line second
	first := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	e.mustMove(holder, `{"to":"accepted"}`)
	mustProblem(t, e.moveTo(first, `{"to":"accepted"}`), http.StatusConflict, "to")
	e.mustMove(first, `{"to":"waitlisted"}`)
	e.mustMove(second, `{"to":"waitlisted"}`)

	e.mustMove(holder, `{"to":"ended","reason":"Verhuisd"}`)

	if v := e.referral(first); v.State != "accepted" || v.Place == nil {
		t.Errorf("first in line after the place freed: %s, place %v; want accepted with a place", v.State, v.Place)
	}
	if v := e.referral(second); v.State != "waitlisted" || v.Place != nil {
		t.Errorf("second in line: %s, place %v; want still waitlisted", v.State, v.Place)
	}
	if got := e.lastReason(first); got != "promoted from the waiting list" {
		t.Errorf("audit reason of the promotion = %q; want %q", got, "promoted from the waiting list")
	}
	notes := e.notifications(first)
	sides := map[string]bool{}
	for _, n := range notes {
		if n.Kind != "promoted_from_waiting_list" || n.ReferralID != first || n.Text == "" {
			t.Errorf("notification %+v; want kind promoted_from_waiting_list for %s with a text", n, first)
		}
		sides[n.To] = true
	}
	if len(notes) != 2 || !sides["worker"] || !sides["owner"] {
		t.Errorf("notifications of the promoted referral = %+v; want one to the worker and one to the owner", notes)
	}
	if n := e.notifications(second); len(n) != 0 {
		t.Errorf("notifications of the one still waiting = %+v; want none", n)
	}
	mustProblem(t, e.do(http.MethodGet, "/api/v1/referrals/6b0300000000000000000000/notifications", ""), http.StatusNotFound, "")

	// The promoted one is an ordinary accepted referral: it frees its place
	// in turn, and the second moves up.
	e.mustMove(first, `{"to":"started"}`)
	e.mustMove(first, `{"to":"completed","outcome":"Loopt goed"}`)
	if v := e.referral(second); v.State != "accepted" {
		t.Errorf("second in line after the first completed: %s; want accepted", v.State)
	}
}

// holders returns the referrals among ids that hold a place, after
// checking that the place records agree with the referrals.
func (e referralEnv) holders(ids []string, capacity int) []string {
	e.t.Helper()
	var out []string
	pool := ""
	for _, id := range ids {
		v := e.referral(id)
		switch {
		case v.Place != nil && v.State == "accepted":
			out = append(out, id)
			pool = v.Place.Pool
		case v.Place != nil || v.State == "accepted":
			e.t.Errorf("referral %s is %s with place %v", id, v.State, v.Place)
		case v.State != "waitlisted" && v.State != "ended":
			e.t.Errorf("referral %s is %s; want accepted, waitlisted or ended", id, v.State)
		}
	}
	if pool == "" {
		return out
	}
	taken, err := e.store.Places().Taken(context.Background(), pool, capacity)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(taken) != len(out) {
		e.t.Errorf("%d place records for %d holders (%v)", len(taken), len(out), taken)
	}
	for _, p := range taken {
		if !strings.Contains(strings.Join(out, " "), p.Holder) {
			e.t.Errorf("place %d is held by %s, which does not say so", p.Number, p.Holder)
		}
	}
	return out
}

// TestPromotionUnderConcurrency: capacity 1, one accepted and five in
// line. The accepted one ends while the owner accepts all five directly
// at the same moment. Whoever wins, exactly one referral holds the one
// place, the place record agrees, and when the promotion won it gave the
// place to the first in line. Repeated to vary the interleaving; the
// rounds run at once in one app, each with a volunteer and a request of
// its own.
func TestPromotionUnderConcurrency(t *testing.T) {
	t.Parallel()
	app := newTestEnv(t)
	for round := 0; round < 8; round++ {
		t.Run(fmt.Sprint("round", round), func(t *testing.T) {
			t.Parallel()
			e := app.withT(t).withReferral(1)
			holder := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
			e.mustMove(holder, `{"to":"accepted"}`)
			line := e.waitlist(5)
			var wg sync.WaitGroup
			start := make(chan struct{})
			statuses := make([]int, len(line)+1)
			for i, id := range append([]string{holder}, line...) {
				body := `{"to":"accepted"}`
				if i == 0 {
					body = `{"to":"ended","reason":"Gestopt"}`
				}
				wg.Add(1)
				go func(i int, id, body string) {
					defer wg.Done()
					<-start
					statuses[i] = e.moveTo(id, body).status
				}(i, id, body)
			}
			close(start)
			wg.Wait()
			if statuses[0] != http.StatusOK {
				t.Fatalf("ending the holder = %d", statuses[0])
			}
			for i, s := range statuses[1:] {
				if s != http.StatusOK && s != http.StatusConflict {
					t.Errorf("direct accept of line[%d] = %d; want 200 or 409", i, s)
				}
			}
			got := e.holders(append([]string{holder}, line...), 1)
			if len(got) != 1 {
				t.Fatalf("holders after the race = %v; want exactly 1", got)
			}
			promoted := e.lastReason(got[0]) == "promoted from the waiting list"
			if promoted && got[0] != line[0] {
				t.Errorf("the promotion gave the place to %s; want the first in line %s", got[0], line[0])
			}
			t.Logf("place went to line[%d], by promotion: %v", slices.Index(line, got[0]), promoted)
		})
	}
}

// TestConcurrentFreesPromoteInLineOrder: capacity 3, three holders and ten
// in line; the three end at the same moment. Exactly the first three in
// line are promoted, each told on both sides; the other seven wait.
func TestConcurrentFreesPromoteInLineOrder(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 3)
	var held []string
	for i := 0; i < 3; i++ {
		id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
		e.mustMove(id, `{"to":"accepted"}`)
		held = append(held, id)
	}
	line := e.waitlist(10)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, id := range held {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			<-start
			if r := e.moveTo(id, `{"to":"ended","reason":"Klaar"}`); r.status != http.StatusOK {
				t.Errorf("end %s = %d %s", id, r.status, r.body)
			}
		}(id)
	}
	close(start)
	wg.Wait()
	got := e.holders(append(held, line...), 3)
	if strings.Join(got, " ") != strings.Join(line[:3], " ") {
		t.Errorf("holders = %v; want the first three in line %v", got, line[:3])
	}
	for i, id := range line {
		n := len(e.notifications(id))
		want := 0
		if i < 3 {
			want = 2
		}
		if n != want {
			t.Errorf("line[%d] has %d notifications; want %d", i, n, want)
		}
	}
	var audit []struct {
		Kind string `json:"kind"`
	}
	e.do(http.MethodGet, "/api/v1/requests/"+e.reqID+"/audit", "").json(t, &audit)
	// 13 creations, 3 acceptances, 10 waitlistings, 3 ends, 3 promotions;
	// no rolled-back attempt stays in the log. The request moved once:
	// open to referred.
	kinds := map[string]int{}
	for _, a := range audit {
		kinds[a.Kind]++
	}
	if want := 13 + 3 + 10 + 3 + 3; kinds["referral"] != want || kinds["request"] != 1 || len(audit) != want+1 {
		t.Errorf("audit has %v entries by kind; want %d referral, 1 request", kinds, want)
	}
}

type notificationView struct {
	To         string `json:"to"`
	Kind       string `json:"kind"`
	Text       string `json:"text"`
	ReferralID string `json:"referral_id"`
}
