package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/synth"
)

// demoSeed fixes the demo data set.
const demoSeed = 1

// loadDemo fills an empty store with generated, realistic-looking records
// in one municipality (the whole country for code "nl"), each with the
// Area a Checker over areas derives, so that a first run shows real
// results. A store that already holds volunteers is left alone, so
// restarting with the same flag does not duplicate anything.
func loadDemo(ctx context.Context, st *store.Store, areas *geo.Areas, code string, options int, log *slog.Logger) error {
	n, err := st.Volunteers().Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("demo data not loaded: the store already has records", "volunteers", n)
		return nil
	}
	start := time.Now()
	// Schedules start from today, so the demo's activities are upcoming.
	now := time.Now().UTC().Truncate(24 * time.Hour)
	where := code
	if code == "nl" {
		where = "" // the whole country
	}
	ds, err := synth.Generate(synth.Config{Seed: demoSeed, Options: options, Requests: options / 20, Municipality: where, Now: now}, areas)
	if err != nil {
		return fmt.Errorf("server: demo: %w", err)
	}
	// Every record belongs to the municipality it lies in; the demo's
	// requests belong to the team "demo" (make a social worker of that
	// team to open them).
	for i := range ds.Volunteers {
		ds.Volunteers[i].Municipality = ds.Volunteers[i].Area.MunicipalityCode
	}
	for i := range ds.Initiatives {
		ds.Initiatives[i].Municipality = ds.Initiatives[i].Area.MunicipalityCode
	}
	for i := range ds.Provisions {
		ds.Provisions[i].Municipality = ds.Provisions[i].Area.MunicipalityCode
	}
	for i := range ds.Activities {
		ds.Activities[i].Municipality = ds.Activities[i].Area.MunicipalityCode
	}
	for i := range ds.Requests {
		ds.Requests[i].Municipality, ds.Requests[i].Team = ds.Requests[i].Area.MunicipalityCode, "demo"
	}
	if err := st.Volunteers().InsertMany(ctx, ds.Volunteers); err != nil {
		return err
	}
	if err := st.Initiatives().InsertMany(ctx, ds.Initiatives); err != nil {
		return err
	}
	if err := st.Provisions().InsertMany(ctx, ds.Provisions); err != nil {
		return err
	}
	if err := st.Activities().InsertMany(ctx, ds.Activities); err != nil {
		return err
	}
	if err := st.Requests().InsertMany(ctx, ds.Requests); err != nil {
		return err
	}
	// The team "demo" of each municipality with requests covers all its
	// districts, so that an admin can put a social worker in it.
	teams := store.NewCollection[care.Team](st, teamsColl)
	seen := map[string]bool{}
	for _, r := range ds.Requests {
		if seen[r.Municipality] {
			continue
		}
		seen[r.Municipality] = true
		team := care.Team{Meta: care.Meta{ID: teamID(r.Municipality, "demo"), Version: 1, CreatedAt: now, UpdatedAt: now, Municipality: r.Municipality},
			Code: "demo", TeamFields: care.TeamFields{Name: "Demo", Districts: orEmpty(areas.DistrictsOf(r.Municipality))}}
		if err := teams.Insert(ctx, team); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	log.Info("demo data loaded", "municipality", code, "volunteers", len(ds.Volunteers), "initiatives", len(ds.Initiatives),
		"provisions", len(ds.Provisions), "activities", len(ds.Activities), "requests", len(ds.Requests), "took", time.Since(start).String())
	return nil
}
