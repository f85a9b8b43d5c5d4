package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// TestExportAccessLogAndErase follows a volunteer through the AVG rights:
// they see that a social worker read their offer, download everything,
// and erase their account, after which their offer is gone, the referral
// to it ended and kept only as an anonymous trace, and their token dead.
func TestExportAccessLogAndErase(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	res := e.as(asResident)
	volID := res.create("/api/v1/volunteers", validVolunteer)

	// A worker reads the offer and refers a request's need to it.
	if r := e.do(http.MethodGet, "/api/v1/volunteers/"+volID, ""); r.status != http.StatusOK {
		t.Fatalf("worker reads offer = %d %s", r.status, r.body)
	}
	reqID := e.create("/api/v1/requests", validRequest)
	refID := e.create("/api/v1/requests/"+reqID+"/referrals", `{"need":"groceries","option_id":"`+volID+`"}`)
	if r := res.do(http.MethodPost, "/api/v1/referrals/"+refID+"/transitions", `{"to":"accepted"}`); r.status != http.StatusOK {
		t.Fatalf("accept = %d %s", r.status, r.body)
	}

	// The resident's own reads are not logged; the worker's are.
	var seen []AccessView
	res.do(http.MethodGet, "/api/v1/me/access-log", "").json(t, &seen)
	if len(seen) == 0 || seen[len(seen)-1].ActorName != asWorker || seen[len(seen)-1].ActorRole != "social_worker" || seen[len(seen)-1].Action != "read" {
		t.Fatalf("access log = %+v; want the worker's read first", seen)
	}
	for _, v := range seen {
		if v.ActorName == asResident {
			t.Errorf("the resident's own access was logged: %+v", v)
		}
	}

	r := res.do(http.MethodGet, "/api/v1/me/export", "")
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export = %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	var ex DataExport
	r.json(t, &ex)
	if ex.Account.Email != asResident+"@example.org" || len(ex.Volunteers) != 1 || ex.Volunteers[0].ID != volID ||
		len(ex.Referrals) != 1 || ex.Referrals[0].State != "accepted" || len(ex.Tokens) != 1 || len(ex.AccessLog) != len(seen) {
		t.Fatalf("export = %s", r.body)
	}
	// After acceptance, with consent, the helper knows the alias.
	if ex.Referrals[0].ResidentName != "Mevr. J." || !strings.Contains(string(r.body), `"initiatives":[]`) {
		t.Errorf("export referral = %+v", ex.Referrals[0])
	}
	for _, forbidden := range []string{"correct horse", "password_hash", "own_strength", "life_domains", "hash"} {
		if strings.Contains(string(r.body), forbidden) {
			t.Errorf("export holds %q: %s", forbidden, r.body)
		}
	}

	// Erasing needs the password; a professional account is not erased
	// this way.
	mustProblem(t, res.do(http.MethodDelete, "/api/v1/me", `{"password":"wrong password"}`), http.StatusUnauthorized, "password")
	mustProblem(t, res.do(http.MethodDelete, "/api/v1/me", `{}`), http.StatusUnprocessableEntity, "password")
	mustProblem(t, e.do(http.MethodDelete, "/api/v1/me", `{"password":"correct horse battery"}`), http.StatusConflict, "")
	if r := res.do(http.MethodGet, "/api/v1/me", ""); r.status != http.StatusOK {
		t.Fatalf("after refused erasures /me = %d", r.status)
	}

	if r := res.do(http.MethodPost, "/api/v1/me/calendar-token", ""); r.status != http.StatusCreated {
		t.Fatalf("calendar token = %d %s", r.status, r.body)
	}
	if r := res.do(http.MethodDelete, "/api/v1/me", `{"password":"correct horse battery"}`); r.status != http.StatusNoContent {
		t.Fatalf("erase = %d %s", r.status, r.body)
	}
	mustProblem(t, res.do(http.MethodGet, "/api/v1/me", ""), http.StatusUnauthorized, "")
	if tok, err := e.store.CalendarTokens().OfAccount(context.Background(), e.ids[asResident]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("calendar token of the erased account: %+v %v", tok, err)
	}
	mustProblem(t, e.do(http.MethodGet, "/api/v1/volunteers/"+volID, ""), http.StatusNotFound, "")
	var ref struct {
		State        string     `json:"state"`
		OwnerID      string     `json:"owner_id"`
		Reason       string     `json:"reason"`
		Need         string     `json:"need"`
		AnonymisedAt *time.Time `json:"anonymised_at"`
	}
	e.do(http.MethodGet, "/api/v1/referrals/"+refID, "").json(t, &ref)
	if ref.State != "ended" || ref.OwnerID != "" || ref.Reason != "" || ref.Need != "groceries" || ref.AnonymisedAt == nil {
		t.Errorf("referral after erasure = %+v; want ended, anonymous, need kept", ref)
	}
	taken, err := e.store.Places().Taken(context.Background(), "volunteer:"+volID, 2)
	if err != nil || len(taken) != 0 {
		t.Errorf("places still taken after erasure: %v %v", taken, err)
	}
	var near []struct {
		ID string `json:"id"`
	}
	e.do(http.MethodGet, "/api/v1/options/nearby?lat=52.3731&lon=4.8924&radius_m=2000", "").json(t, &near)
	for _, o := range near {
		if o.ID == volID {
			t.Error("the erased offer is still found by the search")
		}
	}
	if n := storetest.Collection(t, e.store, "accounts").Count(map[string]any{"email": asResident + "@example.org"}); n != 0 {
		t.Errorf("accounts with the erased address: %d", n)
	}
	// The audit trail of the request still has the moves, by account id.
	var audit []struct {
		To string `json:"to"`
	}
	e.do(http.MethodGet, "/api/v1/requests/"+reqID+"/audit", "").json(t, &audit)
	if len(audit) < 2 {
		t.Errorf("audit after erasure = %+v", audit)
	}
}

