package accesslog

import (
	"context"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// TestVerifyFindsTampering appends 20 entries, tampers with the stored
// log the way someone with database access could, and checks that Verify
// reports exactly the expected problems.
func TestVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	set := func(seq int64, fields bson.D) func(*testing.T, string, []Entry) {
		return func(t *testing.T, name string, _ []Entry) {
			res, err := rawLog(name).UpdateOne(ctx, bson.D{{Key: "_id", Value: EntryID(seq)}}, bson.D{{Key: "$set", Value: fields}})
			if err != nil || res.ModifiedCount != 1 {
				t.Fatalf("tamper with %d: %+v, %v", seq, res, err)
			}
		}
	}
	del := func(seqs ...int64) func(*testing.T, string, []Entry) {
		return func(t *testing.T, name string, _ []Entry) {
			for _, seq := range seqs {
				res, err := rawLog(name).DeleteOne(ctx, bson.D{{Key: "_id", Value: EntryID(seq)}})
				if err != nil || res.DeletedCount != 1 {
					t.Fatalf("delete %d: %+v, %v", seq, res, err)
				}
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
		{"field changed", set(5, bson.D{{Key: "action", Value: "list"}}), []Problem{{Seq: 5, Kind: KindChanged}}, 20},
		{"time changed", set(6, bson.D{{Key: "at", Value: t0.AddDate(-1, 0, 0)}}), []Problem{{Seq: 6, Kind: KindChanged}}, 20},
		{"outside_team set", set(9, bson.D{{Key: "outside_team", Value: true}, {Key: "reason", Value: "x"}}), []Problem{{Seq: 9, Kind: KindChanged}}, 20},
		{"field removed", func(t *testing.T, name string, _ []Entry) {
			if _, err := rawLog(name).UpdateOne(ctx, bson.D{{Key: "_id", Value: EntryID(12)}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "actor", Value: ""}}}}); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{Seq: 12, Kind: KindChanged}}, 20},
		{"entry rewritten with its own hash", func(t *testing.T, name string, entries []Entry) {
			e := entries[9] // seq 10
			e.Actor = "acct-innocent"
			set(10, bson.D{{Key: "actor", Value: e.Actor}, {Key: "hash", Value: ComputeHash(e)}})(t, name, nil)
		}, []Problem{{Seq: 11, Kind: KindBrokenLink}}, 20},
		{"link rewritten", set(8, bson.D{{Key: "prev_hash", Value: "00"}}),
			[]Problem{{Seq: 8, Kind: KindChanged}, {Seq: 8, Kind: KindBrokenLink}}, 20},
		{"undecodable", set(14, bson.D{{Key: "seq", Value: "fourteen"}}), []Problem{{Seq: 14, Kind: KindChanged}}, 20},
		{"one deleted", del(15), []Problem{{Seq: 15, Kind: KindMissing, Through: 15}}, 20},
		{"run deleted", del(3, 4, 5, 6), []Problem{{Seq: 3, Kind: KindMissing, Through: 6}}, 20},
		{"first deleted", del(1), []Problem{{Seq: 1, Kind: KindMissing, Through: 1}}, 20},
		{"newest deleted", del(19, 20), []Problem{{Seq: 19, Kind: KindMissing, Through: 20}}, 18},
		{"deleted and changed", func(t *testing.T, name string, e []Entry) {
			del(2)(t, name, e)
			set(17, bson.D{{Key: "municipality", Value: "GM0599"}})(t, name, e)
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
	if _, err := rawLog(name).DeleteOne(ctx, bson.D{{Key: "_id", Value: EntryID(5)}}); err != nil {
		t.Fatal(err)
	}
	fresh := New(openStore(t, name), nil)
	r, err = fresh.Verify(ctx)
	if err != nil || !r.Clean() || r.Head != 4 || r.HeadHash != entries[3].Hash {
		t.Errorf("fresh Verify = %+v, %v; want clean up to 4", r, err)
	}
	// A stranger document in the collection is reported, not skipped.
	if _, err := rawLog(name).InsertOne(ctx, bson.D{{Key: "_id", Value: "zzz"}}); err != nil {
		t.Fatal(err)
	}
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
