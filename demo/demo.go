// Package demo loads a living year of generated casework into an empty
// store, for a first look at dichtbij (make demo) and for tests and
// benchmarks at a realistic size.
package demo

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/synth"
)

// demoSeed fixes the demo data set.
const demoSeed = 1

// demoMonths is how long the demo municipality has used dichtbij.
const demoMonths = 12

// Requests is how many support requests a demo of options options
// has: 60 % as many, so the default 3,000 options come with 1,800
// requests over the year, what the social teams of a mid-size
// municipality record for zero-line help.
func Requests(options int) int { return options * 3 / 5 }

// Team is the social team the demo's requests belong to.
const Team = "demo"

// Account is an account made for a first look at the demo.
type Account struct {
	Role, Email, Name, Team string
}

// Accounts are the demo's accounts: they sign in with a password made at
// start and written to the log.
var Accounts = []Account{
	{auth.RoleCoordinator, "demo-coordinator@example.org", "Demo coördinator", Team},
	{auth.RoleSocialWorker, "demo-worker@example.org", "Demo sociaal werker", Team},
	{auth.RoleAdmin, "demo-admin@example.org", "Demo beheerder", ""},
}

// Load fills an empty store with generated, realistic-looking records
// in one municipality (the whole country for code "nl"), each with the
// Area a Checker over areas derives: the options, and a year of casework
// (synth.History) as if the municipality had used dichtbij for
// demoMonths months: requests, searches, referrals holding their places,
// specialist referrals. synth decides who did what when; the domain's
// rules (a casework.Book) decided what each step did, so the demo shows
// no state the workflow forbids. The records are written in bulk: the
// year's changes went through no outbox, so they have no events, no
// audit trail and no notifications, and the event log starts empty. It also makes demo accounts (a coordinator and a
// social worker of team "demo" and an admin of the municipality) whose
// password it logs once. A store that already holds volunteers is left
// alone, so restarting with the same flag does not duplicate anything.
func Load(ctx context.Context, st *store.Store, areas *geo.Areas, code string, options int, log *slog.Logger) error {
	n, err := st.Volunteers().Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("demo data not loaded: the store already has records", "volunteers", n)
		return nil
	}
	start := time.Now()
	// Schedules start from today, so the demo's activities are upcoming;
	// the casework of the past year ends today.
	now := time.Now().UTC().Truncate(24 * time.Hour)
	where := code
	if code == "nl" {
		where = "" // the whole country
	}
	ds, err := synth.Generate(synth.Config{Seed: demoSeed, Options: options, Requests: Requests(options), Municipality: where, Now: now}, areas)
	if err != nil {
		return fmt.Errorf("server: demo: %w", err)
	}
	// The requests, searches, referrals and specialist referrals belong
	// to the municipality of their request and the team "demo".
	hist, err := synth.History(&ds, synth.HistoryConfig{Seed: demoSeed, Now: now, Months: demoMonths, Team: Team})
	if err != nil {
		return fmt.Errorf("server: demo: %w", err)
	}
	if err := st.Volunteers().InsertMany(ctx, ds.Volunteers); err != nil {
		return err
	}
	if err := st.Initiatives().InsertMany(ctx, ds.Initiatives); err != nil {
		return err
	}
	if err := st.Provisions().InsertMany(ctx, ds.Provisions); err != nil {
		return err
	}
	if err := st.Activities().InsertMany(ctx, ds.Activities); err != nil {
		return err
	}
	if err := st.Requests().InsertMany(ctx, ds.Requests); err != nil {
		return err
	}
	if err := st.Searches().InsertMany(ctx, hist.Searches); err != nil {
		return err
	}
	// The places the referrals hold, claimed as an acceptance claims
	// them before the referrals that name them are stored.
	if err := claimPlaces(ctx, st, hist.Places, hist.Referrals); err != nil {
		return fmt.Errorf("server: demo: %w", err)
	}
	if err := st.Referrals().InsertMany(ctx, hist.Referrals); err != nil {
		return err
	}
	if err := st.Specialists().InsertMany(ctx, hist.Specialists); err != nil {
		return err
	}
	// The team "demo" of each municipality with requests covers all its
	// districts, so that an admin can put a social worker in it.
	home := demoMunicipality(code, ds.Requests)
	teams := st.Teams()
	seen := map[string]bool{}
	for _, m := range append([]string{home}, municipalitiesOf(ds.Requests)...) {
		if seen[m] {
			continue
		}
		seen[m] = true
		team := care.Team{Meta: care.Meta{ID: care.TeamID(m, Team), Version: 1, CreatedAt: now, UpdatedAt: now, Municipality: m},
			Code: Team, TeamFields: care.TeamFields{Name: "Demo", Districts: append([]string{}, areas.DistrictsOf(m)...)}}
		if err := teams.Insert(ctx, team); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	if err := makeDemoAccounts(ctx, st, home, log); err != nil {
		return err
	}
	log.Info("demo data loaded", "municipality", code, "volunteers", len(ds.Volunteers), "initiatives", len(ds.Initiatives),
		"provisions", len(ds.Provisions), "activities", len(ds.Activities), "requests", len(ds.Requests),
		"searches", len(hist.Searches), "referrals", len(hist.Referrals), "places", len(hist.Places), "specialist_referrals", len(hist.Specialists),
		"months", demoMonths, "took", time.Since(start).String())
	return nil
}

