package opendata

import (
	"context"
	"os"
	"testing"
	"unsafe"

	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/store/storetest"
)

var shared *storetest.Server

func TestMain(m *testing.M) {
	os.Exit(storetest.Run(m, "dichtbij-opendata-test", func(s *storetest.Server) { shared = s }))
}

// TestCatalogCacheKeepsItsKeys: a municipality code from a request may
// point into a buffer the HTTP server reuses (Fiber without Immutable);
// the cache keeps a copy, so the bytes changing after the call neither
// corrupt its key nor add an entry per call.
func TestCatalogCacheKeepsItsKeys(t *testing.T) {
	t.Parallel()
	st := shared.Open(t, shared.DBName(t))
	if err := st.LoadMirrors(context.Background()); err != nil {
		t.Fatal(err)
	}
	areas, err := geo.LoadAreas()
	if err != nil {
		t.Fatal(err)
	}
	d := NewDirectory(st, areas, "http://dichtbij.test")
	buf := []byte("GM0363")
	for range 5 {
		copy(buf, "GM0363")
		code := unsafe.String(&buf[0], len(buf)) // as a reused request buffer
		if _, err := d.Catalog(context.Background(), code); err != nil {
			t.Fatal(err)
		}
		copy(buf, "GM9999") // the next request
	}
	if len(d.cache) != 1 {
		t.Errorf("cache entries after five reads of one municipality = %d; want 1", len(d.cache))
	}
	if _, ok := d.cache["GM0363"]; !ok {
		t.Errorf("cache keys = %v; want GM0363", keys(d.cache))
	}
}

func keys(m map[string]cached) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
