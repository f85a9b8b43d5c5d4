package server

import (
	"context"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// TestDemoMakesItsTeam loads a small demo and checks that its requests
// belong to a team that exists and covers the municipality's districts,
// so an admin can put a social worker in it.
func TestDemoMakesItsTeam(t *testing.T) {
	st := shared.Open(t, shared.DBName(t))
	areas, _ := testAreas(t)
	ctx := context.Background()
	if err := loadDemo(ctx, st, areas, "GM0344", 100, quietLogger()); err != nil {
		t.Fatal(err)
	}
	reqs, err := st.Requests().All(ctx, store.Cond{Field: "municipality", Value: "GM0344"})
	if err != nil || len(reqs) == 0 {
		t.Fatalf("demo requests: %d, %v", len(reqs), err)
	}
	team, err := store.NewCollection[care.Team](st, teamsColl).Get(ctx, teamID("GM0344", "demo"))
	if err != nil {
		t.Fatalf("demo team: %v", err)
	}
	if len(team.Districts) != len(areas.DistrictsOf("GM0344")) || reqs[0].Team != team.Code {
		t.Errorf("demo team = %+v; requests in team %q", team, reqs[0].Team)
	}
}
