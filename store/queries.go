package store

import (
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
)

// A query is the shape of one query the store runs: equality on the
// fields of eq, a range on rng and an order by sort (each optional).
// Finders build their filters from one, so that a field name is spelled
// once, next to the finder, and TestEveryQueryHasAnIndex checks that an
// index of indexes.go serves every one.
type query struct {
	coll string
	name string // the finder, for the test's messages
	eq   []string
	rng  string
	sort string
}

// anyCollection is the collection of a query every collection runs.
const anyCollection = "*"

// queries holds every query shape, in the order they were declared.
var queries []*query

// newQuery declares a query on coll with equality on eq, named after the
// finder that runs it.
func newQuery(coll, name string, eq ...string) *query {
	q := &query{coll: coll, name: name, eq: eq}
	queries = append(queries, q)
	return q
}

// sortedBy makes the query return its matches in the order of field.
func (q *query) sortedBy(field string) *query {
	q.sort = field
	return q
}

// rangeOn makes the query also bound field, through filterRange.
func (q *query) rangeOn(field string) *query {
	q.rng = field
	return q
}

// where returns the equality conditions for vals, one per field of eq.
func (q *query) where(vals ...any) []Cond {
	q.check(vals)
	out := make([]Cond, len(vals))
	for i, v := range vals {
		out[i] = Cond{Field: q.eq[i], Value: v}
	}
	return out
}

// filter returns the filter document for vals, one per field of eq.
func (q *query) filter(vals ...any) bson.D {
	q.check(vals)
	f := make(bson.D, 0, len(vals)+1)
	for i, v := range vals {
		f = append(f, bson.E{Key: q.eq[i], Value: v})
	}
	return f
}

// filterRange returns the filter for vals with the range ops (such as
// {"$lt", t}) on the query's range field; no ops leave it unbounded.
func (q *query) filterRange(vals []any, ops bson.D) bson.D {
	if q.rng == "" {
		panic(fmt.Sprintf("store: query %s has no range field", q.name))
	}
	f := q.filter(vals...)
	if len(ops) > 0 {
		f = append(f, bson.E{Key: q.rng, Value: ops})
	}
	return f
}

// order returns the sort document, or nil for a query in no order.
func (q *query) order() bson.D {
	if q.sort == "" {
		return nil
	}
	return bson.D{{Key: q.sort, Value: 1}}
}

func (q *query) check(vals []any) {
	if len(vals) != len(q.eq) {
		panic(fmt.Sprintf("store: query %s takes %d values, got %d", q.name, len(q.eq), len(vals)))
	}
}

// narrowing is an equality condition that only narrows a list another
// condition already limits, through its index: the filters of the API's
// query strings (filters.go). It needs no index of its own.
func narrowing(field string, v any) Cond { return Cond{Field: field, Value: v} }
