// Package calendars owns dichtbij's iCalendar feeds as a service: which
// records a feed shows (active activities and provisions, an account's
// accepted and started referrals) and the personal feeds' secrets — made,
// rotated, revoked and resolved to their live owner, only their hashes
// stored. What goes into a feed's text is package ical's; the HTTP side
// (server) only sends the feeds. It knows neither Fiber nor the MongoDB
// driver, and refuses with a *NotFoundError.
package calendars

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/ical"
	"github.com/dichtbij/dichtbij/store"
)

// TokenPrefix starts every feed secret, so that a leaked one is
// recognisable and a malformed one is refused before any lookup.
const TokenPrefix = "dbc_"

// refresh is how often subscribers are asked to fetch a feed again.
const refresh = time.Hour

// NotFoundError means there is no such feed: no active record, or a feed
// secret that is malformed, unknown, revoked or whose account is gone.
type NotFoundError struct{ Detail string }

func (e *NotFoundError) Error() string { return e.Detail }

// Feeds makes the feeds and keeps the personal feeds' secrets.
type Feeds struct {
	st       *store.Store
	tokens   store.CalendarTokens
	accounts *auth.Accounts
	// baseURL is the portal's public address, without a trailing slash.
	baseURL string
	now     func() time.Time
}

// New returns the feeds of st; baseURL is the portal's public address.
func New(st *store.Store, accounts *auth.Accounts, baseURL string, now func() time.Time) *Feeds {
	return &Feeds{st: st, tokens: st.CalendarTokens(), accounts: accounts, baseURL: strings.TrimSuffix(baseURL, "/"), now: now}
}

// URL is the public address of path.
func (fs *Feeds) URL(path string) string { return fs.baseURL + path }

// Activity is an active activity's feed.
func (fs *Feeds) Activity(ctx context.Context, id string) (*ical.Feed, error) {
	a, err := fs.st.Activities().Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (a.Active == nil || !*a.Active)) {
		return nil, &NotFoundError{Detail: "no active activity " + id}
	}
	if err != nil {
		return nil, err
	}
	f := ical.NewFeed(a.Name, fs.now(), refresh)
	if err := f.AddActivity(a, ical.Event{URL: fs.URL("/api/v1/activities/" + a.ID + "/calendar.ics")}); err != nil {
		return nil, fmt.Errorf("calendars: activity %s: %w", a.ID, err)
	}
	return f, nil
}

// Provision is an active provision's opening hours.
func (fs *Feeds) Provision(ctx context.Context, id string) (*ical.Feed, error) {
	p, err := fs.st.Provisions().Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (p.Active == nil || !*p.Active)) {
		return nil, &NotFoundError{Detail: "no active provision " + id}
	}
	if err != nil {
		return nil, err
	}
	f := ical.NewFeed(p.Name, fs.now(), refresh)
	if err := f.AddOpeningHours(p, ical.Event{URL: fs.URL("/api/v1/provisions/" + p.ID + "/calendar.ics")}); err != nil {
		return nil, fmt.Errorf("calendars: provision %s: %w", p.ID, err)
	}
	return f, nil
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Issued is a new personal feed: its secret is in no store, only its hash.
type Issued struct {
	URL, Secret string
	CreatedAt   time.Time
}

// Issue makes a new feed secret for accountID and ends any other: the
// new one is stored first and then the others are deleted, so a rotation
// that answered always killed the address before it (see
// store.CalendarTokens.Rotate).
func (fs *Feeds) Issue(ctx context.Context, accountID string) (Issued, error) {
	secret := TokenPrefix + rand.Text()
	tok := store.CalendarToken{Hash: hashSecret(secret), AccountID: accountID, CreatedAt: fs.now().UTC()}
	if err := fs.tokens.Rotate(ctx, tok); err != nil {
		return Issued{}, fmt.Errorf("calendars: issue token: %w", err)
	}
	return Issued{URL: fs.URL("/ical/" + secret), Secret: secret, CreatedAt: tok.CreatedAt}, nil
}

