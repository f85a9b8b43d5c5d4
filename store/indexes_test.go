package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryQueryHasAnIndex lists every query the store's finders run
// (queries.go) and checks that an index of indexes.go serves it: its keys
// begin with the query's equality fields, then its sort field, then its
// range field. A finder added without an index fails here.
func TestEveryQueryHasAnIndex(t *testing.T) {
	byColl := map[string][]index{}
	names := map[string]bool{}
	for _, ix := range indexes() {
		byColl[ix.collection] = append(byColl[ix.collection], ix)
		if names[ix.collection+"."+ix.name] {
			t.Errorf("index %s.%s is declared twice", ix.collection, ix.name)
		}
		names[ix.collection+"."+ix.name] = true
	}
	if len(queries) == 0 {
		t.Fatal("no queries declared")
	}
	for _, q := range queries {
		ok := false
		// Every collection has the unique index on _id.
		for _, ix := range append(byColl[q.coll], index{q.coll, "_id_", []string{"_id"}}) {
			if serves(ix.keys, q) {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("%s: no index of %s serves equality on %v, sort %q, range %q; add one to indexes()", q.name, q.coll, q.eq, q.sort, q.rng)
		}
	}
}

// TestServes checks the rule itself on a few shapes.
func TestServes(t *testing.T) {
	q := func(eq []string, sort, rng string) *query { return &query{name: "t", eq: eq, sort: sort, rng: rng} }
	for _, c := range []struct {
		keys []string
		q    *query
		want bool
	}{
		{[]string{"a"}, q([]string{"a"}, "", ""), true},
		{[]string{"a", "b"}, q([]string{"a"}, "", ""), true},
		{[]string{"b", "a"}, q([]string{"a", "b"}, "", ""), true},
		{[]string{"a"}, q([]string{"a", "b"}, "", ""), false},
		{[]string{"b", "a"}, q([]string{"a"}, "", ""), false},
		{[]string{"a"}, q([]string{"a"}, "_id", ""), false},
		{[]string{"a", "_id"}, q([]string{"a"}, "_id", ""), true},
		{[]string{"a", "_id", "at"}, q([]string{"a"}, "_id", "at"), true},
		{[]string{"a", "at", "_id"}, q([]string{"a"}, "_id", "at"), false},
		{[]string{"at"}, q(nil, "", "at"), true},
		{[]string{"_id"}, q([]string{"_id", "holder"}, "", ""), true},
		{[]string{"holder"}, q([]string{"_id", "holder"}, "", ""), false},
	} {
		if got := serves(c.keys, c.q); got != c.want {
			t.Errorf("serves(%v, eq %v sort %q range %q) = %v; want %v", c.keys, c.q.eq, c.q.sort, c.q.rng, got, c.want)
		}
	}
}

// notQueried are field names the store's code may spell outside a
// query's declaration, because no filter uses them.
var notQueried = map[string]string{
	"last_used_at":  "APITokens.Used sets it",
	"operationType": "the change stream's event kind, matched by the server",
	"version":       "versionOf's projection: FerretDB reads the version by _id, then Replace compares it",
	"buildInfo":     "the command Open sends to tell FerretDB from MongoDB",
}

// TestFieldNamesOnlyInQueries reads the store's source and refuses a
// filter written by hand: a Cond or bson.E whose field is a string
// literal other than _id or an operator, and narrowing conditions outside
// filters.go. Either would be a query that TestEveryQueryHasAnIndex does
// not see.
func TestFieldNamesOnlyInQueries(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				key, ok := n.Key.(*ast.Ident)
				if !ok || (key.Name != "Key" && key.Name != "Field") {
					return true
				}
				lit, ok := n.Value.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				field, _ := strconv.Unquote(lit.Value)
				if field == "_id" || strings.HasPrefix(field, "$") || notQueried[field] != "" {
					return true
				}
				t.Errorf("%s: field %q spelled in a filter; declare the query with newQuery (queries.go)", fset.Position(lit.Pos()), field)
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "narrowing" && name != "filters.go" {
					t.Errorf("%s: a narrowing condition outside filters.go; a finder declares its query with newQuery", fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
}
