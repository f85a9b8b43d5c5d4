package casework

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Settings keeps the municipalities' settings and derives from them the
// timeliness of each request (its contact target). It needs no Service:
// reports read the settings too.
type Settings struct {
	coll *store.Collection[care.MunicipalitySettings]
	now  func() time.Time
}

// NewSettings returns the settings kept in st; now is the clock of the
// timeliness and of the records' stamps.
func NewSettings(st *store.Store, now func() time.Time) *Settings {
	return &Settings{coll: st.MunicipalitySettings(), now: now}
}

// Of returns the settings of municipality code: as stored, or at
// version 0 with the defaults (contact target 7 days, no unit prices)
// when none are.
func (s *Settings) Of(ctx context.Context, code string) (care.MunicipalitySettings, error) {
	cur, err := s.coll.Get(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return care.MunicipalitySettings{Meta: care.Meta{ID: code}, SettingsFields: care.SettingsFields{ContactTargetDays: care.DefaultContactTargetDays}}, nil
	}
	if err != nil {
		return cur, fmt.Errorf("casework: settings of %s: %w", code, err)
	}
	return cur, nil
}

// Put stores f as the settings of municipality code. precondition is
// asked first whether the current version (0 when none is stored) may
// be replaced; its error stops the write. Of two first writes at once
// the second fails with store.ErrConflict.
func (s *Settings) Put(ctx context.Context, code string, f care.SettingsFields, precondition func(version int64) error) (care.MunicipalitySettings, error) {
	now := s.now().UTC().Truncate(time.Millisecond)
	cur, err := s.coll.Get(ctx, code)
	next := care.MunicipalitySettings{Meta: care.Meta{ID: code, Version: 1, CreatedAt: now, UpdatedAt: now}, SettingsFields: f}
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := precondition(0); err != nil {
			return next, err
		}
		err = s.coll.Insert(ctx, next)
	case err != nil:
		return next, fmt.Errorf("casework: settings of %s: %w", code, err)
	default:
		if err := precondition(cur.Version); err != nil {
			return next, err
		}
		next.Version, next.CreatedAt = cur.Version+1, cur.CreatedAt
		err = s.coll.Replace(ctx, cur.Version, next)
	}
	if err != nil {
		return next, fmt.Errorf("casework: settings of %s: %w", code, err)
	}
	return next, nil
}

// targetDays returns the contact target of a municipality: its stored
// setting, or the default when it has none (or no municipality).
func (s *Settings) targetDays(ctx context.Context, code string) (int, error) {
	if code == "" {
		return care.DefaultContactTargetDays, nil
	}
	cur, err := s.Of(ctx, code)
	return cur.ContactTargetDays, err
}

// WithTimeliness sets the derived timeliness of each request, reading
// each municipality's settings once.
func (s *Settings) WithTimeliness(ctx context.Context, reqs []care.Request) error {
	now := s.now().UTC()
	targets := map[string]int{}
	for i := range reqs {
		code := reqs[i].Area.MunicipalityCode
		days, ok := targets[code]
		if !ok {
			var err error
			if days, err = s.targetDays(ctx, code); err != nil {
				return err
			}
			targets[code] = days
		}
		t := care.TimelinessOf(reqs[i], days, now)
		reqs[i].Timeliness = &t
	}
	return nil
}
