package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// TestPprofServesProfiles: with DICHTBIJ_PPROF_ADDR set the heap,
// blocking and mutex profiles answer, the store's commands are counted
// by shape, and all of it stops with the context.
func TestPprofServesProfiles(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := storetest.Start("dichtbij-app-pprof")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	stats := store.NewQueryStats()
	st, err := store.Open(context.Background(), store.Options{URI: srv.URI, Database: "pprof", Logger: storetest.Quiet(), Stats: stats})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if _, err := st.Volunteers().Get(context.Background(), "6b0300000000000000000001"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get = %v; want not found", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	servePprof(ctx, ln, stats, slog.New(slog.DiscardHandler))
	for _, q := range []string{"?reset=1", ""} {
		res, err := http.Get("http://" + ln.Addr().String() + "/debug/store-queries" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if has := strings.Contains(string(body), "find volunteers {_id}"); has != (q != "") {
			t.Errorf("GET /debug/store-queries%s lists the Get: %v; want %v (reset after the first answer):\n%s", q, has, q != "", body)
		}
	}
	base := "http://" + ln.Addr().String() + "/debug/pprof/"
	for path, want := range map[string]string{"heap?debug=1": "heap profile", "block?debug=1": "contention", "mutex?debug=1": "sampling period=100", "": "Types of profiles"} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET /debug/pprof/%s = %d, body without %q: %.200s", path, res.StatusCode, want, body)
		}
	}
	cancel()
	// Close is asynchronous; a request after it fails soon after.
	for i := 0; ; i++ {
		res, err := http.Get(base)
		if err != nil {
			break
		}
		res.Body.Close()
		if i > 1000 {
			t.Fatal("profiles still served after the context ended")
		}
	}
}
