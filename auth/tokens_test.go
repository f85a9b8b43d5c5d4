package auth

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/store/storetest"
)

func newTokens(e *env) *Tokens {
	scopes := []string{"options:read", "options:write", "requests:read"}
	return NewTokens(e.accounts, func(s string) bool { return slices.Contains(scopes, s) })
}

func TestIssueAndLookup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	tokens := newTokens(e)
	acc := e.mustCreate(t, "tom@example.org", RoleOrganiser)
	secret, tok, err := tokens.Issue(ctx, acc.ID, " agenda sync ", []string{"options:write", "options:read", "options:write"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "dbt_") || len(secret) != 4+43 {
		t.Errorf("secret %q; want dbt_ and 43 characters", secret)
	}
	if tok.Hash != sha256Hex(secret) || tok.ID != tok.Hash[:16] || tok.Name != "agenda sync" || tok.AccountID != acc.ID {
		t.Errorf("token %+v", tok)
	}
	if !slices.Equal(tok.Scopes, []string{"options:read", "options:write"}) || !tok.HasScope("options:write") || tok.HasScope("requests:read") {
		t.Errorf("scopes %v; want deduplicated and sorted", tok.Scopes)
	}
	js, _ := json.Marshal(tok)
	if strings.Contains(string(js), tok.Hash) || !strings.Contains(string(js), `"id":"`+tok.ID+`"`) {
		t.Errorf("JSON %s: want the public id and not the hash", js)
	}
	// Stored under the hash; the secret is nowhere.
	stored := storetest.Collection(t, e.st, "api_tokens")
	var doc map[string]any
	if !stored.Get(tok.Hash, &doc) {
		t.Fatal("no token stored under its hash")
	}
	if doc["public_id"] != tok.ID {
		t.Errorf("stored %v; want public_id", doc)
	}
	if raw := stored.Bytes(tok.Hash); strings.Contains(string(raw), secret[4:]) {
		t.Error("the stored token holds its secret")
	}
	gotTok, gotAcc, err := tokens.Lookup(ctx, secret)
	if err != nil || gotTok.ID != tok.ID || gotAcc.ID != acc.ID {
		t.Fatalf("Lookup = %+v, %v, %v", gotTok, gotAcc.ID, err)
	}
	if gotTok.LastUsedAt == nil || !gotTok.LastUsedAt.Equal(e.clock.Now()) {
		t.Errorf("LastUsedAt = %v; want now", gotTok.LastUsedAt)
	}
}

func TestIssueValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	tokens := newTokens(e)
	acc := e.mustCreate(t, "uma@example.org", RoleOrganiser)
	past := e.clock.Now().Add(-time.Second)
	cases := []struct {
		name, token string
		scopes      []string
		exp         *time.Time
		field       string
	}{
		{"no name", " ", []string{"options:read"}, nil, "name"},
		{"long name", strings.Repeat("n", 101), []string{"options:read"}, nil, "name"},
		{"control", "a\nb", []string{"options:read"}, nil, "name"},
		{"no scopes", "x", nil, nil, "scopes"},
		{"unknown scope", "x", []string{"options:read", "admin"}, nil, "scopes"},
		{"past expiry", "x", []string{"options:read"}, &past, "expires_at"},
	}
	for _, c := range cases {
		var fe *FieldError
		if _, _, err := tokens.Issue(ctx, acc.ID, c.token, c.scopes, c.exp); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: Issue = %v; want a FieldError on %s", c.name, err, c.field)
		}
	}
	if _, _, err := tokens.Issue(ctx, "6b0300000000000000000099", "x", []string{"options:read"}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Issue(unknown account) = %v; want ErrNotFound", err)
	}
	none := NewTokens(e.accounts, nil)
	if _, _, err := none.Issue(ctx, acc.ID, "x", []string{"options:read"}, nil); err == nil {
		t.Error("Issue without a scope check succeeded")
	}
}

func TestLookupRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	tokens := newTokens(e)
	acc := e.mustCreate(t, "victor@example.org", RoleOrganiser)
	issue := func(exp *time.Time) (string, Token) {
		t.Helper()
		s, tok, err := tokens.Issue(ctx, acc.ID, "t", []string{"options:read"}, exp)
		if err != nil {
			t.Fatal(err)
		}
		return s, tok
	}
	good, _ := issue(nil)
	unknown, _ := newSecret()
	for _, s := range []string{"", "dbt_", "dbt_x", good[4:], "xyz_" + good[4:], good + "A", good[:len(good)-1] + "!", "dbt_" + unknown, strings.ToUpper(good)} {
		if _, _, err := tokens.Lookup(ctx, s); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("Lookup(%q) = %v; want ErrTokenInvalid", s, err)
		}
	}
	in := e.clock.Now().Add(time.Hour)
	expiring, _ := issue(&in)
	revoked, revokedTok := issue(nil)
	if err := tokens.Revoke(ctx, acc.ID, revokedTok.ID); err != nil {
		t.Fatal(err)
	}
	if err := tokens.Revoke(ctx, acc.ID, revokedTok.ID); err != nil {
		t.Errorf("second Revoke = %v; want nil", err)
	}
	if _, _, err := tokens.Lookup(ctx, revoked); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("Lookup(revoked) = %v; want ErrTokenInvalid", err)
	}
	if _, _, err := tokens.Lookup(ctx, expiring); err != nil {
		t.Errorf("Lookup(not yet expired) = %v", err)
	}
	e.clock.Advance(time.Hour)
	if _, _, err := tokens.Lookup(ctx, expiring); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("Lookup(expired) = %v; want ErrTokenInvalid", err)
	}
	if _, _, err := tokens.Lookup(ctx, good); err != nil {
		t.Errorf("Lookup(good) = %v", err)
	}
	if err := e.accounts.SetDisabled(ctx, acc.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tokens.Lookup(ctx, good); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("Lookup(disabled account) = %v; want ErrTokenInvalid", err)
	}
	if err := e.accounts.SetDisabled(ctx, acc.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tokens.Lookup(ctx, good); err != nil {
		t.Errorf("Lookup(re-enabled account) = %v", err)
	}
}

func TestRevokeAndList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	tokens := newTokens(e)
	acc := e.mustCreate(t, "wim@example.org", RoleOrganiser)
	other := e.mustCreate(t, "xander@example.org", RoleOrganiser)
	var ids []string
	for _, name := range []string{"one", "two", "three"} {
		_, tok, err := tokens.Issue(ctx, acc.ID, name, []string{"options:read"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tok.ID)
		e.clock.Advance(time.Second)
	}
	if _, _, err := tokens.Issue(ctx, other.ID, "theirs", []string{"options:read"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ids[1][:15], "zzzzzzzzzzzzzzzz", strings.ToUpper(ids[1]), "0000000000000000"} {
		if err := tokens.Revoke(ctx, acc.ID, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Revoke(%q) = %v; want ErrNotFound", id, err)
		}
	}
	if err := tokens.Revoke(ctx, other.ID, ids[1]); !errors.Is(err, ErrNotFound) {
		t.Errorf("Revoke by another account = %v; want ErrNotFound", err)
	}
	if err := tokens.Revoke(ctx, acc.ID, ids[1]); err != nil {
		t.Fatal(err)
	}
	list, err := tokens.List(ctx, acc.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v; want 3 tokens", list, err)
	}
	for i, tok := range list {
		if tok.ID != ids[i] {
			t.Errorf("List[%d] = %s; want %s (oldest first)", i, tok.ID, ids[i])
		}
		if revoked := tok.RevokedAt != nil; revoked != (i == 1) {
			t.Errorf("List[%d] revoked = %v", i, revoked)
		}
	}
	if list, _ := tokens.List(ctx, other.ID); len(list) != 1 || list[0].Name != "theirs" {
		t.Errorf("List(other) = %v", list)
	}
}

// TestLastUsedIsThrottled: a token used often is written at most once a
// minute.
func TestLastUsedIsThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	tokens := newTokens(e)
	acc := e.mustCreate(t, "yara@example.org", RoleOrganiser)
	secret, tok, err := tokens.Issue(ctx, acc.ID, "t", []string{"options:read"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored := func() time.Time {
		t.Helper()
		var cur Token
		if !storetest.Collection(t, e.st, "api_tokens").Get(tok.Hash, &cur) || cur.LastUsedAt == nil {
			t.Fatalf("stored token %+v", cur)
		}
		return *cur.LastUsedAt
	}
	first := e.clock.Now()
	if _, _, err := tokens.Lookup(ctx, secret); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(59 * time.Second)
	got, _, err := tokens.Lookup(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if !stored().Equal(first) || !got.LastUsedAt.Equal(first) {
		t.Errorf("last used %v after 59 s; want unchanged %v", stored(), first)
	}
	e.clock.Advance(time.Second)
	if _, _, err := tokens.Lookup(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if want := first.Add(time.Minute); !stored().Equal(want) {
		t.Errorf("last used %v after a minute; want %v", stored(), want)
	}
}
