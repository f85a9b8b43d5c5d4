package auth

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store/storetest"
)

const baseURL = "https://dichtbij.example.org/"

var linkRE = regexp.MustCompile(`https://dichtbij\.example\.org/reset\?token=([A-Za-z0-9_-]+)`)

// resetSecret starts a reset for email and returns the secret from the
// link in the newest outbox message.
func (e *env) resetSecret(t *testing.T, email string) string {
	t.Helper()
	ctx := context.Background()
	if err := e.accounts.StartReset(ctx, email, baseURL); err != nil {
		t.Fatalf("StartReset = %v", err)
	}
	msgs, _, err := e.accounts.Outbox().List(ctx, "", 1000)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("outbox = %v, %v; want the reset message", msgs, err)
	}
	m := msgs[len(msgs)-1]
	if m.To != normaliseEmail(email) || m.Subject == "" {
		t.Errorf("message %+v; want one to %s", m, email)
	}
	match := linkRE.FindStringSubmatch(m.Body)
	if match == nil {
		t.Fatalf("message body has no reset link:\n%s", m.Body)
	}
	return match[1]
}

func TestResetFlow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "nina@example.org", RoleResident)
	secret := e.resetSecret(t, "Nina@Example.org")
	if len(secret) != 43 {
		t.Errorf("secret %q: want 43 characters (32 bytes)", secret)
	}
	// Only the hash is stored.
	var doc map[string]any
	if !storetest.Collection(t, e.st, "password_resets").Any(nil, &doc) {
		t.Fatal("no reset link stored")
	}
	if doc["_id"] != sha256Hex(secret) || doc["account_id"] != acc.ID {
		t.Errorf("stored reset %v; want _id = sha256(secret)", doc)
	}
	for k, v := range doc {
		if s, ok := v.(string); ok && strings.Contains(s, secret) {
			t.Errorf("field %s holds the secret", k)
		}
	}
	if err := e.accounts.FinishReset(ctx, secret, "my new password!"); err != nil {
		t.Fatalf("FinishReset = %v", err)
	}
	if _, err := e.accounts.Authenticate(ctx, "nina@example.org", goodPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("old password after reset = %v; want ErrInvalidCredentials", err)
	}
	got, err := e.accounts.Authenticate(ctx, "nina@example.org", "my new password!")
	if err != nil || got.SessionEpoch != acc.SessionEpoch+1 {
		t.Errorf("new password after reset = epoch %d, %v; want epoch bumped", got.SessionEpoch, err)
	}
	if err := e.accounts.FinishReset(ctx, secret, "another new password"); !errors.Is(err, ErrResetInvalid) {
		t.Errorf("second use of the link = %v; want ErrResetInvalid", err)
	}
}

func TestResetNoEnumeration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "olaf@example.org", RoleResident)
	if err := e.accounts.SetDisabled(ctx, acc.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"nobody@example.org", "olaf@example.org", "not an address"} {
		if err := e.accounts.StartReset(ctx, email, baseURL); err != nil {
			t.Errorf("StartReset(%q) = %v; want nil", email, err)
		}
	}
	if msgs, _, _ := e.accounts.Outbox().List(ctx, "", 10); len(msgs) != 0 {
		t.Errorf("outbox holds %d messages; want none for unknown or disabled accounts", len(msgs))
	}
	if n := storetest.Collection(t, e.st, "password_resets").Count(nil); n != 0 {
		t.Errorf("%d reset links stored; want 0", n)
	}
	var fe *FieldError
	for _, bad := range []string{"", "dichtbij.example.org", "javascript:alert(1)", "https://x.org/?a=b", "ftp://x.org"} {
		if err := e.accounts.StartReset(ctx, "nobody@example.org", bad); !errors.As(err, &fe) {
			t.Errorf("StartReset(base %q) = %v; want a FieldError", bad, err)
		}
	}
}

func TestResetExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	e.mustCreate(t, "pien@example.org", RoleResident)
	secret := e.resetSecret(t, "pien@example.org")
	e.clock.Advance(time.Hour)
	if err := e.accounts.FinishReset(ctx, secret, "my new password!"); !errors.Is(err, ErrResetExpired) {
		t.Errorf("FinishReset after an hour = %v; want ErrResetExpired", err)
	}
	if err := e.accounts.FinishReset(ctx, secret, "my new password!"); !errors.Is(err, ErrResetInvalid) {
		t.Errorf("FinishReset after expiry = %v; want ErrResetInvalid (the link was removed)", err)
	}
	e.accounts.ResetTTL = 10 * time.Minute
	secret = e.resetSecret(t, "pien@example.org")
	e.clock.Advance(9 * time.Minute)
	if err := e.accounts.FinishReset(ctx, secret, "my new password!"); err != nil {
		t.Errorf("FinishReset within a 10-minute TTL = %v", err)
	}
}

func TestResetWeakPasswordKeepsLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	e.mustCreate(t, "quinten@example.org", RoleResident)
	secret := e.resetSecret(t, "quinten@example.org")
	var fe *FieldError
	if err := e.accounts.FinishReset(ctx, secret, "weak"); !errors.As(err, &fe) || fe.Field != "password" {
		t.Fatalf("FinishReset(weak) = %v; want a password FieldError", err)
	}
	if err := e.accounts.FinishReset(ctx, secret, "a strong new password"); err != nil {
		t.Errorf("FinishReset after a weak attempt = %v; want the link still valid", err)
	}
}

func TestResetMalformedAndUnknown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	unknown, _ := newSecret()
	for _, s := range []string{"", "x", strings.Repeat("A", 43) + "=", strings.Repeat("!", 43), unknown, unknown[:42] + "\n"} {
		if err := e.accounts.FinishReset(ctx, s, "a strong new password"); !errors.Is(err, ErrResetInvalid) {
			t.Errorf("FinishReset(%q) = %v; want ErrResetInvalid", s, err)
		}
	}
}

// TestResetClearsLockoutAndVoidsOtherLinks: a reset lets a locked-out
// user in at once, and other links of the account stop working.
func TestResetClearsLockoutAndVoidsOtherLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	e.mustCreate(t, "roos@example.org", RoleResident)
	for range 5 {
		_, _ = e.accounts.Authenticate(ctx, "roos@example.org", "wrong horse battery")
	}
	if _, err := e.accounts.Authenticate(ctx, "roos@example.org", goodPassword); !errors.Is(err, ErrLocked) {
		t.Fatalf("after 5 failures = %v; want ErrLocked", err)
	}
	first := e.resetSecret(t, "roos@example.org")
	second := e.resetSecret(t, "roos@example.org")
	if err := e.accounts.FinishReset(ctx, second, "my new password!"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.accounts.Authenticate(ctx, "roos@example.org", "my new password!"); err != nil {
		t.Errorf("login after reset of a locked account = %v", err)
	}
	if err := e.accounts.FinishReset(ctx, first, "yet another password"); !errors.Is(err, ErrResetInvalid) {
		t.Errorf("older link after a reset = %v; want ErrResetInvalid", err)
	}
}

// TestResetSingleUse: 10 concurrent FinishResets with one link: exactly
// one sets its password.
func TestResetSingleUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	e.mustCreate(t, "sem@example.org", RoleResident)
	secret := e.resetSecret(t, "sem@example.org")
	const n = 10
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
		invalid int
		start   = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "new password number " + string(rune('a'+i))
			<-start
			err := e.accounts.FinishReset(ctx, secret, pw)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrResetInvalid):
				invalid++
			case err != nil:
				t.Errorf("FinishReset: %v", err)
			default:
				winners = append(winners, pw)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 || invalid != n-1 {
		t.Fatalf("%d resets succeeded, %d refused; want 1 and %d", len(winners), invalid, n-1)
	}
	got, err := e.accounts.Authenticate(ctx, "sem@example.org", winners[0])
	if err != nil || got.SessionEpoch != 1 {
		t.Errorf("login with the winner's password = epoch %d, %v; want epoch 1", got.SessionEpoch, err)
	}
}
