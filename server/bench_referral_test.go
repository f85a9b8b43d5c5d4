package server

import (
	"net/http"
	"testing"
)

// BenchmarkReferralLoop measures the closed loop a worker walks for one
// need, through Fiber over the embedded store: propose a referral, the
// volunteer accepts, the help starts, it completes. One op is the four
// calls; compare ns/op across commits (the events' outbox and delivery
// are part of each write since the casework package).
func BenchmarkReferralLoop(b *testing.B) {
	e := newTestEnvWith(b, nil)
	reqID := e.create("/api/v1/requests", validRequest)
	volID := e.create("/api/v1/volunteers", validVolunteer)
	moves := []string{`{"to":"accepted"}`, `{"to":"started"}`, `{"to":"completed","outcome":"Boodschappen lopen samen"}`}
	for b.Loop() {
		id := e.create("/api/v1/requests/"+reqID+"/referrals", `{"need":"groceries","option_id":"`+volID+`"}`)
		for _, m := range moves {
			if r := e.do(http.MethodPost, "/api/v1/referrals/"+id+"/transitions", m); r.status != http.StatusOK {
				b.Fatalf("move %s = %d %s", m, r.status, r.body)
			}
		}
	}
}
