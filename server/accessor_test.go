package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// requestReaders are the files outside cases.go that may call
// Requests() on the store, each with why no resident's data leaves
// them unlogged.
var requestReaders = map[string]string{
	"resources.go":  "hands the collection to the request resource, whose reads go through cases.check and trace",
	"demo.go":       "inserts the demo's generated requests; it reads none",
	"monitoring.go": "turns requests into the indicators' facts, which hold codes and dates only and leave the process as suppressed counts",
}

// TestRequestsHaveOneAccessor reads the server's source and fails when a
// file other than cases.go and the ones named in requestReaders calls
// Requests() on the store: a handler reading a support request some
// other way could forget the access-log entry (NEN 7513).
func TestRequestsHaveOneAccessor(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "cases.go" || requestReaders[name] != "" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Requests" {
				t.Errorf("%s: reads support requests outside cases.go; use a method of cases, which logs the access", fset.Position(sel.Pos()))
			}
			return true
		})
	}
}
