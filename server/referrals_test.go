package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// referralEnv has a request with two needs and a volunteer offering one.
type referralEnv struct {
	*testEnv
	reqID, volID string
}

func newReferralEnv(t *testing.T, capacity int) referralEnv {
	return newTestEnv(t).withReferral(capacity)
}

// withReferral adds a request and a volunteer with capacity places to e.
func (e *testEnv) withReferral(capacity int) referralEnv {
	e.t.Helper()
	vol := strings.Replace(validVolunteer, `"capacity":2`, fmt.Sprintf(`"capacity":%d`, capacity), 1)
	return referralEnv{testEnv: e, reqID: e.create("/api/v1/requests", validRequest), volID: e.create("/api/v1/volunteers", vol)}
}

func (e referralEnv) refer(body string) string {
	e.t.Helper()
	return e.create("/api/v1/requests/"+e.reqID+"/referrals", body)
}

func (e referralEnv) moveTo(id, body string) response {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v1/referrals/"+id+"/transitions", body)
}

func referralState(t *testing.T, r response) (state string, place bool) {
	t.Helper()
	var got struct {
		State string          `json:"state"`
		Place json.RawMessage `json:"place"`
	}
	r.json(t, &got)
	return got.State, len(got.Place) > 0
}

func TestReferralLifecycle(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 2)
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `","note":"Dinsdagochtend graag"}`)
	var req struct{ Status string }
	e.do(http.MethodGet, "/api/v1/requests/"+e.reqID, "").json(t, &req)
	if req.Status != "referred" {
		t.Errorf("request status after referral = %q; want referred", req.Status)
	}
	for _, step := range []struct {
		body, state string
		place       bool
	}{
		{`{"to":"accepted"}`, "accepted", true},
		{`{"to":"started"}`, "started", true},
		{`{"to":"completed","outcome":"Boodschappen elke week samen gedaan"}`, "completed", false},
	} {
		r := e.moveTo(id, step.body)
		if r.status != http.StatusOK {
			t.Fatalf("move %s = %d %s", step.body, r.status, r.body)
		}
		if state, place := referralState(t, r); state != step.state || place != step.place {
			t.Errorf("after %s: state %s, holds place %v; want %s, %v", step.body, state, place, step.state, step.place)
		}
	}
	e.do(http.MethodGet, "/api/v1/requests/"+e.reqID, "").json(t, &req)
	if req.Status != "in_progress" {
		t.Errorf("request status after a referral started = %q; want in_progress", req.Status)
	}
	var audit []struct{ From, To string }
	e.do(http.MethodGet, "/api/v1/requests/"+e.reqID+"/audit", "").json(t, &audit)
	// The request's own moves are interleaved with the referral's.
	want := "->proposed open->referred proposed->accepted accepted->started referred->in_progress started->completed"
	var got []string
	for _, a := range audit {
		got = append(got, a.From+"->"+a.To)
	}
	if strings.Join(got, " ") != want {
		t.Errorf("audit = %v; want %s", got, want)
	}
	var list []struct{ ID string }
	e.do(http.MethodGet, "/api/v1/requests/"+e.reqID+"/referrals", "").json(t, &list)
	if len(list) != 1 || list[0].ID != id {
		t.Errorf("referrals of the request = %v; want [%s]", list, id)
	}
}

// TestEveryReferralTransition walks every legal move from each state and
// checks that every other move is refused with 409 naming the state.
func TestEveryReferralTransition(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 20)
	paths := map[string][]string{ // moves that reach a state from proposed
		"proposed":   nil,
		"accepted":   {"accepted"},
		"waitlisted": {"waitlisted"},
		"started":    {"accepted", "started"},
		"declined":   {"declined"},
		"expired":    {"expired"},
		"completed":  {"accepted", "started", "completed"},
		"ended":      {"accepted", "ended"},
	}
	legal := map[string][]string{
		"proposed": {"accepted", "declined", "expired", "waitlisted"}, "waitlisted": {"accepted", "expired"},
		"accepted": {"started", "ended"}, "started": {"completed", "ended"},
	}
	body := func(to string) string {
		return fmt.Sprintf(`{"to":%q,"reason":"Reden voor %s","outcome":"Uitkomst"}`, to, to)
	}
	reach := func(state string) string {
		id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
		for _, to := range paths[state] {
			if r := e.moveTo(id, body(to)); r.status != http.StatusOK {
				t.Fatalf("reaching %s via %s: %d %s", state, to, r.status, r.body)
			}
		}
		return id
	}
	all := []string{"accepted", "declined", "expired", "waitlisted", "started", "completed", "ended"}
	for state := range paths {
		for _, to := range all {
			id := reach(state)
			r := e.moveTo(id, body(to))
			ok := false
			for _, l := range legal[state] {
				ok = ok || l == to
			}
			if ok {
				if r.status != http.StatusOK {
					t.Errorf("%s -> %s = %d %s; want 200", state, to, r.status, r.body)
				}
				continue
			}
			p := mustProblem(t, r, http.StatusConflict, "to")
			if !strings.Contains(p.Detail, "is "+state) {
				t.Errorf("%s -> %s refused with %q; want the current state named", state, to, p.Detail)
			}
		}
	}
}

