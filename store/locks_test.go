package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestLockTakenOnce: 50 concurrent takers of one name on the embedded
// store: one wins, 49 get ErrConflict; only the winner can drop it, after
// which it can be taken again.
func TestLockTakenOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close(ctx)
	locks := s.Locks()
	const name, takers = "referral:6b0300000000000000000001@3", 50
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		winners   []string
		conflicts int
		start     = make(chan struct{})
	)
	for i := 0; i < takers; i++ {
		wg.Add(1)
		go func(holder string) {
			defer wg.Done()
			<-start
			err := locks.Take(ctx, name, holder, time.Now())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrConflict):
				conflicts++
			case err != nil:
				t.Errorf("Take: %v", err)
			default:
				winners = append(winners, holder)
			}
		}(fmt.Sprintf("writer-%02d", i))
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 || conflicts != takers-1 {
		t.Fatalf("%d winners (%v), %d conflicts; want 1 and %d", len(winners), winners, conflicts, takers-1)
	}
	if err := locks.Drop(ctx, name, "someone-else"); err != nil {
		t.Fatal(err)
	}
	if err := locks.Take(ctx, name, "late", time.Now()); !errors.Is(err, ErrConflict) {
		t.Errorf("Take after a stranger's Drop = %v; want ErrConflict", err)
	}
	if err := locks.Drop(ctx, name, winners[0]); err != nil {
		t.Fatal(err)
	}
	if err := locks.Take(ctx, name, "late", time.Now()); err != nil {
		t.Errorf("Take after the holder's Drop = %v; want nil", err)
	}
}

func TestLocksSweep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openTemp(t, t.TempDir())
	defer st.Close(ctx)
	l := st.Locks()
	t0 := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour)} {
		if err := l.Take(ctx, fmt.Sprintf("n%d", i), "h", at); err != nil {
			t.Fatal(err)
		}
	}
	n, err := l.Sweep(ctx, t0.Add(90*time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("Sweep = %d, %v; want 2 removed", n, err)
	}
	if err := l.Take(ctx, "n0", "h2", t0); err != nil {
		t.Errorf("n0 after the sweep: %v; want free", err)
	}
	if err := l.Take(ctx, "n2", "h2", t0); !errors.Is(err, ErrConflict) {
		t.Errorf("n2 after the sweep: %v; want still taken", err)
	}
}
