package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store"
	"github.com/dichtbij/dichtbij/store/storetest"
)

func TestRoles(t *testing.T) {
	t.Parallel()
	want := []string{"resident", "organiser", "social_worker", "coordinator", "admin"}
	if got := Roles(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Roles() = %v; want %v", got, want)
	}
	Roles()[0] = "changed"
	if !ValidRole(RoleResident) || ValidRole("changed") || ValidRole("") || ValidRole("Admin") {
		t.Error("ValidRole wrong, or Roles() shares its slice")
	}
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ok := NewAccount{Email: "anna@example.org", Password: goodPassword, Role: RoleResident, Municipality: "GM0344"}
	cases := []struct {
		name  string
		edit  func(*NewAccount)
		field string
	}{
		{"no email", func(n *NewAccount) { n.Email = " " }, "email"},
		{"not an address", func(n *NewAccount) { n.Email = "anna" }, "email"},
		{"display name", func(n *NewAccount) { n.Email = "Anna <anna@example.org>" }, "email"},
		{"two addresses", func(n *NewAccount) { n.Email = "a@example.org, b@example.org" }, "email"},
		{"no dotted domain", func(n *NewAccount) { n.Email = "anna@localhost" }, "email"},
		{"too long", func(n *NewAccount) { n.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".nl" }, "email"},
		{"weak password", func(n *NewAccount) { n.Password = "short" }, "password"},
		{"no role", func(n *NewAccount) { n.Role = "" }, "role"},
		{"unknown role", func(n *NewAccount) { n.Role = "root" }, "role"},
		{"no municipality", func(n *NewAccount) { n.Municipality = "" }, "municipality"},
		{"bad municipality", func(n *NewAccount) { n.Municipality = "GM344" }, "municipality"},
		{"lower-case municipality", func(n *NewAccount) { n.Municipality = "gm0344" }, "municipality"},
		{"team for a resident", func(n *NewAccount) { n.Team = "noord" }, "team"},
		{"bad team", func(n *NewAccount) { n.Role, n.Team = RoleSocialWorker, "no spaces" }, "team"},
		{"control in name", func(n *NewAccount) { n.Name = "Anna\x00" }, "name"},
		{"long name", func(n *NewAccount) { n.Name = strings.Repeat("x", 201) }, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := ok
			c.edit(&n)
			_, err := e.accounts.Create(context.Background(), n)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field {
				t.Errorf("Create = %v; want a FieldError on %s", err, c.field)
			}
		})
	}
	if n, _ := e.accounts.accounts.Count(context.Background()); n != 0 {
		t.Errorf("%d accounts stored after invalid creates; want 0", n)
	}
}

func TestCreateAndRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc, err := e.accounts.Create(ctx, NewAccount{Email: "  Bram.de.Vries@Example.ORG ", Password: goodPassword,
		Role: RoleSocialWorker, Municipality: "GM0363", Team: "oost-2", Name: " Bram "})
	if err != nil {
		t.Fatal(err)
	}
	if len(acc.ID) != 24 || acc.Version != 1 || acc.Email != "bram.de.vries@example.org" || acc.Name != "Bram" || acc.CreatedAt.IsZero() {
		t.Errorf("Create = %+v", acc)
	}
	if ok, _, err := verify(goodPassword, acc.PasswordHash, testParams); !ok || err != nil {
		t.Errorf("stored hash does not verify the password: %v", err)
	}
	got, err := e.accounts.Get(ctx, acc.ID)
	if err != nil || got != acc {
		t.Errorf("Get = %+v, %v; want %+v", got, err, acc)
	}
	got, err = e.accounts.ByEmail(ctx, "BRAM.de.vries@example.org")
	if err != nil || got.ID != acc.ID {
		t.Errorf("ByEmail = %+v, %v", got, err)
	}
	if _, err := e.accounts.ByEmail(ctx, "nobody@example.org"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ByEmail(unknown) = %v; want ErrNotFound", err)
	}
	if _, err := e.accounts.Get(ctx, "6b0300000000000000000099"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(unknown) = %v; want ErrNotFound", err)
	}
	js, _ := json.Marshal(acc)
	for _, want := range []string{`"id":"` + acc.ID + `"`, `"email":"bram.de.vries@example.org"`, `"role":"social_worker"`, `"municipality":"GM0363"`, `"team":"oost-2"`, `"session_epoch":0`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON %s lacks %s", js, want)
		}
	}
	if strings.Contains(string(js), "argon2") || strings.Contains(string(js), "password") {
		t.Errorf("JSON %s shows the password hash", js)
	}
	if _, err := e.accounts.Create(ctx, NewAccount{Email: "BRAM.DE.VRIES@example.org", Password: goodPassword, Role: RoleResident, Municipality: "GM0363"}); !errors.Is(err, ErrEmailTaken) {
		t.Errorf("second Create with the address = %v; want ErrEmailTaken", err)
	}
	admin, err := e.accounts.Create(ctx, NewAccount{Email: "admin@example.org", Password: goodPassword, Role: RoleAdmin})
	if err != nil || admin.Municipality != "" {
		t.Errorf("Create(admin without municipality) = %+v, %v", admin, err)
	}
}

