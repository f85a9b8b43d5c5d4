package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// A mirror holds one collection's documents in memory, as stored, so
// that its lists and finders are answered without asking the server.
// FerretDB serves only a lone _id equality from an index and scans the
// whole collection for every other filter, parsing each document's JSON:
// the worker's request list took 2.3 s at 1,800 requests under the team
// load, an organiser's referrals 1.7 s (issue 17). A mirror answers the
// same query in microseconds per document held.
//
// Writes through this store's Collection methods update the mirror as
// they succeed; other processes' writes reach it through Refresh, which
// the followers of the change log and of the event log call for each
// record they see change (as they keep the matching engine); LoadMirrors
// reads everything again (at start, and at each periodic reload).
//
// Mirrors exist only on FerretDB (Options: see Open), where MongoDB's
// indexes would otherwise be missed; on MongoDB the indexes of
// indexes.go serve the same queries.
type mirror struct {
	mu    sync.RWMutex
	docs  map[string]bson.Raw
	ids   []string // sorted
	ready bool
	// loads counts the loads, changed each municipality's changes to its
	// records: together a generation that moves whenever what a
	// municipality holds may have (Generation).
	loads   uint64
	changed map[string]uint64
	// seq counts the puts; putAt is the seq of each document's last put,
	// so that a refresh that found nothing removes only what was not
	// written after it began.
	seq   uint64
	putAt map[string]uint64
	// index holds the fields the collection's queries narrow by
	// (mirrorindex.go).
	index map[string]*fieldIndex
}

// mirrored are the collections whose lists the API serves and the
// embedded store would scan for.
var mirrored = []string{volunteersName, initiativesName, provisionsName, activitiesName, requestsName, referralsName, specialistsName}

func newMirrors() map[string]*mirror {
	m := map[string]*mirror{}
	for _, name := range mirrored {
		m[name] = &mirror{docs: map[string]bson.Raw{}, changed: map[string]uint64{}, putAt: map[string]uint64{}, index: newFieldIndexes(name)}
	}
	return m
}

// mirrorOf returns the collection's mirror when it is loaded.
func (s *Store) mirrorOf(name string) *mirror {
	m := s.mirrors[name]
	if m == nil {
		return nil
	}
	m.mu.RLock()
	ready := m.ready
	m.mu.RUnlock()
	if !ready {
		return nil
	}
	return m
}

// LoadMirrors reads every mirrored collection into memory; until it has
// run once, lists are answered by the server. Writes wait while it runs.
func (s *Store) LoadMirrors(ctx context.Context) error {
	for _, name := range mirrored {
		m := s.mirrors[name]
		if m == nil {
			continue
		}
		if err := m.load(ctx, s.db.Collection(name)); err != nil {
			return fmt.Errorf("store: load the mirror of %s: %w", name, err)
		}
	}
	return nil
}

// MirrorSize returns how many documents the mirrors hold and their size
// in bytes as stored (0, 0 without mirrors).
func (s *Store) MirrorSize() (docs, bytes int) {
	for _, m := range s.mirrors {
		m.mu.RLock()
		docs += len(m.docs)
		for _, d := range m.docs {
			bytes += len(d)
		}
		m.mu.RUnlock()
	}
	return docs, bytes
}

func (m *mirror) load(ctx context.Context, c *mongo.Collection) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, err := c.Find(ctx, bson.D{}, options.Find().SetBatchSize(1000))
	if err != nil {
		return err
	}
	defer cur.Close(ctx)
	docs := map[string]bson.Raw{}
	for cur.Next(ctx) {
		id, ok := cur.Current.Lookup("_id").StringValueOK()
		if !ok {
			continue
		}
		docs[id] = slices.Clone(cur.Current)
	}
	if err := cur.Err(); err != nil {
		return err
	}
	m.docs, m.ids, m.ready = docs, sortedKeys(docs), true
	for _, ix := range m.index {
		ix.rebuild(m.ids, m.docs)
	}
	m.putAt = map[string]uint64{}
	m.loads++
	return nil
}

// Generation returns a number that changes whenever a record of the
// municipality in the mirrored collection name changes (or the mirror
// is loaded again), and false when the collection has no loaded mirror.
// A cache of what a municipality holds (the HSDS catalog) keeps its
// answer while the generation stays.
func (s *Store) Generation(name, municipality string) (uint64, bool) {
	m := s.mirrorOf(name)
	if m == nil {
		return 0, false
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.loads<<32 + m.changed[municipality], true
}

// touch moves the generation of doc's municipality; m.mu is held.
func (m *mirror) touch(doc bson.Raw) {
	muni, _ := doc.Lookup("municipality").StringValueOK()
	m.changed[muni]++
}

func sortedKeys(docs map[string]bson.Raw) []string {
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Refresh reads the record id of collection name again into its mirror,
// or drops it there when it is gone: for a change another process made.
// It does nothing for a collection without a mirror.
func (s *Store) Refresh(ctx context.Context, name, id string) error {
	m := s.mirrors[name]
	if m == nil {
		return nil
	}
	m.mu.RLock()
	began := m.seq
	m.mu.RUnlock()
	raw, err := s.db.Collection(name).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		m.removeUnlessPutSince(id, began)
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: refresh %s %s: %w", name, id, err)
	}
	m.put(id, slices.Clone(raw))
	return nil
}

// put stores a record's document, unless the mirror holds a later
// version of it: two writes finishing in the other order, or a refresh
// that read the server before this process's own write of a newer
// version (it made the next edit of a volunteer's offer fail with a
// conflict under the team load).
func (m *mirror) put(id string, doc bson.Raw) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, had := m.docs[id]
	if had && versionIn(old) > versionIn(doc) {
		return
	}
	if had {
		m.touch(old)
	}
	m.touch(doc)
	m.seq++
	m.putAt[id] = m.seq
	for _, ix := range m.index {
		if had {
			ix.drop(id, old)
		}
		ix.add(id, doc)
	}
	m.docs[id] = doc
	if !had {
		i, _ := slices.BinarySearch(m.ids, id)
		m.ids = slices.Insert(m.ids, i, id)
	}
}

