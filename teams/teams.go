package teams

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// code is the form of a team's code, the value of an account's team.
var code = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Districts names the districts of a municipality (geo.Areas).
type Districts interface {
	DistrictsOf(municipality string) []string
}

// Service keeps the teams and the accounts of the municipalities.
type Service struct {
	coll      store.Teams
	districts Districts
	accounts  *auth.Accounts
	now       func() time.Time
}

// New returns the teams of st, their districts checked against
// districts, and the accounts' rules over accounts.
func New(st *store.Store, districts Districts, accounts *auth.Accounts, now func() time.Time) *Service {
	return &Service{coll: st.Teams(), districts: districts, accounts: accounts, now: now}
}

func invalid(field, reason string) error {
	return &care.ValidationError{Problems: []care.Problem{{Field: field, Reason: reason}}}
}

// CheckCode refuses a malformed team code, as the field "code".
func CheckCode(c string) error {
	if !code.MatchString(c) {
		return invalid("code", "must be 1-64 lower-case letters, digits and hyphens, starting with a letter or digit")
	}
	return nil
}

// Of returns the teams of a municipality by code.
func (s *Service) Of(ctx context.Context, municipality string) ([]care.Team, error) {
	ts, err := s.coll.OfMunicipality(ctx, municipality)
	if err != nil {
		return nil, fmt.Errorf("teams: of %s: %w", municipality, err)
	}
	slices.SortFunc(ts, func(a, b care.Team) int { return strings.Compare(a.Code, b.Code) })
	return ts, nil
}

// exists reports whether municipality has a team with code c.
func (s *Service) exists(ctx context.Context, municipality, c string) (bool, error) {
	_, err := s.coll.Get(ctx, care.TeamID(municipality, c))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Put makes or changes the team c of a municipality; created says it
// is new. Each district must be the municipality's and covered by no
// other team.
func (s *Service) Put(ctx context.Context, municipality, c string, f care.TeamFields) (team care.Team, created bool, err error) {
	mine := s.districts.DistrictsOf(municipality)
	others, err := s.Of(ctx, municipality)
	if err != nil {
		return team, false, err
	}
	for i, d := range f.Districts {
		if !slices.Contains(mine, d) {
			return team, false, invalid("districts["+strconv.Itoa(i)+"]", "is not a district of "+municipality)
		}
		for _, o := range others {
			if o.Code != c && slices.Contains(o.Districts, d) {
				return team, false, invalid("districts["+strconv.Itoa(i)+"]", "is covered by the team "+o.Code+" already")
			}
		}
	}
	if f.Districts == nil {
		f.Districts = []string{}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	id := care.TeamID(municipality, c)
	cur, err := s.coll.Get(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		team = care.Team{Meta: care.Meta{ID: id, Version: 1, CreatedAt: now, UpdatedAt: now, Municipality: municipality}, Code: c, TeamFields: f}
		return team, true, conflict(s.coll.Insert(ctx, team))
	case err != nil:
		return team, false, fmt.Errorf("teams: put %s: %w", id, err)
	}
	team = cur
	team.TeamFields, team.Version, team.UpdatedAt = f, cur.Version+1, now
	return team, false, conflict(s.coll.Replace(ctx, cur.Version, team))
}

// conflict turns the store's lost race into ErrConcurrentChange.
func conflict(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return ErrConcurrentChange
	}
	if err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	return nil
}

// Remove removes the team c of a municipality, refused while accounts
// belong to it.
func (s *Service) Remove(ctx context.Context, municipality, c string) error {
	if ok, err := s.exists(ctx, municipality, c); err != nil {
		return err
	} else if !ok {
		return &NotFoundError{What: "team " + c + " in " + municipality}
	}
	members := 0
	err := s.eachAccount(ctx, municipality, func(a auth.Account) error {
		if a.Team == c {
			members++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if members > 0 {
		return &InUseError{Code: c, Members: members}
	}
	if err := s.coll.Delete(ctx, care.TeamID(municipality, c)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("teams: remove %s: %w", c, err)
	}
	return nil
}

// CheckTeam refuses, as the field "team", an account's team that its
// municipality does not have; no team is fine.
func (s *Service) CheckTeam(ctx context.Context, municipality, c string) error {
	if c == "" {
		return nil
	}
	ok, err := s.exists(ctx, municipality, c)
	if err != nil {
		return err
	}
	if !ok {
		return invalid("team", "is not a team of "+municipality+"; make it first with PUT /api/v1/teams/"+c)
	}
	return nil
}