// Since returns when accountID's feed secret was made, if it has one.
func (fs *Feeds) Since(ctx context.Context, accountID string) (time.Time, bool, error) {
	tok, err := fs.tokens.OfAccount(ctx, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("calendars: token: %w", err)
	}
	return tok.CreatedAt, true, nil
}

// Revoke ends accountID's feed secret, if any.
func (fs *Feeds) Revoke(ctx context.Context, accountID string) error {
	if err := fs.tokens.DeleteOfAccount(ctx, accountID); err != nil {
		return fmt.Errorf("calendars: revoke token: %w", err)
	}
	return nil
}

// Owner returns the live account a feed secret belongs to. Any reason to
// refuse it (malformed, unknown, revoked, account disabled or gone) is the
// same *NotFoundError, so a caller learns nothing from the difference.
func (fs *Feeds) Owner(ctx context.Context, secret string) (auth.Account, error) {
	missing := &NotFoundError{Detail: "no such calendar feed (it may have been revoked or replaced)"}
	raw, ok := strings.CutPrefix(secret, TokenPrefix)
	if !ok || len(raw) < 26 || len(raw) > 64 {
		return auth.Account{}, missing
	}
	hash := hashSecret(secret)
	tok, err := fs.tokens.Get(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return auth.Account{}, missing
	}
	if err != nil {
		return auth.Account{}, fmt.Errorf("calendars: token: %w", err)
	}
	// The lookup was by hash; comparing again in constant time costs
	// nothing and keeps the check independent of the store's index.
	if subtle.ConstantTimeCompare([]byte(tok.Hash), []byte(hash)) != 1 {
		return auth.Account{}, missing
	}
	acc, err := fs.accounts.Get(ctx, tok.AccountID)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && acc.Disabled) {
		return auth.Account{}, missing
	}
	if err != nil {
		return auth.Account{}, fmt.Errorf("calendars: token: %w", err)
	}
	return acc, nil
}

// Viewer returns what an owner may see of a referral's request, having
// read it as the owner (the caller logs that read); ok is false when the
// request is gone (erased meanwhile), and the referral is left out.
type Viewer func(ctx context.Context, ref care.Referral) (r ical.Referral, ok bool, err error)

// Personal is the feed of acc: their accepted and started referrals, each
// as see shows it, linked to the portal page where acc answers it.
func (fs *Feeds) Personal(ctx context.Context, acc auth.Account, see Viewer) (*ical.Feed, error) {
	f := ical.NewFeed("dichtbij: mijn verwijzingen", fs.now(), refresh)
	portal := fs.URL("/option-referrals")
	if acc.Role == auth.RoleResident {
		portal = fs.URL("/referrals")
	}
	for _, state := range []string{care.RefAccepted, care.RefStarted} {
		refs, err := fs.st.Referrals().OwnedInState(ctx, acc.ID, acc.Municipality, state)
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			if err := fs.addReferral(ctx, f, ref, portal, see); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// addReferral adds one referral with what its owner may see of it.
func (fs *Feeds) addReferral(ctx context.Context, f *ical.Feed, ref care.Referral, portal string, see Viewer) error {
	r, ok, err := see(ctx, ref)
	if err != nil || !ok {
		return err
	}
	r.URL = portal
	r.Since, _ = ref.EnteredAt(care.RefAccepted)
	if ref.OptionKind == "activity" {
		a, err := fs.st.Activities().Get(ctx, ref.OptionID)
		if errors.Is(err, store.ErrNotFound) || ref.OccurrenceAt == nil {
			return nil
		}
		if err != nil {
			return err
		}
		r.Activity, r.Occurrence, r.Windows = &a, *ref.OccurrenceAt, nil
	}
	if err := f.AddReferral(r); err != nil {
		return fmt.Errorf("calendars: referral %s: %w", ref.ID, err)
	}
	return nil
}
