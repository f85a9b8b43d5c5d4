// Command loadgen drives dichtbij through its HTTP API the way its users
// do, and reports what that costs the server (issue 17).
//
//	go run ./cmd/loadgen team [flags]
//
// "team" signs in a municipality's team — social workers, coordinators,
// organisers, residents — and runs each role's real flow with think
// times; it prints per action the count, errors and p50/p95/p99
// latency, the requests per second, and the server's CPU time per
// action and memory. Without -base it builds and starts its own server
// with the Utrecht demo. It exits 1 when any action failed, so a run
// that only gets 401s can never pass.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the demo's zone, whatever the host has
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "team" {
		fmt.Fprintln(os.Stderr, "usage: loadgen team [flags]   (loadgen team -h lists the flags)")
		os.Exit(2)
	}
	cfg, err := parseFlags(os.Args[2:], os.Stderr)
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	rep.Command = "loadgen team " + strings.Join(os.Args[2:], " ")
	rep.writeTable(os.Stdout)
	if cfg.jsonPath != "" {
		if err := writeJSONFile(cfg.jsonPath, rep); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(2)
		}
	}
	if rep.Errors > 0 {
		fmt.Fprintf(os.Stderr, "loadgen: %d of %d requests failed\n", rep.Errors, rep.Requests)
		os.Exit(1)
	}
}

// config is a run's settings, from the flags.
type config struct {
	base, password, bin, demo, jsonPath string
	serverFlags                         string
	pid, demoOptions                    int
	duration, warmup                    time.Duration
	thinkMin, thinkMax                  time.Duration
	workers, coordinators, organisers   int
	residents                           int
	seed                                uint64
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("loadgen team", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.base, "base", "", "URL of a running dichtbij with the demo loaded; empty builds and starts one from this repository")
	fs.StringVar(&c.password, "password", os.Getenv("DICHTBIJ_DEMO_PASSWORD"), "with -base: the demo accounts' password from its \"demo accounts\" log line (or $DICHTBIJ_DEMO_PASSWORD)")
	fs.IntVar(&c.pid, "pid", 0, "with -base: the server's process id, for its CPU time and RSS")
	fs.StringVar(&c.bin, "bin", "", "a built dichtbij binary to start instead of building one")
	fs.StringVar(&c.demo, "demo", "GM0344", "the demo municipality of a server it starts")
	fs.IntVar(&c.demoOptions, "demo-options", 3000, "the demo's options in a server it starts")
	fs.StringVar(&c.serverFlags, "server-flags", "", "more flags for a server it starts, space-separated (e.g. \"-pprof-addr 127.0.0.1:6062\")")
	fs.DurationVar(&c.duration, "duration", 60*time.Second, "measured time")
	fs.DurationVar(&c.warmup, "warmup", 10*time.Second, "time under load before measuring starts")
	fs.DurationVar(&c.thinkMin, "think-min", 100*time.Millisecond, "shortest pause of a user between two actions")
	fs.DurationVar(&c.thinkMax, "think-max", 500*time.Millisecond, "longest pause of a user between two actions")
	fs.IntVar(&c.workers, "workers", 20, "social workers (list → open case → search → refer → follow-ups)")
	fs.IntVar(&c.coordinators, "coordinators", 5, "coordinators (indicators, aggregates, map, CSV export)")
	fs.IntVar(&c.organisers, "organisers", 10, "organisers (answer referrals, post activities)")
	fs.IntVar(&c.residents, "residents", 50, "residents offering help (offer, HSDS near me, calendars, answers)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the users' choices and think times")
	fs.StringVar(&c.jsonPath, "json", "", "also write the report as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.base != "" && c.password == "" {
		err := errors.New("-base needs -password (the demo accounts' password)")
		fmt.Fprintln(out, err)
		return c, err
	}
	if c.thinkMax < c.thinkMin || c.duration <= 0 || c.workers < 1 || c.coordinators < 0 || c.organisers < 0 || c.residents < 0 {
		err := errors.New("need -think-max ≥ -think-min, -duration > 0, at least 1 worker and no negative head counts")
		fmt.Fprintln(out, err)
		return c, err
	}
	return c, nil
}

func writeJSONFile(path string, rep Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.writeJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
