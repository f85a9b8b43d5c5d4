package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

type followUpView struct {
	Due    time.Time  `json:"due"`
	DoneAt *time.Time `json:"done_at"`
	Note   string     `json:"note"`
}

type followUpReferral struct {
	State string `json:"state"`
	Steps []struct {
		State string    `json:"state"`
		At    time.Time `json:"at"`
	} `json:"steps"`
	FollowUps []followUpView `json:"follow_ups"`
	NoShows   []struct {
		At   time.Time `json:"at"`
		Note string    `json:"note"`
	} `json:"no_shows"`
}

func (e referralEnv) followUpReferral(id string) followUpReferral {
	e.t.Helper()
	var v followUpReferral
	e.do(http.MethodGet, "/api/v1/referrals/"+id, "").json(e.t, &v)
	return v
}

// openFollowUps reads every page of the follow-ups due before before,
// two at a time.
func (e referralEnv) openFollowUps(before time.Time) []FollowUpItem {
	e.t.Helper()
	out := []FollowUpItem{}
	cursor := ""
	for range 100 {
		path := "/api/v1/follow-ups?limit=2&due_before=" + url.QueryEscape(before.Format(time.RFC3339Nano))
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		r := e.do(http.MethodGet, path, "")
		if r.status != http.StatusOK {
			e.t.Fatalf("GET follow-ups = %d %s", r.status, r.body)
		}
		var page Page[FollowUpItem]
		r.json(e.t, &page)
		if len(page.Items) > 2 {
			e.t.Fatalf("a page of 2 holds %d follow-ups", len(page.Items))
		}
		out = append(out, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return out
		}
	}
	e.t.Fatal("the follow-ups never reach a last page")
	return nil
}

// TestFollowUpsAfterStart: a started referral gets follow-ups at start+28d
// and start+84d; the list filters by due_before (strictly before) and
// leaves out done ones; done twice is 409, an unknown n 404.
func TestFollowUpsAfterStart(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 2)
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	mustProblem(t, e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/1/done", `{}`), http.StatusNotFound, "")
	e.mustMove(id, `{"to":"accepted"}`)
	e.mustMove(id, `{"to":"started"}`)
	ref := e.followUpReferral(id)
	start := ref.Steps[len(ref.Steps)-1].At
	if ref.State != "started" || start.Before(testNow) {
		t.Fatalf("referral %s started at %s; want started after %s", ref.State, start, testNow)
	}
	day := 24 * time.Hour
	want := []time.Time{start.Add(28 * day), start.Add(84 * day)}
	if len(ref.FollowUps) != 2 || !ref.FollowUps[0].Due.Equal(want[0]) || !ref.FollowUps[1].Due.Equal(want[1]) {
		t.Fatalf("follow_ups = %+v; want due %v", ref.FollowUps, want)
	}
	other := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	e.mustMove(other, `{"to":"accepted"}`) // accepted, not started: no follow-ups

	for _, tc := range []struct {
		name   string
		before time.Time
		want   []int // follow-up numbers of id, in due order
	}{
		{"before the first", want[0], nil},
		{"just after the first", want[0].Add(time.Millisecond), []int{1}},
		{"after both", want[1].Add(day), []int{1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := e.openFollowUps(tc.before)
			if len(got) != len(tc.want) {
				t.Fatalf("follow-ups due before %s = %+v; want numbers %v", tc.before, got, tc.want)
			}
			for i, f := range got {
				if f.ReferralID != id || f.RequestID != e.reqID || f.N != tc.want[i] || !f.Due.Equal(want[f.N-1]) {
					t.Errorf("item %d = %+v; want follow-up %d of %s due %s", i, f, tc.want[i], id, want[tc.want[i]-1])
				}
			}
		})
	}

	done := e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/1/done", `{"note":"Gaat goed, boodschappen elke dinsdag"}`)
	if done.status != http.StatusOK {
		t.Fatalf("done = %d %s", done.status, done.body)
	}
	if f := e.followUpReferral(id).FollowUps[0]; f.DoneAt == nil || f.Note != "Gaat goed, boodschappen elke dinsdag" {
		t.Errorf("follow-up 1 after done = %+v; want done_at and the note", f)
	}
	mustProblem(t, e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/1/done", `{}`), http.StatusConflict, "")
	if got := e.openFollowUps(want[1].Add(day)); len(got) != 1 || got[0].N != 2 {
		t.Errorf("open follow-ups after the first was done = %+v; want only number 2", got)
	}
	for _, n := range []string{"0", "3", "x"} {
		mustProblem(t, e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/"+n+"/done", `{}`), http.StatusNotFound, "")
	}
	mustProblem(t, e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/2/done", `{"notes":"x"}`), http.StatusBadRequest, "notes")
	mustProblem(t, e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/2/done", `{"note":1}`), http.StatusBadRequest, "note")
	mustProblem(t, e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/2/done", `note`, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "Content-Type")
	for _, q := range []string{"", "?due_before=tomorrow", "?due_before=2027-01-01", "?due_before=2027-01-01T00:00:00Z&state=open"} {
		field := "due_before"
		if q == "?due_before=2027-01-01T00:00:00Z&state=open" {
			field = "state"
		}
		mustProblem(t, e.do(http.MethodGet, "/api/v1/follow-ups"+q, ""), http.StatusBadRequest, field)
	}
}

// TestFollowUpDoneOnceUnderConcurrency: 20 simultaneous "done" of one
// follow-up give one 200 and 19 409s, although a version-checked replace
// alone is not atomic on the embedded store.
func TestFollowUpDoneOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 2)
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	e.mustMove(id, `{"to":"accepted"}`)
	e.mustMove(id, `{"to":"started"}`)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
		start = make(chan struct{})
	)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := e.do(http.MethodPost, "/api/v1/referrals/"+id+"/follow-ups/1/done", `{"note":"Gebeld"}`)
			mu.Lock()
			codes[r.status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	if codes[http.StatusOK] != 1 || codes[http.StatusConflict] != 19 {
		t.Errorf("status counts = %v; want one 200 and 19 409", codes)
	}
}

// TestNoShows: recorded on accepted and started referrals and listed on
// the referral; refused with 409 on a proposed one; bad input names the field.
func TestNoShows(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 2)
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	path := "/api/v1/referrals/" + id + "/no-shows"
	p := mustProblem(t, e.do(http.MethodPost, path, `{"at":"2026-11-20T10:00:00+01:00"}`), http.StatusConflict, "state")
	if want := "is proposed"; !strings.Contains(p.Detail, want) {
		t.Errorf("refusal %q; want the state named (%q)", p.Detail, want)
	}
	e.mustMove(id, `{"to":"accepted"}`)
	if r := e.do(http.MethodPost, path, `{"at":"2026-11-20T10:00:00+01:00","note":"Niet thuis"}`); r.status != http.StatusCreated {
		t.Fatalf("no-show on accepted = %d %s", r.status, r.body)
	}
	e.mustMove(id, `{"to":"started"}`)
	if r := e.do(http.MethodPost, path, `{"at":"2026-11-23T09:00:00+01:00"}`); r.status != http.StatusCreated {
		t.Fatalf("no-show on started = %d %s", r.status, r.body)
	}
	got := e.followUpReferral(id).NoShows
	if len(got) != 2 || !got[0].At.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) || got[0].Note != "Niet thuis" {
		t.Errorf("no_shows = %+v; want two, the first at 2026-11-20T09:00Z with its note", got)
	}
	for _, tc := range []struct {
		name, body string
		status     int
		field      string
	}{
		{"no time", `{"note":"x"}`, 422, "at"},
		{"not RFC 3339", `{"at":"20-11-2026 10:00"}`, 422, "at"},
		{"in the future", `{"at":"2027-01-01T10:00:00Z"}`, 422, "at"},
		{"time as number", `{"at":1}`, 400, "at"},
		{"unknown field", `{"at":"2026-11-20T10:00:00Z","who":"x"}`, 400, "who"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustProblem(t, e.do(http.MethodPost, path, tc.body), tc.status, tc.field)
		})
	}
	mustProblem(t, e.do(http.MethodPost, "/api/v1/referrals/6b0300000000000000000000/no-shows", `{"at":"2026-11-20T10:00:00Z"}`), http.StatusNotFound, "")
}

