// Package app builds dichtbij from its parts, store → casework and the
// matching engine → the HTTP server, and runs it: start-up, the demo, the
// background loops (following other processes, maintenance) and a
// graceful shutdown. main.go calls Run.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/config"
	"github.com/dichtbij/dichtbij/demo"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/matching"
	"github.com/dichtbij/dichtbij/matching/fromcare"
	"github.com/dichtbij/dichtbij/monitor"
	"github.com/dichtbij/dichtbij/server"
	"github.com/dichtbij/dichtbij/store"
)

// Run starts the store (embedded unless cfg.MongoDBURI is set) and serves
// HTTP on cfg.Addr until ctx is cancelled, then shuts down gracefully:
// in-flight requests get cfg.ShutdownTimeout to finish before the store is
// closed.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	areas, err := geo.LoadAreas()
	if err != nil {
		return fmt.Errorf("dichtbij: %w", err)
	}
	munis := areas.Municipalities()
	bounds, err := geo.ParseBounds(cfg.Bounds, munis)
	if err != nil {
		return fmt.Errorf("dichtbij: DICHTBIJ_BOUNDS: %w", err)
	}
	// With the profiles on, the store's commands are counted as well.
	var stats *store.QueryStats
	if cfg.PprofAddr != "" {
		stats = store.NewQueryStats()
	}
	st, err := store.Open(ctx, store.Options{URI: cfg.MongoDBURI, Database: cfg.Database, DataDir: cfg.DataDir, Logger: log,
		Embedded: cfg.Embedded, Stats: stats})
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
		defer cancel()
		if err := st.Close(closeCtx); err != nil {
			log.Error("closing store", "err", err)
		}
	}()
	// The division goes into the store for reports and other tools; in
	// the background, since nothing the server answers waits for it.
	areasDone := make(chan struct{})
	go func() {
		defer close(areasDone)
		n, err := st.Areas().Ensure(ctx, areas.Units())
		if err != nil && ctx.Err() == nil {
			log.Error("storing the municipalities, districts and neighbourhoods", "err", err)
		} else if n > 0 {
			log.Info("stored the municipalities, districts and neighbourhoods", "added", n)
		}
	}()
	defer func() { <-areasDone }() // before the store closes
	if cfg.Demo != "" {
		if _, ok := munis.Lookup(cfg.Demo); !ok && cfg.Demo != "nl" {
			return fmt.Errorf("dichtbij: DICHTBIJ_DEMO: no municipality %s", cfg.Demo)
		}
		if err := demo.Load(ctx, st, areas, cfg.Demo, cfg.DemoOptions, log); err != nil {
			return err
		}
	}
	eng, err := matching.New(fromcare.HelpTypes(), nil)
	if err != nil {
		return fmt.Errorf("dichtbij: %w", err)
	}
	indicators := monitor.NewIndex()
	// The engine and the indicators follow casework's events on the bus
	// the server's casework publishes on.
	bus := casework.NewBus(st, log, time.Now)
	engineSync := follow.New(eng, st, log, time.Now).WithIndicators(indicators).Subscribe(bus)
	if err := engineSync.Load(ctx); err != nil {
		return err
	}
	// The indicators read every request, referral and option, which
	// takes minutes at 100,000 requests on the embedded store: in the
	// background, while their routes answer 503.
	indicatorsDone := make(chan struct{})
	go func() {
		defer close(indicatorsDone)
		if err := engineSync.Indicators().Load(ctx); err != nil && ctx.Err() == nil {
			log.Error("loading the indicators; the periodic reload tries again", "err", err)
		}
	}()
	defer func() { <-indicatorsDone }() // before the store closes
	followCtx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	go engineSync.Follow(followCtx, cfg.PollInterval, 6*time.Hour)
	d := server.Deps{Store: st, Checker: care.NewChecker(bounds, areas), Engine: eng, Indicators: indicators, IndicatorsLoadedElsewhere: true, Bus: bus, Follow: engineSync, Bounds: bounds, Log: log, BodyLimit: cfg.BodyLimit,
		ProposalExpiry: cfg.ProposalExpiry, CookieSecure: cfg.CookieSecure, BaseURL: cfg.BaseURL,
		CORSOrigins: cfg.CORSOrigins, Retention: cfg.Retention, LoginLimit: cfg.LoginLimit, TrustedProxies: cfg.TrustedProxies,
		TileURL: cfg.TileURL, TileAttribution: cfg.TileAttribution}
	if cfg.SMTPURL != "" {
		mail, err := auth.ParseSMTPURL(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return fmt.Errorf("dichtbij: DICHTBIJ_SMTP_URL: %w", err)
		}
		d.Mail = mail
		log.Info("mail goes out over SMTP", "host", mail.Host)
	}
	app, err := server.NewApp(d)
	if err != nil {
		return err
	}
	go maintainEvery(followCtx, app, cfg.MaintenanceInterval, log)
	if cfg.PprofAddr != "" {
		pl, err := net.Listen("tcp", cfg.PprofAddr)
		if err != nil {
			return fmt.Errorf("dichtbij: pprof on %s (DICHTBIJ_PPROF_ADDR): %w", cfg.PprofAddr, err)
		}
		servePprof(followCtx, pl, stats, log)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("dichtbij: listen on %s (DICHTBIJ_ADDR): %w", cfg.Addr, err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "backend", st.Backend(), "bounds", bounds.String())
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("dichtbij: serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("dichtbij: shutdown: %w", err)
	}
	<-served
	log.Info("stopped")
	return nil
}

// maintainEvery runs the app's maintenance jobs every interval until ctx
// ends, logging failures; the next round tries again.
func maintainEvery(ctx context.Context, a *server.App, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := a.Maintain(ctx); err != nil && ctx.Err() == nil {
			log.Error("maintenance failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
