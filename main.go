// Command dichtbij runs the dichtbij server: API, portal and, unless
// MONGODB_URI is set, an embedded MongoDB-compatible store.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // activity schedules name IANA zones; do not depend on the host's

	"github.com/dichtbij/dichtbij/config"
	"github.com/dichtbij/dichtbij/server"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck(os.Args[2:]))
	}
	cfg, err := config.Load(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := server.Run(ctx, cfg, newLogger(cfg.LogLevel)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// healthcheck asks a running server whether it is ready, for container
// health checks in images that have no curl. The URL defaults to the
// readiness endpoint on DICHTBIJ_ADDR's port on loopback.
func healthcheck(args []string) int {
	url := "http://127.0.0.1:8080/readyz"
	if addr := os.Getenv("DICHTBIJ_ADDR"); addr != "" {
		if _, port, err := net.SplitHostPort(addr); err == nil {
			url = "http://127.0.0.1:" + port + "/readyz"
		}
	}
	if len(args) > 0 {
		url = args[0]
	}
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck:", url, res.Status)
		return 1
	}
	return 0
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level)) // config.Load accepted only valid levels
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}
