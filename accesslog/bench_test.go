package accesslog

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkAppend appends to one log from one process: one insert each.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	l := New(openStore(b, newDB(b)), nil)
	i := 0
	for b.Loop() {
		i++
		if _, err := l.Append(ctx, access("acct-1", fmt.Sprintf("req-%d", i))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppend20 logs what one list of 20 requests costs: 20 Appends
// against one AppendAll of 20, in the same run.
func BenchmarkAppend20(b *testing.B) {
	ctx := context.Background()
	l := New(openStore(b, newDB(b)), nil)
	batch := func(i int) []Entry {
		es := make([]Entry, 20)
		for j := range es {
			es[j] = access("acct-1", fmt.Sprintf("req-%d-%d", i, j))
		}
		return es
	}
	b.Run("one-by-one", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			for _, e := range batch(i) {
				if _, err := l.Append(ctx, e); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		i := 1 << 20
		for b.Loop() {
			i++
			if _, err := l.AppendAll(ctx, batch(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerify10k verifies a log of 10,000 entries (stored straight
// into the collection; ACCESSLOG_BENCH_N overrides the size).
func BenchmarkVerify10k(b *testing.B) {
	n := 10_000
	if s := os.Getenv("ACCESSLOG_BENCH_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	name := newDB(b)
	l := New(openStore(b, name), nil)
	seed(b, name, chain(1, "", n))
	start, runs := time.Now(), 0
	for b.Loop() {
		runs++
		r, err := l.Verify(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if !r.Clean() || r.Checked != int64(n) {
			b.Fatalf("Verify = %d checked, %d problems; want %d clean", r.Checked, len(r.Problems), n)
		}
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(runs)/float64(n), "ns/entry")
}
