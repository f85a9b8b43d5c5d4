package store

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/dichtbij/dichtbij/care"
)

// TestFollowUpDueReadsTheStoredDocument: the in-place read agrees with
// the record's own follow-ups, as the store writes them.
func TestFollowUpDueReadsTheStoredDocument(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	done := now.Add(-time.Hour)
	for _, tc := range []struct {
		name string
		fus  []care.FollowUp
		want bool
	}{
		{"none", nil, false},
		{"all done", []care.FollowUp{{Due: now.Add(-48 * time.Hour), DoneAt: &done}}, false},
		{"one open and due", []care.FollowUp{{Due: now.Add(-48 * time.Hour), DoneAt: &done}, {Due: now.Add(-time.Minute)}}, true},
		{"open but not yet due", []care.FollowUp{{Due: now.Add(time.Minute)}}, false},
		{"due exactly now is not before it", []care.FollowUp{{Due: now}}, false},
	} {
		doc, err := bson.MarshalWithRegistry(registry, care.Referral{Meta: care.Meta{ID: "r1", Version: 1}, FollowUps: tc.fus})
		if err != nil {
			t.Fatal(err)
		}
		if got := followUpDue(doc, now); got != tc.want {
			t.Errorf("%s: followUpDue = %v; want %v", tc.name, got, tc.want)
		}
	}
	// A done_at written as null counts as not done.
	doc, err := bson.Marshal(bson.D{{Key: "follow_ups", Value: bson.A{bson.D{{Key: "due", Value: now.Add(-time.Hour)}, {Key: "done_at", Value: nil}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if !followUpDue(doc, now) {
		t.Error("a follow-up with done_at null is not counted as open")
	}
}
