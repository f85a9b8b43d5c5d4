package teams

import (
	"context"
	"errors"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/store"
)

// AccountChange is what an admin may change of an account; absent
// fields stay as they are.
type AccountChange struct {
	Name     *string `json:"name,omitempty" validate:"omitempty,max=100"`
	Role     *string `json:"role,omitempty" validate:"omitempty,oneof=resident organiser social_worker coordinator admin"`
	Team     *string `json:"team,omitempty" validate:"omitempty,max=64"`
	Disabled *bool   `json:"disabled,omitempty"`
}

// Admin is the admin who changes accounts: they act within their own
// municipality only.
type Admin struct{ ID, Municipality string }

// ChangeAccount applies ch to account id of the admin's municipality.
// An admin cannot change their own role or disabled: another admin must.
// Errors of auth (a taken e-mail address, a field) come back as auth's.
func (s *Service) ChangeAccount(ctx context.Context, by Admin, id string, ch AccountChange) (auth.Account, error) {
	cur, err := s.accounts.Get(ctx, id)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && cur.Municipality != by.Municipality) {
		return cur, &NotFoundError{What: "account " + id + " in your municipality"}
	}
	if err != nil {
		return cur, err
	}
	if ch.Team != nil {
		if err := s.CheckTeam(ctx, by.Municipality, *ch.Team); err != nil {
			return cur, err
		}
	}
	if id == by.ID && (ch.Role != nil || ch.Disabled != nil) {
		return cur, invalid("role", "an admin cannot change their own role or lock themselves out; ask another admin")
	}
	return s.accounts.Update(ctx, id, func(acc *auth.Account) error {
		if ch.Name != nil {
			acc.Name = *ch.Name
		}
		if ch.Role != nil {
			acc.Role = *ch.Role
		}
		if ch.Team != nil {
			acc.Team = *ch.Team
		}
		if ch.Disabled != nil {
			acc.Disabled = *ch.Disabled
		}
		return nil
	})
}

// Accounts lists the accounts of a municipality in id order.
func (s *Service) Accounts(ctx context.Context, municipality string) ([]auth.Account, error) {
	var out []auth.Account
	err := s.eachAccount(ctx, municipality, func(a auth.Account) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

func (s *Service) eachAccount(ctx context.Context, municipality string, fn func(auth.Account) error) error {
	return eachPage(func(after string) ([]auth.Account, bool, error) {
		return s.accounts.List(ctx, municipality, after, 1000)
	}, fn)
}

// Outbox lists the mail to accounts of a municipality, oldest first:
// on a machine without mail its admin passes reset links on by hand, and
// sees no other municipality's.
func (s *Service) Outbox(ctx context.Context, municipality string) ([]auth.Message, error) {
	var out []auth.Message
	err := eachPage(func(after string) ([]auth.Message, bool, error) {
		return s.accounts.Outbox().List(ctx, after, 1000)
	}, func(m auth.Message) error {
		acc, err := s.accounts.ByEmail(ctx, m.To)
		if errors.Is(err, auth.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if acc.Municipality == municipality {
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// eachPage walks a paged list from its start, calling fn for every item.
func eachPage[T store.Record](list func(after string) ([]T, bool, error), fn func(T) error) error {
	after := ""
	for {
		page, more, err := list(after)
		if err != nil {
			return err
		}
		for _, it := range page {
			if err := fn(it); err != nil {
				return err
			}
		}
		if !more || len(page) == 0 {
			return nil
		}
		after = page[len(page)-1].Header().ID
	}
}