// TestConcurrentSignups: 20 sign-ups with one address at once make one
// account; the others get ErrEmailTaken.
func TestConcurrentSignups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	const n = 20
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []Account
		taken   int
		start   = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			acc, err := e.accounts.Create(ctx, NewAccount{Email: "same@example.org", Password: goodPassword,
				Role: RoleResident, Municipality: "GM0344", Name: fmt.Sprint("signup ", i)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrEmailTaken):
				taken++
			case err != nil:
				t.Errorf("Create: %v", err)
			default:
				winners = append(winners, acc)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 || taken != n-1 {
		t.Fatalf("%d accounts created, %d refused; want 1 and %d", len(winners), taken, n-1)
	}
	if count, _ := e.accounts.accounts.Count(ctx); count != 1 {
		t.Errorf("%d accounts stored; want 1", count)
	}
	got, err := e.accounts.ByEmail(ctx, "same@example.org")
	if err != nil || got.ID != winners[0].ID {
		t.Errorf("ByEmail = %v, %v; want the winner %s", got.ID, err, winners[0].ID)
	}
}

// TestCreateReleasesClaim: when the account cannot be stored after its
// address was claimed, the claim goes too, and the address stays free.
func TestCreateReleasesClaim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	broken := errors.New("disk on fire")
	e.accounts.insertAccount = func(context.Context, Account) error { return broken }
	n := NewAccount{Email: "cas@example.org", Password: goodPassword, Role: RoleResident, Municipality: "GM0344"}
	if _, err := e.accounts.Create(ctx, n); !errors.Is(err, broken) {
		t.Fatalf("Create with a failing insert = %v; want the insert's error", err)
	}
	if cnt := storetest.Collection(t, e.st, "account_emails").Count(nil); cnt != 0 {
		t.Errorf("%d e-mail claims left; want 0", cnt)
	}
	e.accounts.insertAccount = e.accounts.accounts.Insert
	if _, err := e.accounts.Create(ctx, n); err != nil {
		t.Errorf("Create after the failure = %v; want the address free", err)
	}
}

