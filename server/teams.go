package server

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/teams"
)

// teamsAPI serves the social teams of a municipality: an admin keeps them
// and the districts each covers; workers and coordinators read them.
type teamsAPI struct {
	s       *teams.Service
	checker *care.Checker
}

type teamParam struct {
	Code string `path:"code" description:"the team's code: lower-case letters, digits and hyphens, as in an account's team"`
}

func mountTeams(rt *routeTable, t *teamsAPI) {
	tag := "accounts"
	rt.add(route{method: http.MethodGet, path: "/api/v1/teams", perm: permSettingsRead, handler: t.list, tag: tag, summary: "The social teams of one's municipality with the districts each covers",
		resp: []care.Team{}, errors: []int{http.StatusUnauthorized, http.StatusForbidden}})
	rt.add(route{method: http.MethodPut, path: "/api/v1/teams/:code", perm: permAccounts, handler: t.put, tag: tag,
		summary: "Make or change a social team (admin): its name and the districts (CBS wijk codes of the municipality) it covers, each district by one team",
		params:  teamParam{}, body: care.TeamFields{}, resp: care.Team{},
		errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity}})
	rt.add(route{method: http.MethodDelete, path: "/api/v1/teams/:code", perm: permAccounts, handler: t.remove, tag: tag, summary: "Remove a social team that no account belongs to (admin)",
		params: teamParam{}, status: http.StatusNoContent, errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict}})
}

func teamID(municipality, code string) string { return care.TeamID(municipality, code) }

func (t *teamsAPI) list(c *fiber.Ctx) error {
	ts, err := t.s.Of(c.UserContext(), actorOf(c.UserContext()).Municipality)
	if err != nil {
		return err
	}
	return c.JSON(append([]care.Team{}, ts...))
}

func (t *teamsAPI) put(c *fiber.Ctx) error {
	code := c.Params("code")
	if err := teams.CheckCode(code); err != nil {
		return err
	}
	var f care.TeamFields
	if err := bindJSON(c, &f, func() error { return t.checker.CheckTags(f) }); err != nil {
		return err
	}
	team, created, err := t.s.Put(c.UserContext(), actorOf(c.UserContext()).Municipality, code, f)
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(team)
}

func (t *teamsAPI) remove(c *fiber.Ctx) error {
	if err := t.s.Remove(c.UserContext(), actorOf(c.UserContext()).Municipality, c.Params("code")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
