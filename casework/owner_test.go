package casework

import (
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// TestReach: a social worker reaches their team's requests and, with a
// reason, the other teams' of their municipality; nobody else reaches
// any.
func TestReach(t *testing.T) {
	t.Parallel()
	own := care.Meta{Municipality: worker.Municipality, Team: worker.Team}
	other := care.Meta{Municipality: worker.Municipality, Team: "zuid"}
	elsewhere := care.Meta{Municipality: "GM0599", Team: worker.Team}
	coordinator := worker
	coordinator.Role = "coordinator"
	for _, tc := range []struct {
		name string
		a    Actor
		m    care.Meta
		want Access
	}{{"own team", worker, own, OwnTeam}, {"other team", worker, other, OtherTeam}, {"other municipality", worker, elsewhere, NoAccess},
		{"coordinator", coordinator, own, NoAccess}, {"system", Actor{}, care.Meta{}, NoAccess}} {
		if got := Reach(tc.a, tc.m); got != tc.want {
			t.Errorf("%s: Reach = %d; want %d", tc.name, got, tc.want)
		}
	}
}

// TestOwnerView: the owner sees the neighbourhood and time windows, the
// resident's name only once accepted and with consent, and only the
// notifications to the owner about this referral.
func TestOwnerView(t *testing.T) {
	t.Parallel()
	req := care.Request{RequestFields: care.RequestFields{ResidentAlias: "Mevr. J.", Consents: []string{care.ConsentShareVolunteer}},
		Area: care.Area{NeighbourhoodName: "Buurt", DistrictName: "Wijk"}}
	ref := care.Referral{Meta: care.Meta{ID: "ref1"}, ReferralFields: care.ReferralFields{Need: "groceries"}, OptionKind: "volunteer", State: care.RefProposed,
		Steps: []care.Step{{State: care.RefProposed, At: t0}}}
	notes := []care.Notification{{ReferralID: "ref1", To: care.ToOwner, Kind: "proposed", At: t0}, {ReferralID: "ref1", Kind: "for the worker"}, {ReferralID: "ref2", To: care.ToOwner}}
	v := OwnerView(ref, req, notes)
	if v.ResidentName != "" || v.Neighbourhood != "Buurt" || v.TimeWindows == nil || len(v.Notifications) != 1 {
		t.Errorf("proposed: %+v; want no name, the neighbourhood, empty windows and one notification", v)
	}
	ref.Steps = append(ref.Steps, care.Step{State: care.RefAccepted, At: t0})
	if v := OwnerView(ref, req, nil); v.ResidentName != "Mevr. J." || v.Notifications == nil {
		t.Errorf("accepted with consent: name %q, notifications %v; want the alias and an empty list", v.ResidentName, v.Notifications)
	}
	req.Consents = nil
	if v := OwnerView(ref, req, nil); v.ResidentName != "" {
		t.Errorf("accepted without consent: name %q; want none", v.ResidentName)
	}
}

// TestAccessed: one entry per request, flagged when a reason came with
// it; about owners' records, none for records without an owner or of
// the actor's own.
func TestAccessed(t *testing.T) {
	t.Parallel()
	reqs := []care.Meta{{ID: "r1", Municipality: "GM0363", Subject: "res"}, {ID: "r2", Municipality: "GM0363"}}
	es := Accessed(worker, "GET /api/v1/requests/:id", "read", "spoed", reqs...)
	if len(es) != 2 || es[0].RequestID != "r1" || es[0].Subject != "res" || !es[1].OutsideTeam || es[1].Actor != worker.ID || es[1].Route != "GET /api/v1/requests/:id" {
		t.Errorf("Accessed = %+v; want two flagged entries of the worker's read", es)
	}
	if es := Accessed(worker, "GET /x", "list", "", reqs[0]); len(es) != 1 || es[0].OutsideTeam {
		t.Errorf("Accessed without reason = %+v; want one unflagged entry", es)
	}
	about := AccessedAbout(worker, "GET /x", "read", care.Meta{OwnerID: "vol"}, care.Meta{}, care.Meta{OwnerID: worker.ID})
	if len(about) != 1 || about[0].Subject != "vol" || about[0].RequestID != "" {
		t.Errorf("AccessedAbout = %+v; want one entry about vol", about)
	}
}
