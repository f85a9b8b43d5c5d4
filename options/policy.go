package options

import (
	"slices"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/store"
)

// Actor is who reads or writes.
type Actor = casework.Actor

// Policy says who reaches which records of a kind, past the route's
// permission: every record belongs to one municipality, and within it to
// an owner or a team.
type Policy struct {
	// See and Edit decide on one record; unset for records guarded as
	// support requests (team access, break the glass).
	See, Edit func(a Actor, m care.Meta) bool
	// List narrows a list to what a may see.
	List func(a Actor) []store.Cond
	// Stamp sets a new record's municipality, owner and team.
	Stamp func(a Actor, m *care.Meta)
}

// SameMunicipality reports whether a works in m's municipality.
func SameMunicipality(a Actor, m care.Meta) bool {
	return a.Municipality != "" && m.Municipality == a.Municipality
}

// stampOwner gives a new record the writer's municipality and, when a
// resident or organiser writes it, makes them its owner.
func stampOwner(a Actor, m *care.Meta) {
	m.Municipality = a.Municipality
	if a.Role == auth.RoleResident || a.Role == auth.RoleOrganiser {
		m.OwnerID = a.ID
	}
}

// VolunteerPolicy: a volunteer's offer is the resident's own; social
// workers of the municipality see and keep every offer (they register
// people without an account at the kitchen table).
func VolunteerPolicy(vols store.Volunteers) Policy {
	mine := func(a Actor, m care.Meta) bool {
		return SameMunicipality(a, m) && (a.Role == auth.RoleSocialWorker || m.OwnerID == a.ID)
	}
	// A resident has one offer (with as many help types as they like):
	// it takes their account's id, so a second one is a duplicate key
	// even when two arrive at once.
	stamp := func(a Actor, m *care.Meta) {
		stampOwner(a, m)
		if a.Role == auth.RoleResident {
			m.ID = a.ID
		}
	}
	return Policy{See: mine, Edit: mine, Stamp: stamp,
		List: func(a Actor) []store.Cond {
			owner := a.ID
			if a.Role == auth.RoleSocialWorker {
				owner = ""
			}
			return vols.Scope(a.Municipality, owner)
		}}
}

// OptionPolicy: initiatives, provisions and activities are public within
// the municipality; their organiser edits them, and so do the social
// workers and coordinators who keep the municipality's map of provisions.
// scope is the store's list of one municipality's records.
func OptionPolicy(scope func(municipality string) []store.Cond) Policy {
	return Policy{See: SameMunicipality, Stamp: stampOwner,
		Edit: func(a Actor, m care.Meta) bool {
			return SameMunicipality(a, m) && (m.OwnerID == a.ID || slices.Contains([]string{auth.RoleSocialWorker, auth.RoleCoordinator}, a.Role))
		},
		List: func(a Actor) []store.Cond { return scope(a.Municipality) }}
}

// outsideMunicipality refuses a record placed outside the municipality
// of the account writing it.
func outsideMunicipality(field string, area care.Area, mine string) error {
	where := "no municipality"
	if area.MunicipalityCode != "" {
		where = area.MunicipalityCode + " " + area.MunicipalityName
	}
	return &care.ValidationError{Problems: []care.Problem{{Field: field, Reason: "lies in " + where + ", outside your municipality " + mine}}}
}
