package accesslog

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestAppendAllChainsInOneGo appends a batch and checks numbers, links and
// the chain; then appends a batch through a Log whose head another
// process moved on, which must fall back to appending one by one after
// the entries the other took.
func TestAppendAllChainsInOneGo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := newDB(t)
	a, b := New(openStore(t, name), nil), New(openStore(t, name), nil)
	batch := func(prefix string, n int) []Entry {
		out := make([]Entry, n)
		for i := range out {
			out[i] = access("acct-"+prefix, fmt.Sprintf("req-%s-%d", prefix, i))
		}
		return out
	}
	got, err := b.AppendAll(ctx, batch("b", 5))
	if err != nil || len(got) != 5 {
		t.Fatalf("AppendAll = %d entries, %v", len(got), err)
	}
	for i, e := range got {
		if e.Seq != int64(i+1) || (i > 0 && e.PrevHash != got[i-1].Hash) || e.Hash != ComputeHash(e) {
			t.Errorf("entry %d = seq %d prev %.8s hash %.8s", i, e.Seq, e.PrevHash, e.Hash)
		}
	}
	// a takes 6 and 7 behind b's back; b's next batch starts at 6.
	if _, err := a.AppendAll(ctx, batch("a", 2)); err != nil {
		t.Fatal(err)
	}
	got, err = b.AppendAll(ctx, batch("b2", 4))
	if err != nil || len(got) != 4 || got[0].Seq != 8 || got[3].Seq != 11 {
		t.Fatalf("AppendAll after a moved on = %+v, %v; want seqs 8..11", got, err)
	}
	if b.conflicts.Load() == 0 {
		t.Error("b met no taken number, so the fallback was not tested")
	}
	r, err := a.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Clean() || r.Checked != 11 || r.Head != 11 {
		t.Errorf("Verify = %+v; want 11 clean entries", r)
	}
	if _, err := b.AppendAll(ctx, []Entry{access("acct", "req"), {Actor: "x"}}); err == nil {
		t.Error("a batch with an invalid entry was appended")
	}
}

// TestConcurrentAppendsGoInGroups: appends of one Log that arrive
// together are stored in group commits, each caller gets its own entry
// back, and the chain is whole.
func TestConcurrentAppendsGoInGroups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := New(openStore(t, newDB(t)), nil)
	const n = 40
	got := make([]Entry, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			e, err := l.Append(ctx, access("acct", fmt.Sprintf("req-%d", i)))
			if err != nil {
				t.Error(err)
			}
			got[i] = e
		}()
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		return
	}
	seqs := map[int64]bool{}
	for i, e := range got {
		if e.RequestID != fmt.Sprintf("req-%d", i) {
			t.Errorf("append %d got back the entry of %s", i, e.RequestID)
		}
		seqs[e.Seq] = true
	}
	if len(seqs) != n {
		t.Errorf("%d distinct numbers for %d appends", len(seqs), n)
	}
	if b := l.batches.Load(); b >= n {
		t.Errorf("%d group commits for %d appends arriving together; want fewer", b, n)
	} else {
		t.Logf("%d appends in %d group commits", n, b)
	}
	r, err := l.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Clean() || r.Checked != n || r.Head != n {
		t.Errorf("Verify = %+v; want %d clean entries", r, n)
	}
}
