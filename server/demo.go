package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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
	log.Info("demo data loaded", "municipality", code, "volunteers", len(ds.Volunteers), "initiatives", len(ds.Initiatives),
		"provisions", len(ds.Provisions), "activities", len(ds.Activities), "requests", len(ds.Requests), "took", time.Since(start).String())
	return nil
}
