package server

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// policy says who reaches which records of a resource, past the route's
// perm: every record belongs to one municipality, and within it to an
// owner or a team.
type policy struct {
	// see and edit decide on one record; unset for a resource guarded by
	// cases.
	see, edit func(a actor, m care.Meta) bool
	// list narrows a list to what a may see.
	list func(a actor) []store.Cond
	// stamp sets a new record's municipality, owner and team.
	stamp func(a actor, m *care.Meta)
}

func sameMunicipality(a actor, m care.Meta) bool {
	return a.Municipality != "" && m.Municipality == a.Municipality
}

func stampOwner(a actor, m *care.Meta) {
	m.Municipality = a.Municipality
	if a.Role == auth.RoleResident || a.Role == auth.RoleOrganiser {
		m.OwnerID = a.ID
	}
}

// volunteerPolicy: a volunteer's offer is the resident's own; social
// workers of the municipality see and keep every offer (they register
// people without an account at the kitchen table).
func volunteerPolicy(vols store.Volunteers) policy {
	mine := func(a actor, m care.Meta) bool {
		return sameMunicipality(a, m) && (a.Role == auth.RoleSocialWorker || m.OwnerID == a.ID)
	}
	// A resident has one offer (with as many help types as they like):
	// it takes their account's id, so a second one is a duplicate key
	// even when two arrive at once.
	stamp := func(a actor, m *care.Meta) {
		stampOwner(a, m)
		if a.Role == auth.RoleResident {
			m.ID = a.ID
		}
	}
	return policy{see: mine, edit: mine, stamp: stamp,
		list: func(a actor) []store.Cond {
			owner := a.ID
			if a.Role == auth.RoleSocialWorker {
				owner = ""
			}
			return vols.Scope(a.Municipality, owner)
		}}
}

// optionPolicy: initiatives, provisions and activities are public within
// the municipality; their organiser edits them, and so do the social
// workers and coordinators who keep the municipality's map of provisions.
// scope is the store's list of one municipality's records.
func optionPolicy(scope func(municipality string) []store.Cond) policy {
	return policy{see: sameMunicipality, stamp: stampOwner,
		edit: func(a actor, m care.Meta) bool {
			return sameMunicipality(a, m) && (m.OwnerID == a.ID || slices.Contains([]string{auth.RoleSocialWorker, auth.RoleCoordinator}, a.Role))
		},
		list: func(a actor) []store.Cond { return scope(a.Municipality) }}
}

// requestPolicy: a support request belongs to the team of the worker who
// recorded it. Reads and writes of one request go through the resource's
// cases (team, break the glass, access log), so see and edit stay unset;
// this decides the list and the stamp.
func requestPolicy(reqs store.Requests) policy {
	return policy{list: func(a actor) []store.Cond { return reqs.Scope(a.Municipality, a.Team) },
		stamp: func(a actor, m *care.Meta) { m.Municipality, m.Team = a.Municipality, a.Team }}
}

// outsideMunicipality is the 422 for a record placed outside the
// municipality of the account writing it.
func outsideMunicipality(field string, area care.Area, mine string) error {
	where := "no municipality"
	if area.MunicipalityCode != "" {
		where = area.MunicipalityCode + " " + area.MunicipalityName
	}
	return invalid(field, "lies in "+where+", outside your municipality "+mine)
}

// notVisible is the 404 of a record the caller may not see: the same as
// one that does not exist, so nothing leaks across municipalities.
func notVisible(path, id string) error {
	return newProblem(fiber.StatusNotFound, "not-found", "no "+path+" record with id "+id)
}
