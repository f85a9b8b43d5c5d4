package accesslog

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// One embedded store for the package's tests; each test gets its own
// database on it.
var shared *storetest.Server

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, "dichtbij-accesslog-test", func(s *storetest.Server) { shared = s }))
}

func quiet() *slog.Logger { return storetest.Quiet() }

// newDB returns the name of a fresh database for tb.
func newDB(tb testing.TB) string { return shared.DBName(tb) }

// openStore connects to database name, as one process would.
func openStore(tb testing.TB, name string) *store.Store {
	tb.Helper()
	return shared.Open(tb, name)
}

// rawLog is the access log collection of database name, bypassing the
// package, with which tests tamper with the log as an intruder with
// database access would.
func rawLog(tb testing.TB, name string) *storetest.Docs {
	return shared.Collection(tb, name, "access_log")
}

// clock returns a clock that starts at start and advances by step on
// every reading.
func clock(start time.Time, step time.Duration) func() time.Time {
	var ticks atomic.Int64
	return func() time.Time { return start.Add(time.Duration(ticks.Add(1)-1) * step) }
}

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// access is a valid entry for actor touching request req.
func access(actor, req string) Entry {
	return Entry{
		Actor: actor, ActorRole: "social_worker", ActorTeam: "wijkteam-noord", Municipality: "GM0363",
		RequestID: req, Action: ActionRead, Route: "GET /api/v1/requests/{id}",
	}
}

// appendN appends n entries of actor to l, each about its own request.
func appendN(tb testing.TB, l *Log, actor string, n int) []Entry {
	tb.Helper()
	out := make([]Entry, 0, n)
	for i := range n {
		e, err := l.Append(context.Background(), access(actor, fmt.Sprintf("req-%s-%d", actor, i)))
		if err != nil {
			tb.Fatalf("Append #%d: %v", i, err)
		}
		out = append(out, e)
	}
	return out
}

// chain builds n chained entries in memory, as Append would have, from
// seq first on after prevHash.
func chain(first int64, prevHash string, n int) []Entry {
	out := make([]Entry, 0, n)
	for i := range n {
		e := access(fmt.Sprintf("acct-%d", i%50), fmt.Sprintf("req-%d", i%700))
		e.Seq = first + int64(i)
		e.ID = EntryID(e.Seq)
		e.At = t0.Add(time.Duration(i) * time.Second)
		e.HashVersion = HashVersion
		e.PrevHash = prevHash
		e.Hash = ComputeHash(e)
		prevHash = e.Hash
		out = append(out, e)
	}
	return out
}

// seed stores entries straight into database name, 1,000 per insert.
func seed(tb testing.TB, name string, entries []Entry) {
	tb.Helper()
	for start := 0; start < len(entries); start += 1000 {
		docs := []any{}
		for _, e := range entries[start:min(start+1000, len(entries))] {
			docs = append(docs, e)
		}
		rawLog(tb, name).Insert(docs...)
	}
}
