package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/options"
	"github.com/dichtbij/dichtbij/store"
)

// sameMunicipality reports whether a works in m's municipality.
func sameMunicipality(a actor, m care.Meta) bool { return options.SameMunicipality(a, m) }

// requestPolicy: a support request belongs to the team of the worker who
// recorded it. Reads and writes of one request go through the resource's
// cases (team, break the glass, access log), so see and edit stay unset;
// this decides the list and the stamp.
func requestPolicy(reqs store.Requests) options.Policy {
	return options.Policy{List: func(a actor) []store.Cond { return reqs.Scope(a.Municipality, a.Team) },
		Stamp: func(a actor, m *care.Meta) { m.Municipality, m.Team = a.Municipality, a.Team }}
}

// notVisible is the 404 of a record the caller may not see: the same as
// one that does not exist, so nothing leaks across municipalities.
func notVisible(path, id string) error {
	return newProblem(fiber.StatusNotFound, "not-found", "no "+path+" record with id "+id)
}