// TestFollowUpsPageBadInput: a page size above the maximum, a cursor
// this list did not give and an unknown parameter are 400s naming the
// parameter; a cursor past the last follow-up gives an empty page.
func TestFollowUpsPageBadInput(t *testing.T) {
	t.Parallel()
	e := newReferralEnv(t, 1)
	const base = "/api/v1/follow-ups?due_before=2030-01-01T00:00:00Z"
	for _, c := range []struct{ query, field string }{
		{"&limit=201", "limit"},
		{"&limit=0", "limit"},
		{"&limit=tien", "limit"},
		{"&cursor=bm90LWEtY3Vyc29y", "cursor"},
		{"&cursor=" + followUpKey{due: testNow, kind: "referral", id: "not-an-id", n: 1}.encode(), "cursor"},
		{"&page=2", "page"},
	} {
		p := mustProblem(t, e.do(http.MethodGet, base+c.query, ""), http.StatusBadRequest, c.field)
		if c.field == "limit" && !strings.Contains(fmt.Sprint(p.Errors), "200") {
			t.Errorf("%s: %+v; want the maximum, 200, named", c.query, p.Errors)
		}
	}
	id := e.refer(`{"need":"groceries","option_id":"` + e.volID + `"}`)
	e.mustMove(id, `{"to":"accepted"}`)
	e.mustMove(id, `{"to":"started"}`)
	past := followUpKey{due: time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC), kind: "step_down", id: strings.Repeat("f", 24), n: 9}.encode()
	var page Page[FollowUpItem]
	e.mustDo(http.StatusOK, http.MethodGet, base+"&cursor="+past, "").json(t, &page)
	if len(page.Items) != 0 || page.NextCursor != "" {
		t.Errorf("past the last follow-up: %+v; want an empty last page", page)
	}
	e.mustDo(http.StatusOK, http.MethodGet, base, "").json(t, &page)
	if len(page.Items) != 2 || page.NextCursor != "" {
		t.Errorf("first page: %+v; want both follow-ups and no next cursor", page)
	}
}
