package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// setupParallel is how many sign-ins and set-ups run at once: each
// sign-in hashes a password on the server, and 85 at once would only
// queue there.
const setupParallel = 4

// run signs the team in, lets it work for warm-up plus duration and
// reports the measured window.
func run(ctx context.Context, cfg config, errLog io.Writer) (Report, error) {
	base, pid, password := cfg.base, cfg.pid, cfg.password
	if base == "" {
		fmt.Fprintf(errLog, "loadgen: starting dichtbij with -demo %s -demo-options %d\n", cfg.demo, cfg.demoOptions)
		srv, err := startServer(ctx, serverOptions{bin: cfg.bin, demo: cfg.demo, demoOptions: cfg.demoOptions,
			flags: strings.Fields(cfg.serverFlags), startTimeout: 3 * time.Minute})
		if err != nil {
			return Report{}, err
		}
		defer srv.stop()
		base, pid, password = srv.base, srv.pid, srv.password
	}
	rec := newRecorder(errLog)
	t := &team{rec: rec, municipality: cfg.demo, thinkMin: cfg.thinkMin, thinkMax: cfg.thinkMax, workers: cfg.workers}
	if cfg.demo == "nl" {
		t.municipality = "GM0344" // the demo accounts' when it is the whole country's biggest
	}

	admin := newUser(base, "demo-admin@example.org", rec)
	if err := admin.signIn(ctx, password); err != nil {
		return Report{}, err
	}
	var accounts []account
	for _, r := range []struct {
		role string
		n    int
	}{{roleWorker, cfg.workers}, {roleCoordinator, cfg.coordinators}, {roleOrganiser, cfg.organisers}, {roleResident, cfg.residents}} {
		accounts = append(accounts, plan(r.role, r.n, password)...)
	}
	if err := ensureAccounts(ctx, admin, accounts, setupParallel); err != nil {
		return Report{}, err
	}

	flows := make([]flow, len(accounts))
	perRole := map[string]int{}
	for i, a := range accounts {
		v := &vu{team: t, u: newUser(base, a.email, rec), rng: rand.New(rand.NewPCG(cfg.seed, uint64(i))), idx: perRole[a.role]}
		perRole[a.role]++
		switch a.role {
		case roleWorker:
			flows[i] = newWorker(v)
		case roleCoordinator:
			flows[i] = &coordinator{vu: v}
		case roleOrganiser:
			flows[i] = &organiser{vu: v}
		default:
			flows[i] = &resident{vu: v}
		}
	}
	started := time.Now()
	if err := forEach(len(flows), setupParallel, func(i int) error {
		if err := flows[i].self().u.signIn(ctx, accounts[i].password); err != nil {
			return err
		}
		return flows[i].setup(ctx)
	}); err != nil {
		return Report{}, err
	}
	fmt.Fprintf(errLog, "loadgen: %d users signed in and set up in %s; warm-up %s, then measuring %s\n",
		len(flows), time.Since(started).Round(time.Millisecond), cfg.warmup, cfg.duration)

	loadCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	for i, f := range flows {
		wg.Go(func() {
			// Users start spread over one think time, not all at once.
			first := rand.New(rand.NewPCG(cfg.seed, uint64(len(flows)+i)))
			select {
			case <-loadCtx.Done():
				return
			case <-time.After(time.Duration(first.Int64N(int64(cfg.thinkMax) + 1))):
			}
			for loadCtx.Err() == nil {
				f.round(loadCtx)
				f.self().think(loadCtx)
			}
		})
	}
	if !sleep(ctx, cfg.warmup) {
		return Report{}, ctx.Err()
	}
	load := loadAverage()
	before := sampleProc(pid)
	rec.measureFrom(time.Now())
	interrupted := !sleep(ctx, cfg.duration)
	after := sampleProc(pid)
	end := time.Now()
	rec.measureUntil(end)
	stop()
	// Requests in flight finish (they count: they began in the window).
	wg.Wait()
	rep := rec.report(end)
	rep.Warmup = cfg.warmup.String()
	rep.LoadAverageStart = load
	rep.Users = map[string]int{"social_workers": cfg.workers, "coordinators": cfg.coordinators, "organisers": cfg.organisers, "residents": cfg.residents}
	rep.setCPU(before, after)
	if interrupted {
		fmt.Fprintln(errLog, "loadgen: interrupted; the report covers the time until then")
	}
	return rep, nil
}

// forEach calls fn for 0..n-1, parallel at a time, and returns the first error.
func forEach(n, parallel int, fn func(int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	sem := make(chan struct{}, parallel)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

// sleep waits d; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