// municipalitiesOf lists the municipalities of the requests, in order.
func municipalitiesOf(reqs []care.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Municipality)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// demoMunicipality is the municipality of the demo accounts: the demo's
// own, or for the whole country the one with the most requests.
func demoMunicipality(code string, reqs []care.Request) string {
	if code != "nl" {
		return code
	}
	count := map[string]int{}
	best := ""
	for _, r := range reqs {
		count[r.Municipality]++
	}
	for m, n := range count {
		if best == "" || n > count[best] || (n == count[best] && m < best) {
			best = m
		}
	}
	return cmp.Or(best, "GM0344")
}

// makeDemoAccounts makes the demo accounts of municipality with one new
// random password and logs it, once: this is the only place it is ever
// shown. An address already in use is left as it is.
func makeDemoAccounts(ctx context.Context, st *store.Store, municipality string, log *slog.Logger) error {
	password, err := demoPassword()
	if err != nil {
		return err
	}
	accounts := auth.NewAccounts(st, auth.DefaultParams(), nil)
	attrs := []any{"municipality", municipality}
	for _, a := range Accounts {
		_, err := accounts.Create(ctx, auth.NewAccount{Email: a.Email, Password: password, Role: a.Role,
			Municipality: municipality, Team: a.Team, Name: a.Name})
		if errors.Is(err, auth.ErrEmailTaken) {
			log.Info("demo account not made: the address is in use", "email", a.Email)
			continue
		}
		if err != nil {
			return fmt.Errorf("server: demo account %s: %w", a.Email, err)
		}
		attrs = append(attrs, a.Role, a.Email)
	}
	if len(attrs) > 2 {
		log.Info("demo accounts", append(attrs, "password", password)...)
	}
	return nil
}

// demoPassword returns a new random password of 80 bits, in four groups
// of four letters and digits.
func demoPassword() (string, error) {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("server: demo password: %w", err)
	}
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b[:]))
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], nil
}

// claimPlaces claims the places held, in pool and number order, and
// points each holding referral at the place it got. A claim takes the
// lowest free number, so a pool whose first places the year freed gets
// its held places renumbered from 1: the same places held by the same
// referrals, without a write per freed place below a held one (which
// doubled the load time).
func claimPlaces(ctx context.Context, st *store.Store, held []store.Place, refs []care.Referral) error {
	index := make(map[string]int, len(refs))
	for i, r := range refs {
		index[r.ID] = i
	}
	capacity := map[string]int{}
	for _, p := range held {
		capacity[p.Pool] = max(capacity[p.Pool], p.Number)
	}
	for _, p := range held {
		n, err := st.Places().Claim(ctx, p.Pool, capacity[p.Pool], p.Holder, p.Claimed)
		if err != nil {
			return err
		}
		i, ok := index[p.Holder]
		if !ok || refs[i].Place == nil || refs[i].Place.Pool != p.Pool {
			return fmt.Errorf("place %s#%d: holder %s holds no place of it", p.Pool, p.Number, p.Holder)
		}
		refs[i].Place.Number = n
	}
	return nil
}
