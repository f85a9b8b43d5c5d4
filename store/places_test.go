package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestPlacesAreNeverOversold: 200 concurrent claims on a pool of 3 places,
// against the embedded store over the wire, give exactly 3 places and 197
// ErrFull refusals; the same for the spots of one activity occurrence.
func TestPlacesAreNeverOversold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close(ctx)
	places := s.Places()
	for _, pool := range []string{"volunteer:6b0300000000000000000001", "activity:6b0300000000000000000002@1764594000"} {
		t.Run(pool, func(t *testing.T) {
			const claimants, capacity = 200, 3
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				won      = map[int]string{}
				refusals int
				start    = make(chan struct{})
			)
			for i := 0; i < claimants; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					holder := fmt.Sprintf("referral-%03d", i)
					n, err := places.Claim(ctx, pool, capacity, holder, time.Now())
					mu.Lock()
					defer mu.Unlock()
					switch {
					case errors.Is(err, ErrFull):
						refusals++
					case err != nil:
						t.Errorf("claim: %v", err)
					default:
						if prev, dup := won[n]; dup {
							t.Errorf("place %d given to %s and %s", n, prev, holder)
						}
						won[n] = holder
					}
				}(i)
			}
			close(start)
			wg.Wait()
			if len(won) != capacity || refusals != claimants-capacity {
				t.Fatalf("%d places given, %d refused; want %d and %d", len(won), refusals, capacity, claimants-capacity)
			}
			taken, err := places.Taken(ctx, pool, capacity)
			if err != nil || len(taken) != capacity {
				t.Fatalf("Taken = %d, %v; want %d", len(taken), err, capacity)
			}
			// Only the holder frees a place; the freed place is the next one given.
			if ok, err := places.Release(ctx, pool, 2, "someone-else"); ok || err != nil {
				t.Errorf("release by a stranger = %v, %v; want refused", ok, err)
			}
			if ok, err := places.Release(ctx, pool, 2, won[2]); !ok || err != nil {
				t.Fatalf("release by the holder = %v, %v", ok, err)
			}
			if n, err := places.Claim(ctx, pool, capacity, "late", time.Now()); err != nil || n != 2 {
				t.Errorf("claim after release = %d, %v; want place 2", n, err)
			}
		})
	}
}
