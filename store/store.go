// Package store persists dichtbij's records in MongoDB through the official
// driver. With no MongoDB URI it starts an embedded MongoDB-compatible server
// (FerretDB v1 on SQLite, package embedded) inside the process, so a fresh
// machine runs the product and its tests against the real wire protocol
// with nothing else installed.
//
// The embedded server reaches Open as a function (Options.Embedded) rather
// than an import: the binary links it, the test binaries do not. Built
// with the race detector, FerretDB and its SQLite take a minute to
// compile on two cores, and tests run the store in a process of its own
// built without the detector anyway (storetest).
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
	"time"

	"go.mongodb.org/mongo-driver/bson"
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
	// Embedded starts the embedded server when URI is empty (embedded.Start).
	Embedded Starter
	// Stats, when set, counts every command sent (QueryStats).
	Stats *QueryStats
}

// Starter starts an embedded MongoDB-compatible server with its files in
// dir and the SQLite synchronous setting sync ("" means full), and
// returns its URI and a function that stops it.
type Starter func(dir, sync string, log *slog.Logger) (uri string, stop func(), err error)

// ErrNoEmbedded is returned by Open without a URI when this build has no
// embedded server.
var ErrNoEmbedded = errors.New("store: no MongoDB URI, and no embedded store in this build")

// Store is a connection to the database holding dichtbij's collections.
// It is safe for concurrent use.
type Store struct {
	client  *mongo.Client
	db      *mongo.Database
	backend Backend
	uri     string // as connected, for processes that share the store
	stop    func() // stops the embedded server; nil for an external one
	// ferret is true when the server is FerretDB (embedded or not): it
	// serves a filter from its index only when the filter is one _id
	// equality and nothing else, and scans the collection for any other,
	// aggregates and counts included. The paths that would scan take
	// another way there (Collection.Replace, hasID).
	ferret bool
	// origin names this Store in the change log's entries (NewID).
	origin string
	// mirrors are in-memory copies of the collections the API lists, on
	// FerretDB (mirror.go); nil on MongoDB.
	mirrors map[string]*mirror
}

// Open connects to MongoDB, or starts the embedded store when opts.URI is
// empty, and creates missing indexes.
func Open(ctx context.Context, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Store{backend: BackendMongoDB, uri: opts.URI, origin: NewID()}
	if opts.URI == "" {
		if opts.Embedded == nil {
			return nil, ErrNoEmbedded
		}
		uri, stop, err := opts.Embedded(opts.DataDir, opts.Sync, log)
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
	if opts.Stats != nil {
		co.SetMonitor(opts.Stats.monitor())
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
	var info bson.M
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		s.closeEmbedded()
		return nil, fmt.Errorf("store: buildInfo: %w", err)
	}
	_, s.ferret = info["ferretdbVersion"]
	if s.ferret {
		s.mirrors = newMirrors()
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

func (s *Store) closeEmbedded() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// Origin names this Store among the processes (and Stores) writing to
// one database: the change log's entries carry it.
func (s *Store) Origin() string { return s.origin }

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