func (m *mirror) remove(id string) { m.removeUnlessPutSince(id, ^uint64(0)) }

// removeUnlessPutSince drops id unless it was put after seq: a refresh
// that found no record must not drop one this process inserted while
// the refresh read.
func (m *mirror) removeUnlessPutSince(id string, seq uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.putAt[id] > seq {
		return
	}
	delete(m.putAt, id)
	old, had := m.docs[id]
	if !had {
		return
	}
	m.touch(old)
	for _, ix := range m.index {
		ix.drop(id, old)
	}
	delete(m.docs, id)
	if i, ok := slices.BinarySearch(m.ids, id); ok {
		m.ids = slices.Delete(m.ids, i, i+1)
	}
}

func versionIn(doc bson.Raw) int64 {
	v, _ := doc.Lookup("version").AsInt64OK()
	return v
}

// written tells the collection's mirror, if any, of a record stored as
// doc.
func (s *Store) written(name, id string, doc bson.Raw) {
	if m := s.mirrors[name]; m != nil {
		m.put(id, doc)
	}
}

// deleted tells the collection's mirror, if any, of a record deleted.
func (s *Store) deleted(name, id string) {
	if m := s.mirrors[name]; m != nil {
		m.remove(id)
	}
}

// collect returns the documents matching where, in _id order from after
// (exclusive), at most max of them (all for max 0). The caller decodes
// them without holding the mirror: what it does with them may write.
func (m *mirror) collect(where []Cond, after string, max int) []bson.Raw {
	m.mu.RLock()
	defer m.mu.RUnlock()
	ids, _ := m.candidates(where)
	start := 0
	if after != "" {
		start, _ = slices.BinarySearch(ids, after)
		if start < len(ids) && ids[start] == after {
			start++
		}
	}
	var out []bson.Raw
	for _, id := range ids[start:] {
		doc := m.docs[id]
		if matchesAll(doc, where) {
			out = append(out, doc)
			if len(out) == max {
				break
			}
		}
	}
	return out
}

// get returns the document with _id id.
func (m *mirror) get(id string) (bson.Raw, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	doc, ok := m.docs[id]
	return doc, ok
}

// decodeAll decodes mirrored documents into records.
func decodeAll[T any](docs []bson.Raw) ([]T, error) {
	out := make([]T, 0, len(docs))
	for _, doc := range docs {
		var rec T
		if err := bson.UnmarshalWithRegistry(registry, doc, &rec); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// matchesAll reports whether doc meets every condition, as MongoDB's
// equality does: a field holding an array matches when one of its
// elements is equal, and a dotted name looks into embedded documents
// (and into each document of an array on the way).
func matchesAll(doc bson.Raw, where []Cond) bool {
	for _, w := range where {
		if !matchesPath(doc, strings.Split(w.Field, "."), w.Value) {
			return false
		}
	}
	return true
}

func matchesPath(doc bson.Raw, path []string, want any) bool {
	v, err := doc.LookupErr(path[0])
	if err != nil {
		return false
	}
	if len(path) == 1 {
		if v.Type == bsontype.Array {
			vals, err := v.Array().Values()
			if err != nil {
				return false
			}
			for _, e := range vals {
				if equalValue(e, want) {
					return true
				}
			}
			return false
		}
		return equalValue(v, want)
	}
	switch v.Type {
	case bsontype.EmbeddedDocument:
		return matchesPath(v.Document(), path[1:], want)
	case bsontype.Array:
		vals, err := v.Array().Values()
		if err != nil {
			return false
		}
		for _, e := range vals {
			if d, ok := e.DocumentOK(); ok && matchesPath(d, path[1:], want) {
				return true
			}
		}
	}
	return false
}

// equalValue compares a stored value with a condition's plain value
// (string, bool or number; Collection.filter refuses others).
func equalValue(v bson.RawValue, want any) bool {
	switch w := want.(type) {
	case string:
		s, ok := v.StringValueOK()
		return ok && s == w
	case bool:
		b, ok := v.BooleanOK()
		return ok && b == w
	case int:
		return numberIs(v, float64(w))
	case int64:
		return numberIs(v, float64(w))
	case float64:
		return numberIs(v, w)
	}
	return false
}

func numberIs(v bson.RawValue, want float64) bool {
	switch v.Type {
	case bsontype.Int32:
		return float64(v.Int32()) == want
	case bsontype.Int64:
		return float64(v.Int64()) == want
	case bsontype.Double:
		return v.Double() == want
	}
	return false
}
