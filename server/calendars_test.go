package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/calendars"
	"github.com/dichtbij/dichtbij/store"
)

// anon sends a request without an account, as a calendar app does.
func (e *testEnv) anon(method, path string) response {
	e.t.Helper()
	return e.do(method, path, "", "Authorization", "")
}

// parseFeed checks a feed's content type and parses it with a second,
// independent iCalendar parser.
func parseFeed(t *testing.T, r response) *goical.Calendar {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status = %d %s; want 200", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("Content-Type = %q; want text/calendar", ct)
	}
	cal, err := goical.NewDecoder(bytes.NewReader(r.body)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, r.body)
	}
	return cal
}

func eventUIDs(t *testing.T, cal *goical.Calendar) []string {
	t.Helper()
	var out []string
	for _, e := range cal.Events() {
		u, err := e.Props.Text(goical.PropUID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

func TestCalendarFeedsOfActivitiesAndProvisions(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	org := e.as(asOrganiser)
	prov := org.create("/api/v1/provisions", validProvision)
	act := org.create("/api/v1/activities", validActivity(prov))

	cal := parseFeed(t, e.anon(http.MethodGet, "/api/v1/activities/"+act+"/calendar.ics"))
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events; want 1", len(evs))
	}
	ev := evs[0]
	if u, _ := ev.Props.Text(goical.PropUID); u != "activity-"+act+"@dichtbij" {
		t.Errorf("UID %q", u)
	}
	start := ev.Props.Get(goical.PropDateTimeStart)
	if start.Value != "20261201T140000" || start.Params.Get(goical.PropTimezoneID) != "Europe/Amsterdam" {
		t.Errorf("DTSTART %v %q", start.Params, start.Value)
	}
	if rr := ev.Props.Get(goical.PropRecurrenceRule); rr == nil || rr.Value != "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" {
		t.Errorf("RRULE %v; want the stored rule", rr)
	}
	if ex := ev.Props.Values(goical.PropExceptionDates); len(ex) != 1 || ex[0].Value != "20261229T140000" {
		t.Errorf("EXDATE %v", ex)
	}
	if !strings.Contains(string(e.anon(http.MethodGet, "/api/v1/activities/"+act+"/calendar.ics").body), "BEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam") {
		t.Error("no VTIMEZONE for Europe/Amsterdam")
	}

	pcal := parseFeed(t, e.anon(http.MethodGet, "/api/v1/provisions/"+prov+"/calendar.ics"))
	uids := eventUIDs(t, pcal)
	if strings.Join(uids, " ") != "provision-"+prov+"-mon-0900@dichtbij provision-"+prov+"-tue-0900@dichtbij" {
		t.Errorf("provision events %v; want one per opening-hours slot", uids)
	}

	mustProblem(t, e.anon(http.MethodGet, "/api/v1/activities/0123456789abcdef01234567/calendar.ics"), http.StatusNotFound, "")
	mustProblem(t, e.anon(http.MethodGet, "/api/v1/provisions/0123456789abcdef01234567/calendar.ics"), http.StatusNotFound, "")
	mustProblem(t, e.anon(http.MethodGet, "/api/v1/provisions/"+act+"/calendar.ics"), http.StatusNotFound, "")
	// Only active records have a feed.
	if r := org.do(http.MethodPatch, "/api/v1/activities/"+act, `{"active":false}`, "Content-Type", "application/merge-patch+json"); r.status != http.StatusOK {
		t.Fatalf("deactivate: %d %s", r.status, r.body)
	}
	mustProblem(t, e.anon(http.MethodGet, "/api/v1/activities/"+act+"/calendar.ics"), http.StatusNotFound, "")
}

// issueFeed asks for a personal feed and returns its path on this server.
func issueFeed(t *testing.T, e *testEnv) string {
	t.Helper()
	r := e.do(http.MethodPost, "/api/v1/me/calendar-token", "")
	if r.status != http.StatusCreated {
		t.Fatalf("POST calendar-token = %d %s", r.status, r.body)
	}
	var got CalendarFeed
	r.json(t, &got)
	path, ok := strings.CutPrefix(got.URL, "http://dichtbij.test")
	if !ok || path != "/ical/"+got.Token || !strings.HasPrefix(got.Token, calendars.TokenPrefix) {
		t.Fatalf("feed %+v; want http://dichtbij.test/ical/<token>", got)
	}
	return path
}

func TestCalendarTokenRotationAndRevocation(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	res := e.as(asResident)
	vol := res.create("/api/v1/volunteers", validVolunteer)
	req := e.create("/api/v1/requests", validRequest)
	ref := e.create("/api/v1/requests/"+req+"/referrals", `{"need":"groceries","option_id":"`+vol+`","note":"Sleutel ligt onder de mat."}`)

	var st CalendarFeedStatus
	res.do(http.MethodGet, "/api/v1/me/calendar-token", "").json(t, &st)
	if st.Active || st.CreatedAt != nil {
		t.Errorf("status before any feed = %+v", st)
	}
	first := issueFeed(t, res)
	stat := res.do(http.MethodGet, "/api/v1/me/calendar-token", "")
	stat.json(t, &st)
	if !st.Active || st.CreatedAt == nil || strings.Contains(string(stat.body), "dbc_") {
		t.Errorf("status after issuing = %s; want active, without the secret", stat.body)
	}
	if uids := eventUIDs(t, parseFeed(t, e.anon(http.MethodGet, first))); len(uids) != 0 {
		t.Errorf("a proposed referral is in the feed: %v", uids)
	}
	if r := res.do(http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", `{"to":"accepted"}`); r.status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	r := e.anon(http.MethodGet, first)
	cal := parseFeed(t, r)
	if uids := eventUIDs(t, cal); strings.Join(uids, " ") != "referral-"+ref+"-tue-0900@dichtbij" {
		t.Errorf("feed events %v; want the accepted referral's time window", uids)
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q; a personal feed must not be stored by caches", cc)
	}
	// The owner's own view holds the alias after acceptance; the feed,
	// which may sit in another company's calendar, never does.
	if mine := res.do(http.MethodGet, "/api/v1/my/referrals", ""); !strings.Contains(string(mine.body), "Mevr. J.") {
		t.Fatalf("fixture: the owner's view lacks the alias, so the check below proves nothing: %s", mine.body)
	}
	for _, secret := range []string{"Mevr. J.", "Kookt zelf.", "Dochter woont ver weg.", "Sleutel", "walking_aid", req} {
		if bytes.Contains(r.body, []byte(secret)) {
			t.Errorf("the personal feed holds %q:\n%s", secret, r.body)
		}
	}
	if !bytes.Contains(r.body, []byte("Boodschappen")) {
		t.Errorf("the feed does not name the help type:\n%s", r.body)
	}
	// Reading the feed is a read of the request by its owner, logged
	// like GET /my/referrals.
	entries, _, err := accesslog.New(e.store, nil).ForRequest(t.Context(), req, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	feedReads := 0
	for _, en := range entries {
		if en.Route == "GET /ical/:token" {
			feedReads++
			if en.Actor != e.ids[asResident] || en.Action != accesslog.ActionRead {
				t.Errorf("feed read logged as %+v; want a read by the owner", en)
			}
		}
	}
	if feedReads != 1 {
		t.Errorf("%d access-log entries for reading the feed once with the referral in it; want 1", feedReads)
	}

	// Rotating kills the old address.
	second := issueFeed(t, res)
	if second == first {
		t.Fatal("rotation gave the same address")
	}
	mustProblem(t, e.anon(http.MethodGet, first), http.StatusNotFound, "")
	parseFeed(t, e.anon(http.MethodGet, second))
	// Another account's token is its own: rotating it leaves this one.
	other := issueFeed(t, e.as(asOrganiser))
	parseFeed(t, e.anon(http.MethodGet, second))
	// Revoking kills it, and only it.
	if r := res.do(http.MethodDelete, "/api/v1/me/calendar-token", ""); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	mustProblem(t, e.anon(http.MethodGet, second), http.StatusNotFound, "")
	parseFeed(t, e.anon(http.MethodGet, other))
	for _, bad := range []string{"/ical/nonsense", "/ical/dbc_", "/ical/" + strings.TrimPrefix(second, "/ical/dbc_")} {
		mustProblem(t, e.anon(http.MethodGet, bad), http.StatusNotFound, "")
	}
	// The token is stored only as its hash.
	if _, err := e.store.CalendarTokens().Get(t.Context(), strings.TrimPrefix(other, "/ical/")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a stored token's _id is the secret itself (%v)", err)
	}
	sum := sha256.Sum256([]byte(strings.TrimPrefix(other, "/ical/")))
	if _, err := e.store.CalendarTokens().Get(t.Context(), hex.EncodeToString(sum[:])); err != nil {
		t.Errorf("no stored token under the secret's SHA-256 (%v)", err)
	}
}

// TestCalendarFeedOfAnActivityReferral: the organiser's feed shows the
// referred occurrence, once, at the activity's place.
func TestCalendarFeedOfAnActivityReferral(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	org := e.as(asOrganiser)
	prov := org.create("/api/v1/provisions", validProvision)
	act := org.create("/api/v1/activities", validActivity(prov))
	req := e.create("/api/v1/requests", strings.Replace(validRequest, `"needs":["groceries","companionship"]`, `"needs":["day_activities"]`, 1))
	ref := e.create("/api/v1/requests/"+req+"/referrals", `{"need":"day_activities","option_id":"`+act+`","occurrence":"2026-12-15T14:00"}`)
	if r := org.do(http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", `{"to":"accepted"}`); r.status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	r := e.anon(http.MethodGet, issueFeed(t, org))
	cal := parseFeed(t, r)
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events; want 1:\n%s", len(evs), r.body)
	}
	ev := evs[0]
	if u, _ := ev.Props.Text(goical.PropUID); u != "referral-"+ref+"@dichtbij" {
		t.Errorf("UID %q", u)
	}
	if s := ev.Props.Get(goical.PropDateTimeStart); s.Value != "20261215T140000" || s.Params.Get(goical.PropTimezoneID) != "Europe/Amsterdam" {
		t.Errorf("DTSTART %v %q; want the occurrence 2026-12-15 14:00 Amsterdam", s.Params, s.Value)
	}
	if s := ev.Props.Get(goical.PropDateTimeEnd); s == nil || s.Value != "20261215T160000" {
		t.Errorf("DTEND %v; want two hours later", s)
	}
	if ev.Props.Get(goical.PropRecurrenceRule) != nil {
		t.Error("the referral's event repeats; it is one occurrence")
	}
	if bytes.Contains(r.body, []byte("Mevr. J.")) || bytes.Contains(r.body, []byte("Kookt zelf.")) {
		t.Errorf("the feed holds the resident's data:\n%s", r.body)
	}
}
