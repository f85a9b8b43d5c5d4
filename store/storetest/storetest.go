// Package storetest runs one embedded store for a package's tests and
// hands each test a database of its own on it: starting the store costs
// about a second, a database nothing.
package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/dichtbij/dichtbij/store"
)

// Server is an embedded store in a temporary directory.
type Server struct {
	URI  string
	seq  atomic.Int64
	stop func()
}

// Quiet is a logger that drops everything, for stores in tests.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Start starts the embedded store; Stop removes it and its files.
func Start(prefix string) (*Server, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	// Test stores are thrown away after the run: a commit need not reach
	// the disk before it is acknowledged.
	st, err := store.Open(ctx, store.Options{Database: "bootstrap", DataDir: dir, Logger: Quiet(), Sync: "normal"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("storetest: %w", err)
	}
	return &Server{URI: st.URI(), stop: func() { _ = st.Close(ctx); os.RemoveAll(dir) }}, nil
}

// Stop closes the store and removes its files.
func (s *Server) Stop() { s.stop() }

// Run starts a server, runs the tests with it and stops it: the body of
// a TestMain, returning the exit code.
func Run(m *testing.M, prefix string, use func(*Server)) int {
	s, err := Start(prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Stop()
	use(s)
	return m.Run()
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9]+`)

// DBName returns a fresh database name for tb, readable in the store's
// files: a sequence number and the test's name.
func (s *Server) DBName(tb testing.TB) string {
	name := fmt.Sprintf("t%d_%s", s.seq.Add(1), unsafe.ReplaceAllString(tb.Name(), "_"))
	if len(name) > 60 {
		name = name[:60]
	}
	return name
}

// Open connects to database name on the server, closed when tb ends.
func (s *Server) Open(tb testing.TB, name string) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), store.Options{URI: s.URI, Database: name, Logger: Quiet()})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}
