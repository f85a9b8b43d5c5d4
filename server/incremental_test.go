package server

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/monitor"
	"github.com/dichtbij/dichtbij/opendata"
)

// TestIncrementalStateEqualsRebuilt is a property test of the state the
// server keeps up to date from writes and events instead of reading it
// again: after a random sequence of offers, edits, referrals and their
// moves, and activities posted and deleted, the matching engine (options
// and their taken places) and the indicators equal ones loaded from the
// store from scratch, and the HSDS catalog the server answers with
// equals one built from the store's records.
func TestIncrementalStateEqualsRebuilt(t *testing.T) {
	t.Parallel()
	e, idx := indicatorEnv(t)
	rng := rand.New(rand.NewPCG(17, 4))
	res, org := e.as(asResident), e.as(asOrganiser)
	prov := org.create("/api/v1/provisions", validProvision)
	vol := res.create("/api/v1/volunteers", validVolunteer) // one offer per resident
	options := []string{vol}
	ownerOf := map[string]*testEnv{vol: res} // an option's answering party
	pathOf := map[string]string{vol: "/api/v1/volunteers/"}
	dayRequest := strings.Replace(validRequest, `"needs":["groceries","companionship"]`, `"needs":["day_activities"]`, 1)
	var acts, refs []string
	owner := map[string]*testEnv{} // a referral's answering party
	accepted := 0
	for step := 0; step < 120; step++ {
		switch op := rng.IntN(8); {
		case op == 0:
			ini := org.create("/api/v1/initiatives", validInitiative)
			options, ownerOf[ini], pathOf[ini] = append(options, ini), org, "/api/v1/initiatives/"
		case op == 1:
			acts = append(acts, org.create("/api/v1/activities", validActivity(prov)))
		case op == 2 && len(acts) > 0:
			i := rng.IntN(len(acts))
			if r := org.do(http.MethodDelete, "/api/v1/activities/"+acts[i], ""); r.status != http.StatusNoContent {
				t.Fatalf("step %d: delete activity = %d %s", step, r.status, r.body)
			}
			acts = slices.Delete(acts, i, i+1)
		case op == 3:
			o := options[rng.IntN(len(options))]
			patch := fmt.Sprintf(`{"capacity":%d}`, 1+rng.IntN(3))
			if r := ownerOf[o].do(http.MethodPatch, pathOf[o]+o, patch, "Content-Type", "application/merge-patch+json"); r.status != http.StatusOK {
				t.Fatalf("step %d: patch %s = %d %s", step, pathOf[o], r.status, r.body)
			}
		case op == 7 && len(acts) > 0:
			// A date of an activity: a place pool per occurrence.
			req := e.create("/api/v1/requests", dayRequest)
			occ := []string{"2026-12-01T14:00", "2026-12-15T14:00", "2027-01-12T14:00"}[rng.IntN(3)]
			ref := e.create("/api/v1/requests/"+req+"/referrals", `{"need":"day_activities","option_id":"`+acts[rng.IntN(len(acts))]+`","occurrence":"`+occ+`"}`)
			refs, owner[ref] = append(refs, ref), org
			// Most moves of a random referral are refused; take this
			// date's place at once, most of the time.
			if rng.IntN(3) > 0 && org.do(http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", `{"to":"accepted"}`).status == http.StatusOK {
				accepted++
			}
		case op == 4:
			req := e.create("/api/v1/requests", validRequest)
			o := options[rng.IntN(len(options))]
			ref := e.create("/api/v1/requests/"+req+"/referrals", `{"need":"groceries","option_id":"`+o+`"}`)
			refs, owner[ref] = append(refs, ref), ownerOf[o]
		default:
			if len(refs) == 0 {
				continue
			}
			ref := refs[rng.IntN(len(refs))]
			to := []string{`{"to":"accepted"}`, `{"to":"accepted"}`, `{"to":"accepted"}`, `{"to":"started"}`, `{"to":"ended","reason":"verhuisd"}`, `{"to":"declined","reason":"geen tijd"}`}[rng.IntN(6)]
			// Illegal moves and full options are refused; either way the
			// state must still agree.
			r := owner[ref].do(http.MethodPost, "/api/v1/referrals/"+ref+"/transitions", to)
			if r.status == http.StatusOK && to == `{"to":"accepted"}` {
				accepted++
			}
		}
	}
	// Last, an edit of every option, with no move after it: what the
	// engine holds of their places must survive the edits.
	for _, o := range options {
		if r := ownerOf[o].do(http.MethodPatch, pathOf[o]+o, `{"capacity":3}`, "Content-Type", "application/merge-patch+json"); r.status != http.StatusOK {
			t.Fatalf("final patch %s = %d %s", pathOf[o], r.status, r.body)
		}
	}
	if accepted < 3 {
		t.Fatalf("%d referrals accepted; the sequence takes too few places to prove anything", accepted)
	}

	ctx := context.Background()
	rebuilt, err := matching.New(fromcare.HelpTypes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := follow.New(rebuilt, e.store, quietLogger(), func() time.Time { return testNow }).Load(ctx); err != nil {
		t.Fatal(err)
	}
	spotsTaken := 0
	for _, id := range rebuilt.IDs() {
		_, spots, _ := rebuilt.Taken(id)
		spotsTaken += len(spots)
	}
	if spotsTaken == 0 {
		t.Fatalf("no activity date has a place taken; the sequence proves nothing of the pools per occurrence")
	}
	kept, want := e.engine.IDs(), rebuilt.IDs()
	slices.Sort(kept)
	slices.Sort(want)
	if !slices.Equal(kept, want) {
		t.Fatalf("options kept %v; rebuilt %v", kept, want)
	}
	for _, id := range want {
		ku, ks, _ := e.engine.Taken(id)
		wu, ws, _ := rebuilt.Taken(id)
		if ku != wu || fmt.Sprint(ks) != fmt.Sprint(ws) {
			t.Errorf("option %s: taken places kept %d %v; rebuilt %d %v", id, ku, ks, wu, ws)
		}
	}

	// The catalog as served (kept between writes) against one built from
	// a store that keeps nothing in memory.
	served := e.do(http.MethodGet, "/hsds/GM0363/services?per_page=500&full=true", "", "Authorization", "")
	if served.status != http.StatusOK {
		t.Fatalf("GET services = %d %s", served.status, served.body)
	}
	var page struct {
		Contents []json.RawMessage `json:"contents"`
	}
	served.json(t, &page)
	areas, _ := testAreas(t)
	cat, err := opendata.NewDirectory(shared.Open(t, e.store.Database()), areas, "http://dichtbij.test").Catalog(ctx, "GM0363")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Contents) != len(cat.Services) {
		t.Fatalf("services served %d; built from the store %d", len(page.Contents), len(cat.Services))
	}
	for i, raw := range page.Contents {
		var got struct {
			ID, Name string
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if got.ID != cat.Services[i].ID || got.Name != cat.Services[i].Name {
			t.Errorf("service %d served %s %q; built %s %q", i, got.ID, got.Name, cat.Services[i].ID, cat.Services[i].Name)
		}
	}

	// The indicators, kept from the writes and the events, against ones
	// loaded from the store.
	q := monitor.Query{Municipality: "GM0363", From: testNow.AddDate(-1, 0, 0), To: testNow.AddDate(0, 0, 1), Level: monitor.LevelDistrict, TargetDays: 7, Now: testNow}
	fresh := monitor.NewIndex()
	if err := follow.NewIndicators(fresh, e.store, quietLogger(), func() time.Time { return testNow }).Load(ctx); err != nil {
		t.Fatal(err)
	}
	keptInd, built := idx.Compute(q), fresh.Compute(q)
	if built.Total.Supply.Options == 0 || built.Total.Results.Referrals == 0 {
		t.Fatalf("the rebuilt indicators count %d options and %d referrals; the run proves nothing of them", built.Total.Supply.Options, built.Total.Results.Referrals)
	}
	if !reflect.DeepEqual(keptInd, built) {
		jk, _ := json.Marshal(keptInd.Total)
		jb, _ := json.Marshal(built.Total)
		t.Errorf("indicators kept and rebuilt differ:\n%s\n%s", jk, jb)
	}
}
