package accesslog

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestUnusualIgnoresLists: a worker who works through the follow-up list
// sees hundreds of requests in lists a day; only the ones opened count.
func TestUnusualIgnoresLists(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	day := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	now := day
	l := New(openStore(t, newDB(t)), func() time.Time { return now })
	for i := 0; i < 900; i++ {
		e := access("acct-list", fmt.Sprintf("req-%03d", i))
		e.Action, e.Route = ActionList, "GET /api/v1/follow-ups"
		if i < 12 {
			e.Action, e.Route = ActionRead, "GET /api/v1/requests/{id}"
		}
		now = day.Add(time.Duration(i) * time.Second)
		if _, err := l.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Unusual(ctx, "GM0363", day.Add(-time.Hour), day.Add(24*time.Hour), UnusualOptions{MaxRequestsPerDay: 11})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Kind != FindingManyRequests || got[0].Count != 12 {
		t.Errorf("Unusual(max 11) = %+v; want one many_requests finding counting the 12 opened, not the 888 listed", got)
	}
}
