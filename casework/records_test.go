package casework

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
)

// TestBuildRequest: a new request opens with one step and an empty
// timeliness slot; an edit keeps the lifecycle and appends only the
// consents that changed, and moves NeedsChangedAt only with the needs.
func TestBuildRequest(t *testing.T) {
	t.Parallel()
	created, edited := t0, t0.Add(time.Hour)
	f := care.RequestFields{Needs: []string{"boodschappen"}, Consents: []string{care.ConsentMonitoring}}
	first := BuildRequest(care.Meta{ID: "r1", CreatedAt: created, UpdatedAt: created}, f, care.Area{}, nil)
	if first.Status != care.ReqOpen || len(first.Steps) != 1 || first.Steps[0].State != care.ReqOpen || !first.NeedsChangedAt.Equal(created) {
		t.Fatalf("new request = status %s, steps %+v, needs changed %v; want open, one open step, %v", first.Status, first.Steps, first.NeedsChangedAt, created)
	}
	if first.Timeliness == nil || len(first.ConsentHistory) != 1 || !first.ConsentHistory[0].Given {
		t.Fatalf("new request = timeliness %v, consent history %+v; want a slot and one given consent", first.Timeliness, first.ConsentHistory)
	}

	prev := first
	prev.Status, prev.Closure, prev.Steps = care.ReqInProgress, "", append(prev.Steps, care.Step{State: care.ReqInProgress, At: created})
	same := f
	same.Consents = []string{care.ConsentMonitoring, care.ConsentShareVolunteer}
	next := BuildRequest(care.Meta{ID: "r1", CreatedAt: created, UpdatedAt: edited}, same, care.Area{}, &prev)
	if next.Status != care.ReqInProgress || len(next.Steps) != 2 {
		t.Errorf("edit: status %s, %d steps; want the lifecycle kept (in_progress, 2 steps)", next.Status, len(next.Steps))
	}
	if !next.NeedsChangedAt.Equal(created) {
		t.Errorf("edit with the same needs: NeedsChangedAt = %v; want %v kept", next.NeedsChangedAt, created)
	}
	if len(next.ConsentHistory) != 2 || next.ConsentHistory[1].Purpose != care.ConsentShareVolunteer || len(prev.ConsentHistory) != 1 {
		t.Errorf("edit: consent history %+v (prev's %+v); want the new consent appended to a copy", next.ConsentHistory, prev.ConsentHistory)
	}
	other := same
	other.Needs = []string{"vervoer"}
	if moved := BuildRequest(care.Meta{ID: "r1", CreatedAt: created, UpdatedAt: edited}, other, care.Area{}, &prev); !moved.NeedsChangedAt.Equal(edited) {
		t.Errorf("edit with other needs: NeedsChangedAt = %v; want %v", moved.NeedsChangedAt, edited)
	}
}

// accountsOf is an Accounts over a map.
type accountsOf map[string]auth.Account

func (m accountsOf) Get(_ context.Context, id string) (auth.Account, error) {
	if a, ok := m[id]; ok {
		return a, nil
	}
	return auth.Account{}, auth.ErrNotFound
}

// TestCheckResident: only an active resident of the caller's
// municipality may be a request's resident_account.
func TestCheckResident(t *testing.T) {
	t.Parallel()
	accs := accountsOf{
		"res":      {Role: auth.RoleResident, Municipality: "GM0363"},
		"away":     {Role: auth.RoleResident, Municipality: "GM0599"},
		"off":      {Role: auth.RoleResident, Municipality: "GM0363", Disabled: true},
		"organise": {Role: auth.RoleOrganiser, Municipality: "GM0363"},
	}
	recs := &RequestRecords{accounts: accs, actorOf: func(context.Context) Actor { return worker }}
	for id, ok := range map[string]bool{"": true, "res": true, "away": false, "off": false, "organise": false, "gone": false} {
		err := recs.CheckResident(context.Background(), &care.RequestFields{ResidentAccount: id})
		var ve *care.ValidationError
		switch {
		case ok && err != nil:
			t.Errorf("resident_account %q: %v; want accepted", id, err)
		case !ok && (!errors.As(err, &ve) || ve.Problems[0].Field != "resident_account"):
			t.Errorf("resident_account %q: %v; want a validation error naming resident_account", id, err)
		}
	}
}

// TestHouseholdPlan: each request of the plan carries its timeliness and
// its referrals, in the order the requests came.
func TestHouseholdPlan(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	other := f.newRequest(t)
	ref := f.refer(t, f.request)
	plan, err := f.svc.HouseholdPlan(context.Background(), NewSettings(f.st, clock()), []care.Request{f.request, other})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 2 || plan[0].ID != f.request.ID || plan[1].ID != other.ID {
		t.Fatalf("plan = %+v; want the two requests in order", plan)
	}
	if got := plan[0].Referrals; len(got) != 1 || got[0].ID != ref.ID || got[0].State != care.RefProposed || got[0].OptionID != f.volID {
		t.Errorf("first request's referrals = %+v; want the proposal %s", got, ref.ID)
	}
	if plan[1].Referrals == nil || len(plan[1].Referrals) != 0 || plan[1].Specialists == nil {
		t.Errorf("second request = %+v; want empty (not nil) referrals and specialists", plan[1])
	}
	for _, pr := range plan {
		if pr.Timeliness == nil || pr.Timeliness.ContactTargetDays != care.DefaultContactTargetDays {
			t.Errorf("request %s timeliness = %+v; want the default contact target", pr.ID, pr.Timeliness)
		}
	}
}

// TestMaintenanceJobs: casework's jobs run in their order over a store,
// the first relay round included, and a second round runs as well.
func TestMaintenanceJobs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	jobs := f.svc.Maintenance(DefaultRetention)
	var names []string
	for round := 0; round < 2; round++ {
		for _, j := range jobs {
			if err := j.Run(context.Background()); err != nil {
				t.Fatalf("round %d: %s: %v", round, j.Name, err)
			}
			if round == 0 {
				names = append(names, j.Name)
			}
		}
	}
	want := []string{"expire referrals", "relay and deliver events", "sweep relayed events", "anonymise closed requests", "sweep locks"}
	if !slices.Equal(names, want) {
		t.Errorf("jobs = %q; want %q", names, want)
	}
}
