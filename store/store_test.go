package store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store/storetest/storeproc"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// binaries holds the store server built for these tests.
var binaries storeproc.Binaries

func TestMain(m *testing.M) {
	code := m.Run()
	binaries.Remove()
	os.Exit(code)
}

// startTemp runs the embedded store on dir in a process of its own (see
// storeproc). No test here kills a store or its machine, so its commits
// need not reach the disk before they are acknowledged
// (synchronous=NORMAL).
func startTemp(t testing.TB, dir string) *storeproc.Server {
	t.Helper()
	p, err := storeproc.Start(&binaries, dir, "normal")
	if err != nil {
		t.Fatalf("start the store on %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = p.Stop() })
	return p
}

// openTemp opens a store on a server of its own on dir.
func openTemp(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{URI: startTemp(t, dir).URI, Database: "dichtbij", Logger: quiet()})
	if err != nil {
		t.Fatalf("Open(%s) = %v", dir, err)
	}
	return s
}

func volunteer(id string) care.Volunteer {
	return care.Volunteer{
		Meta: care.Meta{ID: id, Version: 1, CreatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)},
		VolunteerFields: care.VolunteerFields{
			DisplayName: "Anna", HelpTypes: []string{"groceries"}, HomeLocation: &care.Location{Lat: 52.37, Lon: 4.89},
			MaxTravelM: 1000, Availability: []care.WeeklySlot{{Day: "tue", Start: "09:00", End: "12:00"}}, Languages: []string{"nl"},
			Capacity: 1, Status: "active",
		},
	}
}

