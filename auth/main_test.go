package auth

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// sharedURI is one embedded store for the package's tests; each test gets
// a database of its own on it.
var sharedURI string

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "dichtbij-auth-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Database: "bootstrap", DataDir: dir, Logger: quietLogger()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close(ctx)
	sharedURI = st.URI()
	return m.Run()
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var dbSeq atomic.Int64

// openStore opens a fresh database for t on the shared server.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	name := fmt.Sprintf("a%d_%s", dbSeq.Add(1), regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "_"))
	if len(name) > 60 {
		name = name[:60]
	}
	st, err := store.Open(context.Background(), store.Options{URI: sharedURI, Database: name, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
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
