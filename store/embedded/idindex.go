package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the SQLite FerretDB itself uses
)

// FerretDB v1 finds, updates and deletes a document by _id with
//
//	WHERE _ferretdb_sjson->'$._id' = ?
//
// but the unique index it creates on every table is on
// _ferretdb_sjson->"_id". SQLite uses an index on an expression only for
// the very same expression, so every one of those statements scans the
// whole table, while holding the one writer lock for an update (measured:
// a find by _id 0.53 ms at 100 documents, 9.0 ms at 10,000). An index on
// FerretDB's own expression lets SQLite seek instead. FerretDB neither
// knows nor lists it; dropping a collection drops its table and the index
// with it.
const (
	idExpr        = `_ferretdb_sjson->'$._id'`
	idIndexSuffix = "_dichtbij_id"
	// indexEvery is how often new tables are looked for: a collection
	// made by a running server is indexed within this time.
	indexEvery = time.Second
)

// IndexIDs gives every collection table of every database in dir an index
// on the expression FerretDB looks documents up by, where it has none
// yet, and returns how many it made. Databases and tables appear while
// FerretDB runs, so Start looks for them every indexEvery until stopped.
func IndexIDs(ctx context.Context, dir string) (int, error) {
	ix := &indexer{dir: dir}
	defer ix.close()
	return ix.pass(ctx)
}

// indexer keeps a connection per database open between passes: opening a
// SQLite file and parsing its schema costs far more than asking it for
// tables without the index, and the tests' store holds hundreds of
// databases.
type indexer struct {
	dir string
	dbs map[string]*sql.DB
}

func (ix *indexer) close() {
	for _, db := range ix.dbs {
		db.Close()
	}
	ix.dbs = nil
}

func (ix *indexer) pass(ctx context.Context) (created int, err error) {
	files, err := filepath.Glob(filepath.Join(ix.dir, "*.sqlite"))
	if err != nil {
		return 0, fmt.Errorf("embedded: list databases: %w", err)
	}
	if ix.dbs == nil {
		ix.dbs = map[string]*sql.DB{}
	}
	// A database FerretDB dropped is let go of: its file is gone from the
	// directory, though an open connection would keep reading it.
	for f, db := range ix.dbs {
		if !slices.Contains(files, f) {
			db.Close()
			delete(ix.dbs, f)
		}
	}
	var errs []error
	for _, f := range files {
		n, err := ix.indexFile(ctx, f)
		created += n
		if err == nil {
			continue
		}
		// A database FerretDB dropped meanwhile is let go of.
		if _, statErr := os.Stat(f); errors.Is(statErr, os.ErrNotExist) {
			if db := ix.dbs[f]; db != nil {
				db.Close()
				delete(ix.dbs, f)
			}
			continue
		}
		errs = append(errs, err)
	}
	return created, errors.Join(errs...)
}

func (ix *indexer) indexFile(ctx context.Context, file string) (int, error) {
	db := ix.dbs[file]
	if db == nil {
		// mode=rw: a database FerretDB has just dropped must not be
		// created again, empty, by this connection.
		q := url.Values{}
		q.Set("mode", "rw")
		q.Add("_pragma", "busy_timeout(10000)")
		var err error
		db, err = sql.Open("sqlite", (&url.URL{Scheme: "file", Opaque: filepath.ToSlash(file), RawQuery: q.Encode()}).String())
		if err != nil {
			return 0, fmt.Errorf("embedded: open %s: %w", filepath.Base(file), err)
		}
		db.SetMaxOpenConns(1)
		ix.dbs[file] = db
	}
	tables, err := unindexed(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("embedded: tables of %s: %w", filepath.Base(file), err)
	}
	n := 0
	for _, t := range tables {
		stmt := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (%s)`, quoteIdent(t+idIndexSuffix), quoteIdent(t), idExpr)
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // the collection was dropped meanwhile
			}
			return n, fmt.Errorf("embedded: index %s in %s: %w", t, filepath.Base(file), err)
		}
		n++
	}
	return n, nil
}

// unindexed lists the collection tables (FerretDB's own begin with
// _ferretdb_) that lack the index.
func unindexed(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table' AND t.name NOT LIKE '\_ferretdb\_%' ESCAPE '\'
		  AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = t.name || ?)`,
		idIndexSuffix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// keepIndexing runs IndexIDs every indexEvery until ctx ends. An error is
// logged, not fatal: without the index FerretDB still answers, only slower.
func keepIndexing(ctx context.Context, dir string, log *slog.Logger) {
	ix := &indexer{dir: dir}
	defer ix.close()
	t := time.NewTicker(indexEvery)
	defer t.Stop()
	for {
		if n, err := ix.pass(ctx); err != nil && ctx.Err() == nil {
			log.Warn("embedded: index by _id", "err", err)
		} else if n > 0 {
			log.Debug("embedded: indexed tables by _id", "tables", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
