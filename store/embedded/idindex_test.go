package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// start runs the embedded store on a temporary directory and connects to
// database "d".
func start(tb testing.TB) (string, *mongo.Database) {
	tb.Helper()
	dir := tb.TempDir()
	uri, stop, err := Start(dir, "normal", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	c, err := mongo.Connect(context.Background(), options.Client().ApplyURI(uri))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return dir, c.Database("d")
}

// table returns the SQLite table FerretDB keeps coll in.
func table(tb testing.TB, db *sql.DB, coll string) string {
	tb.Helper()
	var t string
	if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = ?`, coll).Scan(&t); err != nil {
		tb.Fatalf("table of %s: %v", coll, err)
	}
	return t
}

// waitForIndex waits until the running store's indexer has indexed
// table (it looks every indexEvery).
func waitForIndex(tb testing.TB, db *sql.DB, table string) {
	tb.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, table+idIndexSuffix).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		if n == 1 {
			return
		}
	}
	tb.Fatalf("after 20 s table %s has no index %s%s", table, table, idIndexSuffix)
}

// TestFerretDBsLookupsByIDUseTheIndex: the statements FerretDB v1.24
// sends for a find, an update and a delete by _id (its
// internal/backends/sqlite/collection.go: Query, UpdateAll, DeleteAll)
// seek through the index instead of scanning, for a collection made
// before and one made while the store runs. (FerretDB's own explain
// command cannot show it: SQLite's EXPLAIN does not notice a schema
// changed by another connection.)
func TestFerretDBsLookupsByIDUseTheIndex(t *testing.T) {
	dir, mdb := start(t)
	ctx := context.Background()
	sdb, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "d.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	for _, coll := range []string{"first", "made_later"} {
		if _, err := mdb.Collection(coll).InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "n", Value: 1}}); err != nil {
			t.Fatal(err)
		}
		tbl := table(t, sdb, coll)
		waitForIndex(t, sdb, tbl)
		for _, stmt := range []string{
			`SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`,
			`UPDATE %q SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->'$._id' = ?`,
			`DELETE FROM %q WHERE _ferretdb_sjson->'$._id' IN (?)`,
		} {
			q := fmt.Sprintf(stmt, tbl)
			args := []any{`"x"`}
			if strings.HasPrefix(q, "UPDATE") {
				args = []any{`{}`, `"x"`}
			}
			var plan []string
			rows, err := sdb.Query("EXPLAIN QUERY PLAN "+q, args...)
			if err != nil {
				t.Fatalf("explain %s: %v", q, err)
			}
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			got := strings.Join(plan, "; ")
			if !strings.Contains(got, "USING INDEX "+tbl+idIndexSuffix) || strings.Contains(got, "SCAN") {
				t.Errorf("plan of %s = %q; want a SEARCH using %s%s and no SCAN", q, got, tbl, idIndexSuffix)
			}
		}
		var got bson.M
		if err := mdb.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: "x"}}).Decode(&got); err != nil || got["n"] != int32(1) {
			t.Errorf("find %s by _id = %v, %v; want n 1", coll, got, err)
		}
	}
}

// TestIndexIDsIsIdempotent: a second pass makes nothing, and a database
// dropped by FerretDB is not made again by the indexer.
func TestIndexIDsIsIdempotent(t *testing.T) {
	dir, mdb := start(t)
	ctx := context.Background()
	if _, err := mdb.Collection("c").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := IndexIDs(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if n, err := IndexIDs(ctx, dir); n != 0 || err != nil {
		t.Errorf("second IndexIDs = %d, %v; want 0, nil", n, err)
	}
	if err := mdb.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := IndexIDs(ctx, dir); err != nil {
		t.Errorf("IndexIDs after a drop: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "d.sqlite")); len(files) != 0 {
		t.Errorf("the dropped database's file exists again: %v", files)
	}
}

// BenchmarkFindByID: a find by _id through FerretDB must cost the same at
// 100 and at 10,000 documents (without the index: 0.53 and 9.0 ms).
func BenchmarkFindByID(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			dir, mdb := start(b)
			ctx := context.Background()
			docs := make([]any, n)
			for i := range docs {
				docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("d%06d", i)}, {Key: "pad", Value: strings.Repeat("x", 300)}}
			}
			if _, err := mdb.Collection("bench").InsertMany(ctx, docs); err != nil {
				b.Fatal(err)
			}
			if _, err := IndexIDs(ctx, dir); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := mdb.Collection("bench").FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("d%06d", i%n)}}).Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLevelFilterAppliesAttrsWhenARecordPasses: what FerretDB attaches
// reaches the log with the records that pass, and nothing else does.
func TestLevelFilterAppliesAttrsWhenARecordPasses(t *testing.T) {
	var buf strings.Builder
	l := slog.New(&levelFilter{inner: slog.NewTextHandler(&buf, nil), min: slog.LevelError})
	conn := l.With("conn", 7).WithGroup("cmd").With("name", "find")
	conn.Warn("dropped", "k", 1)
	conn.Error("kept", "k", 2)
	got := buf.String()
	if strings.Contains(got, "dropped") {
		t.Errorf("a warning passed: %q", got)
	}
	if !strings.Contains(got, "msg=kept conn=7 cmd.name=find cmd.k=2") {
		t.Errorf("log = %q; want the error with conn=7 cmd.name=find cmd.k=2", got)
	}
}
