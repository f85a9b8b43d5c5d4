package options

import (
	"testing"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// TestOptionPolicy: an option is seen across its municipality, edited by
// its owner and by the workers who keep the map, and a new one belongs to
// the organiser who made it.
func TestOptionPolicy(t *testing.T) {
	t.Parallel()
	p := OptionPolicy(func(string) []store.Cond { return nil })
	rec := care.Meta{Municipality: "GM0363", OwnerID: "org1"}
	for _, tc := range []struct {
		a         Actor
		see, edit bool
	}{
		{Actor{ID: "org1", Role: auth.RoleOrganiser, Municipality: "GM0363"}, true, true},
		{Actor{ID: "org2", Role: auth.RoleOrganiser, Municipality: "GM0363"}, true, false},
		{Actor{ID: "w", Role: auth.RoleSocialWorker, Municipality: "GM0363"}, true, true},
		{Actor{ID: "c", Role: auth.RoleCoordinator, Municipality: "GM0363"}, true, true},
		{Actor{ID: "w2", Role: auth.RoleSocialWorker, Municipality: "GM0344"}, false, false},
		{Actor{ID: "org1", Role: auth.RoleOrganiser}, false, false},
	} {
		if got := p.See(tc.a, rec); got != tc.see {
			t.Errorf("See(%+v) = %v", tc.a, got)
		}
		if got := p.Edit(tc.a, rec); got != tc.edit {
			t.Errorf("Edit(%+v) = %v", tc.a, got)
		}
	}
	var m care.Meta
	p.Stamp(Actor{ID: "org1", Role: auth.RoleOrganiser, Municipality: "GM0363"}, &m)
	if m.Municipality != "GM0363" || m.OwnerID != "org1" {
		t.Errorf("an organiser's new option = %+v", m)
	}
	m = care.Meta{}
	p.Stamp(Actor{ID: "w", Role: auth.RoleSocialWorker, Municipality: "GM0363"}, &m)
	if m.OwnerID != "" {
		t.Errorf("a worker's new option is owned by %q; it is the municipality's", m.OwnerID)
	}
}

// TestVolunteerPolicy: a resident's offer takes their account's id, so
// they have one; a social worker sees every offer of the municipality.
func TestVolunteerPolicy(t *testing.T) {
	t.Parallel()
	p := VolunteerPolicy(store.Volunteers{})
	res := Actor{ID: "r1", Role: auth.RoleResident, Municipality: "GM0363"}
	m := care.Meta{ID: "fresh"}
	p.Stamp(res, &m)
	if m.ID != "r1" || m.OwnerID != "r1" || m.Municipality != "GM0363" {
		t.Errorf("a resident's offer = %+v", m)
	}
	other := care.Meta{Municipality: "GM0363", OwnerID: "r2"}
	if p.See(res, other) || p.Edit(res, other) {
		t.Error("a resident reaches another's offer")
	}
	if w := (Actor{ID: "w", Role: auth.RoleSocialWorker, Municipality: "GM0363"}); !p.See(w, other) || !p.Edit(w, other) {
		t.Error("a social worker does not reach an offer of their municipality")
	}
}

func TestOwningError(t *testing.T) {
	t.Parallel()
	if got := (&OwningError{Kind: "provision"}).Error(); got != "this provision still has activities; delete them or set active to false instead" {
		t.Errorf("OwningError = %q: the API's detail changed", got)
	}
}