// TestSearchesShowVolunteersOnlyAtHome checks that a volunteer shown in a
// search learns who saw them, and that a worker of another municipality
// searching at the border sees the collective options there but no
// volunteer.
func TestSearchesShowVolunteersOnlyAtHome(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	res := e.as(asResident)
	volID := res.create("/api/v1/volunteers", validVolunteer)
	provID := e.create("/api/v1/provisions", validProvision)
	near := "/api/v1/options/nearby?lat=52.3731&lon=4.8924&radius_m=2000"
	var found []struct {
		OptionID string `json:"option_id"`
	}
	e.do(http.MethodGet, near, "").json(t, &found)
	if len(found) != 2 {
		t.Fatalf("Amsterdam's worker finds %+v; want the offer and the provision", found)
	}
	var seen []AccessView
	res.do(http.MethodGet, "/api/v1/me/access-log", "").json(t, &seen)
	if len(seen) != 1 || seen[0].Action != "search" || seen[0].ActorName != asWorker {
		t.Errorf("the volunteer's access log = %+v; want the worker's search", seen)
	}

	found = nil
	e.as(asElsewhere).do(http.MethodGet, near, "").json(t, &found)
	if len(found) != 1 || found[0].OptionID != provID {
		t.Errorf("Utrecht's worker at the Dam finds %+v; want only the provision %s, never the volunteer %s", found, provID, volID)
	}
	seen = nil
	res.do(http.MethodGet, "/api/v1/me/access-log", "").json(t, &seen)
	if len(seen) != 1 {
		t.Errorf("the volunteer's access log after Utrecht's search = %+v", seen)
	}
}

// TestOneOfferPerResident checks that a resident has one volunteer offer,
// also when several creates race, while a worker registers as many as the
// people at the kitchen tables.
func TestOneOfferPerResident(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	res := e.as(asResident)
	const n = 10
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- res.do(http.MethodPost, "/api/v1/volunteers", validVolunteer).status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusCreated] != 1 || count[http.StatusConflict] != n-1 {
		t.Fatalf("%d concurrent offers by one resident: %v; want 1 created, the rest 409", n, count)
	}
	r := res.do(http.MethodPost, "/api/v1/volunteers", validVolunteer)
	mustProblem(t, r, http.StatusConflict, "")
	if loc := r.header.Get("Location"); loc != "/api/v1/volunteers/"+e.ids[asResident] {
		t.Errorf("Location = %q; want the existing offer", loc)
	}
	e.create("/api/v1/volunteers", validVolunteer)
	e.create("/api/v1/volunteers", validVolunteer)
	if got := e.count("/api/v1/volunteers"); got != 3 {
		t.Errorf("offers = %d; want the resident's and the worker's two", got)
	}
}

// TestResidentSeesAccessToTheirRequest links a request to the resident's
// own account: they then see the team's reads of it, a worker cannot link
// someone who is not a resident of the municipality, and erasing the
// account unlinks the request.
func TestResidentSeesAccessToTheirRequest(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	mine := editJSON(t, validRequest, "resident_account", `"`+e.ids[asResident]+`"`)
	reqID := e.create("/api/v1/requests", mine)
	if r := e.do(http.MethodGet, "/api/v1/requests/"+reqID, ""); r.status != http.StatusOK {
		t.Fatalf("read = %d", r.status)
	}
	if r := e.as(asOtherTeam).do(http.MethodGet, "/api/v1/requests/"+reqID, "", AccessReasonHeader, "Collega ziek."); r.status != http.StatusOK {
		t.Fatalf("break the glass = %d", r.status)
	}
	var seen []AccessView
	e.as(asResident).do(http.MethodGet, "/api/v1/me/access-log", "").json(t, &seen)
	actions := map[string]int{}
	glass := ""
	for _, v := range seen {
		actions[v.ActorName+" "+v.Action]++
		if v.Reason != "" {
			glass = v.ActorName + ": " + v.Reason
		}
	}
	if actions[asWorker+" create"] != 1 || actions[asWorker+" read"] != 1 || glass != asOtherTeam+": Collega ziek." {
		t.Errorf("the resident's access log = %+v", seen)
	}

	for _, who := range []string{asOrganiser, asElsewhere} {
		mustProblem(t, e.do(http.MethodPost, "/api/v1/requests", editJSON(t, validRequest, "resident_account", `"`+e.ids[who]+`"`)),
			http.StatusUnprocessableEntity, "resident_account")
	}
	mustProblem(t, e.do(http.MethodPost, "/api/v1/requests", editJSON(t, validRequest, "resident_account", `"nobody"`)),
		http.StatusUnprocessableEntity, "resident_account")

	if r := e.as(asResident).do(http.MethodDelete, "/api/v1/me", `{"password":"correct horse battery"}`); r.status != http.StatusNoContent {
		t.Fatalf("erase = %d %s", r.status, r.body)
	}
	var req struct {
		ResidentAccount string `json:"resident_account"`
		Subject         string `json:"subject"`
	}
	e.do(http.MethodGet, "/api/v1/requests/"+reqID, "").json(t, &req)
	if req.ResidentAccount != "" || req.Subject != "" {
		t.Errorf("after erasure the request still points at the account: %+v", req)
	}
}
