package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// servePprof serves Go's profiles on ln (a loopback address, see
// config) until ctx ends: CPU (/debug/pprof/profile), heap, goroutines,
// and blocking and mutex contention, which the runtime records only
// while this is on. Measuring under load (docs/performance.md) needs
// them from the running server, not from a test. /debug/store-queries
// is the store's commands by shape and time (store.QueryStats); with
// ?reset=1 it starts counting afresh.
func servePprof(ctx context.Context, ln net.Listener, stats *store.QueryStats, log *slog.Logger) {
	// One blocking event sampled per millisecond spent blocked, and one
	// mutex contention in 100: cheap enough to leave on while measuring.
	runtime.SetBlockProfileRate(int(time.Millisecond))
	runtime.SetMutexProfileFraction(100)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // also heap, block, mutex, goroutine…
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/store-queries", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		stats.WriteTable(w)
		if r.URL.Query().Get("reset") == "1" {
			stats.Reset()
		}
	})
	// WriteTimeout stays off: a CPU profile answers after its seconds.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	log.Info("serving Go profiles", "addr", ln.Addr().String(), "path", "/debug/pprof/")
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serving Go profiles", "err", err)
		}
	}()
}
