package server

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// teamCode is the form of a team's code, the value of an account's team.
var teamCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// teams serves the social teams of a municipality: an admin keeps them
// and the districts each covers; workers and coordinators read them.
type teams struct {
	coll     store.Teams
	checker  *care.Checker
	accounts *auth.Accounts
	now      func() time.Time
}

type teamParam struct {
	Code string `path:"code" description:"the team's code: lower-case letters, digits and hyphens, as in an account's team"`
}

func newTeams(d Deps, accounts *auth.Accounts) *teams {
	return &teams{coll: d.Store.Teams(), checker: d.Checker, accounts: accounts, now: d.Now}
}

func mountTeams(rt *routeTable, t *teams) {
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

// ofMunicipality returns the teams of one municipality by code.
func (t *teams) ofMunicipality(ctx context.Context, municipality string) ([]care.Team, error) {
	ts, err := t.coll.OfMunicipality(ctx, municipality)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ts, func(a, b care.Team) int {
		if a.Code < b.Code {
			return -1
		}
		if a.Code > b.Code {
			return 1
		}
		return 0
	})
	return ts, nil
}

// exists reports whether municipality has a team with code.
func (t *teams) exists(ctx context.Context, municipality, code string) (bool, error) {
	_, err := t.coll.Get(ctx, teamID(municipality, code))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (t *teams) list(c *fiber.Ctx) error {
	ts, err := t.ofMunicipality(c.UserContext(), actorOf(c.UserContext()).Municipality)
	if err != nil {
		return err
	}
	return c.JSON(append([]care.Team{}, ts...))
}

func (t *teams) put(c *fiber.Ctx) error {
	ctx := c.UserContext()
	mun := actorOf(ctx).Municipality
	code := c.Params("code")
	if !teamCode.MatchString(code) {
		return invalid("code", "must be 1-64 lower-case letters, digits and hyphens, starting with a letter or digit")
	}
	var f care.TeamFields
	if err := bindJSON(c, &f, func() error { return t.checker.CheckTags(f) }); err != nil {
		return err
	}
	mine := t.checker.Areas().DistrictsOf(mun)
	others, err := t.ofMunicipality(ctx, mun)
	if err != nil {
		return err
	}
	for i, d := range f.Districts {
		if !slices.Contains(mine, d) {
			return invalid("districts["+strconv.Itoa(i)+"]", "is not a district of "+mun)
		}
		for _, o := range others {
			if o.Code != code && slices.Contains(o.Districts, d) {
				return invalid("districts["+strconv.Itoa(i)+"]", "is covered by the team "+o.Code+" already")
			}
		}
	}
	if f.Districts == nil {
		f.Districts = []string{}
	}
	now := t.now().UTC().Truncate(time.Millisecond)
	id := teamID(mun, code)
	cur, err := t.coll.Get(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		team := care.Team{Meta: care.Meta{ID: id, Version: 1, CreatedAt: now, UpdatedAt: now, Municipality: mun}, Code: code, TeamFields: f}
		if err := t.coll.Insert(ctx, team); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errConcurrentChange()
			}
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(team)
	case err != nil:
		return err
	}
	next := cur
	next.TeamFields, next.Version, next.UpdatedAt = f, cur.Version+1, now
	if err := t.coll.Replace(ctx, cur.Version, next); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return errConcurrentChange()
		}
		return err
	}
	return c.JSON(next)
}

func (t *teams) remove(c *fiber.Ctx) error {
	ctx := c.UserContext()
	mun := actorOf(ctx).Municipality
	code := c.Params("code")
	if ok, err := t.exists(ctx, mun, code); err != nil {
		return err
	} else if !ok {
		return newProblem(fiber.StatusNotFound, "not-found", "no team "+code+" in "+mun)
	}
	members := 0
	err := eachPage(func(after string) ([]auth.Account, bool, error) {
		return t.accounts.List(ctx, mun, after, 1000)
	}, func(a auth.Account) error {
		if a.Team == code {
			members++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if members > 0 {
		return newProblem(fiber.StatusConflict, "team-in-use", strconv.Itoa(members)+" account(s) belong to the team "+code+"; move them to another team first")
	}
	if err := t.coll.Delete(ctx, teamID(mun, code)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// checkTeam is the 422 for an account's team that its municipality does
// not have.
func (t *teams) checkTeam(ctx context.Context, municipality, code string) error {
	if code == "" {
		return nil
	}
	ok, err := t.exists(ctx, municipality, code)
	if err != nil {
		return err
	}
	if !ok {
		return invalid("team", "is not a team of "+municipality+"; make it first with PUT /api/v1/teams/"+code)
	}
	return nil
}
