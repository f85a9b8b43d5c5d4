package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/dichtbij/dichtbij/store"
)

// Template is a database built once per test process and copied for each
// test that asks for it, with what building it returned (the fixture's
// ids and tokens, say). A copy is a few bulk inserts; building the
// accounts, teams and tokens of the server tests' fixture again for each
// test cost three times as much (pocketbase's test apps do the same with
// a copied data directory; a running FerretDB cannot take in a copied
// file, so this copies the documents).
type Template[T any] struct {
	srv   *Server
	build func(context.Context, *store.Store) (T, error)
	once  sync.Once
	name  string
	value T
	err   error
}

// NewTemplate returns a template on s that build fills, the first time
// a test opens a copy.
func NewTemplate[T any](s *Server, build func(context.Context, *store.Store) (T, error)) *Template[T] {
	return &Template[T]{srv: s, build: build}
}

// Open gives tb a fresh database holding a copy of the template's
// documents, and what build returned. The store is closed when tb ends.
func (tp *Template[T]) Open(tb testing.TB) (*store.Store, T) {
	tb.Helper()
	ctx := context.Background()
	tp.once.Do(func() {
		tp.name = fmt.Sprintf("template%d", tp.srv.seq.Add(1))
		st, err := store.Open(ctx, store.Options{URI: tp.srv.URI, Database: tp.name, Logger: Quiet()})
		if err != nil {
			tp.err = err
			return
		}
		defer st.Close(ctx)
		tp.value, tp.err = tp.build(ctx, st)
	})
	if tp.err != nil {
		tb.Fatalf("storetest: build the template: %v", tp.err)
	}
	st := tp.srv.Open(tb, tp.srv.DBName(tb))
	if err := copyDatabase(ctx, client(tb, tp.srv.URI).Database(tp.name), client(tb, tp.srv.URI).Database(st.Database())); err != nil {
		tb.Fatalf("storetest: copy the template: %v", err)
	}
	return st, tp.value
}

// copyDatabase inserts every document of every collection of from into
// the same collection of to, whose indexes store.Open made.
func copyDatabase(ctx context.Context, from, to *mongo.Database) error {
	names, err := from.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return err
	}
	for _, name := range names {
		cur, err := from.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		var docs []any
		for cur.Next(ctx) {
			docs = append(docs, bson.Raw(append([]byte(nil), cur.Current...)))
		}
		err = cur.Err()
		cur.Close(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(docs) == 0 {
			continue
		}
		if _, err := to.Collection(name).InsertMany(ctx, docs); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
