// Package embedded runs FerretDB v1 with its SQLite backend inside the
// process: the store a fresh machine needs nothing else for. Only the
// dichtbij binary and the tests' store server import it (see package
// store for why the test binaries do not).
package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// ferretNew serialises ferretdb.New (see Start).
var ferretNew sync.Mutex

// Start runs FerretDB with its SQLite backend on a free loopback
// port and returns its URI and a function that stops it.
func Start(dir, synchronous string, log *slog.Logger) (string, func(), error) {
	switch synchronous {
	case "":
		synchronous = "full"
	case "full", "normal":
	default:
		return "", nil, fmt.Errorf("embedded: sync %q: want full or normal", synchronous)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("embedded: data dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", nil, fmt.Errorf("embedded: create data dir: %w", err)
	}
	// WAL with synchronous=FULL: a write is acknowledged only after its
	// commit reached the WAL with fsync, so it survives a crash of the
	// process and of the machine. (WAL is FerretDB's default; FULL is
	// stated explicitly because NORMAL would lose the last commits on power
	// loss. Tests ask for NORMAL through Options.Sync.)
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	sqliteURL := (&url.URL{Scheme: "file", Opaque: filepath.ToSlash(abs) + "/", RawQuery: q.Encode()}).String()
	// ferretdb.New sets a package variable of FerretDB's on every call;
	// two stores starting at once in one process race on it.
	ferretNew.Lock()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		// FerretDB logs every unsupported command at warn level with the
		// whole message; only its errors are worth the operator's time.
		Logger: slog.New(&levelFilter{inner: log.Handler(), min: slog.LevelError}).With("component", "ferretdb"),
	})
	ferretNew.Unlock()
	if err != nil {
		return "", nil, fmt.Errorf("embedded: start embedded FerretDB: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_ = f.Run(ctx) // returns when ctx is cancelled
	}()
	go func() {
		defer wg.Done()
		keepIndexing(ctx, abs, log)
	}()
	stop := func() {
		cancel()
		wg.Wait()
	}
	return f.MongoDBURI(), stop, nil
}

// levelFilter passes on only records at or above min. FerretDB makes a
// logger with attributes for every connection and command; handing them
// to the real handler at once formatted them every time (1.9 % of the
// server's CPU under the team load) for records it then dropped. They
// are kept as given and applied only when a record passes.
type levelFilter struct {
	inner slog.Handler
	min   slog.Level
	ops   []handlerOp // WithAttrs and WithGroup calls, oldest first
}

// handlerOp is one WithAttrs (attrs) or WithGroup (group) call.
type handlerOp struct {
	attrs []slog.Attr
	group string
}

func (h *levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.inner.Enabled(ctx, l)
}

func (h *levelFilter) Handle(ctx context.Context, r slog.Record) error {
	inner := h.inner
	for _, op := range h.ops {
		if op.attrs != nil {
			inner = inner.WithAttrs(op.attrs)
		} else {
			inner = inner.WithGroup(op.group)
		}
	}
	return inner.Handle(ctx, r)
}

func (h *levelFilter) with(op handlerOp) slog.Handler {
	return &levelFilter{inner: h.inner, min: h.min, ops: append(slices.Clip(h.ops), op)}
}

func (h *levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	if len(a) == 0 {
		return h
	}
	return h.with(handlerOp{attrs: slices.Clone(a)})
}

func (h *levelFilter) WithGroup(n string) slog.Handler {
	if n == "" {
		return h
	}
	return h.with(handlerOp{group: n})
}