func TestReferralValidation(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 2)
	provID := e.create("/api/v1/provisions", validProvision)
	actID := e.create("/api/v1/activities", validActivity(provID))
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	for _, tc := range []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"need not of the request", "/api/v1/requests/" + e.reqID + "/referrals", `{"need":"garden","option_id":"` + e.volID + `"}`, 422, "need"},
		{"unknown option", "/api/v1/requests/" + e.reqID + "/referrals", `{"need":"groceries","option_id":"6b0300000000000000000000"}`, 422, "option_id"},
		{"option without the need", "/api/v1/requests/" + e.reqID + "/referrals", `{"need":"groceries","option_id":"` + provID + `"}`, 422, "option_id"},
		{"activity without the need", "/api/v1/requests/" + e.reqID + "/referrals", `{"need":"companionship","option_id":"` + actID + `"}`, 422, "option_id"},
		{"unknown field", "/api/v1/requests/" + e.reqID + "/referrals", `{"need":"groceries","option_id":"` + e.volID + `","x":1}`, 400, "x"},
		{"decline without reason", "/api/v1/referrals/" + id + "/transitions", `{"to":"declined"}`, 422, "reason"},
		{"complete without outcome", "/api/v1/referrals/" + id + "/transitions", `{"to":"completed"}`, 422, "outcome"},
		{"unknown state", "/api/v1/referrals/" + id + "/transitions", `{"to":"teleported"}`, 422, "to"},
		{"operator as state", "/api/v1/referrals/" + id + "/transitions", `{"to":{"$gt":""}}`, 400, "to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustProblem(t, e.do(http.MethodPost, tc.path, tc.body), tc.status, tc.field)
		})
	}
}

func TestActivityReferralNeedsARealOccurrence(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	provID := e.create("/api/v1/provisions", validProvision)
	actID := e.create("/api/v1/activities", validActivity(provID))
	req := strings.Replace(validRequest, `"needs":["groceries","companionship"]`, `"needs":["day_activities"]`, 1)
	reqID := e.create("/api/v1/requests", req)
	path := "/api/v1/requests/" + reqID + "/referrals"
	mustProblem(t, e.do(http.MethodPost, path, `{"need":"day_activities","option_id":"`+actID+`"}`), 422, "occurrence")
	mustProblem(t, e.do(http.MethodPost, path, `{"need":"day_activities","option_id":"`+actID+`","occurrence":"2026-12-02T14:00"}`), 422, "occurrence")
	mustProblem(t, e.do(http.MethodPost, path, `{"need":"day_activities","option_id":"`+actID+`","occurrence":"2026-12-29T14:00"}`), 422, "occurrence") // an exdate
	e.create(path, `{"need":"day_activities","option_id":"`+actID+`","occurrence":"2026-12-15T14:00"}`)
}

