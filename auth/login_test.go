package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "jan@example.org", RoleResident)
	got, err := e.accounts.Authenticate(ctx, " JAN@example.org", goodPassword)
	if err != nil || got.ID != acc.ID {
		t.Fatalf("Authenticate(right) = %v, %v", got.ID, err)
	}
	for name, c := range map[string][2]string{
		"wrong password": {"jan@example.org", "wrong horse battery"},
		"unknown e-mail": {"nobody@example.org", goodPassword},
		"empty":          {"", ""},
		"huge password":  {"jan@example.org", strings.Repeat("x", 5000)},
	} {
		if _, err := e.accounts.Authenticate(ctx, c[0], c[1]); !errors.Is(err, ErrInvalidCredentials) {
			t.Errorf("%s: Authenticate = %v; want ErrInvalidCredentials", name, err)
		}
	}
	if err := e.accounts.SetDisabled(ctx, acc.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.accounts.Authenticate(ctx, "jan@example.org", goodPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("Authenticate(disabled) = %v; want ErrInvalidCredentials", err)
	}
	// Logins of a disabled account are not counted towards a lock.
	got, _ = e.accounts.Get(ctx, acc.ID)
	if got.FailedLogins != 1 {
		t.Errorf("failed logins = %d; want 1 (the wrong password only)", got.FailedLogins)
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "kees@example.org", RoleResident)
	for i := 1; i <= 4; i++ {
		if _, err := e.accounts.Authenticate(ctx, "kees@example.org", "wrong horse battery"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v; want ErrInvalidCredentials", i, err)
		}
		e.clock.Advance(time.Minute)
	}
	_, err := e.accounts.Authenticate(ctx, "kees@example.org", "wrong horse battery")
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("fifth failure = %v; want a LockedError", err)
	}
	wantUntil := e.clock.Now().Add(15 * time.Minute)
	if !le.Until.Equal(wantUntil) {
		t.Errorf("locked until %v; want %v", le.Until, wantUntil)
	}
	if _, err := e.accounts.Authenticate(ctx, "kees@example.org", goodPassword); !errors.As(err, &le) {
		t.Errorf("right password while locked = %v; want ErrLocked", err)
	}
	e.clock.Advance(14 * time.Minute)
	if _, err := e.accounts.Authenticate(ctx, "kees@example.org", goodPassword); !errors.Is(err, ErrLocked) {
		t.Errorf("after 14 minutes = %v; want still ErrLocked", err)
	}
	e.clock.Advance(time.Minute)
	got, err := e.accounts.Authenticate(ctx, "kees@example.org", goodPassword)
	if err != nil {
		t.Fatalf("after the lock = %v", err)
	}
	if got.FailedLogins != 0 || got.LockedUntil != nil || got.FirstFailureAt != nil {
		t.Errorf("after a success: %+v; want the lockout state cleared", got)
	}
	stored, _ := e.accounts.Get(ctx, acc.ID)
	if stored.FailedLogins != 0 || stored.LockedUntil != nil {
		t.Errorf("stored after a success: %+v", stored)
	}
}

func TestLockoutWindowAndReset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	e.mustCreate(t, "lotte@example.org", RoleResident)
	fail := func(n int) {
		t.Helper()
		for range n {
			if _, err := e.accounts.Authenticate(ctx, "lotte@example.org", "wrong horse battery"); !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("failure = %v; want ErrInvalidCredentials", err)
			}
		}
	}
	// Failures spread over more than the window never lock.
	fail(4)
	e.clock.Advance(16 * time.Minute)
	fail(4)
	// A success resets the count.
	if _, err := e.accounts.Authenticate(ctx, "lotte@example.org", goodPassword); err != nil {
		t.Fatal(err)
	}
	fail(4)
	if _, err := e.accounts.Authenticate(ctx, "lotte@example.org", goodPassword); err != nil {
		t.Errorf("after 4+4 failures around a success = %v; want no lock", err)
	}
	// A configured lockout applies; MaxFailures 0 switches it off.
	e.accounts.Lockout = Lockout{MaxFailures: 2, Window: time.Minute, Duration: time.Hour}
	fail(1)
	if _, err := e.accounts.Authenticate(ctx, "lotte@example.org", "wrong horse battery"); !errors.Is(err, ErrLocked) {
		t.Errorf("second failure with MaxFailures 2 = %v; want ErrLocked", err)
	}
	e.clock.Advance(time.Hour)
	e.accounts.Lockout = Lockout{}
	fail(10)
}

// TestRehashOnLogin: an account hashed with other parameters is rehashed
// with the configured ones at its next login.
func TestRehashOnLogin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "mila@example.org", RoleResident)
	stronger := Params{Memory: 128, Time: 2, Threads: 1}
	upgraded := NewAccounts(e.st, stronger, e.clock.Now)
	if _, err := upgraded.Authenticate(ctx, "mila@example.org", goodPassword); err != nil {
		t.Fatal(err)
	}
	got, _ := upgraded.Get(ctx, acc.ID)
	if got.PasswordHash == acc.PasswordHash || !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
		t.Errorf("hash after login = %q; want rehashed with m=128,t=2", got.PasswordHash)
	}
	if got.SessionEpoch != acc.SessionEpoch {
		t.Error("a rehash ended the sessions")
	}
	if _, err := upgraded.Authenticate(ctx, "mila@example.org", goodPassword); err != nil {
		t.Errorf("login after the rehash = %v", err)
	}
	again, _ := upgraded.Get(ctx, acc.ID)
	if again.Version != got.Version {
		t.Errorf("a login needing nothing wrote the account (version %d -> %d)", got.Version, again.Version)
	}
}

// TestUnknownEmailCostsAHash: a login with an unknown address takes about
// as long as an argon2 verification, so timing does not tell whether the
// address has an account.
func TestUnknownEmailCostsAHash(t *testing.T) {
	// Not parallel: it compares two timings, which tests running beside
	// it would skew.
	ctx := context.Background()
	st := openStore(t)
	slow := Params{Memory: 16 * 1024, Time: 3, Threads: 1}
	a := NewAccounts(st, slow, nil)
	h, err := Hash(goodPassword, slow)
	if err != nil {
		t.Fatal(err)
	}
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	_, _ = a.Authenticate(ctx, "warm@example.org", "x") // makes the dummy hash
	// The fastest of each, taken in turns, so that the load of whatever
	// else runs on the machine (other packages' tests) weighs on both.
	verifyTime, unknownTime := time.Duration(1<<62), time.Duration(1<<62)
	for range 5 {
		verifyTime = min(verifyTime, timed(func() { _, _, _ = verify("wrong horse battery", h, slow) }))
		unknownTime = min(unknownTime, timed(func() { _, _ = a.Authenticate(ctx, "nobody@example.org", "wrong horse battery") }))
	}
	if unknownTime < verifyTime*7/10 {
		t.Errorf("login with an unknown address took %v, a verification %v; want at least 70%%", unknownTime, verifyTime)
	}
}
