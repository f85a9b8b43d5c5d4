package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestChangeLogHasNoGapsUnderConcurrency appends from two change logs (as
// two processes would) at once and reads the log back: every append got a
// distinct number, the numbers run 1..n without a gap, and a third reader
// starting from the head sees only later entries.
func TestChangeLogHasNoGapsUnderConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close(ctx)
	logs := []*ChangeLog{s.Changes(), s.Changes()}
	const perWriter = 60
	var (
		mu   sync.Mutex
		seqs = map[int64]string{}
		wg   sync.WaitGroup
	)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			l := logs[w%2]
			for i := 0; i < perWriter; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				seq, err := l.Append(ctx, "volunteers", id, false, time.Now())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if prev, dup := seqs[seq]; dup {
					t.Errorf("seq %d given to %s and %s", seq, prev, id)
				}
				seqs[seq] = id
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	n := int64(4 * perWriter)
	for i := int64(1); i <= n; i++ {
		if _, ok := seqs[i]; !ok {
			t.Fatalf("seq %d missing among %d appends", i, n)
		}
	}
	reader := s.Changes()
	all, err := reader.Next(ctx, 1000)
	if err != nil || int64(len(all)) != n {
		t.Fatalf("Next read %d entries, %v; want %d", len(all), err, n)
	}
	for i, ch := range all {
		if ch.Seq != int64(i+1) || seqs[ch.Seq] != ch.RecordID {
			t.Fatalf("entry %d = %+v; want seq %d for %s", i, ch, i+1, seqs[int64(i+1)])
		}
	}
	late := s.Changes()
	if head, err := late.Head(ctx); err != nil || head != n {
		t.Fatalf("Head = %d, %v; want %d", head, err, n)
	}
	if _, err := logs[0].Append(ctx, "provisions", "p1", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	next, err := late.Next(ctx, 10)
	if err != nil || len(next) != 1 || next[0].RecordID != "p1" || !next[0].Deleted {
		t.Fatalf("after Head, Next = %+v, %v; want only the new deletion", next, err)
	}
	supported, err := late.Watch(ctx, func(Change) {})
	if err != nil || supported {
		t.Errorf("Watch on the embedded store = %v, %v; want unsupported (FerretDB v1 has no change streams)", supported, err)
	}
}
