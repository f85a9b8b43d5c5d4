package accesslog

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestReaders appends a varied log and reads it back page by page through
// each reader, comparing with a filter over what Append returned.
func TestReaders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := New(openStore(t, newDB(t)), clock(t0, time.Hour))
	var all []Entry
	for i := range 24 {
		e := access(fmt.Sprintf("acct-%d", i%3), fmt.Sprintf("req-%d", i%4))
		if i%5 == 0 {
			e.Municipality = "GM0599"
		}
		if i%2 == 0 {
			e.Subject = "vol-1"
		}
		if i%7 == 3 {
			e.RequestID = "" // a list or search touches no one request
			e.Action, e.Route = ActionList, "GET /api/v1/requests"
		}
		got, err := l.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got)
	}
	where := func(keep func(Entry) bool) []Entry {
		var out []Entry
		for _, e := range all {
			if keep(e) {
				out = append(out, e)
			}
		}
		return out
	}
	// pages reads everything through read, limit entries at a time.
	pages := func(read func(after string, limit int) ([]Entry, bool, error)) []Entry {
		t.Helper()
		var out []Entry
		after := ""
		for range 100 {
			page, more, err := read(after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > 2 || (more && len(page) != 2) {
				t.Fatalf("page of %d entries, more = %v; want 2 when more follow", len(page), more)
			}
			out = append(out, page...)
			if !more {
				return out
			}
			after = page[len(page)-1].ID
		}
		t.Fatal("paging does not end")
		return nil
	}
	check := func(what string, got, want []Entry) {
		t.Helper()
		if len(want) == 0 {
			t.Fatalf("%s: test data selects nothing", what)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %d entries %v; want %d %v", what, len(got), seqs(got), len(want), seqs(want))
		}
	}
	check("ForRequest(req-1)", pages(func(a string, n int) ([]Entry, bool, error) { return l.ForRequest(ctx, "req-1", a, n) }),
		where(func(e Entry) bool { return e.RequestID == "req-1" }))
	check("ForSubject(vol-1)", pages(func(a string, n int) ([]Entry, bool, error) { return l.ForSubject(ctx, "vol-1", a, n) }),
		where(func(e Entry) bool { return e.Subject == "vol-1" }))
	list := func(f Filter) []Entry {
		return pages(func(a string, n int) ([]Entry, bool, error) { return l.List(ctx, f, a, n) })
	}
	check("List(GM0363)", list(Filter{Municipality: "GM0363"}), where(func(e Entry) bool { return e.Municipality == "GM0363" }))
	check("List(GM0599, acct-0)", list(Filter{Municipality: "GM0599", Actor: "acct-0"}),
		where(func(e Entry) bool { return e.Municipality == "GM0599" && e.Actor == "acct-0" }))
	// From is inclusive, To exclusive; a bound between two milliseconds
	// rounds up.
	from, to := t0.Add(6*time.Hour), t0.Add(17*time.Hour) // entries 7 and 18, both in GM0363
	check("List(GM0363, 6h-17h)", list(Filter{Municipality: "GM0363", From: from, To: to}),
		where(func(e Entry) bool { return e.Municipality == "GM0363" && !e.At.Before(from) && e.At.Before(to) }))
	check("List(GM0363, 6h+1µs-17h-1µs)", list(Filter{Municipality: "GM0363", From: from.Add(time.Microsecond), To: to.Add(-time.Microsecond)}),
		where(func(e Entry) bool { return e.Municipality == "GM0363" && e.At.After(from) && e.At.Before(to) }))
	check("List(GM0363, from 20h)", list(Filter{Municipality: "GM0363", From: t0.Add(20 * time.Hour).In(time.FixedZone("X", 7200))}),
		where(func(e Entry) bool { return e.Municipality == "GM0363" && !e.At.Before(t0.Add(20*time.Hour)) }))

	if page, more, err := l.ForRequest(ctx, "req-none", "", 10); err != nil || more || len(page) != 0 {
		t.Errorf("ForRequest(unknown) = %v, %v, %v; want nothing", page, more, err)
	}
	refused := map[string]func() error{
		"List without municipality": func() error { _, _, err := l.List(ctx, Filter{Actor: "acct-0"}, "", 10); return err },
		"List with from after to": func() error {
			_, _, err := l.List(ctx, Filter{Municipality: "GM0363", From: to, To: from}, "", 10)
			return err
		},
		"ForRequest with operator": func() error { _, _, err := l.ForRequest(ctx, "$gt", "", 10); return err },
		"ForSubject without id":    func() error { _, _, err := l.ForSubject(ctx, "", "", 10); return err },
		"bad cursor":               func() error { _, _, err := l.ForRequest(ctx, "req-1", "acc-1", 10); return err },
		"limit 0":                  func() error { _, _, err := l.ForRequest(ctx, "req-1", "", 0); return err },
		"limit 1001":               func() error { _, _, err := l.ForRequest(ctx, "req-1", "", 1001); return err },
	}
	for name, call := range refused {
		if err := call(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s = %v; want ErrInvalid", name, err)
		}
	}
}

func seqs(es []Entry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}
