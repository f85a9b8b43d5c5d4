package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/casework"
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
// processes over one store at once. Casework's are most of them.
type job = casework.Job

// Maintain runs every job once, in order, and returns their errors
// joined: one failing job does not keep the others from running.
func (a *App) Maintain(ctx context.Context) error {
	var errs []error
	for _, j := range a.jobs {
		if err := j.Run(ctx); err != nil {
			errs = append(errs, fmt.Errorf("maintenance %s: %w", j.Name, err))
		}
	}
	return errors.Join(errs...)
}
