package storetest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// TestMain removes what Binary built: the test below starts a server
// without Run, which would.
func TestMain(m *testing.M) {
	code := m.Run()
	binaries.Remove()
	os.Exit(code)
}

// TestServerGivesEachTestItsDatabase starts a server, writes a record into one test's database, finds it
// there and not in another's, and checks that Stop removes the files.
func TestServerGivesEachTestItsDatabase(t *testing.T) {
	s, err := Start("dichtbij-storetest-test")
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			s.Stop()
		}
	}()
	a, b := s.DBName(t), s.DBName(t)
	if a == b {
		t.Fatalf("DBName gave %q twice", a)
	}
	ctx := context.Background()
	sa, sb := s.Open(t, a), s.Open(t, b)
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	v := care.Volunteer{Meta: care.Meta{ID: "6b0300000000000000000001", Version: 1, CreatedAt: at, UpdatedAt: at},
		VolunteerFields: care.VolunteerFields{DisplayName: "Anna", HelpTypes: []string{"groceries"}, Capacity: 1, Status: "active"}}
	if err := sa.Volunteers().Insert(ctx, v); err != nil {
		t.Fatal(err)
	}
	if got, err := sa.Volunteers().Get(ctx, v.ID); err != nil || got.DisplayName != "Anna" {
		t.Fatalf("Get from %s = %+v, %v; want the volunteer", a, got, err)
	}
	if _, err := sb.Volunteers().Get(ctx, v.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get from %s = %v; want not found", b, err)
	}
	dir := s.dir
	_ = sa.Close(ctx)
	_ = sb.Close(ctx)
	s.Stop()
	stopped = true
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("data dir %s after Stop: %v; want it removed", dir, err)
	}
}

// TestUnknownSyncIsRefused: a misspelt synchronous setting does not
// quietly fall back to either setting; the store does not start.
func TestUnknownSyncIsRefused(t *testing.T) {
	t.Parallel()
	p, err := StartIn(t.TempDir(), "off")
	if err == nil {
		_ = p.Stop()
		t.Fatal("the store started with sync off; want it refused")
	}
	if !strings.Contains(err.Error(), "did not start") {
		t.Errorf("error = %v; want the server not to start", err)
	}
}

// TestTemplateIsBuiltOnceAndCopied: two tests' copies hold the template's
// records and what its build returned, the build runs once, and a change
// to one copy is not seen in the other or in the template.
func TestTemplateIsBuiltOnceAndCopied(t *testing.T) {
	s, err := Start("dichtbij-storetest-template")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	builds := 0
	tp := NewTemplate(s, func(ctx context.Context, st *store.Store) (string, error) {
		builds++
		v := care.Volunteer{Meta: care.Meta{ID: "6b0300000000000000000001", Version: 1, CreatedAt: at, UpdatedAt: at},
			VolunteerFields: care.VolunteerFields{DisplayName: "Anna", HelpTypes: []string{"groceries"}, Capacity: 1, Status: "active"}}
		return v.ID, st.Volunteers().Insert(ctx, v)
	})
	a, idA := tp.Open(t)
	b, idB := tp.Open(t)
	if builds != 1 || idA != idB || a.Database() == b.Database() {
		t.Fatalf("builds = %d, ids %q %q, databases %q %q; want one build, one id, two databases", builds, idA, idB, a.Database(), b.Database())
	}
	got, err := a.Volunteers().Get(ctx, idA)
	if err != nil || got.DisplayName != "Anna" || !got.CreatedAt.Equal(at) {
		t.Fatalf("copy's volunteer = %+v, %v; want Anna as built", got, err)
	}
	got.DisplayName = "Bea"
	if err := a.Volunteers().Replace(ctx, got.Version, got); err != nil {
		t.Fatal(err)
	}
	if other, err := b.Volunteers().Get(ctx, idB); err != nil || other.DisplayName != "Anna" {
		t.Errorf("the other copy's volunteer = %+v, %v; want Anna unchanged", other, err)
	}
	if n := s.Collection(t, tp.name, "volunteers").Count(map[string]any{"display_name": "Anna"}); n != 1 {
		t.Errorf("template holds %d Annas; want 1", n)
	}
}
