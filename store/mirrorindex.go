package store

import (
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
)

// fieldIndex is a mirror's index of one field: for each string value,
// the sorted ids of the documents holding it (an array field: each of
// its string elements). A mirror indexes the equality fields of the
// queries on its collection (queries.go), as MongoDB's indexes do, so
// that a list narrowed to one owner, request or option reads those
// documents only: at 30,000 options a resident's or organiser's
// referrals, read by matching every referral, were a fifth of the
// server's CPU under the team load.
type fieldIndex struct {
	path    []string
	buckets map[string][]string
}

// indexedFields are the equality fields of the queries on coll.
func indexedFields(coll string) []string {
	var out []string
	for _, q := range queries {
		if q.coll != coll {
			continue
		}
		for _, f := range q.eq {
			if f != "_id" && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

func newFieldIndexes(coll string) map[string]*fieldIndex {
	out := map[string]*fieldIndex{}
	for _, f := range indexedFields(coll) {
		out[f] = &fieldIndex{path: strings.Split(f, "."), buckets: map[string][]string{}}
	}
	return out
}

// rebuild indexes docs anew, visiting ids in order so that every bucket
// comes out sorted.
func (ix *fieldIndex) rebuild(ids []string, docs map[string]bson.Raw) {
	ix.buckets = map[string][]string{}
	for _, id := range ids {
		for _, v := range stringsAt(docs[id], ix.path, nil) {
			b := ix.buckets[v]
			if n := len(b); n == 0 || b[n-1] != id { // a value twice in one document
				ix.buckets[v] = append(b, id)
			}
		}
	}
}

func (ix *fieldIndex) add(id string, doc bson.Raw) {
	for _, v := range stringsAt(doc, ix.path, nil) {
		b := ix.buckets[v]
		if i, found := slices.BinarySearch(b, id); !found {
			ix.buckets[v] = slices.Insert(b, i, id)
		}
	}
}

func (ix *fieldIndex) drop(id string, doc bson.Raw) {
	for _, v := range stringsAt(doc, ix.path, nil) {
		b := ix.buckets[v]
		if i, found := slices.BinarySearch(b, id); found {
			if b = slices.Delete(b, i, i+1); len(b) == 0 {
				delete(ix.buckets, v)
			} else {
				ix.buckets[v] = b
			}
		}
	}
}

// stringsAt appends the string values at path in doc: through embedded
// documents and arrays of them, and each string of an array at the end.
func stringsAt(doc bson.Raw, path []string, out []string) []string {
	v, err := doc.LookupErr(path[0])
	if err != nil {
		return out
	}
	return stringsIn(v, path[1:], out)
}

func stringsIn(v bson.RawValue, rest []string, out []string) []string {
	switch {
	case v.Type == bsontype.Array:
		vals, err := v.Array().Values()
		if err != nil {
			return out
		}
		for _, e := range vals {
			out = stringsIn(e, rest, out)
		}
	case len(rest) == 0:
		if s, ok := v.StringValueOK(); ok {
			out = append(out, s)
		}
	case v.Type == bsontype.EmbeddedDocument:
		out = stringsAt(v.Document(), rest, out)
	}
	return out
}

// candidates returns the sorted ids of the documents that can meet
// where: the smallest bucket of an indexed field with a string value, or
// all ids (and false) when no condition is on an indexed field.
func (m *mirror) candidates(where []Cond) ([]string, bool) {
	var best []string
	found := false
	for _, w := range where {
		s, ok := w.Value.(string)
		ix := m.index[w.Field]
		if !ok || ix == nil {
			continue
		}
		if b := ix.buckets[s]; !found || len(b) < len(best) {
			best, found = b, true
		}
	}
	if !found {
		return m.ids, false
	}
	return best, true
}
