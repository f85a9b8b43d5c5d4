package server

import (
	"context"
	"testing"

	"github.com/dichtbij/dichtbij/store/storetest"
)

// TestEnsureAreas stores the division into an empty store, finds nothing
// to do the second time, and completes a store that has only part of it.
func TestEnsureAreas(t *testing.T) {
	t.Parallel()
	st := shared.Open(t, shared.DBName(t))
	areas, _ := testAreas(t)
	units := areas.Units()
	ctx := context.Background()
	// A start that was cut off after a few units.
	if _, err := st.Areas().Ensure(ctx, units[:10]); err != nil {
		t.Fatal(err)
	}
	added, err := st.Areas().Ensure(ctx, units)
	if err != nil || added != len(units)-10 {
		t.Fatalf("ensureAreas = %d, %v; want %d", added, err, len(units)-10)
	}
	if again, err := st.Areas().Ensure(ctx, units); err != nil || again != 0 {
		t.Errorf("second ensureAreas = %d, %v; want 0", again, err)
	}
	d, err := st.Areas().Get(ctx, "WK036300")
	if err != nil {
		t.Fatal(err)
	}
	if d.Level != "district" || d.Municipality != "GM0363" || len(d.Polygons) == 0 || len(d.Polygons[0].Rings[0].Lon) < 4 {
		t.Errorf("stored district = %+v", d.Code)
	}
	if n := storetest.Collection(t, st, "areas").Count(map[string]any{"level": "municipality"}); n != 342 {
		t.Errorf("municipalities stored = %d", n)
	}
}
