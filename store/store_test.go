package store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// embeddedStarts serialises openTemp.
var embeddedStarts sync.Mutex

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openTemp starts an embedded store in dir. No test here kills a store
// or its machine, so its commits need not reach the disk before they are
// acknowledged (synchronous=NORMAL).
func openTemp(t *testing.T, dir string) *Store {
	t.Helper()
	// FerretDB's New sets a package variable (its version's Package) on
	// every call: two embedded stores starting at once in one process
	// race, which the race detector reports. A process of dichtbij starts
	// one; parallel tests take turns.
	embeddedStarts.Lock()
	defer embeddedStarts.Unlock()
	s, err := Open(context.Background(), Options{Database: "dichtbij", DataDir: dir, Logger: quiet(), Sync: "normal"})
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

// TestIndexesAreIdempotent opens the same data directory twice: the second
// start must find the indexes and create nothing (FerretDB drops the
// connection on a createIndexes that creates nothing).
func TestIndexesAreIdempotent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	for round := 1; round <= 2; round++ {
		s := openTemp(t, dir)
		if s.Backend() != BackendEmbedded {
			t.Fatalf("Backend() = %s; want %s", s.Backend(), BackendEmbedded)
		}
		for _, ix := range indexes() {
			names, err := s.IndexNames(ctx, ix.collection)
			if err != nil {
				t.Fatal(err)
			}
			if !names[ix.name] {
				t.Errorf("round %d: index %s.%s missing; have %v", round, ix.collection, ix.name, names)
			}
		}
		if err := s.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUnknownSyncIsRefused: a misspelt Sync does not quietly fall back to
// either setting.
func TestUnknownSyncIsRefused(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), Options{Database: "dichtbij", DataDir: t.TempDir(), Logger: quiet(), Sync: "off"})
	if err == nil || !strings.Contains(err.Error(), "sync") {
		t.Fatalf("Open with Sync off = %v; want an error naming sync", err)
	}
}

func TestCollectionRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t, t.TempDir())
	defer s.Close(ctx)
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
