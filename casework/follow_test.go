package casework

import (
	"context"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// TestFollowerResumesWhereItsLoadSeeks: a follower (state in memory)
// gets nothing before its load Seeks, then every event after the seek,
// again from an earlier seek after a reload, and its position is never
// stored: a new process's follower starts only at its own Seek.
func TestFollowerResumesWhereItsLoadSeeks(t *testing.T) {
	t.Parallel()
	st := shared.Open(t, shared.DBName(t))
	ctx := context.Background()
	bus := NewBus(st, storetest.Quiet(), clock())
	var got []string
	bus.Follow("memory", func(_ context.Context, ev care.Event) error {
		got = append(got, ev.ID)
		return nil
	})
	for _, id := range []string{"e1", "e2", "e3"} {
		if _, err := st.Events().Append(ctx, care.Event{ID: id, Type: care.EvRequestOpened}); err != nil {
			t.Fatal(err)
		}
	}
	if err := bus.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("before its Seek the follower got %v; want nothing (its state is not loaded)", got)
	}
	head, err := bus.Head(ctx)
	if err != nil || head != 3 {
		t.Fatalf("Head = %d, %v; want 3", head, err)
	}
	bus.Seek("memory", 1)
	if err := bus.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	if want := "e2 e3"; strings.Join(got, " ") != want {
		t.Fatalf("after Seek(1) the follower got %q; want %q", strings.Join(got, " "), want)
	}
	got = nil
	bus.Seek("memory", 2) // a reload that began at event 2
	if err := bus.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if want := "e3"; strings.Join(got, " ") != want {
		t.Fatalf("after Seek(2) the follower got %q; want %q", strings.Join(got, " "), want)
	}
	if seq, err := st.Cursor(ctx, "memory"); err != nil || seq != 0 {
		t.Errorf("stored cursor of the follower = %d, %v; want none (0): its position lives in memory", seq, err)
	}
}
