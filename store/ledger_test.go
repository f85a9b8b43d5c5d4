package store

import (
	"context"
	"errors"
	"testing"
)

// TestLedgerInsertManyStopsAtATakenID checks the ordered insert the batch
// relies on: with the second _id taken, the first is stored, the third
// not, and the answer says 1 and ErrConflict.
func TestLedgerInsertManyStopsAtATakenID(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close(ctx)
	type rec struct {
		ID string `bson:"_id"`
	}
	l := newLedger[rec](s, "ledger_test")
	if err := l.insert(ctx, "b", rec{"b"}); err != nil {
		t.Fatal(err)
	}
	n, err := l.insertMany(ctx, []rec{{"a"}, {"b"}, {"c"}})
	if n != 1 || !errors.Is(err, ErrConflict) {
		t.Fatalf("insertMany = %d, %v; want 1 and a conflict", n, err)
	}
	for id, want := range map[string]bool{"a": true, "b": true, "c": false} {
		if has, err := l.has(ctx, id); err != nil || has != want {
			t.Errorf("has(%s) = %v, %v; want %v", id, has, err, want)
		}
	}
}
