// Package frontend holds the web portal's static files, embedded in the
// binary so that one file runs the whole product with nothing to fetch.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:static
var static embed.FS

// FS is the portal's files, rooted at the directory served as "/".
var FS = mustSub(static, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a literal that exists at compile time
	}
	return sub
}
