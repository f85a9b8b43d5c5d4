// Package auth holds dichtbij's accounts and what proves who a caller is:
// passwords (argon2id), password-reset links, API tokens for machine
// clients, login sessions, and the outbox through which reset links are
// mailed. It keeps everything in the store and holds no state of its own
// beyond what its constructors are given.
//
// Secrets are never stored: passwords are kept as argon2id hashes, reset
// links and API tokens as SHA-256 hashes of their random secrets, so a
// copy of the database does not let anyone log in.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
}

// DefaultParams returns the OWASP minimum recommendation for argon2id
// (19 MiB, two passes, one lane). It is a function rather than a variable
// so that no caller (or test) can change the default for everyone else.
func DefaultParams() Params { return Params{Memory: 19456, Time: 2, Threads: 1} }

// Limits on parameters read from a stored hash. A hash is data: if someone
// could write a tampered one, these keep a single login from allocating
// gigabytes or burning seconds of CPU.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 10
	maxThreads = 16
	// maxEncoded bounds the whole encoded hash before it is parsed.
	maxEncoded = 256

	saltLen = 16
	keyLen  = 32
	// Accepted salt and key lengths when verifying, so hashes written with
	// other lengths by another implementation still verify.
	minSaltLen, maxSaltLen = 8, 64
	minKeyLen, maxKeyLen   = 16, 64
)

// Password policy, in bytes of UTF-8. 128 bounds the work a hash does on
// attacker-chosen input and still fits any passphrase.
const (
	MinPasswordBytes = 10
	MaxPasswordBytes = 128
)

var b64 = base64.RawStdEncoding.Strict()

// ErrMalformedHash means an encoded hash cannot be parsed or has
// parameters outside the accepted limits.
var ErrMalformedHash = errors.New("malformed password hash")

// check reports why p cannot be used, or nil.
func (p Params) check() error {
	switch {
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("threads %d outside 1-%d", p.Threads, maxThreads)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d outside 1-%d", p.Time, maxTime)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		// argon2 needs at least 8 KiB per lane.
		return fmt.Errorf("memory %d KiB outside %d-%d", p.Memory, 8*uint32(p.Threads), maxMemory)
	}
	return nil
}

// Hash returns password hashed with argon2id under p and a fresh random
// salt, encoded in the PHC string format
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>" (unpadded standard base64),
// which carries everything Verify needs.
func Hash(password string, p Params) (string, error) {
	if err := p.check(); err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: hash password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, and whether the hash
// should be replaced because it was made with other parameters or lengths
// than DefaultParams and this package's salt and key sizes. A malformed
// or out-of-limits hash gives an error wrapping ErrMalformedHash.
func Verify(password, encoded string) (ok, needsRehash bool, err error) {
	return verify(password, encoded, DefaultParams())
}

// verify is Verify against the parameters the caller hashes with now.
func verify(password, encoded string, want Params) (ok, needsRehash bool, err error) {
	h, err := parseHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), h.salt, h.params.Time, h.params.Memory, h.params.Threads, uint32(len(h.key)))
	ok = subtle.ConstantTimeCompare(got, h.key) == 1
	needsRehash = h.params != want || len(h.salt) != saltLen || len(h.key) != keyLen
	return ok, needsRehash, nil
}

type parsedHash struct {
	params    Params
	salt, key []byte
}

// parseHash reads the PHC string Hash writes, strictly: one version, the
// parameters in the order m,t,p in canonical decimal, and each within the
// limits above, so that nothing in a stored hash decides how much work a
// login costs beyond what this package allows.
func parseHash(encoded string) (parsedHash, error) {
	var h parsedHash
	bad := func(why string) (parsedHash, error) {
		return parsedHash{}, fmt.Errorf("auth: %w: %s", ErrMalformedHash, why)
	}
	if len(encoded) > maxEncoded {
		return bad("too long")
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want 5 $-separated fields")
	}
	if parts[1] != "argon2id" {
		return bad("not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("want m, t and p")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		k, v, found := strings.Cut(kv[i], "=")
		if !found || k != name {
			return bad("want m, t and p in that order")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || strconv.FormatUint(n, 10) != v {
			return bad("parameter " + name + " is not a canonical number")
		}
		vals[i] = n
	}
	if vals[2] > maxThreads {
		return bad("parameter p out of range")
	}
	h.params = Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2])}
	if err := h.params.check(); err != nil {
		return bad(err.Error())
	}
	// The decoder skips CR and LF even in strict mode; refuse them (and
	// anything else outside the alphabet) so that one hash has one form.
	if !isBase64(parts[4]) || !isBase64(parts[5]) {
		return bad("not unpadded standard base64")
	}
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil || len(h.salt) < minSaltLen || len(h.salt) > maxSaltLen {
		return bad("bad salt")
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil || len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
		return bad("bad key")
	}
	return h, nil
}

// isBase64 reports whether s holds only characters of the standard
// base64 alphabet (no padding).
func isBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

// CheckPassword applies the password policy: 10 to 128 bytes of valid
// UTF-8, not one character repeated. Length is what makes a password
// strong; composition rules are left out on purpose (NIST SP 800-63B).
// The error is a *FieldError on "password" saying why.
func CheckPassword(pw string) error {
	reason := ""
	switch {
	case !utf8.ValidString(pw):
		reason = "is not valid UTF-8"
	case len(pw) < MinPasswordBytes:
		reason = fmt.Sprintf("is shorter than %d bytes", MinPasswordBytes)
	case len(pw) > MaxPasswordBytes:
		reason = fmt.Sprintf("is longer than %d bytes", MaxPasswordBytes)
	case oneCharacter(pw):
		reason = "repeats a single character"
	}
	if reason != "" {
		return &FieldError{Field: "password", Reason: reason}
	}
	return nil
}

func oneCharacter(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}
