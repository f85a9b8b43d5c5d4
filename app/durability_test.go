package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// The children of these tests are the dichtbij command, built without
// the race detector (storetest.Binary), as it is shipped: these tests are
// about what survives a process, not about data races, which the tests
// of the same code in this process look for; and a test binary has no
// embedded store to run (see package store).

// childArgs are the flags of every child but its data directory.
var childArgs = []string{"-addr", "127.0.0.1:0", "-shutdown-timeout", "5s", "-poll-interval", "200ms"}

// child is a server process started from the test binary.
type child struct {
	cmd  *exec.Cmd
	base string
	uri  string      // the embedded store's URI, when the child started one
	logs chan string // every line after "listening"
	done chan error
}

// startChild starts a server on the data directory dir, or on the store
// at uri when it is not empty.
func startChild(t *testing.T, dir, uri string) *child {
	t.Helper()
	bin, err := storetest.Binary("github.com/dichtbij/dichtbij")
	if err != nil {
		t.Fatal(err)
	}
	args := append(slices.Clone(childArgs), "-data-dir", dir)
	if uri != "" {
		args = append(args, "-mongodb-uri", uri)
	}
	cmd := exec.Command(bin, args...)
	// The command reads its settings from the environment too; the
	// tester's own must not reach it.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DICHTBIJ_") && !strings.HasPrefix(kv, "MONGODB_URI") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout = os.Stdout
	out, err := cmd.StderrPipe() // the command logs to stderr
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: make(chan string, 1000), done: make(chan error, 1)}
	addr := make(chan string, 1)
	uris := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, `msg="store ready"`) {
				for _, f := range strings.Fields(line) {
					if u, ok := strings.CutPrefix(f, "mongodb_uri="); ok {
						uris <- u
					}
				}
			}
			if strings.Contains(line, "msg=listening") {
				for _, f := range strings.Fields(line) {
					if a, ok := strings.CutPrefix(f, "addr="); ok {
						addr <- a
					}
				}
			}
			select {
			case c.logs <- line:
			default:
			}
		}
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case a := <-addr:
		c.base = "http://" + a
		select {
		case c.uri = <-uris:
		default:
		}
	case err := <-c.done:
		t.Fatalf("server exited before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start within 60 s")
	}
	return c
}

// wait returns the child's exit error, failing after a timeout.
func (c *child) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-c.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("server did not exit within 30 s")
		return nil
	}
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// childToken makes a social worker in Amsterdam on the store at uri (a
// child's embedded store) and returns an API token for it.
func childToken(t *testing.T, uri string) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URI: uri, Database: "dichtbij", Logger: storetest.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	accounts := auth.NewAccounts(st, auth.Params{Memory: 64, Time: 1, Threads: 1}, time.Now)
	acc, err := accounts.Create(ctx, auth.NewAccount{Email: fmt.Sprintf("w%d@example.org", time.Now().UnixNano()), Password: "correct horse battery",
		Role: auth.RoleSocialWorker, Municipality: "GM0363", Team: "noord", Name: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := auth.NewTokens(accounts, func(string) bool { return true }).Issue(ctx, acc.ID, "test",
		[]string{"volunteers", "search"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func postJSON(base, path, body, token string) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

func getStatus(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func idFrom(body string) string {
	_, rest, _ := strings.Cut(body, `"id":"`)
	id, _, _ := strings.Cut(rest, `"`)
	return id
}

// TestRestartKeepsRecords writes through the API, stops the server with
// SIGTERM (graceful shutdown), starts it again on the same data directory
// and reads the record back unchanged.
func TestRestartKeepsRecords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := startChild(t, dir, "")
	if code, body := getStatus(t, c.base+"/readyz", ""); code != http.StatusOK || !strings.Contains(body, "embedded") {
		t.Fatalf("/readyz = %d %s; want 200 from the embedded store", code, body)
	}
	token := childToken(t, c.uri)
	code, created, err := postJSON(c.base, "/api/v1/volunteers", validVolunteer, token)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create = %d %s %v; want 201", code, created, err)
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := c.wait(t); err != nil {
		t.Fatalf("exit after SIGTERM = %v; want a clean exit", err)
	}

	c = startChild(t, dir, "")
	code, got := getStatus(t, c.base+"/api/v1/volunteers/"+idFrom(created), token)
	if code != http.StatusOK || got != created {
		t.Fatalf("after restart GET = %d %s; want 200 %s", code, got, created)
	}
}

// TestCrashKeepsAcknowledgedWrites kills the server with SIGKILL while
// four clients are still writing, restarts it, and checks that every write
// that was answered 201 is there.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	t.Parallel()
	const target = 200 // acknowledged writes before the kill
	dir := t.TempDir()
	c := startChild(t, dir, "")
	token := childToken(t, c.uri)

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	enough := make(chan struct{})
	var once sync.Once
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, body, err := postJSON(c.base, "/api/v1/volunteers", validVolunteer, token)
				if err != nil {
					return // the server is gone
				}
				if code != http.StatusCreated {
					t.Errorf("create = %d %s", code, body)
					return
				}
				mu.Lock()
				acked = append(acked, idFrom(body))
				if len(acked) >= target {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(3 * time.Minute):
		t.Fatal("server did not acknowledge enough writes in 3 minutes")
	}
	if err := c.cmd.Process.Kill(); err != nil { // SIGKILL, writers still running
		t.Fatal(err)
	}
	_ = c.wait(t)
	close(stop)
	wg.Wait()

	mu.Lock()
	ids := append([]string(nil), acked...)
	mu.Unlock()
	c = startChild(t, dir, "")
	missing := 0
	for _, id := range ids {
		if code, _ := getStatus(t, c.base+"/api/v1/volunteers/"+id, token); code != http.StatusOK {
			missing++
		}
	}
	t.Logf("%d acknowledged writes before SIGKILL, %d missing after restart", len(ids), missing)
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes lost after SIGKILL", missing, len(ids))
	}
}
