package teams

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store/storetest"
)

var shared *storetest.Server

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, "dichtbij-teams-test", func(s *storetest.Server) { shared = s }))
}

// districts are two municipalities' districts, as geo.Areas names them.
type districts map[string][]string

func (d districts) DistrictsOf(mun string) []string { return d[mun] }

func newService(t *testing.T) (*Service, *auth.Accounts) {
	t.Helper()
	st := shared.Open(t, shared.DBName(t))
	now := func() time.Time { return time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) }
	accounts := auth.NewAccounts(st, auth.Params{Memory: 64, Time: 1, Threads: 1}, now)
	d := districts{"GM0363": {"WK036300", "WK036301"}, "GM0344": {"WK034400"}}
	return New(st, d, accounts, now), accounts
}

// TestTeamRules covers each district by one team of its municipality,
// removes only an empty team and keeps an admin from changing their own
// role or another municipality's accounts.
func TestTeamRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, accounts := newService(t)
	var ve *care.ValidationError
	if _, _, err := s.Put(ctx, "GM0363", "noord", care.TeamFields{Name: "Noord", Districts: []string{"WK034400"}}); !errors.As(err, &ve) || ve.Problems[0].Field != "districts[0]" {
		t.Fatalf("another municipality's district: %v", err)
	}
	if _, created, err := s.Put(ctx, "GM0363", "noord", care.TeamFields{Name: "Noord", Districts: []string{"WK036300"}}); err != nil || !created {
		t.Fatalf("put noord = %v, created %v", err, created)
	}
	if _, _, err := s.Put(ctx, "GM0363", "zuid", care.TeamFields{Name: "Zuid", Districts: []string{"WK036300"}}); !errors.As(err, &ve) {
		t.Fatalf("a district covered twice: %v", err)
	}
	if team, created, err := s.Put(ctx, "GM0363", "noord", care.TeamFields{Name: "Noord"}); err != nil || created || team.Version != 2 || team.Districts == nil {
		t.Fatalf("change noord = %+v, created %v, %v", team, created, err)
	}
	if err := s.CheckTeam(ctx, "GM0344", "noord"); !errors.As(err, &ve) || ve.Problems[0].Field != "team" {
		t.Fatalf("a team of another municipality: %v", err)
	}

	admin, err := accounts.Create(ctx, auth.NewAccount{Email: "a@example.org", Password: "lang genoeg wachtwoord", Role: auth.RoleAdmin, Municipality: "GM0363", Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	worker, err := accounts.Create(ctx, auth.NewAccount{Email: "w@example.org", Password: "lang genoeg wachtwoord", Role: auth.RoleSocialWorker, Municipality: "GM0363", Team: "noord", Name: "W"})
	if err != nil {
		t.Fatal(err)
	}
	var inUse *InUseError
	if err := s.Remove(ctx, "GM0363", "noord"); !errors.As(err, &inUse) || inUse.Members != 1 {
		t.Fatalf("remove a team in use: %v", err)
	}
	var nf *NotFoundError
	if err := s.Remove(ctx, "GM0363", "west"); !errors.As(err, &nf) {
		t.Fatalf("remove a missing team: %v", err)
	}
	by := Admin{ID: admin.ID, Municipality: "GM0363"}
	role := auth.RoleResident
	if _, err := s.ChangeAccount(ctx, by, admin.ID, AccountChange{Role: &role}); !errors.As(err, &ve) {
		t.Fatalf("an admin demotes themselves: %v", err)
	}
	if _, err := s.ChangeAccount(ctx, Admin{ID: "other", Municipality: "GM0344"}, worker.ID, AccountChange{Role: &role}); !errors.As(err, &nf) {
		t.Fatalf("another municipality's admin: %v", err)
	}
	none := ""
	if acc, err := s.ChangeAccount(ctx, by, worker.ID, AccountChange{Team: &none}); err != nil || acc.Team != "" {
		t.Fatalf("move the worker out = %+v, %v", acc, err)
	}
	if err := s.Remove(ctx, "GM0363", "noord"); err != nil {
		t.Fatalf("remove the empty team: %v", err)
	}
	if ts, err := s.Of(ctx, "GM0363"); err != nil || len(ts) != 0 {
		t.Fatalf("teams after removal = %v, %v", ts, err)
	}
}
