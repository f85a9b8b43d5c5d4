package casework

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// TestRequestWritesEmitEvents: opening, editing (the needs, then
// something else) and deleting a request each emit their event.
func TestRequestWritesEmitEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	req := care.Request{Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: t0, UpdatedAt: t0, Municipality: "GM0363", Team: "noord"},
		RequestFields: care.RequestFields{Needs: []string{"groceries"}}, Status: care.ReqOpen, NeedsChangedAt: t0}
	if err := f.svc.OpenRequest(ctx, worker, req); err != nil {
		t.Fatal(err)
	}
	edit := func(needs ...string) {
		t.Helper()
		next := req
		next.Version, next.UpdatedAt = req.Version+1, req.UpdatedAt.Add(time.Minute)
		if !care.SameNeeds(needs, req.Needs) {
			next.Needs, next.NeedsChangedAt = needs, next.UpdatedAt
		}
		if err := f.svc.EditRequest(ctx, worker, req.Version, next); err != nil {
			t.Fatal(err)
		}
		req = next
	}
	edit("groceries", "meals")
	edit("groceries", "meals")
	if err := f.svc.DeleteRequest(ctx, worker, req); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range f.count.evs {
		if ev.RequestID == req.ID {
			got = append(got, ev.Type+":"+ev.Code)
		}
	}
	want := []string{"request.opened:", "request.edited:needs_changed", "request.edited:", "request.deleted:"}
	if !slices.Equal(got, want) {
		t.Errorf("events = %v; want %v", got, want)
	}
}

// TestRecoverConfirmsByVersion: Recover relays an entry whose record
// reached its version (or, for a deletion, is gone), leaves a young
// unconfirmed one alone (a write in flight) and drops an old one (a
// write that never happened), freeing the version it claimed.
func TestRecoverConfirmsByVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	now := t0.Add(time.Hour)
	bus := NewBus(f.st, f.svc.log, func() time.Time { return now })
	c := newCounter()
	bus.Subscribe("recover-counter", c.handle)
	gone := f.newRequest(t)
	if err := f.st.Requests().Delete(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	entry := func(id string, version int64, at time.Time, typ string) store.OutboxEntry {
		e := store.OutboxEntry{ID: store.OutboxID("requests", id, version), Collection: "requests", RecordID: id, Version: version, At: at,
			Events: []care.Event{{Type: typ, At: at, RequestID: id}}}
		e.Events[0].ID = e.ID + "/" + typ
		if err := f.st.EventOutbox().Claim(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	entry(f.request.ID, 1, t0, "written")                           // the record is at version 1
	entry(gone.ID, deletedVersion, t0, "deleted")                   // the record is gone
	young := entry(f.request.ID, 2, now.Add(-time.Minute), "young") // version 2 not written yet, claimed a minute ago
	old := entry(f.request.ID, 3, t0, "old")                        // version 3 never written, claimed an hour ago

	relayed, dropped, err := bus.Recover(ctx, 0, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if relayed != 2 || dropped != 1 {
		t.Errorf("Recover() = %d relayed, %d dropped; want 2 and 1", relayed, dropped)
	}
	if err := bus.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range c.evs {
		types = append(types, ev.Type)
	}
	if want := []string{"written", "deleted"}; !slices.Equal(types, want) {
		t.Errorf("delivered = %v; want %v (not the young or the old claim)", types, want)
	}
	pending, err := f.st.EventOutbox().Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != young.ID {
		t.Errorf("pending after Recover = %+v; want only the young claim %s", pending, young.ID)
	}
	// The old claim is gone, so version 3 may be claimed again.
	if err := f.st.EventOutbox().Claim(ctx, store.OutboxEntry{ID: old.ID, Collection: "requests", RecordID: f.request.ID, Version: 3, At: now,
		Events: []care.Event{{Type: "again"}}}); err != nil {
		t.Errorf("claiming the dropped version again: %v", err)
	}
}
