package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// App is the Fiber app with the maintenance jobs that keep its data in
// shape: what no request triggers, such as a proposal nobody answered.
type App struct {
	*fiber.App
	jobs []job
	log  *slog.Logger
	// routes is every route the app serves, as the route table declared it.
	routes []route
	doc    *APIDoc
}

// APIDoc is the app's OpenAPI document, for Deps.APIDoc of the next app
// this process builds.
func (a *App) APIDoc() *APIDoc { return a.doc }

// job is one maintenance task; it must be safe to run in several
// processes over one store at once.
type job struct {
	name string
	run  func(ctx context.Context) error
}

// Maintain runs every job once, in order, and returns their errors
// joined: one failing job does not keep the others from running.
func (a *App) Maintain(ctx context.Context) error {
	var errs []error
	for _, j := range a.jobs {
		if err := j.run(ctx); err != nil {
			errs = append(errs, fmt.Errorf("maintenance %s: %w", j.name, err))
		}
	}
	return errors.Join(errs...)
}

// lockTTL is how old a version claim must be before the sweep removes
// it: far beyond the write timeout, so no writer still holds it.
const lockTTL = time.Hour
