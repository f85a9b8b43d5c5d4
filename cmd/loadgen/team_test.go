package main

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"
)

var osGetpid = os.Getpid

// TestTeamFlows starts a small demo server and runs one user of each
// role for a few seconds: every flow must do its actions without one
// error. It builds the server, so -short skips it.
func TestTeamFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := run(ctx, config{demo: "GM0344", demoOptions: 300, duration: 6 * time.Second, warmup: 2 * time.Second,
		thinkMin: 10 * time.Millisecond, thinkMax: 50 * time.Millisecond,
		workers: 1, coordinators: 1, organisers: 1, residents: 1, seed: 1}, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	counts := map[string]int{}
	for _, a := range rep.Actions {
		counts[a.Name] = a.Count
		if a.Errors > 0 {
			t.Errorf("%s: %d errors (statuses %v)", a.Name, a.Errors, a.Statuses)
		}
	}
	// Answers, referrals and follow-ups depend on what the others did
	// first; the reads and the core of each flow must have run.
	for _, name := range []string{"worker.list", "worker.open", "worker.search", "worker.followups",
		"coordinator.indicators", "coordinator.aggregates", "coordinator.map", "coordinator.export_csv",
		"organiser.referrals", "organiser.post_activity", "resident.update_offer", "resident.referrals",
		"resident.ical.feed", "public.hsds.nearby", "public.hsds.services", "public.hsds.service", "public.ical.activity"} {
		if counts[name] == 0 {
			t.Errorf("%s never ran in the window", name)
		}
	}
	if !rep.CPUKnown || rep.RSSEndKiB == 0 {
		t.Errorf("no CPU or RSS of the server: %+v", rep)
	}
	if t.Failed() {
		var table bytes.Buffer
		rep.writeTable(&table)
		t.Logf("report:\n%s\nstderr:\n%s", table.String(), log.String())
	}
}
