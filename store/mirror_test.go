package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/dichtbij/dichtbij/care"
)

// TestMirrorAnswersAsTheServer is a property test: after random inserts,
// replaces and deletes through one store (with loaded mirrors), and
// writes through a second one (another process, whose changes reach the
// first through Refresh), every list, finder and read the first answers
// from its mirror equals what the server answers to a store without
// mirrors, page by page.
func TestMirrorAnswersAsTheServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	uri := startTemp(t, dir).URI
	open := func() *Store {
		s, err := Open(ctx, Options{URI: uri, Database: "mirror", Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close(ctx) })
		return s
	}
	mirrored, other, plain := open(), open(), open()
	if err := mirrored.LoadMirrors(ctx); err != nil {
		t.Fatal(err)
	}
	if mirrored.mirrorOf(volunteersName) == nil || plain.mirrorOf(volunteersName) != nil {
		t.Fatal("want the first store's mirror loaded and the plain store's not")
	}
	rng := rand.New(rand.NewPCG(7, 9))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	some := func(xs ...string) []string {
		var out []string
		for _, x := range xs {
			if rng.IntN(2) == 0 {
				out = append(out, x)
			}
		}
		if len(out) == 0 {
			out = xs[:1]
		}
		return out
	}
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	random := func(id string, version int64) care.Volunteer {
		v := volunteer(id)
		v.Version = version
		v.Municipality, v.OwnerID = pick("GM0363", "GM0344"), pick("acc-a", "acc-b", "acc-c")
		v.Status, v.HelpTypes, v.Languages = pick("active", "paused"), some("groceries", "garden", "companionship"), some("nl", "en", "ar")
		v.Area = care.Area{MunicipalityCode: v.Municipality, DistrictCode: pick("WK036301", "WK036302")}
		v.UpdatedAt = at.Add(time.Duration(version) * time.Minute)
		return v
	}
	var ids []string
	for step := 0; step < 200; step++ {
		writer := mirrored
		if rng.IntN(4) == 0 {
			writer = other
		}
		var id string
		switch op := rng.IntN(10); {
		case op < 5 || len(ids) == 0:
			id = fmt.Sprintf("6b03%020x", step)
			if err := writer.Volunteers().Insert(ctx, random(id, 1)); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		case op < 8:
			id = ids[rng.IntN(len(ids))]
			cur, err := plain.Volunteers().Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := writer.Volunteers().Replace(ctx, cur.Version, random(id, cur.Version+1)); err != nil {
				t.Fatal(err)
			}
		default:
			i := rng.IntN(len(ids))
			id = ids[i]
			if err := writer.Volunteers().Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
			ids = slices.Delete(ids, i, i+1)
		}
		if writer == other {
			// The change reaches the first process as the followers
			// would bring it.
			if err := mirrored.Refresh(ctx, volunteersName, id); err != nil {
				t.Fatal(err)
			}
		}
		if step%40 == 39 {
			compareMirror(t, step, mirrored, plain)
		}
		if step == 100 {
			// A reload builds the mirror's field indexes anew.
			if err := mirrored.LoadMirrors(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// compareMirror asks both stores the same questions.
func compareMirror(t *testing.T, step int, mirrored, plain *Store) {
	t.Helper()
	ctx := context.Background()
	queries := [][]Cond{
		nil,
		mirrored.Volunteers().Scope("GM0363", ""),
		mirrored.Volunteers().Scope("GM0344", "acc-b"),
		append(mirrored.Volunteers().Scope("GM0363", ""), HelpType("garden"), Language("en")),
		{AreaMunicipality("GM0344"), VolunteerStatus("paused")},
		{HelpType("no-such-help")},
		// Narrowed by an indexed field alone, and by one with no bucket.
		{{Field: "owner_id", Value: "acc-c"}},
		{{Field: "owner_id", Value: "acc-nobody"}, AreaMunicipality("GM0344")},
	}
	idsOf := func(vs []care.Volunteer) []string {
		out := []string{}
		for _, v := range vs {
			out = append(out, fmt.Sprintf("%s@%d", v.ID, v.Version))
		}
		return out
	}
	for qi, where := range queries {
		for _, limit := range []int{4, 1000} {
			after := ""
			for page := 0; ; page++ {
				q := Query{Where: where, After: after, Limit: limit}
				got, gotMore, err := mirrored.Volunteers().List(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want, wantMore, err := plain.Volunteers().List(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(idsOf(got), idsOf(want)) || gotMore != wantMore {
					t.Fatalf("step %d, query %d, limit %d, page %d: mirror %v (more %v); server %v (more %v)",
						step, qi, limit, page, idsOf(got), gotMore, idsOf(want), wantMore)
				}
				if !wantMore {
					break
				}
				after = want[len(want)-1].ID
			}
		}
		got, err := mirrored.Volunteers().All(ctx, where...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.Volunteers().All(ctx, where...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(idsOf(got), idsOf(want)) {
			t.Fatalf("step %d, query %d: All from the mirror %v; from the server %v", step, qi, idsOf(got), idsOf(want))
		}
		gotAny, _ := mirrored.Volunteers().any(ctx, where)
		wantAny, _ := plain.Volunteers().any(ctx, where)
		if gotAny != wantAny {
			t.Fatalf("step %d, query %d: any from the mirror %v; from the server %v", step, qi, gotAny, wantAny)
		}
		for _, v := range want {
			g, err := mirrored.Volunteers().Get(ctx, v.ID)
			if err != nil || g.Version != v.Version || g.Status != v.Status || !slices.Equal(g.HelpTypes, v.HelpTypes) {
				t.Fatalf("step %d: Get(%s) from the mirror = %+v, %v; want %+v", step, v.ID, g, err, v)
			}
		}
	}
}

// TestMirrorRefreshLosesToNewerWrites: a refresh that read the server
// before this process wrote a newer version, or before it inserted the
// record, does not take the mirror back.
func TestMirrorRefreshLosesToNewerWrites(t *testing.T) {
	t.Parallel()
	doc := func(version int64) []byte {
		v := volunteer("6b0300000000000000000009")
		v.Version = version
		return mustMarshal(t, v)
	}
	m := newMirrors()[volunteersName]
	m.put("a", doc(2))
	m.put("a", doc(1)) // a refresh's older read arriving late
	if got := versionIn(m.docs["a"]); got != 2 {
		t.Errorf("version after a late older put = %d; want 2", got)
	}
	began := m.seq
	m.put("b", doc(1)) // inserted while a refresh read, and found nothing
	m.removeUnlessPutSince("b", began)
	if _, ok := m.docs["b"]; !ok {
		t.Error("a refresh begun before the insert removed the record")
	}
	m.removeUnlessPutSince("b", m.seq)
	if _, ok := m.docs["b"]; ok || slices.Contains(m.ids, "b") {
		t.Error("a refresh begun after the insert that found nothing kept the record")
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := bson.MarshalWithRegistry(registry, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