// TestConcurrentAcceptancesNeverOversell: 200 referrals to one volunteer
// with 3 places, and 200 to one activity occurrence with 3 spots, all
// accepted at once through the API: exactly 3 succeed, 197 get a clear 409.
func TestConcurrentAcceptancesNeverOversell(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	provID := e.create("/api/v1/provisions", validProvision)
	act := strings.Replace(validActivity(provID), `"spots_per_occurrence":5`, `"spots_per_occurrence":3`, 1)
	actID := e.create("/api/v1/activities", act)
	volID := e.create("/api/v1/volunteers", strings.Replace(validVolunteer, `"capacity":2`, `"capacity":3`, 1))
	req := strings.Replace(validRequest, `"needs":["groceries","companionship"]`, `"needs":["groceries","day_activities"]`, 1)
	reqID := e.create("/api/v1/requests", req)
	for _, tc := range []struct{ name, body string }{
		{"volunteer capacity", `{"need":"groceries","option_id":"` + volID + `"}`},
		{"activity occurrence spots", `{"need":"day_activities","option_id":"` + actID + `","occurrence":"2026-12-15T14:00"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 200
			ids := make([]string, n)
			for i := range ids {
				ids[i] = e.create("/api/v1/requests/"+reqID+"/referrals", tc.body)
			}
			var (
				wg                sync.WaitGroup
				mu                sync.Mutex
				accepted, refused int
				start             = make(chan struct{})
			)
			for _, id := range ids {
				wg.Add(1)
				go func(id string) {
					defer wg.Done()
					<-start
					r := e.do(http.MethodPost, "/api/v1/referrals/"+id+"/transitions", `{"to":"accepted"}`)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case r.status == http.StatusOK:
						accepted++
					case r.status == http.StatusConflict && strings.Contains(string(r.body), "option-full"):
						refused++
					default:
						t.Errorf("accept = %d %s", r.status, r.body)
					}
				}(id)
			}
			close(start)
			wg.Wait()
			if accepted != 3 || refused != n-3 {
				t.Fatalf("%d accepted, %d refused as full; want 3 and %d", accepted, refused, n-3)
			}
			// A refused referral is still proposed and can wait in line.
			var states = map[string]int{}
			for _, id := range ids {
				var ref struct{ State string }
				e.do(http.MethodGet, "/api/v1/referrals/"+id, "").json(t, &ref)
				states[ref.State]++
			}
			if states["accepted"] != 3 || states["proposed"] != n-3 {
				t.Errorf("states after the race = %v; want 3 accepted, %d proposed", states, n-3)
			}
		})
	}
}

// TestSearchSeesPlacesTaken: once a volunteer's only place is taken by an
// accepted referral, searches no longer propose them (all_full), and
// after the referral ends they are proposed again.
func TestSearchSeesPlacesTaken(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 1)
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	groceries := func() (ids []string, reason string) {
		t.Helper()
		var res SearchResult
		r := e.do(http.MethodPost, "/api/v1/requests/"+e.reqID+"/matches", "")
		if r.status != http.StatusCreated {
			t.Fatalf("matches = %d %s", r.status, r.body)
		}
		r.json(t, &res)
		for _, n := range res.Needs {
			if n.Need == "groceries" {
				for _, o := range n.Options {
					ids = append(ids, o.OptionID)
				}
				return ids, n.Coverage.Reason
			}
		}
		t.Fatal("no groceries in the result")
		return nil, ""
	}
	if got, _ := groceries(); len(got) != 1 || got[0] != e.volID {
		t.Fatalf("before: %v; want the volunteer", got)
	}
	if r := e.moveTo(id, `{"to":"accepted"}`); r.status != http.StatusOK {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	if got, reason := groceries(); len(got) != 0 || reason != "all_full" {
		t.Errorf("with the only place taken: %v, %q; want none, all_full", got, reason)
	}
	if r := e.moveTo(id, `{"to":"ended","reason":"Verhuisd"}`); r.status != http.StatusOK {
		t.Fatalf("end = %d %s", r.status, r.body)
	}
	if got, _ := groceries(); len(got) != 1 || got[0] != e.volID {
		t.Errorf("after the place freed: %v; want the volunteer again", got)
	}
}

// TestDeletingAnOptionEndsItsReferrals deletes a volunteer offer with an
// accepted and a proposed referral: the first ends, the second expires,
// and the place is free again.
func TestDeletingAnOptionEndsItsReferrals(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 2)
	accepted := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	if r := e.moveTo(accepted, `{"to":"accepted"}`); r.status != http.StatusOK {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}
	proposed := e.refer(`{"need":"companionship","option_id":"` + e.volID + `"}`)
	if r := e.do(http.MethodDelete, "/api/v1/volunteers/"+e.volID, ""); r.status != http.StatusNoContent {
		t.Fatalf("delete = %d %s", r.status, r.body)
	}
	for id, want := range map[string]string{accepted: "ended", proposed: "expired"} {
		var ref struct {
			State  string `json:"state"`
			Reason string `json:"reason"`
		}
		e.do(http.MethodGet, "/api/v1/referrals/"+id, "").json(t, &ref)
		if ref.State != want || ref.Reason != "the offer was withdrawn" {
			t.Errorf("referral %s = %+v; want %s, withdrawn", id, ref, want)
		}
	}
	taken, err := e.store.Places().Taken(context.Background(), "volunteer:"+e.volID, 2)
	if err != nil || len(taken) != 0 {
		t.Errorf("places taken after the delete: %v %v", taken, err)
	}
}
