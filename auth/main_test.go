package auth

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// shared is one embedded store for the package's tests; each test gets
// a database of its own on it.
var shared *storetest.Server

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, "dichtbij-auth-test", func(s *storetest.Server) { shared = s }))
}

func quietLogger() *slog.Logger { return storetest.Quiet() }

// openStore opens a fresh database for t on the shared server.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	return shared.Open(t, shared.DBName(t))
}

// testParams keep argon2 cheap in tests; one test uses DefaultParams.
var testParams = Params{Memory: 64, Time: 1, Threads: 1}

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is the package wired over a fresh database.
type env struct {
	st       *store.Store
	clock    *fakeClock
	accounts *Accounts
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st := openStore(t)
	c := newClock()
	return &env{st: st, clock: c, accounts: NewAccounts(st, testParams, c.Now)}
}

const goodPassword = "correct horse battery"

// mustCreate creates an account or fails the test.
func (e *env) mustCreate(t testing.TB, email, role string) Account {
	t.Helper()
	mun := "GM0344"
	if role == RoleAdmin {
		mun = ""
	}
	acc, err := e.accounts.Create(context.Background(), NewAccount{Email: email, Password: goodPassword, Role: role, Municipality: mun, Name: "Test"})
	if err != nil {
		t.Fatalf("Create(%s) = %v", email, err)
	}
	return acc
}
