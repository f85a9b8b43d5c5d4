package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// Roles as the API names them.
const (
	roleWorker      = "social_worker"
	roleCoordinator = "coordinator"
	roleOrganiser   = "organiser"
	roleResident    = "resident"
)

// demoTeam is the demo's social team: its requests are what the
// workers list, so every worker the load generator makes joins it.
const demoTeam = "demo"

// staffPassword is the password of the accounts the load generator
// makes. It is not a secret: the accounts exist only in a load test's
// store, and a fixed one lets a re-run against the same server sign in.
const staffPassword = "loadgen-team-password"

// account is one virtual user's account.
type account struct {
	role, email, password string
}

// demoAccount are the demo's own accounts, used first.
var demoAccounts = map[string]string{
	roleWorker:      "demo-worker@example.org",
	roleCoordinator: "demo-coordinator@example.org",
}

// plan lists the accounts of n users of role: the demo's own account of
// that role first (with the demo password), then loadgen-<role>-NN.
func plan(role string, n int, demoPassword string) []account {
	out := make([]account, 0, n)
	for i := range n {
		if email, ok := demoAccounts[role]; ok && i == 0 {
			out = append(out, account{role, email, demoPassword})
			continue
		}
		out = append(out, account{role, fmt.Sprintf("loadgen-%s-%02d@example.org", role, i+1), staffPassword})
	}
	return out
}

// ensureAccounts makes the accounts as the demo admin
// (POST /api/v1/accounts, which may make every role); an address in use
// (409) is an account from an earlier run and fine. workers parallel
// requests at a time: each one hashes a password on the server.
func ensureAccounts(ctx context.Context, admin *user, accounts []account, workers int) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	sem := make(chan struct{}, workers)
	for _, a := range accounts {
		if a.password != staffPassword {
			continue // the demo's own
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			body := map[string]string{"email": a.email, "password": a.password, "role": a.role, "name": "Loadgen " + a.role}
			if a.role == roleWorker || a.role == roleCoordinator {
				body["team"] = demoTeam
			}
			res, err := admin.do(ctx, "", true, http.MethodPost, "/api/v1/accounts", body)
			if err != nil && res.status != http.StatusConflict {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("make account %s: %w", a.email, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}
