package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// secretBytes is the randomness of reset links and API tokens: 256 bits,
// so guessing one is hopeless and a fast hash (SHA-256) is enough to keep
// them at rest.
const secretBytes = 32

var b64url = base64.RawURLEncoding.Strict()

// secretLen is the length of an encoded secret.
var secretLen = b64url.EncodedLen(secretBytes)

// newSecret returns 32 random bytes, base64url-encoded without padding.
func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return b64url.EncodeToString(b), nil
}

// wellFormedSecret reports whether s could be a secret newSecret made, so
// that garbage is refused before any hashing or lookup.
func wellFormedSecret(s string) bool {
	if len(s) != secretLen {
		return false
	}
	for i := 0; i < len(s); i++ { // the decoder would skip CR and LF
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	b, err := b64url.DecodeString(s)
	return err == nil && len(b) == secretBytes
}

// checkBaseURL accepts an absolute http(s) URL without query or fragment
// and returns it without a trailing slash.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", &FieldError{Field: "base_url", Reason: "must be an absolute http(s) URL without query"}
	}
	return strings.TrimRight(raw, "/"), nil
}

// StartReset mails a password reset link to the account with the e-mail
// address, through the outbox. For an unknown address or a disabled
// account it does nothing and returns nil, as for a known one, so the
// answer does not reveal which addresses have accounts. (Its duration
// still differs; an API handler that must hide even that should answer
// before calling it.) The link is baseURL + "/reset?token=" + secret and
// works for ResetTTL, once.
func (a *Accounts) StartReset(ctx context.Context, email, baseURL string) error {
	base, err := checkBaseURL(baseURL)
	if err != nil {
		return err
	}
	acc, err := a.ByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: start reset: %w", err)
	}
	if acc.Disabled {
		return nil
	}
	secret, err := newSecret()
	if err != nil {
		return fmt.Errorf("auth: start reset: %w", err)
	}
	ttl := a.ResetTTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	now := a.clock()
	// Only the SHA-256 of the secret is stored (see store.PasswordReset).
	rec := store.PasswordReset{Hash: sha256Hex(secret), AccountID: acc.ID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := a.resets.Insert(ctx, rec); err != nil {
		return fmt.Errorf("auth: start reset: store link: %w", err)
	}
	link := base + "/reset?token=" + secret
	if _, err := a.outbox.Add(ctx, acc.Email, resetSubject, resetBody(link, ttl)); err != nil {
		// A link nobody was sent is removed again.
		if _, derr := a.resets.Delete(context.WithoutCancel(ctx), rec.Hash); derr != nil {
			err = errors.Join(err, derr)
		}
		return fmt.Errorf("auth: start reset: %w", err)
	}
	return nil
}

const resetSubject = "Nieuw wachtwoord voor dichtbij"

func resetBody(link string, ttl time.Duration) string {
	minutes := int(ttl.Round(time.Minute) / time.Minute)
	return "Hallo,\n\n" +
		"Er is gevraagd om een nieuw wachtwoord voor je account bij dichtbij.\n" +
		"Kies een nieuw wachtwoord via deze link:\n\n" +
		link + "\n\n" +
		fmt.Sprintf("De link werkt %d minuten en één keer.\n", minutes) +
		"Heb je dit niet zelf gevraagd? Dan hoef je niets te doen; je wachtwoord blijft hetzelfde.\n\n" +
		"(Someone asked for a new dichtbij password for this address. The link above\n" +
		fmt.Sprintf("works once, for %d minutes. If it was not you, ignore this message.)\n", minutes)
}

// FinishReset sets a new password with the secret of a reset link. An
// unknown or used link gives ErrResetInvalid, an expired one
// ErrResetExpired (and is removed). The password is checked before the
// link is used, so a weak password does not burn it. The link is used up
// by deleting it: of several requests with one link, only the one whose
// delete removed the document goes on. The new password ends the
// account's sessions, clears its lockout and voids its other links.
func (a *Accounts) FinishReset(ctx context.Context, secret, newPassword string) error {
	if !wellFormedSecret(secret) {
		return fmt.Errorf("auth: finish reset: %w", ErrResetInvalid)
	}
	id := sha256Hex(secret)
	rec, err := a.resets.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("auth: finish reset: %w", ErrResetInvalid)
	}
	if err != nil {
		return fmt.Errorf("auth: finish reset: %w", err)
	}
	if !a.clock().Before(rec.ExpiresAt) {
		if _, err := a.resets.Delete(ctx, id); err != nil {
			return fmt.Errorf("auth: finish reset: remove expired link: %w", err)
		}
		return fmt.Errorf("auth: finish reset: %w", ErrResetExpired)
	}
	if err := CheckPassword(newPassword); err != nil {
		return err
	}
	hash, err := Hash(newPassword, a.params)
	if err != nil {
		return err
	}
	used, err := a.resets.Delete(ctx, id)
	if err != nil {
		return fmt.Errorf("auth: finish reset: use link: %w", err)
	}
	if !used {
		return fmt.Errorf("auth: finish reset: %w", ErrResetInvalid) // another request used it
	}
	// The link is spent: finish even if the caller gives up now.
	err = a.applyPassword(context.WithoutCancel(ctx), rec.AccountID, hash, true)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("auth: finish reset: account gone: %w", ErrResetInvalid)
	}
	if err != nil {
		return fmt.Errorf("auth: finish reset: %w", err)
	}
	return nil
}
