package server

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/config"
	"github.com/dichtbij/dichtbij/store"
)

// withStore opens the store cfg names (starting the embedded one on its
// data directory when no MongoDB is configured), runs fn and closes it.
// Commands use it while no server runs on the same data directory.
func withStore(ctx context.Context, cfg config.Config, log *slog.Logger, fn func(*store.Store) error) error {
	st, err := store.Open(ctx, store.Options{URI: cfg.MongoDBURI, Database: cfg.Database, DataDir: cfg.DataDir, Logger: log})
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
