// Package storetest runs one embedded store for a package's tests and
// hands each test a database of its own on it: starting the store costs
// about a second, a database nothing. Collection gives a test the raw
// documents of a collection, to look at what was stored or tamper with
// it, without the driver outside the store.
//
// The store runs in a process of its own, built without the race
// detector (package storeproc): the tests and the code they test stay
// under the detector when go test has -race and talk to the store over
// the wire as the product does, while the store's SQLite runs at full
// speed and the test binaries need not link FerretDB at all.
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
	"github.com/dichtbij/dichtbij/store/storetest/storeproc"
)

// Server is an embedded store in a temporary directory.
type Server struct {
	URI  string
	dir  string
	seq  atomic.Int64
	proc *storeproc.Server
}

// Quiet is a logger that drops everything, for stores in tests.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// binaries are the commands this test process built (Binary).
var binaries storeproc.Binaries

// Start starts the embedded store in a new temporary directory; Stop
// removes it and its files. Test stores are thrown away after the run:
// a commit need not reach the disk before it is acknowledged
// (synchronous=NORMAL).
func Start(prefix string) (*Server, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	p, err := storeproc.Start(&binaries, dir, "normal")
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("storetest: %w", err)
	}
	return &Server{URI: p.URI, dir: dir, proc: p}, nil
}

// Stop stops the store and removes its files.
func (s *Server) Stop() {
	if err := s.proc.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "storetest: storeserver: %v\n", err)
	}
	os.RemoveAll(s.dir)
}

// Binary builds the command pkg (an import path in this module) without
// the race detector, once per process, and returns the executable's
// path. Run removes it when the tests are done.
func Binary(pkg string) (string, error) { return binaries.Build(pkg) }

// RemoveBinaries deletes what Binary built, for a TestMain that does not
// use Run.
func RemoveBinaries() { binaries.Remove() }

// StartIn runs the store on dir with the given synchronous setting, for
// tests that stop, kill and restart a store on the same files; the
// caller stops it. Run removes the binary when the tests are done.
func StartIn(dir, sync string) (*storeproc.Server, error) {
	return storeproc.Start(&binaries, dir, sync)
}

// Run starts a server, runs the tests with it and stops it: the body of
// a TestMain, returning the exit code.
func Run(m *testing.M, prefix string, use func(*Server)) int {
	defer binaries.Remove()
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
