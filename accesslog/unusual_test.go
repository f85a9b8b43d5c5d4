package accesslog

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestUnusual(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var now time.Time // set before each append
	l := New(openStore(t, newDB(t)), func() time.Time { return now })
	add := func(at time.Time, e Entry) {
		t.Helper()
		now = at
		if _, err := l.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	outside := func(e Entry) Entry {
		e.OutsideTeam, e.Reason = true, "collega afwezig"
		return e
	}
	day := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) // CET, UTC+1
	reqs := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s-%02d", prefix, i)
		}
		return out
	}
	// acct-a touches 31 requests in a day, one of them twice.
	for i, r := range reqs("req-a", 31) {
		add(day.Add(time.Duration(i)*time.Minute), access("acct-a", r))
	}
	add(day.Add(2*time.Hour), access("acct-a", "req-a-00"))
	// acct-b touches 30: the limit, not over it.
	for i, r := range reqs("req-b", 30) {
		add(day.Add(time.Duration(i)*time.Minute), access("acct-b", r))
	}
	// acct-c touches 20 before and 20 after midnight in Amsterdam, all on
	// one UTC day: two days of 20.
	for i, r := range reqs("req-c", 40) {
		at := time.Date(2026, 11, 23, 22, 30, i, 0, time.UTC) // 23:30 in Amsterdam
		if i >= 20 {
			at = time.Date(2026, 11, 23, 23, 10, i, 0, time.UTC) // 00:10 the next day
		}
		add(at, access("acct-c", r))
	}
	// Break-the-glass: acct-d three times over two requests, acct-a once;
	// acct-e in another municipality, acct-f before the window.
	add(day, outside(access("acct-d", "req-d-2")))
	add(day.Add(time.Hour), outside(access("acct-d", "req-d-1")))
	add(day.Add(2*time.Hour), outside(access("acct-d", "req-d-1")))
	add(day.Add(-10*time.Hour), outside(access("acct-a", "req-x"))) // the day before
	e := outside(access("acct-e", "req-e"))
	e.Municipality = "GM0599"
	add(day, e)
	add(day.AddDate(0, 0, -3), outside(access("acct-f", "req-f")))

	from, to := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	got, err := l.Unusual(ctx, "GM0363", from, to, UnusualOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{
		{Actor: "acct-a", Kind: FindingManyRequests, Day: "2026-11-23", Count: 31, RequestIDs: reqs("req-a", 31)},
		{Actor: "acct-a", Kind: FindingOutsideTeam, Count: 1, RequestIDs: []string{"req-x"}},
		{Actor: "acct-d", Kind: FindingOutsideTeam, Count: 3, RequestIDs: []string{"req-d-1", "req-d-2"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Unusual(default) =\n%+v\nwant\n%+v", got, want)
	}

	// With a limit of 19 a day, acct-c shows on two Amsterdam days.
	got, err = l.Unusual(ctx, "GM0363", from, to, UnusualOptions{MaxRequestsPerDay: 19})
	if err != nil {
		t.Fatal(err)
	}
	var many []string
	for _, f := range got {
		if f.Kind == FindingManyRequests {
			many = append(many, fmt.Sprintf("%s %s %d", f.Actor, f.Day, f.Count))
		}
	}
	wantMany := []string{"acct-a 2026-11-23 31", "acct-b 2026-11-23 30", "acct-c 2026-11-23 20", "acct-c 2026-11-24 20"}
	if !reflect.DeepEqual(many, wantMany) {
		t.Errorf("Unusual(max 19) many_requests = %q; want %q", many, wantMany)
	}

	// The window bounds what is read: from the 24th only acct-c's second
	// day, and no break-the-glass.
	got, err = l.Unusual(ctx, "GM0363", time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC), time.Time{}, UnusualOptions{MaxRequestsPerDay: 19})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Actor != "acct-c" || got[0].Day != "2026-11-24" {
		t.Errorf("Unusual(from 23:00 UTC) = %+v; want acct-c on 2026-11-24 only", got)
	}
	got, err = l.Unusual(ctx, "GM0599", from, to, UnusualOptions{})
	if err != nil || len(got) != 1 || got[0].Actor != "acct-e" {
		t.Errorf("Unusual(GM0599) = %+v, %v; want acct-e's break-the-glass", got, err)
	}
	if _, err := l.Unusual(ctx, "", from, to, UnusualOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Unusual without municipality = %v; want ErrInvalid", err)
	}
}
