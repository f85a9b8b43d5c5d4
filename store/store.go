// Package store persists dichtbij's records in MongoDB through the official
// driver. With no MongoDB URI it starts an embedded MongoDB-compatible server
// (FerretDB v1 on SQLite) inside the process, so a fresh machine runs the
// product and its tests against the real wire protocol with nothing else
// installed.
//
// Only what both MongoDB 7+ and FerretDB v1 support is used: no
// multi-document transactions, no $near/$geoWithin or 2dsphere indexes (geo
// queries run in process), string _ids, and no reliance on conditional
// updates being atomic (they are not on FerretDB).
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"
)

// Database is the name of the database the store uses.
func (s *Store) Database() string { return s.db.Name() }

// Backend names which server a Store talks to.
type Backend string

// The two backends.
const (
	BackendEmbedded Backend = "embedded-ferretdb-sqlite"
	BackendMongoDB  Backend = "mongodb"
)

// Options configure Open.
type Options struct {
	// URI of an external MongoDB; empty starts the embedded store in DataDir.
	URI      string
	Database string
	DataDir  string
	Logger   *slog.Logger
	// Sync is the embedded store's SQLite synchronous setting: "" or
	// "full" (the default) makes every acknowledged write survive a
	// crash of the machine; "normal" may lose the last commits on power
	// loss, and is for tests, whose stores are thrown away.
	Sync string
}

// Store is a connection to the database holding dichtbij's collections.
// It is safe for concurrent use.
type Store struct {
	client  *mongo.Client
	db      *mongo.Database
	backend Backend
	uri     string // as connected, for processes that share the store
	stop    func() // stops the embedded server; nil for an external one
}

// Open connects to MongoDB, or starts the embedded store when opts.URI is
// empty, and creates missing indexes.
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Store{backend: BackendMongoDB, uri: opts.URI}
	if opts.URI == "" {
		uri, stop, err := startEmbedded(opts.DataDir, opts.Sync, log)
		if err != nil {
			return nil, err
		}
		s.backend, s.uri, s.stop = BackendEmbedded, uri, stop
	}
	co := options.Client().ApplyURI(s.uri).SetTimeout(30 * time.Second).SetAppName("dichtbij").SetRegistry(registry)
	if s.backend == BackendEmbedded {
		// SQLite has one writer at a time; hundreds of connections writing
		// at once only spin in its busy handler until some give up with
		// SQLITE_BUSY (seen with 200 concurrent acceptances under -race).
		// A small pool makes them queue in the driver instead.
		co.SetMaxPoolSize(8)
	}
	if s.backend == BackendMongoDB && co.WriteConcern == nil {
		// Acknowledged means durable: journaled on a majority of the
		// replica set, unless the URI asks for something else.
		co.SetWriteConcern(writeconcern.Majority())
		co.WriteConcern.Journal = ptr(true)
	}
	client, err := mongo.Connect(ctx, co)
	if err != nil {
		s.closeEmbedded()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s.client, s.db = client, client.Database(opts.Database)
	if err := s.Ping(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		s.closeEmbedded()
		return nil, err
	}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		s.closeEmbedded()
		return nil, err
	}
	if s.backend == BackendEmbedded {
		// The loopback URI lets another dichtbij process share this store.
		log.Info("store ready", "backend", s.backend, "database", opts.Database, "data_dir", opts.DataDir, "mongodb_uri", s.uri)
	} else {
		log.Info("store ready", "backend", s.backend, "database", opts.Database)
	}
	return s, nil
}

func ptr[T any](v T) *T { return &v }

// ferretNew serialises ferretdb.New (see startEmbedded).
var ferretNew sync.Mutex

// startEmbedded runs FerretDB with its SQLite backend on a free loopback
// port and returns its URI and a function that stops it.
func startEmbedded(dir, sync string, log *slog.Logger) (string, func(), error) {
	switch sync {
	case "":
		sync = "full"
	case "full", "normal":
	default:
		return "", nil, fmt.Errorf("store: sync %q: want full or normal", sync)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("store: data dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", nil, fmt.Errorf("store: create data dir: %w", err)
	}
	// WAL with synchronous=FULL: a write is acknowledged only after its
	// commit reached the WAL with fsync, so it survives a crash of the
	// process and of the machine. (WAL is FerretDB's default; FULL is
	// stated explicitly because NORMAL would lose the last commits on power
	// loss. Tests ask for NORMAL through Options.Sync.)
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "synchronous("+sync+")")
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
		Logger: slog.New(&levelFilter{log.Handler(), slog.LevelError}).With("component", "ferretdb"),
	})
	ferretNew.Unlock()
	if err != nil {
		return "", nil, fmt.Errorf("store: start embedded FerretDB: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx) // returns when ctx is cancelled
	}()
	stop := func() {
		cancel()
		<-done
	}
	return f.MongoDBURI(), stop, nil
}

// levelFilter passes on only records at or above min.
type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (h *levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h *levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return &levelFilter{h.Handler.WithAttrs(a), h.min}
}

func (h *levelFilter) WithGroup(n string) slog.Handler {
	return &levelFilter{h.Handler.WithGroup(n), h.min}
}

func (s *Store) closeEmbedded() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// Backend reports which server the store talks to.
func (s *Store) Backend() Backend { return s.backend }

// URI returns the connection string in use, so that another process (or a
// test) can share the embedded server while this process runs.
func (s *Store) URI() string { return s.uri }

// Ping checks that the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.backend, err)
	}
	return nil
}

// Close disconnects and stops the embedded server, if any.
func (s *Store) Close(ctx context.Context) error {
	err := s.client.Disconnect(ctx)
	s.closeEmbedded()
	if err != nil {
		return fmt.Errorf("store: disconnect: %w", err)
	}
	return nil
}

// Errors returned by collections, wrapped with the collection and id.
var (
	// ErrNotFound reads "store: volunteers 65f…: not found".
	ErrNotFound = errors.New("not found")
	// ErrConflict means the record changed since the caller read it, or a
	// record with the same key exists.
	ErrConflict = errors.New("conflict")
)
