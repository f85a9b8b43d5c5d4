package app

import (
	"context"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/config"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/store/storetest"
)

// TestImportHSDSCommand runs the command's import against a store as a
// separate process would: with progress, idempotent, and a change-log
// entry per provision so that running servers pick them up.
func TestImportHSDSCommand(t *testing.T) {
	t.Parallel()
	srv, err := storetest.Start("dichtbij-app-import")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	db := srv.DBName(t)
	cfg := config.Config{MongoDBURI: srv.URI, Database: db, Bounds: "nl"}
	doc, err := hsds.ReadJSON([]byte(`{"id":"s1","name":"Inloop Dam","description":"Koffie en een praatje","status":"active",
		"service_at_locations":[{"id":"a1","location":{"id":"l1","location_type":"physical","latitude":52.3731,"longitude":4.8924,
		"addresses":[{"address_1":"Dam 1","city":"Amsterdam","postal_code":"1012 JS","country":"NL","address_type":"physical"}]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var seen []int
	rep, err := ImportHSDS(ctx, cfg, storetest.Quiet(), "GM0363", doc, false, "meeting_place", func(done, total int) { seen = append(seen, done, total) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 1 || len(seen) != 2 || seen[0] != 1 || seen[1] != 1 {
		t.Fatalf("import = %+v, progress %v", rep, seen)
	}
	if rep, err := ImportHSDS(ctx, cfg, storetest.Quiet(), "GM0363", doc, false, "meeting_place", nil); err != nil || rep.Unchanged != 1 {
		t.Errorf("second import = %+v, %v", rep, err)
	}
	changes, err := srv.Open(t, db).Changes().Next(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range changes {
		found = found || c.RecordID == rep.Rows[0].ID
	}
	if !found {
		t.Error("the imported provision is not in the change log, so running servers would not see it")
	}
	if _, err := ImportHSDS(ctx, cfg, storetest.Quiet(), "GM9999", doc, false, "", nil); err == nil || !strings.Contains(err.Error(), "GM9999") {
		t.Errorf("an unknown municipality: %v", err)
	}
}
