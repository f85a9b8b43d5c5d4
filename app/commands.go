package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/config"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/opendata"
	"github.com/dichtbij/dichtbij/store"
)

// withStore opens the store cfg names (starting the embedded one on its
// data directory when no MongoDB is configured), runs fn and closes it.
// Commands use it while no server runs on the same data directory.
func withStore(ctx context.Context, cfg config.Config, log *slog.Logger, fn func(*store.Store) error) error {
	st, err := store.Open(ctx, store.Options{URI: cfg.MongoDBURI, Database: cfg.Database, DataDir: cfg.DataDir, Logger: log, Embedded: cfg.Embedded})
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	return fn(st)
}

// CreateAdmin makes an admin account: the first one cannot be made
// through the API, which needs an admin to make accounts.
func CreateAdmin(ctx context.Context, cfg config.Config, log *slog.Logger, email, name, municipality, password string) (string, error) {
	var id string
	err := withStore(ctx, cfg, log, func(st *store.Store) error {
		acc, err := auth.NewAccounts(st, auth.DefaultParams(), nil).Create(ctx, auth.NewAccount{
			Email: email, Password: password, Name: name, Municipality: municipality, Role: auth.RoleAdmin})
		if err != nil {
			return fmt.Errorf("create admin: %w", err)
		}
		id = acc.ID
		return nil
	})
	return id, err
}

// VerifyAccessLog checks the access log's hash chain end to end.
func VerifyAccessLog(ctx context.Context, cfg config.Config, log *slog.Logger) (accesslog.Report, error) {
	var rep accesslog.Report
	err := withStore(ctx, cfg, log, func(st *store.Store) error {
		var err error
		rep, err = accesslog.New(st, nil).Verify(ctx)
		return err
	})
	return rep, err
}

// ImportHSDS imports an HSDS document (hsds.ReadJSON, ReadTabular or
// ReadZip) into municipality's provisions, as POST /api/v1/imports/hsds
// does, for files larger than a request body. Running servers on the same
// store see the new provisions through the change log. progress hears how
// far it is after each row.
func ImportHSDS(ctx context.Context, cfg config.Config, log *slog.Logger, municipality string, doc hsds.Document, dryRun bool,
	defaultHelpType string, progress func(done, total int)) (opendata.Report, error) {
	areas, err := geo.LoadAreas()
	if err != nil {
		return opendata.Report{}, err
	}
	if _, ok := areas.Municipalities().Lookup(municipality); !ok {
		return opendata.Report{}, fmt.Errorf("import: no municipality with code %q", municipality)
	}
	if defaultHelpType != "" && !care.IsHelpType(defaultHelpType) {
		return opendata.Report{}, fmt.Errorf("import: %q is not a help type code", defaultHelpType)
	}
	bounds, err := geo.ParseBounds(cfg.Bounds, areas.Municipalities())
	if err != nil {
		return opendata.Report{}, fmt.Errorf("import: DICHTBIJ_BOUNDS: %w", err)
	}
	var rep opendata.Report
	err = withStore(ctx, cfg, log, func(st *store.Store) error {
		eng, err := matching.New(fromcare.HelpTypes(), time.Now)
		if err != nil {
			return err
		}
		im := opendata.NewImporter(st, care.NewChecker(bounds, areas), follow.New(eng, st, log, time.Now), time.Now)
		rep, err = im.Import(ctx, municipality, doc, opendata.ImportOptions{DefaultHelpType: defaultHelpType, DryRun: dryRun, Progress: progress})
		return err
	})
	return rep, err
}