// TestStaleClaimIsTakenOver: a claim left without its account (a crash
// between the two writes) blocks the address for a minute only.
func TestStaleClaimIsTakenOver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	orphan := store.EmailClaim{Email: "dirk@example.org", AccountID: "6b0300000000000000000042", ClaimedAt: e.clock.Now()}
	if err := e.st.Accounts().ClaimEmail(ctx, orphan); err != nil {
		t.Fatal(err)
	}
	n := NewAccount{Email: "dirk@example.org", Password: goodPassword, Role: RoleResident, Municipality: "GM0344"}
	if _, err := e.accounts.Create(ctx, n); !errors.Is(err, ErrEmailTaken) {
		t.Fatalf("Create over a fresh claim = %v; want ErrEmailTaken", err)
	}
	e.clock.Advance(2 * time.Minute)
	acc, err := e.accounts.Create(ctx, n)
	if err != nil {
		t.Fatalf("Create over a stale claim = %v", err)
	}
	if got, err := e.accounts.ByEmail(ctx, "dirk@example.org"); err != nil || got.ID != acc.ID {
		t.Errorf("ByEmail = %v, %v; want %s", got.ID, err, acc.ID)
	}
	// A claim with a live account is never taken over, however old.
	e.clock.Advance(time.Hour)
	if _, err := e.accounts.Create(ctx, n); !errors.Is(err, ErrEmailTaken) {
		t.Errorf("Create over a live account's claim = %v; want ErrEmailTaken", err)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	var utrecht []string
	for i := range 5 {
		mun := "GM0344"
		if i%2 == 1 {
			mun = "GM0363"
		}
		acc, err := e.accounts.Create(ctx, NewAccount{Email: fmt.Sprintf("u%d@example.org", i), Password: goodPassword, Role: RoleResident, Municipality: mun})
		if err != nil {
			t.Fatal(err)
		}
		if mun == "GM0344" {
			utrecht = append(utrecht, acc.ID)
		}
	}
	page, more, err := e.accounts.List(ctx, "GM0344", "", 2)
	if err != nil || !more || len(page) != 2 || page[0].ID != utrecht[0] || page[1].ID != utrecht[1] {
		t.Fatalf("List page 1 = %v, %v, %v", page, more, err)
	}
	page, more, err = e.accounts.List(ctx, "GM0344", page[1].ID, 2)
	if err != nil || more || len(page) != 1 || page[0].ID != utrecht[2] {
		t.Errorf("List page 2 = %v, %v, %v", page, more, err)
	}
	all, _, err := e.accounts.List(ctx, "", "", 100)
	if err != nil || len(all) != 5 {
		t.Errorf("List(all) = %d, %v; want 5", len(all), err)
	}
	var fe *FieldError
	if _, _, err := e.accounts.List(ctx, "$gt", "", 10); !errors.As(err, &fe) {
		t.Errorf("List($gt) = %v; want a FieldError", err)
	}
	if _, _, err := e.accounts.List(ctx, "", "", 0); err == nil {
		t.Error("List(limit 0) succeeded")
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "eva@example.org", RoleResident)
	got, err := e.accounts.Update(ctx, acc.ID, func(a *Account) error { a.Name = " Eva "; return nil })
	if err != nil || got.Name != "Eva" || got.Version != 2 || got.SessionEpoch != acc.SessionEpoch {
		t.Fatalf("Update(name) = %+v, %v; want name Eva, version 2, same epoch", got, err)
	}
	got, err = e.accounts.Update(ctx, acc.ID, func(a *Account) error { a.Role, a.Team = RoleSocialWorker, "west"; return nil })
	if err != nil || got.Role != RoleSocialWorker || got.SessionEpoch != acc.SessionEpoch+1 {
		t.Errorf("Update(role) = %+v, %v; want the epoch bumped", got, err)
	}
	for name, fn := range map[string]func(*Account){
		"email":   func(a *Account) { a.Email = "other@example.org" },
		"hash":    func(a *Account) { a.PasswordHash = "x" },
		"id":      func(a *Account) { a.ID = "6b0300000000000000000001" },
		"version": func(a *Account) { a.Version = 99 },
	} {
		if _, err := e.accounts.Update(ctx, acc.ID, func(a *Account) error { fn(a); return nil }); err == nil {
			t.Errorf("Update changing the %s succeeded", name)
		}
	}
	var fe *FieldError
	if _, err := e.accounts.Update(ctx, acc.ID, func(a *Account) error { a.Role = "root"; return nil }); !errors.As(err, &fe) {
		t.Errorf("Update(role root) = %v; want a FieldError", err)
	}
	stop := errors.New("stop")
	if _, err := e.accounts.Update(ctx, acc.ID, func(*Account) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Update = %v; want fn's error", err)
	}
	final, _ := e.accounts.Get(ctx, acc.ID)
	if final.Version != 3 || final.Email != acc.Email {
		t.Errorf("after refused updates: %+v; want version 3", final)
	}
	if _, err := e.accounts.Update(ctx, "6b0300000000000000000099", func(*Account) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update(unknown) = %v; want ErrNotFound", err)
	}
}

