package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestHashVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := Hash("a long enough password", testParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Hash = %q; want the PHC prefix with the params", h)
	}
	ok, rehash, err := verify("a long enough password", h, testParams)
	if err != nil || !ok || rehash {
		t.Errorf("verify(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, _, err = verify("a long enough passwore", h, testParams)
	if err != nil || ok {
		t.Errorf("verify(wrong) = %v, %v; want false, nil", ok, err)
	}
	h2, _ := Hash("a long enough password", testParams)
	if h2 == h {
		t.Error("two hashes of one password are equal; the salt is not random")
	}
	// Verify compares with DefaultParams: test params need a rehash.
	ok, rehash, err = Verify("a long enough password", h)
	if err != nil || !ok || !rehash {
		t.Errorf("Verify(test params) = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
}

// TestDefaultParams is the one test paying for the real cost.
func TestDefaultParams(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	if p != (Params{Memory: 19456, Time: 2, Threads: 1}) {
		t.Fatalf("DefaultParams() = %+v", p)
	}
	h, err := Hash("a long enough password", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash = %q", h)
	}
	parts := strings.Split(h, "$")
	if len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Errorf("salt %q, key %q: want 16 and 32 bytes unpadded base64", parts[4], parts[5])
	}
	ok, rehash, err := Verify("a long enough password", h)
	if err != nil || !ok || rehash {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestHashRefusesBadParams(t *testing.T) {
	t.Parallel()
	for _, p := range []Params{{}, {Memory: 64, Time: 0, Threads: 1}, {Memory: 64, Time: 11, Threads: 1},
		{Memory: 1<<20 + 1, Time: 1, Threads: 1}, {Memory: 64, Time: 1, Threads: 17}, {Memory: 8, Time: 1, Threads: 2}} {
		if _, err := Hash("a long enough password", p); err == nil {
			t.Errorf("Hash(%+v) succeeded; want an error", p)
		}
	}
}

func TestVerifyRefusesMalformed(t *testing.T) {
	t.Parallel()
	good, err := Hash("a long enough password", testParams)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	with := func(params string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + key }
	cases := map[string]string{
		"empty":            "",
		"bcrypt":           "$2a$10$abcdefghijklmnopqrstuu",
		"argon2i":          "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"old version":      "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"extra field":      good + "$x",
		"missing key":      "$argon2id$v=19$m=64,t=1,p=1$" + salt,
		"order":            with("t=1,m=64,p=1"),
		"missing p":        with("m=64,t=1"),
		"extra param":      with("m=64,t=1,p=1,k=2"),
		"leading zero":     with("m=064,t=1,p=1"),
		"plus sign":        with("m=+64,t=1,p=1"),
		"negative":         with("m=-64,t=1,p=1"),
		"memory over 1GiB": with("m=1048577,t=1,p=1"),
		"memory 4GiB":      with("m=4294967296,t=1,p=1"),
		"time over 10":     with("m=64,t=11,p=1"),
		"time zero":        with("m=64,t=0,p=1"),
		"threads over 16":  with("m=256,t=1,p=17"),
		"threads 256":      with("m=4096,t=1,p=256"),
		"threads zero":     with("m=64,t=1,p=0"),
		"memory below 8p":  with("m=8,t=1,p=2"),
		"padded salt":      "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"short salt":       "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + key,
		"short key":        "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$AAAAAAAA",
		"bad base64":       "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:len(key)-1] + "!",
		"too long":         with("m=64,t=1,p=1") + strings.Repeat("A", 300),
	}
	for name, enc := range cases {
		t.Run(name, func(t *testing.T) {
			ok, _, err := Verify("a long enough password", enc)
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformedHash", enc, ok, err)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pw, why string // why empty: accepted
	}{
		{"correct horse", ""},
		{"0123456789", ""},
		{"ééééééééé1", ""},
		{strings.Repeat("ab", 64), ""},
		{"short", "shorter than 10"},
		{"123456789", "shorter than 10"},
		{strings.Repeat("ab", 64) + "c", "longer than 128"},
		{"aaaaaaaaaaaa", "single character"},
		{"éééééééééé", "single character"},
		{"valid\xffutf8?", "UTF-8"},
	}
	for _, c := range cases {
		err := CheckPassword(c.pw)
		if c.why == "" {
			if err != nil {
				t.Errorf("CheckPassword(%q) = %v; want nil", c.pw, err)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "password" || !strings.Contains(fe.Reason, c.why) {
			t.Errorf("CheckPassword(%q) = %v; want a password FieldError mentioning %q", c.pw, err, c.why)
		}
	}
}

// FuzzVerify feeds arbitrary strings to the hash parser. Whatever it
// accepts must be within the limits and written canonically (formatting
// the parsed hash gives the input back); cheap accepted hashes are also
// verified. Nothing may panic.
func FuzzVerify(f *testing.F) {
	good, err := Hash("a long enough password", testParams)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("$$$$$")
	f.Add("$argon2id$v=19$m=,t=,p=$x$y")
	f.Fuzz(func(t *testing.T, enc string) {
		h, err := parseHash(enc)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("parseHash(%q) error %v does not wrap ErrMalformedHash", enc, err)
			}
			return
		}
		p := h.params
		if p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Threads > maxThreads {
			t.Fatalf("parseHash(%q) accepted params %+v beyond the limits", enc, p)
		}
		canon := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.Memory, p.Time, p.Threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
		if canon != enc {
			t.Fatalf("parseHash(%q) accepted a non-canonical form of %q", enc, canon)
		}
		if p.Memory <= 1024 && p.Time <= 2 {
			if _, _, err := Verify("a long enough password", enc); err != nil {
				t.Fatalf("Verify(%q) = %v after parseHash accepted it", enc, err)
			}
		}
	})
}
