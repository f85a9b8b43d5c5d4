package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCancelledOccurrenceEndsItsReferrals: the organiser cancels one
// date of an activity (an exdate, by PATCH); the accepted referral to it
// ends with the reason and frees its place, the proposal to it expires,
// and a referral to another date stands.
func TestCancelledOccurrenceEndsItsReferrals(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	org := e.as(asOrganiser)
	provID := org.create("/api/v1/provisions", validProvision)
	actID := org.create("/api/v1/activities", validActivity(provID))
	reqID := e.create("/api/v1/requests", strings.Replace(validRequest, `"needs":["groceries","companionship"]`, `"needs":["day_activities"]`, 1))
	refer := func(occ string) string {
		return e.create("/api/v1/requests/"+reqID+"/referrals", `{"need":"day_activities","option_id":"`+actID+`","occurrence":"`+occ+`"}`)
	}
	accepted, proposed, other := refer("2026-12-15T14:00"), refer("2026-12-15T14:00"), refer("2027-01-12T14:00")
	for _, id := range []string{accepted, other} {
		e.mustDo(http.StatusOK, http.MethodPost, "/api/v1/referrals/"+id+"/transitions", `{"to":"accepted"}`)
	}

	org.mustDo(http.StatusOK, http.MethodPatch, "/api/v1/activities/"+actID,
		`{"schedule":{"start":"2026-12-01T14:00","timezone":"Europe/Amsterdam","duration_minutes":120,"rrule":"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU","exdates":["2026-12-15T14:00","2026-12-29T14:00"]}}`)

	for _, tc := range []struct{ id, state string }{{accepted, "ended"}, {proposed, "expired"}, {other, "accepted"}} {
		var ref struct {
			State  string          `json:"state"`
			Reason string          `json:"reason"`
			Place  json.RawMessage `json:"place"`
		}
		e.mustDo(http.StatusOK, http.MethodGet, "/api/v1/referrals/"+tc.id, "").json(t, &ref)
		if ref.State != tc.state {
			t.Errorf("referral %s after the cancellation: %s; want %s", tc.id, ref.State, tc.state)
		}
		if tc.state != "accepted" && (ref.Reason != "the occurrence was cancelled" || len(ref.Place) != 0) {
			t.Errorf("released referral: reason %q, place %s; want the cancellation and no place", ref.Reason, ref.Place)
		}
	}
}
