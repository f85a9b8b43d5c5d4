// Package storetest runs one embedded store for a package's tests and
// hands each test a database of its own on it: starting the store costs
// about a second, a database nothing.
//
// In a test binary built with -race the store runs in a process of its
// own, built without the race detector (see the storeserver command):
// the tests and the code they test stay under the detector, and talk to
// the store over the wire as they do in process, but the store's SQLite
// no longer runs instrumented, which made most tests of the store's
// users several times slower.
package storetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// Server is an embedded store in a temporary directory.
type Server struct {
	URI  string
	dir  string
	seq  atomic.Int64
	stop func()
}

// Quiet is a logger that drops everything, for stores in tests.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Start starts the embedded store; Stop removes it and its files. Under
// the race detector it runs in a process of its own, unless that cannot
// be built.
func Start(prefix string) (*Server, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	if raceEnabled {
		s, err := startProcess(dir)
		if err == nil {
			return s, nil
		}
		fmt.Fprintf(os.Stderr, "storetest: the store runs in the test process, under the race detector: %v\n", err)
	}
	ctx := context.Background()
	// Test stores are thrown away after the run: a commit need not reach
	// the disk before it is acknowledged.
	st, err := store.Open(ctx, store.Options{Database: "bootstrap", DataDir: dir, Logger: Quiet(), Sync: "normal"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("storetest: %w", err)
	}
	return &Server{URI: st.URI(), dir: dir, stop: func() { _ = st.Close(ctx); os.RemoveAll(dir) }}, nil
}

// storeServer is the command that runs the store in a process of its own.
const storeServer = "github.com/dichtbij/dichtbij/store/storetest/storeserver"

// startProcess runs the store in dir in a storeserver process.
func startProcess(dir string) (*Server, error) {
	bin, err := Binary(storeServer)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-dir", dir, "-sync", "normal")
	cmd.Stderr = os.Stderr
	// The server stops when its standard input closes: when Stop closes
	// it, or when this process dies without a Stop.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	uri := make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			uri <- sc.Text()
		}
		close(uri)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	// wait ends the process: the pipe is read to its end before Wait
	// closes it, as os/exec asks.
	wait := func() error {
		select {
		case <-drained:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-drained
		}
		return cmd.Wait()
	}
	var u string
	select {
	case u = <-uri:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		_ = wait()
		return nil, errors.New("storeserver did not start within a minute")
	}
	if u == "" {
		stdin.Close()
		return nil, fmt.Errorf("storeserver did not start: %v", wait())
	}
	return &Server{URI: u, dir: dir, stop: func() {
		stdin.Close()
		if err := wait(); err != nil {
			fmt.Fprintf(os.Stderr, "storetest: storeserver: %v\n", err)
		}
		os.RemoveAll(dir)
	}}, nil
}

// Stop closes the store and removes its files.
func (s *Server) Stop() { s.stop() }

var binaries = struct {
	mu    sync.Mutex
	dir   string
	build map[string]func() (string, error)
}{build: map[string]func() (string, error){}}

// Binary builds the command pkg (an import path in this module) without
// the race detector, once per process, and returns the executable's
// path. Run removes it when the tests are done.
func Binary(pkg string) (string, error) {
	binaries.mu.Lock()
	build, ok := binaries.build[pkg]
	if !ok {
		build = sync.OnceValues(func() (string, error) { return buildBinary(pkg) })
		binaries.build[pkg] = build
	}
	binaries.mu.Unlock()
	return build()
}

func buildBinary(pkg string) (string, error) {
	binaries.mu.Lock()
	if binaries.dir == "" {
		d, err := os.MkdirTemp("", "dichtbij-storetest-bin")
		if err != nil {
			binaries.mu.Unlock()
			return "", err
		}
		binaries.dir = d
	}
	dir := binaries.dir
	binaries.mu.Unlock()
	// go test puts its own Go first on the PATH of the test binary.
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	exe := filepath.Join(dir, path.Base(pkg))
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	out, err := exec.Command(goCmd, "build", "-race=false", "-o", exe, pkg).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return exe, nil
}

// removeBinaries removes what Binary built.
func removeBinaries() {
	binaries.mu.Lock()
	defer binaries.mu.Unlock()
	if binaries.dir != "" {
		os.RemoveAll(binaries.dir)
		binaries.dir = ""
		binaries.build = map[string]func() (string, error){}
	}
}

// Run starts a server, runs the tests with it and stops it: the body of
// a TestMain, returning the exit code.
func Run(m *testing.M, prefix string, use func(*Server)) int {
	defer removeBinaries()
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
