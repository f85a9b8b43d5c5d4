package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/demo"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/monitor"
)

// TestDemoMakesItsTeam loads a small demo and checks that its requests
// belong to a team that exists and covers the municipality's districts,
// so an admin can put a social worker in it.
func TestDemoMakesItsTeam(t *testing.T) {
	t.Parallel()
	st := shared.Open(t, shared.DBName(t))
	areas, _ := testAreas(t)
	ctx := context.Background()
	if err := demo.Load(ctx, st, areas, "GM0344", 100, quietLogger()); err != nil {
		t.Fatal(err)
	}
	reqs, err := st.Requests().All(ctx, st.Requests().Scope("GM0344", demo.Team)...)
	if err != nil || len(reqs) == 0 {
		t.Fatalf("demo requests: %d, %v", len(reqs), err)
	}
	team, err := st.Teams().Get(ctx, teamID("GM0344", "demo"))
	if err != nil {
		t.Fatalf("demo team: %v", err)
	}
	if len(team.Districts) != len(areas.DistrictsOf("GM0344")) || reqs[0].Team != team.Code {
		t.Errorf("demo team = %+v; requests in team %q", team, reqs[0].Team)
	}
}

// TestDemoIsALivingYear loads a demo and checks that it holds a year of
// casework (requests over twelve months, searches, referrals, specialist
// referrals), that exactly the referrals accepted or started hold their
// places, that a second load adds nothing, and that the demo accounts
// from the log sign in and see the demo.
func TestDemoIsALivingYear(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	areas, _ := testAreas(t)
	ctx := context.Background()
	var logged bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, nil))
	if err := demo.Load(ctx, e.store, areas, "GM0344", 400, log); err != nil {
		t.Fatal(err)
	}
	reqs, err := e.store.Requests().All(ctx, e.store.Requests().Scope("GM0344", demo.Team)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != demo.Requests(400) {
		t.Fatalf("%d demo requests; want %d", len(reqs), demo.Requests(400))
	}
	now := time.Now().UTC()
	months := map[string]bool{}
	closed := 0
	for _, r := range reqs {
		months[r.CreatedAt.Format("2006-01")] = true
		if r.CreatedAt.Before(now.AddDate(0, -12, -1)) || r.CreatedAt.After(now) || r.Team != demo.Team {
			t.Fatalf("request %s created %v in team %q; want within the last 12 months, team demo", r.ID, r.CreatedAt, r.Team)
		}
		if r.Status == care.ReqClosed {
			closed++
		}
	}
	if len(months) < 12 || closed < len(reqs)/2 {
		t.Errorf("requests in %d months, %d of %d closed; want 12 months or more (a year back from a mid-month day), most closed", len(months), closed, len(reqs))
	}
	refs, err := e.store.Referrals().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	searches, err := e.store.Searches().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sps, err := e.store.Specialists().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < len(reqs) || len(searches) < len(reqs)*9/10 || len(sps) == 0 {
		t.Errorf("%d referrals, %d searches, %d specialist referrals for %d requests; want about as many searches as requests, more referrals and some specialist referrals",
			len(refs), len(searches), len(sps), len(reqs))
	}

	// Places: one claim per referral that holds one, named after it.
	counts, err := e.store.Places().Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	claimed := 0
	for _, n := range counts {
		claimed += n
	}
	holding := 0
	for _, ref := range refs {
		switch {
		case ref.Place != nil && !care.HoldsPlace(ref.State):
			t.Errorf("referral %s is %s with place %+v", ref.ID, ref.State, ref.Place)
		case ref.Place == nil && care.HoldsPlace(ref.State) && ref.OptionKind != "provision":
			t.Errorf("referral %s is %s without a place", ref.ID, ref.State)
		case ref.Place != nil:
			holding++
			if ref.Place.Pool != casework.Pool(ref) {
				t.Errorf("referral %s holds a place of %s; want pool %s", ref.ID, ref.Place.Pool, casework.Pool(ref))
			}
			taken, err := e.store.Places().Taken(ctx, ref.Place.Pool, ref.Place.Number)
			if err != nil || len(taken) == 0 || taken[len(taken)-1].Number != ref.Place.Number || taken[len(taken)-1].Holder != ref.ID {
				t.Errorf("place %s#%d of referral %s: claims %+v, %v", ref.Place.Pool, ref.Place.Number, ref.ID, taken, err)
			}
		}
	}
	if holding == 0 || claimed != holding {
		t.Errorf("%d places claimed; %d referrals hold one", claimed, holding)
	}

	// The year fills a coordinator's dashboard: every indicator group
	// has figures, in most districts.
	idx := monitor.NewIndex()
	if err := follow.NewIndicators(idx, e.store, quietLogger(), time.Now).Load(ctx); err != nil {
		t.Fatal(err)
	}
	m := monitor.MonthIndex(now)
	res := idx.Compute(monitor.Query{Municipality: "GM0344", From: monitor.MonthStart(m - 11), To: monitor.MonthStart(m + 1),
		Level: monitor.LevelDistrict, TargetDays: care.DefaultContactTargetDays, Now: now,
		Prices: &care.UnitPrices{SpecialistTrajectoryEUR: 4000, SupportHourEUR: 70, SupportHoursPerReferral: 10}})
	tot := res.Total
	if tot.Demand.Requests < 100 || tot.Results.ZeroLineShare == nil || tot.Gaps.RequestsWithGap == 0 || tot.Results.StepDowns == 0 ||
		tot.Outcomes.MeanChange == nil || tot.Timeliness.FirstContact.MedianDays == nil || tot.Supply.Options == 0 || tot.AvoidedCosts.TotalEUR == nil {
		b, _ := json.Marshal(tot)
		t.Errorf("the demo's dashboard has empty indicators: %s", b)
	}
	withRequests := 0
	for _, a := range res.Areas {
		if a.Indicators.Demand.Requests != 0 {
			withRequests++
		}
	}
	if withRequests < len(res.Areas)/2 {
		t.Errorf("%d of %d districts have requests", withRequests, len(res.Areas))
	}

	// Loading again adds nothing.
	if err := demo.Load(ctx, e.store, areas, "GM0344", 400, quietLogger()); err != nil {
		t.Fatal(err)
	}
	if again, _ := e.store.Requests().All(ctx); len(again) != len(reqs) {
		t.Errorf("a second load left %d requests; want %d", len(again), len(reqs))
	}

	// The accounts in the log sign in.
	var entry map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logged.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "demo accounts" {
			if entry != nil {
				t.Error(`"demo accounts" logged twice`)
			}
			entry = m
		}
	}
	if entry == nil {
		t.Fatalf("no \"demo accounts\" entry in the log:\n%s", logged.String())
	}
	password, _ := entry["password"].(string)
	for _, a := range demo.Accounts {
		if entry[a.Role] != a.Email {
			t.Errorf("log names %v for %s; want %s", entry[a.Role], a.Role, a.Email)
		}
		b := newBrowser(e)
		b.do(http.MethodGet, "/api/v1/session", "", false)
		body, _ := json.Marshal(map[string]string{"email": a.Email, "password": password})
		if r := b.do(http.MethodPost, "/api/v1/session", string(body), true); r.status != http.StatusOK {
			t.Fatalf("sign in as %s = %d %s", a.Email, r.status, r.body)
		}
		r := b.do(http.MethodGet, "/api/v1/me", "", false)
		var me struct {
			Role, Municipality, Team string
		}
		r.json(t, &me)
		if r.status != http.StatusOK || me.Role != a.Role || me.Municipality != "GM0344" || me.Team != a.Team {
			t.Errorf("%s: /me = %d %+v", a.Email, r.status, me)
		}
		if a.Role != "social_worker" {
			continue
		}
		// The social worker sees the demo's requests and their referrals.
		r = b.do(http.MethodGet, "/api/v1/requests?limit=5", "", false)
		var page struct {
			Items []care.Request `json:"items"`
		}
		r.json(t, &page)
		if r.status != http.StatusOK || len(page.Items) == 0 {
			t.Fatalf("worker's requests = %d %s", r.status, r.body)
		}
		if r := b.do(http.MethodGet, "/api/v1/requests/"+page.Items[0].ID+"/referrals", "", false); r.status != http.StatusOK {
			t.Errorf("worker's referrals of %s = %d %s", page.Items[0].ID, r.status, r.body)
		}
	}
}
