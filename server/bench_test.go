package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/demo"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/monitor"
)

// BenchmarkNearbyAccessLog measures what logging each volunteer shown
// costs a nearby search: 20 residents' offers found (20 access-log
// entries a search, in one batch) against 20 provisions found (none), in
// the same run, over the embedded store. Compare the two ns/op.
func BenchmarkNearbyAccessLog(b *testing.B) {
	e := newTestEnvWith(b, nil)
	ctx := context.Background()
	accounts := auth.NewAccounts(e.store, testParams, time.Now)
	tokens := auth.NewTokens(accounts, func(string) bool { return true })
	for i := range 20 {
		// Twenty residents, each with their offer (so each one shown is
		// logged for them), in a grid around the Dam.
		acc, err := accounts.Create(ctx, auth.NewAccount{Email: fmt.Sprintf("bewoner%d@example.org", i), Password: "correct horse battery",
			Role: auth.RoleResident, Municipality: "GM0363", Name: "Bewoner"})
		if err != nil {
			b.Fatal(err)
		}
		secret, _, err := tokens.Issue(ctx, acc.ID, "bench", []string{string(permVolunteers)}, nil)
		if err != nil {
			b.Fatal(err)
		}
		resident := *e
		resident.token = secret
		lat, lon := 52.3731+float64(i%5)*0.001, 4.8924+float64(i/5)*0.001
		loc := fmt.Sprintf(`"home_location":{"lat":%.4f,"lon":%.4f}`, lat, lon)
		resident.create("/api/v1/volunteers", strings.Replace(validVolunteer, `"home_location":{"lat":52.3731,"lon":4.8924}`, loc, 1))
		e.create("/api/v1/provisions", strings.Replace(validProvision, `"location":{"lat":52.3765,"lon":4.8966}`,
			fmt.Sprintf(`"location":{"lat":%.4f,"lon":%.4f}`, lat, lon), 1))
	}
	for _, kind := range []string{"provision", "volunteer"} {
		b.Run(kind, func(b *testing.B) {
			path := "/api/v1/options/nearby?lat=52.3731&lon=4.8924&radius_m=2000&limit=20&kind=" + kind
			for b.Loop() {
				if r := e.do(http.MethodGet, path, ""); r.status != http.StatusOK {
					b.Fatalf("nearby = %d %s", r.status, r.body)
				}
			}
		})
	}
}

// BenchmarkIndicatorsStoreVersusFacts loads the living demo of Utrecht
// (5,000 options, 3,000 requests and their year of searches, referrals
// and specialist referrals) into the embedded store, then compares a
// year's indicators per district recomputed from the store (every
// record read, as a call would without the in-memory facts) with the
// same indicators from the facts, in one run.
func BenchmarkIndicatorsStoreVersusFacts(b *testing.B) {
	e := newTestEnvWith(b, nil)
	ctx := context.Background()
	areas, _ := testAreas(b)
	if err := demo.Load(ctx, e.store, areas, "GM0344", 5000, quietLogger()); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	m := monitor.MonthIndex(now)
	q := monitor.Query{Municipality: "GM0344", From: monitor.MonthStart(m - 11), To: monitor.MonthStart(m + 1), Level: monitor.LevelDistrict,
		TargetDays: 7, Now: now}
	load := func() *monitor.Index {
		idx := monitor.NewIndex()
		if err := follow.NewIndicators(idx, e.store, quietLogger(), time.Now).Load(ctx); err != nil {
			b.Fatal(err)
		}
		return idx
	}
	b.Run("recomputed from the store", func(b *testing.B) {
		for b.Loop() {
			load().Compute(q)
		}
	})
	idx := load()
	b.Run("from the facts", func(b *testing.B) {
		for b.Loop() {
			idx.Compute(q)
		}
	})
}
