package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/dichtbij/dichtbij/store"
)

// Docs is one collection of a test's database as raw documents, for tests
// that look at what was stored (a secret kept only as its hash) or tamper
// with it as someone with access to the database would. It bypasses the
// store's types and finders; a failure ends the test.
type Docs struct {
	tb testing.TB
	c  *mongo.Collection
}

var (
	clientsMu sync.Mutex
	clients   = map[string]*mongo.Client{}
)

// client returns one plain driver client per server, kept for the test
// binary's life.
func client(tb testing.TB, uri string) *mongo.Client {
	tb.Helper()
	clientsMu.Lock()
	defer clientsMu.Unlock()
	if c, ok := clients[uri]; ok {
		return c
	}
	c, err := mongo.Connect(context.Background(), options.Client().ApplyURI(uri).SetMaxPoolSize(8))
	if err != nil {
		tb.Fatalf("storetest: connect: %v", err)
	}
	clients[uri] = c
	return c
}

// Collection returns the collection name of st's database.
func Collection(tb testing.TB, st *store.Store, name string) *Docs {
	tb.Helper()
	return &Docs{tb: tb, c: client(tb, st.URI()).Database(st.Database()).Collection(name)}
}

// Collection returns the collection name of database db on the server.
func (s *Server) Collection(tb testing.TB, db, name string) *Docs {
	tb.Helper()
	return &Docs{tb: tb, c: client(tb, s.URI).Database(db).Collection(name)}
}

func doc(m map[string]any) bson.M {
	if m == nil {
		return bson.M{}
	}
	return bson.M(m)
}

// Count returns how many documents have the given field values (all of
// them for nil).
func (d *Docs) Count(fields map[string]any) int64 {
	d.tb.Helper()
	n, err := d.c.CountDocuments(context.Background(), doc(fields))
	if err != nil {
		d.tb.Fatalf("storetest: count %s: %v", d.c.Name(), err)
	}
	return n
}

// Get decodes the document with _id id into out (a struct pointer or a
// *map[string]any) and reports whether there was one.
func (d *Docs) Get(id string, out any) bool {
	d.tb.Helper()
	err := d.c.FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Decode(out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false
	}
	if err != nil {
		d.tb.Fatalf("storetest: get %s %s: %v", d.c.Name(), id, err)
	}
	return true
}

// Any decodes some document with the given field values into out and
// reports whether there was one.
func (d *Docs) Any(fields map[string]any, out any) bool {
	d.tb.Helper()
	err := d.c.FindOne(context.Background(), doc(fields)).Decode(out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false
	}
	if err != nil {
		d.tb.Fatalf("storetest: find in %s: %v", d.c.Name(), err)
	}
	return true
}

// Bytes returns the document with _id id as stored (BSON), nil when
// there is none: for a test that a value appears nowhere in it.
func (d *Docs) Bytes(id string) []byte {
	d.tb.Helper()
	raw, err := d.c.FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		d.tb.Fatalf("storetest: get %s %s: %v", d.c.Name(), id, err)
	}
	return raw
}

// Set sets fields of the document with _id id, which must exist.
func (d *Docs) Set(id string, fields map[string]any) {
	d.tb.Helper()
	d.update(id, bson.D{{Key: "$set", Value: doc(fields)}})
}

// Unset removes a field of the document with _id id, which must exist.
func (d *Docs) Unset(id, field string) {
	d.tb.Helper()
	d.update(id, bson.D{{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}}})
}

func (d *Docs) update(id string, upd bson.D) {
	d.tb.Helper()
	res, err := d.c.UpdateOne(context.Background(), bson.D{{Key: "_id", Value: id}}, upd)
	if err != nil {
		d.tb.Fatalf("storetest: update %s %s: %v", d.c.Name(), id, err)
	}
	if res.MatchedCount != 1 {
		d.tb.Fatalf("storetest: update %s %s: no such document", d.c.Name(), id)
	}
}

// Delete deletes the document with _id id, which must exist.
func (d *Docs) Delete(id string) {
	d.tb.Helper()
	res, err := d.c.DeleteOne(context.Background(), bson.D{{Key: "_id", Value: id}})
	if err != nil {
		d.tb.Fatalf("storetest: delete %s %s: %v", d.c.Name(), id, err)
	}
	if res.DeletedCount != 1 {
		d.tb.Fatalf("storetest: delete %s %s: no such document", d.c.Name(), id)
	}
}

// Insert stores docs (structs with bson tags, or maps) as they are, in
// one ordered insert.
func (d *Docs) Insert(docs ...any) {
	d.tb.Helper()
	if len(docs) == 0 {
		return
	}
	if _, err := d.c.InsertMany(context.Background(), docs); err != nil {
		d.tb.Fatalf("storetest: insert into %s: %v", d.c.Name(), err)
	}
}
