package auth

import (
	"context"
	"testing"
	"time"
)

// TestRecentReads: an account or a session read a moment ago answers from
// memory; a change through the same Accounts or SessionStorage shows at
// once, one through another (another process) once recentTTL passed.
func TestRecentReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newClock()
	st := openStore(t)
	here, elsewhere := NewAccounts(st, testParams, clock.Now), NewAccounts(st, testParams, clock.Now)
	acc, err := here.Create(ctx, NewAccount{Email: "anna@example.org", Password: "correct horse battery", Role: RoleResident, Municipality: "GM0363", Name: "Anna"})
	if err != nil {
		t.Fatal(err)
	}
	name := func() string {
		t.Helper()
		got, err := here.Get(ctx, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Name
	}
	if got := name(); got != "Anna" {
		t.Fatalf("name = %q", got)
	}
	rename := func(a *Accounts, to string) {
		t.Helper()
		if _, err := a.Update(ctx, acc.ID, func(a *Account) error { a.Name = to; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	rename(here, "Anna B.")
	if got := name(); got != "Anna B." {
		t.Errorf("after a change through the same Accounts: %q; want it at once", got)
	}
	rename(elsewhere, "Anna C.")
	if got := name(); got != "Anna B." {
		t.Errorf("right after a change elsewhere: %q; want the value read a moment ago", got)
	}
	clock.Advance(recentTTL)
	if got := name(); got != "Anna C." {
		t.Errorf("after recentTTL: %q; want the change made elsewhere", got)
	}

	sessions, other := NewSessionStorage(st, clock.Now), NewSessionStorage(st, clock.Now)
	if err := sessions.Set("s1", []byte("one"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if v, _ := sessions.Get("s1"); string(v) != "one" {
		t.Fatalf("session = %q", v)
	}
	if err := other.Delete("s1"); err != nil { // signed out through another process
		t.Fatal(err)
	}
	if v, _ := sessions.Get("s1"); string(v) != "one" {
		t.Errorf("right after a sign-out elsewhere: %q; want the value read a moment ago", v)
	}
	clock.Advance(recentTTL)
	if v, _ := sessions.Get("s1"); v != nil {
		t.Errorf("after recentTTL: %q; want the session gone", v)
	}
	if err := sessions.Set("s2", []byte("two"), time.Hour); err != nil {
		t.Fatal(err)
	}
	sessions.Get("s2")
	if err := sessions.Delete("s2"); err != nil {
		t.Fatal(err)
	}
	if v, _ := sessions.Get("s2"); v != nil {
		t.Errorf("after a sign-out through the same storage: %q; want none at once", v)
	}
}
