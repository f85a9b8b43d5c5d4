// Package storeproc runs the embedded store in a process of its own for
// tests: the storeserver command, built without the race detector. It
// imports nothing of dichtbij, so that the store's own tests can use it
// as well as storetest.
//
// Why a process: FerretDB's SQLite is C translated into Go, full of
// pointer arithmetic; under the race detector it ran several times
// slower, and compiling it with the detector took a minute on two cores.
// The tests and the code they test stay under the detector and talk to
// the store over the wire, as the product does.
package storeproc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// ServerPackage is the command that runs the store.
const ServerPackage = "github.com/dichtbij/dichtbij/store/storetest/storeserver"

// Server is a storeserver process serving the store in Dir.
type Server struct {
	URI  string
	Dir  string
	cmd  *exec.Cmd
	in   io.Closer
	wait func() error
	once sync.Once
	err  error
}

// Start runs a storeserver on dir with the SQLite synchronous setting
// sync ("full" or "normal") and waits until it serves.
func Start(b *Binaries, dir, sync string) (*Server, error) {
	bin, err := b.Build(ServerPackage)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-dir", dir, "-sync", sync)
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
	return &Server{URI: u, Dir: dir, cmd: cmd, in: stdin, wait: wait}, nil
}

// Stop stops the server cleanly and waits for it; its files stay.
func (s *Server) Stop() error {
	s.once.Do(func() {
		s.in.Close()
		s.err = s.wait()
	})
	return s.err
}

// Kill ends the server as a crash would: SIGKILL, no clean shutdown.
func (s *Server) Kill() error {
	s.once.Do(func() {
		_ = s.cmd.Process.Kill()
		_ = s.wait()
		s.in.Close()
	})
	return nil
}

// Binaries builds commands of this module without the race detector,
// each once, into a temporary directory that Remove deletes.
type Binaries struct {
	mu    sync.Mutex
	dir   string
	build map[string]func() (string, error)
}

// Build builds the command pkg (an import path in this module) once and
// returns the executable's path.
func (b *Binaries) Build(pkg string) (string, error) {
	b.mu.Lock()
	if b.build == nil {
		b.build = map[string]func() (string, error){}
	}
	build, ok := b.build[pkg]
	if !ok {
		build = sync.OnceValues(func() (string, error) { return b.buildBinary(pkg) })
		b.build[pkg] = build
	}
	b.mu.Unlock()
	return build()
}

func (b *Binaries) buildBinary(pkg string) (string, error) {
	b.mu.Lock()
	if b.dir == "" {
		d, err := os.MkdirTemp("", "dichtbij-storetest-bin")
		if err != nil {
			b.mu.Unlock()
			return "", err
		}
		b.dir = d
	}
	dir := b.dir
	b.mu.Unlock()
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

// Remove deletes what Build built.
func (b *Binaries) Remove() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dir != "" {
		os.RemoveAll(b.dir)
		b.dir = ""
		b.build = nil
	}
}
