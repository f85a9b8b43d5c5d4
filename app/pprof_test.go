package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestPprofServesProfiles: with DICHTBIJ_PPROF_ADDR set the heap,
// blocking and mutex profiles answer, and they stop with the context.
func TestPprofServesProfiles(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	servePprof(ctx, ln, slog.New(slog.DiscardHandler))
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