// TestConcurrentUpdatesAreNotLost: 10 concurrent increments of one
// account's epoch all land (each writer holds its version's lock).
func TestConcurrentUpdatesAreNotLost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "fenna@example.org", RoleResident)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.accounts.Update(ctx, acc.ID, func(a *Account) error { a.SessionEpoch++; return nil }); err != nil {
				t.Errorf("Update: %v", err)
			}
		}()
	}
	wg.Wait()
	got, _ := e.accounts.Get(ctx, acc.ID)
	if got.SessionEpoch != 10 || got.Version != 11 {
		t.Errorf("after 10 increments: epoch %d, version %d; want 10, 11", got.SessionEpoch, got.Version)
	}
}

func TestSetPasswordAndDisabled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "gijs@example.org", RoleResident)
	var fe *FieldError
	if err := e.accounts.SetPassword(ctx, acc.ID, "tooshort"); !errors.As(err, &fe) {
		t.Errorf("SetPassword(weak) = %v; want a FieldError", err)
	}
	if err := e.accounts.SetPassword(ctx, acc.ID, "a brand new password"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.accounts.Get(ctx, acc.ID)
	if got.SessionEpoch != 1 {
		t.Errorf("epoch after SetPassword = %d; want 1", got.SessionEpoch)
	}
	if _, err := e.accounts.Authenticate(ctx, "gijs@example.org", "a brand new password"); err != nil {
		t.Errorf("login with the new password = %v", err)
	}
	if err := e.accounts.SetDisabled(ctx, acc.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.SetDisabled(ctx, acc.ID, true); err != nil {
		t.Fatal(err)
	}
	got, _ = e.accounts.Get(ctx, acc.ID)
	if !got.Disabled || got.SessionEpoch != 2 {
		t.Errorf("after disabling twice: disabled %v, epoch %d; want true, 2", got.Disabled, got.SessionEpoch)
	}
	if err := e.accounts.SetDisabled(ctx, "6b0300000000000000000099", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetDisabled(unknown) = %v; want ErrNotFound", err)
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	acc := e.mustCreate(t, "hanna@example.org", RoleOrganiser)
	other := e.mustCreate(t, "ilse@example.org", RoleOrganiser)
	tokens := NewTokens(e.accounts, func(string) bool { return true })
	secret, _, err := tokens.Issue(ctx, acc.ID, "sync", []string{"read"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, revoked, err := tokens.Issue(ctx, acc.ID, "old", []string{"read"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tokens.Revoke(ctx, acc.ID, revoked.ID); err != nil {
		t.Fatal(err)
	}
	otherSecret, _, err := tokens.Issue(ctx, other.ID, "sync", []string{"read"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.StartReset(ctx, "hanna@example.org", "https://dichtbij.example.org"); err != nil {
		t.Fatal(err)
	}
	if err := e.accounts.Delete(ctx, acc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.accounts.Get(ctx, acc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v; want ErrNotFound", err)
	}
	if _, _, err := tokens.Lookup(ctx, secret); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("Lookup of a deleted account's token = %v; want ErrTokenInvalid", err)
	}
	for _, c := range []string{"api_tokens", "api_tokens_revoked", "password_resets"} {
		if n := storetest.Collection(t, e.st, c).Count(map[string]any{"account_id": acc.ID}); n != 0 {
			t.Errorf("%d documents of the deleted account left in %s", n, c)
		}
	}
	if _, _, err := tokens.Lookup(ctx, otherSecret); err != nil {
		t.Errorf("another account's token after Delete = %v", err)
	}
	if err := e.accounts.Delete(ctx, acc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete = %v; want ErrNotFound", err)
	}
	again, err := e.accounts.Create(ctx, NewAccount{Email: "hanna@example.org", Password: goodPassword, Role: RoleResident, Municipality: "GM0344"})
	if err != nil || again.ID == acc.ID {
		t.Errorf("Create with a deleted account's address = %v, %v; want a new account", again.ID, err)
	}
}
