package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// TestRetentionAnonymisesClosedRequests moves the clock past the 24
// months a closed request keeps its personal data, and checks that the
// maintenance job strips it and its referrals, and leaves alone what
// closed later or is still open.
func TestRetentionAnonymisesClosedRequests(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	ctx := context.Background()
	volID := e.create("/api/v1/volunteers", validVolunteer)
	withNotes := strings.Replace(validRequest, `"needs"`, `"own_strength":"Kookt graag.","network":"Dochter in Almere.","household_id":"fam-7","needs"`, 1)
	oldID := e.create("/api/v1/requests", withNotes)
	refID := e.create("/api/v1/requests/"+oldID+"/referrals", `{"need":"groceries","option_id":"`+volID+`","note":"Belt liever na tienen."}`)
	if r := e.do(http.MethodPost, "/api/v1/referrals/"+refID+"/transitions", `{"to":"declined","reason":"Ik ben dan op vakantie."}`); r.status != http.StatusOK {
		t.Fatalf("decline = %d %s", r.status, r.body)
	}
	if r := e.do(http.MethodPost, "/api/v1/requests/"+oldID+"/close", `{"closure":"resolved_locally","note":"Boodschappen via de buurman."}`); r.status != http.StatusOK {
		t.Fatalf("close = %d %s", r.status, r.body)
	}
	e.advance(2 * 30 * 24 * time.Hour)
	laterID := e.create("/api/v1/requests", withNotes)
	if r := e.do(http.MethodPost, "/api/v1/requests/"+laterID+"/close", `{"closure":"withdrawn"}`); r.status != http.StatusOK {
		t.Fatalf("close later = %d %s", r.status, r.body)
	}
	openID := e.create("/api/v1/requests", withNotes)

	// 23 months after the first closure nothing is due yet.
	e.advance(21 * 30 * 24 * time.Hour)
	if err := e.app.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.store.Requests().Get(ctx, oldID); r.AnonymisedAt != nil || r.ResidentAlias == "" {
		t.Fatalf("anonymised before its time: %+v", r)
	}

	// Past 24 months (and past the job's hourly pace) the first is due.
	e.advance(2*30*24*time.Hour + 2*time.Hour)
	if err := e.app.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	old, err := e.store.Requests().Get(ctx, oldID)
	if err != nil {
		t.Fatal(err)
	}
	if old.AnonymisedAt == nil || old.ResidentAlias != "" || old.OwnStrength != "" || old.Network != "" || old.HouseholdID != "" ||
		old.ClosureNote != "" || old.Location != nil || old.ResidentAge != nil || len(old.Constraints.TimeWindows) != 0 ||
		len(old.Constraints.Languages) != 0 || old.ConsentHistory != nil {
		t.Errorf("old request after retention = %+v", old)
	}
	if len(old.Needs) != 2 || old.Area.NeighbourhoodCode == "" || old.Status != care.ReqClosed || len(old.LifeDomains) == 0 || len(old.Consents) == 0 {
		t.Errorf("retention dropped what statistics need: %+v", old)
	}
	ref, err := e.store.Referrals().Get(ctx, refID)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Note != "" || ref.Reason != "" || ref.AnonymisedAt == nil || ref.State != care.RefDeclined || ref.OwnerID != volOwner(t, e, volID) {
		t.Errorf("referral after retention = %+v", ref)
	}
	for _, id := range []string{laterID, openID} {
		r, err := e.store.Requests().Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.AnonymisedAt != nil || r.OwnStrength == "" {
			t.Errorf("request %s (%s) anonymised too early", id, r.Status)
		}
	}
	// Reading the anonymised request still works, and shows the stamp.
	var got struct {
		AnonymisedAt *time.Time `json:"anonymised_at"`
		Alias        string     `json:"resident_alias"`
	}
	e.do(http.MethodGet, "/api/v1/requests/"+oldID, "").json(t, &got)
	if got.AnonymisedAt == nil || got.Alias != "" {
		t.Errorf("GET anonymised request = %+v", got)
	}
}

// volOwner is the owner of a volunteer offer ("" when a worker made it).
func volOwner(t *testing.T, e *testEnv, id string) string {
	v, err := e.store.Volunteers().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v.OwnerID
}
