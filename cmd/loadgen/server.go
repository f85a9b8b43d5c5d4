package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ownServer is a dichtbij the load generator started: built from the
// repository, on a free port, with a temporary data directory and the
// demo loaded.
type ownServer struct {
	base     string
	pid      int
	password string // of the demo accounts, read from the log
	cmd      *exec.Cmd
	dir      string
	logPath  string
}

// serverOptions are what the started server is given.
type serverOptions struct {
	bin          string // a built dichtbij; empty builds one from the repository
	demo         string
	demoOptions  int
	flags        []string // more flags for the server
	startTimeout time.Duration
}

// startServer builds (unless opt.bin) and starts dichtbij. The login
// limit is raised because every virtual user signs in from 127.0.0.1,
// which the default 10 a minute would turn into minutes of waiting.
func startServer(ctx context.Context, opt serverOptions) (*ownServer, error) {
	dir, err := os.MkdirTemp("", "loadgen-")
	if err != nil {
		return nil, err
	}
	s := &ownServer{dir: dir, logPath: filepath.Join(dir, "server.log")}
	bin := opt.bin
	if bin == "" {
		root, err := moduleRoot()
		if err != nil {
			s.stop()
			return nil, err
		}
		bin = filepath.Join(dir, "dichtbij")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		build.Dir, build.Env = root, append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			s.stop()
			return nil, fmt.Errorf("build dichtbij: %w\n%s", err, out)
		}
	}
	addr, err := freeAddr()
	if err != nil {
		s.stop()
		return nil, err
	}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		s.stop()
		return nil, err
	}
	defer logFile.Close()
	args := append([]string{"-addr", addr, "-data-dir", filepath.Join(dir, "data"),
		"-demo", opt.demo, "-demo-options", strconv.Itoa(opt.demoOptions),
		"-login-limit", "10000", "-log-level", "info"}, opt.flags...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		s.stop()
		return nil, err
	}
	s.pid, s.base = s.cmd.Process.Pid, "http://"+addr
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	if err := s.waitReady(ctx, opt.startTimeout, exited); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls /readyz, then finds the demo password in the log,
// which the demo writes before the server listens.
func (s *ownServer) waitReady(ctx context.Context, timeout time.Duration, exited <-chan error) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-exited:
			s.cmd = nil
			return fmt.Errorf("dichtbij exited before it was ready (%v); its log:\n%s", err, s.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if resp, err := client.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dichtbij not ready after %s; its log:\n%s", timeout, s.logTail())
		}
	}
	log, err := os.ReadFile(s.logPath)
	if err != nil {
		return err
	}
	pw, ok := demoPassword(string(log))
	if !ok {
		return fmt.Errorf("no \"demo accounts\" line with a password in the log:\n%s", s.logTail())
	}
	s.password = pw
	return nil
}

var passwordRE = regexp.MustCompile(`"?password"?[=:]"?([a-z0-9]{4}(?:-[a-z0-9]{4}){3})`)

// demoPassword finds the password of the "demo accounts" log line, in
// the text or the JSON form of the log.
func demoPassword(log string) (string, bool) {
	for line := range strings.SplitSeq(log, "\n") {
		if !strings.Contains(line, "demo accounts") {
			continue
		}
		if m := passwordRE.FindStringSubmatch(line); m != nil {
			return m[1], true
		}
	}
	return "", false
}

func (s *ownServer) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// stop ends the server with SIGTERM (a clean shutdown of the store),
// SIGKILL after 15 s, and removes its directory.
func (s *ownServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() {
			for {
				if err := s.cmd.Process.Signal(syscall.Signal(0)); err != nil {
					close(done)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// freeAddr is a loopback address with a port free right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// moduleRoot is the directory of the dichtbij go.mod, from the working
// directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/dichtbij/dichtbij\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the dichtbij repository: run from it, or give -base or -bin")
		}
		dir = parent
	}
}