// TestNoSecondaryIndexesOnFerretDB: FerretDB serves no query from them,
// so the store drops those an earlier version made, on every start.
func TestNoSecondaryIndexesOnFerretDB(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	p := startTemp(t, dir)
	s, err := Open(ctx, Options{URI: p.URI, Database: "dichtbij", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	// What an earlier version left: every index, as on MongoDB.
	s.ferret = false
	if err := s.ensureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	s.ferret = true
	ensureTwice(t, s, func(round int, ix index, names map[string]bool) {
		if names[ix.name] {
			t.Errorf("round %d: index %s.%s is still there on FerretDB", round, ix.collection, ix.name)
		}
		if len(names) > 0 && !names["_id_"] {
			t.Errorf("round %d: %s lost its _id index: %v", round, ix.collection, names)
		}
	})
}

// ensureTwice runs ensureIndexes twice and after each round calls check
// with every index of indexes() and the names its collection has.
func ensureTwice(t *testing.T, s *Store, check func(round int, ix index, names map[string]bool)) {
	t.Helper()
	ctx := context.Background()
	for round := 1; round <= 2; round++ {
		if err := s.ensureIndexes(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, ix := range indexes() {
			names, err := s.IndexNames(ctx, ix.collection)
			if err != nil {
				t.Fatal(err)
			}
			check(round, ix, names)
		}
	}
}

// TestIndexesAreIdempotent makes the indexes a MongoDB gets twice: the
// second time must find them and create nothing (FerretDB drops the
// connection on a createIndexes that creates nothing).
func TestIndexesAreIdempotent(t *testing.T) {
	t.Parallel()
	s := openTemp(t, t.TempDir())
	s.ferret = false // as on MongoDB
	ensureTwice(t, s, func(round int, ix index, names map[string]bool) {
		if !names[ix.name] {
			t.Errorf("round %d: index %s.%s missing; have %v", round, ix.collection, ix.name, names)
		}
	})
}

// TestOpenWithoutURINeedsEmbedded: a build without the embedded store
// says so instead of trying to reach a server that is not there.
func TestOpenWithoutURINeedsEmbedded(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), Options{Database: "dichtbij", DataDir: t.TempDir(), Logger: quiet()})
	if !errors.Is(err, ErrNoEmbedded) {
		t.Fatalf("Open without URI or Embedded = %v; want ErrNoEmbedded", err)
	}
}

func TestCollectionRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close(ctx)
	if !s.ferret {
		t.Fatal("the embedded store was not recognised as FerretDB; its paths that avoid scans are off")
	}
	vols := s.Volunteers()
	v := volunteer("6b0300000000000000000001")
	if err := vols.Insert(ctx, v); err != nil {
		t.Fatal(err)
	}
	if err := vols.Insert(ctx, v); !errors.Is(err, ErrConflict) {
		t.Errorf("second Insert = %v; want ErrConflict", err)
	}
	got, err := vols.Get(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Anna" || *got.HomeLocation != *v.HomeLocation || !got.CreatedAt.Equal(v.CreatedAt) || got.Availability[0] != v.Availability[0] {
		t.Errorf("Get = %+v; want %+v", got, v)
	}
	v2 := got
	v2.Version, v2.Capacity = 2, 3
	if err := vols.Replace(ctx, 1, v2); err != nil {
		t.Fatal(err)
	}
	if err := vols.Replace(ctx, 1, v2); !errors.Is(err, ErrConflict) {
		t.Errorf("Replace at stale version = %v; want ErrConflict", err)
	}
	if _, err := vols.Get(ctx, "6b0300000000000000000099"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(missing) = %v; want ErrNotFound", err)
	}
	page, more, err := vols.List(ctx, Query{Where: []Cond{{Field: "help_types", Value: "groceries"}}, Limit: 10})
	if err != nil || more || len(page) != 1 || page[0].Capacity != 3 {
		t.Errorf("List = %v, %v, %v; want the one replaced volunteer", page, more, err)
	}
	// A string that looks like an operator is only ever a value.
	page, _, err = vols.List(ctx, Query{Where: []Cond{{Field: "display_name", Value: "$gt"}}, Limit: 10})
	if err != nil || len(page) != 0 {
		t.Errorf("List(display_name=$gt) = %v, %v; want nothing", page, err)
	}
	if _, _, err := vols.List(ctx, Query{Where: []Cond{{Field: "x", Value: map[string]any{"$gt": ""}}}, Limit: 10}); err == nil {
		t.Error("List accepted a map value; want an error")
	}
	if err := vols.Delete(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if err := vols.Delete(ctx, v.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete = %v; want ErrNotFound", err)
	}
}

func TestPolygonSurvivesStorage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close(ctx)
	active := true
	in := care.Initiative{
		Meta: care.Meta{ID: "6b0300000000000000000002", Version: 1},
		InitiativeFields: care.InitiativeFields{Organisation: "x", Description: "y", HelpTypes: []string{"garden"}, Capacity: 1, Active: &active,
			ServiceArea: &care.ServiceArea{Polygon: &care.GeoJSONPolygon{Type: "Polygon", Coordinates: [][][]float64{
				{{4.88, 52.34}, {4.90, 52.34}, {4.90, 52.36}, {4.88, 52.34}},
				{{4.885, 52.345}, {4.889, 52.345}, {4.889, 52.349}, {4.885, 52.345}},
			}}}},
	}
	if err := s.Initiatives().Insert(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := s.Initiatives().Get(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, have := in.ServiceArea.Polygon.Coordinates, got.ServiceArea.Polygon.Coordinates
	if len(have) != 2 || len(have[1]) != 4 || have[1][2][0] != want[1][2][0] || have[0][1][1] != want[0][1][1] {
		t.Errorf("polygon after storage = %v; want %v", have, want)
	}
}

// TestExternalMongoDB runs the round trip against a real MongoDB when
// DICHTBIJ_TEST_MONGODB_URI is set (e.g. the docker-compose service).
func TestExternalMongoDB(t *testing.T) {
	t.Parallel()
	uri := os.Getenv("DICHTBIJ_TEST_MONGODB_URI")
	if uri == "" {
		t.Skip("DICHTBIJ_TEST_MONGODB_URI not set; runs against a real MongoDB only")
	}
	ctx := context.Background()
	s, err := Open(ctx, Options{URI: uri, Database: "dichtbij_test_" + time.Now().Format("150405"), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if s.Backend() != BackendMongoDB {
		t.Fatalf("Backend() = %s", s.Backend())
	}
	if err := s.Volunteers().Insert(ctx, volunteer("6b0300000000000000000003")); err != nil {
		t.Fatal(err)
	}
	defer s.db.Drop(ctx)
}
