// Package frontend holds the web portal's static files, embedded in the
// binary so that one file runs the whole product with nothing to fetch.
//
// The portal is built from the sources in this directory into dist/
// (`make run` or `make frontend` runs npm ci and the Vite build when
// needed). dist/ is not committed, only dist/.gitkeep, so that a clone
// without Node still compiles: FS then serves static/, a page that says
// how to build the portal.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist static
var files embed.FS

// FS is the portal's files, rooted at the directory served as "/": the
// built portal in dist/ when it has an index.html, else the placeholder
// in static/.
var FS = pick(files)

func isBuilt(f fs.FS) bool {
	_, err := fs.Stat(f, "dist/index.html")
	return err == nil
}

func pick(f fs.FS) fs.FS {
	if isBuilt(f) {
		return mustSub(f, "dist")
	}
	return mustSub(f, "static")
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a literal that exists at compile time
	}
	return sub
}
