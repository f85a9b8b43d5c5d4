package accesslog

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestVerifyFindsTampering appends 20 entries, tampers with the stored
// log the way someone with database access could, and checks that Verify
// reports exactly the expected problems.
func TestVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	set := func(seq int64, fields map[string]any) func(*testing.T, string, []Entry) {
		return func(t *testing.T, name string, _ []Entry) {
			rawLog(t, name).Set(EntryID(seq), fields)
		}
	}
	del := func(seqs ...int64) func(*testing.T, string, []Entry) {
		return func(t *testing.T, name string, _ []Entry) {
			for _, seq := range seqs {
				rawLog(t, name).Delete(EntryID(seq))
			}
		}
	}
	tests := []struct {
		name   string
		tamper func(*testing.T, string, []Entry)
		want   []Problem
		head   int64
	}{
		{"clean", func(*testing.T, string, []Entry) {}, []Problem{}, 20},
		{"field changed", set(5, map[string]any{"action": "list"}), []Problem{{Seq: 5, Kind: KindChanged}}, 20},
		{"time changed", set(6, map[string]any{"at": t0.AddDate(-1, 0, 0)}), []Problem{{Seq: 6, Kind: KindChanged}}, 20},
		{"outside_team set", set(9, map[string]any{"outside_team": true, "reason": "x"}), []Problem{{Seq: 9, Kind: KindChanged}}, 20},
		{"field removed", func(t *testing.T, name string, _ []Entry) {
			rawLog(t, name).Unset(EntryID(12), "actor")
		}, []Problem{{Seq: 12, Kind: KindChanged}}, 20},
		{"entry rewritten with its own hash", func(t *testing.T, name string, entries []Entry) {
			e := entries[9] // seq 10
			e.Actor = "acct-innocent"
			set(10, map[string]any{"actor": e.Actor, "hash": ComputeHash(e)})(t, name, nil)
		}, []Problem{{Seq: 11, Kind: KindBrokenLink}}, 20},
		{"link rewritten", set(8, map[string]any{"prev_hash": "00"}),
			[]Problem{{Seq: 8, Kind: KindChanged}, {Seq: 8, Kind: KindBrokenLink}}, 20},
		{"undecodable", set(14, map[string]any{"seq": "fourteen"}), []Problem{{Seq: 14, Kind: KindChanged}}, 20},
		{"one deleted", del(15), []Problem{{Seq: 15, Kind: KindMissing, Through: 15}}, 20},
		{"run deleted", del(3, 4, 5, 6), []Problem{{Seq: 3, Kind: KindMissing, Through: 6}}, 20},
		{"first deleted", del(1), []Problem{{Seq: 1, Kind: KindMissing, Through: 1}}, 20},
		{"newest deleted", del(19, 20), []Problem{{Seq: 19, Kind: KindMissing, Through: 20}}, 18},
		{"deleted and changed", func(t *testing.T, name string, e []Entry) {
			del(2)(t, name, e)
			set(17, map[string]any{"municipality": "GM0599"})(t, name, e)
		}, []Problem{{Seq: 2, Kind: KindMissing, Through: 2}, {Seq: 17, Kind: KindChanged}}, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name := newDB(t)
			l := New(openStore(t, name), clock(t0, time.Second))
			entries := appendN(t, l, "acct-1", 20)
			tt.tamper(t, name, entries)
			r, err := l.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range r.Problems {
				r.Problems[i].Detail = "" // compared by position and kind
			}
			if !reflect.DeepEqual(r.Problems, tt.want) {
				t.Errorf("Problems = %+v; want %+v", r.Problems, tt.want)
			}
			if r.Head != tt.head || r.Clean() != (len(tt.want) == 0) {
				t.Errorf("Head = %d, Clean = %v; want %d, %v", r.Head, r.Clean(), tt.head, len(tt.want) == 0)
			}
		})
	}
}

// TestVerifyCounts checks Checked and HeadHash, and that a Log that never
// saw the newest entries cannot tell they are gone, but reports a Head
// that shows it to whoever kept the earlier one.
func TestVerifyCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := newDB(t)
	l := New(openStore(t, name), nil)
	entries := appendN(t, l, "acct-1", 5)
	r, err := l.Verify(ctx)
	if err != nil || !r.Clean() || r.Checked != 5 || r.Head != 5 || r.HeadHash != entries[4].Hash {
		t.Fatalf("Verify = %+v, %v; want 5 clean entries, head %s", r, err, entries[4].Hash)
	}
	rawLog(t, name).Delete(EntryID(5))
	fresh := New(openStore(t, name), nil)
	r, err = fresh.Verify(ctx)
	if err != nil || !r.Clean() || r.Head != 4 || r.HeadHash != entries[3].Hash {
		t.Errorf("fresh Verify = %+v, %v; want clean up to 4", r, err)
	}
	// A stranger document in the collection is reported, not skipped.
	rawLog(t, name).Insert(map[string]any{"_id": "zzz"})
	r, err = fresh.Verify(ctx)
	if err != nil || len(r.Problems) != 1 || r.Problems[0].Kind != KindChanged || r.Problems[0].Seq != 0 {
		t.Errorf("Verify with a stranger = %+v, %v; want one changed problem at seq 0", r, err)
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	t.Parallel()
	l := New(openStore(t, newDB(t)), nil)
	r, err := l.Verify(context.Background())
	if err != nil || !r.Clean() || r.Checked != 0 || r.Head != 0 {
		t.Errorf("Verify(empty) = %+v, %v; want clean, nothing checked", r, err)
	}
}
