package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Roles of an account. What each may do is decided by the API; this
// package only keeps the role.
const (
	RoleResident     = "resident"
	RoleOrganiser    = "organiser"
	RoleSocialWorker = "social_worker"
	RoleCoordinator  = "coordinator"
	RoleAdmin        = "admin"
)

// Roles returns every role, in order of increasing reach. The slice is
// the caller's own.
func Roles() []string {
	return []string{RoleResident, RoleOrganiser, RoleSocialWorker, RoleCoordinator, RoleAdmin}
}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool { return slices.Contains(Roles(), r) }

// hasTeam reports whether accounts with role r may belong to a team: the
// social workers and coordinators of a municipality's social teams.
func hasTeam(r string) bool { return r == RoleSocialWorker || r == RoleCoordinator }

// Account is a person who logs in: e-mail address, password hash, role,
// municipality and team, lockout state and SessionEpoch, which is bumped
// on a password change, on disabling and on a change of role,
// municipality or team, ending every session of the account. It is
// stored as it is (see store.Account).
type Account = store.Account

// NewAccount is what Create needs.
type NewAccount struct {
	Email, Password, Role, Municipality, Team, Name string
}

// Lockout slows down password guessing against one account: MaxFailures
// failed logins within Window lock it for Duration. A lock is per account,
// not per client, so an attacker can lock a known address out; the
// duration is kept short for that reason, and a password reset still
// works while locked.
type Lockout struct {
	MaxFailures int // 0 or less switches the lockout off
	Window      time.Duration
	Duration    time.Duration
}

// DefaultLockout returns 5 failures within 15 minutes lock for 15 minutes.
func DefaultLockout() Lockout {
	return Lockout{MaxFailures: 5, Window: 15 * time.Minute, Duration: 15 * time.Minute}
}

// Limits on account fields.
const (
	maxEmailBytes = 254 // RFC 5321 path limit
	maxNameRunes  = 200
	// maxLoginPassword is the longest password Authenticate hashes;
	// anything longer cannot have been set under the policy and is
	// refused without the cost of a hash.
	maxLoginPassword = 1024
	// updateAttempts bounds Update's retries on concurrent changes.
	updateAttempts = 20
	// staleClaim is how old a claim on an e-mail address must be, with no
	// account behind it, before a sign-up may take it over. A crash between
	// claiming the address and writing the account leaves such a claim.
	staleClaim = time.Minute
)

var (
	municipalityRE = regexp.MustCompile(`^GM\d{4}$`)
	teamRE         = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
)

// Accounts keeps the accounts, with their e-mail claims, password resets
// and lockout state. It is safe for concurrent use; set Lockout and
// ResetTTL before first use, if at all.
type Accounts struct {
	accounts *store.Accounts
	resets   store.PasswordResets
	tokens   store.APITokens
	outbox   *Outbox
	params   Params
	now      func() time.Time
	// dummy is a hash Authenticate verifies against for unknown addresses,
	// made on first need so that constructing Accounts costs nothing.
	dummy func() (string, error)
	// insertAccount is accounts.Insert; tests replace it to fail.
	insertAccount func(context.Context, Account) error
	// recent are the accounts Get read a moment ago (recentTTL): every
	// signed-in request reads its account.
	recent *recent[Account]

	// Lockout is DefaultLockout unless changed.
	Lockout Lockout
	// ResetTTL is how long a password reset link works; 1 hour by default.
	ResetTTL time.Duration
}

// NewAccounts returns the accounts kept in st, hashing new passwords with
// p and reading the time from now (time.Now if nil).
func NewAccounts(st *store.Store, p Params, now func() time.Time) *Accounts {
	if now == nil {
		now = time.Now
	}
	a := &Accounts{
		accounts: st.Accounts(),
		resets:   st.PasswordResets(),
		tokens:   st.APITokens(),
		outbox:   NewOutbox(st, now),
		params:   p,
		now:      now,
		Lockout:  DefaultLockout(),
		ResetTTL: time.Hour,
		recent:   newRecent[Account](now),
	}
	a.insertAccount = a.accounts.Insert
	a.dummy = sync.OnceValues(func() (string, error) { return Hash("not a password of anyone", p) })
	return a
}

// Outbox returns the outbox reset links are queued in.
func (a *Accounts) Outbox() *Outbox { return a.outbox }

// clock is now in UTC at the store's millisecond precision, so that a
// time returned from a write equals the one read back later.
func (a *Accounts) clock() time.Time { return a.now().UTC().Truncate(time.Millisecond) }

// normaliseEmail is the form addresses are stored, claimed and looked up in.
func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkEmail accepts a bare address (no display name) with a dotted domain.
func checkEmail(e string) error {
	reason := ""
	if e == "" {
		reason = "is required"
	} else if len(e) > maxEmailBytes {
		reason = fmt.Sprintf("is longer than %d bytes", maxEmailBytes)
	} else if addr, err := mail.ParseAddress(e); err != nil || addr.Name != "" || addr.Address != e {
		reason = "is not an e-mail address"
	} else if _, domain, _ := strings.Cut(e, "@"); !strings.Contains(domain, ".") {
		reason = "has no domain"
	}
	if reason != "" {
		return &FieldError{Field: "email", Reason: reason}
	}
	return nil
}

// checkProfile validates the fields other than e-mail and password.
func checkProfile(acc *Account) error {
	switch {
	case !ValidRole(acc.Role):
		return &FieldError{Field: "role", Reason: "must be one of " + strings.Join(Roles(), ", ")}
	case acc.Municipality == "" && acc.Role != RoleAdmin:
		return &FieldError{Field: "municipality", Reason: "is required"}
	case acc.Municipality != "" && !municipalityRE.MatchString(acc.Municipality):
		return &FieldError{Field: "municipality", Reason: "must be a CBS code like GM0344"}
	case acc.Team != "" && !hasTeam(acc.Role):
		return &FieldError{Field: "team", Reason: "is only for social workers and coordinators"}
	case acc.Team != "" && !teamRE.MatchString(acc.Team):
		return &FieldError{Field: "team", Reason: "must be 1-64 letters, digits, - or _"}
	case !utf8.ValidString(acc.Name) || utf8.RuneCountInString(acc.Name) > maxNameRunes:
		return &FieldError{Field: "name", Reason: fmt.Sprintf("must be valid UTF-8 of at most %d characters", maxNameRunes)}
	case strings.ContainsFunc(acc.Name, unicode.IsControl):
		return &FieldError{Field: "name", Reason: "contains control characters"}
	}
	return nil
}

// Create validates n and stores a new account. The e-mail address is
// claimed first, by inserting a document under the address as _id: the
// insert is atomic on both stores, so of two sign-ups with one address
// exactly one gets it, and the other ErrEmailTaken. Validation failures
// are *FieldError.
func (a *Accounts) Create(ctx context.Context, n NewAccount) (Account, error) {
	now := a.clock()
	acc := Account{
		Meta:         care.Meta{ID: store.NewID(), Version: 1, CreatedAt: now, UpdatedAt: now},
		Email:        normaliseEmail(n.Email),
		Role:         n.Role,
		Municipality: n.Municipality,
		Team:         n.Team,
		Name:         strings.TrimSpace(n.Name),
	}
	if err := checkEmail(acc.Email); err != nil {
		return Account{}, err
	}
	if err := CheckPassword(n.Password); err != nil {
		return Account{}, err
	}
	if err := checkProfile(&acc); err != nil {
		return Account{}, err
	}
	// Hash before claiming: the slow step should not hold the claim.
	hash, err := Hash(n.Password, a.params)
	if err != nil {
		return Account{}, err
	}
	acc.PasswordHash = hash
	if err := a.claimEmail(ctx, acc.Email, acc.ID); err != nil {
		return Account{}, fmt.Errorf("auth: create account: %w", err)
	}
	if err := a.insertAccount(ctx, acc); err != nil {
		// Never leave a claim without its account; release it even when
		// ctx is what failed the insert.
		if rerr := a.dropClaim(context.WithoutCancel(ctx), acc.Email, acc.ID); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return Account{}, fmt.Errorf("auth: create account: %w", err)
	}
	return acc, nil
}

// Get returns the account with id. An account read within recentTTL is
// answered from memory: a change through this Accounts shows at once,
// one made elsewhere within recentTTL.
func (a *Accounts) Get(ctx context.Context, id string) (Account, error) {
	if acc, ok := a.recent.get(id); ok {
		return acc, nil
	}
	acc, err := a.accounts.Get(ctx, id)
	if err != nil {
		return Account{}, fmt.Errorf("auth: get account: %w", err)
	}
	a.recent.put(id, acc)
	return acc, nil
}

// ByEmail returns the account with the e-mail address, in any case and
// with surrounding spaces. It reads the claim (an _id lookup) rather than
// querying accounts by field, which the embedded store would scan.
func (a *Accounts) ByEmail(ctx context.Context, email string) (Account, error) {
	email = normaliseEmail(email)
	c, err := a.claim(ctx, email)
	if err != nil {
		return Account{}, fmt.Errorf("auth: account by e-mail: %w", err)
	}
	acc, err := a.accounts.Get(ctx, c.AccountID)
	if err != nil {
		return Account{}, fmt.Errorf("auth: account by e-mail: %w", err)
	}
	if acc.Email != email {
		return Account{}, fmt.Errorf("auth: account by e-mail: claim and account disagree: %w", ErrNotFound)
	}
	return acc, nil
}

// List returns a page of accounts in creation order, of one municipality
// or (municipality empty) of all, after the id after, and whether more
// follow. limit is 1 to 1000.
func (a *Accounts) List(ctx context.Context, municipality, after string, limit int) ([]Account, bool, error) {
	if municipality != "" && !municipalityRE.MatchString(municipality) {
		return nil, false, &FieldError{Field: "municipality", Reason: "must be a CBS code like GM0344"}
	}
	page, more, err := a.accounts.Page(ctx, municipality, after, limit)
	if err != nil {
		return nil, false, fmt.Errorf("auth: list accounts: %w", err)
	}
	return page, more, nil
}

// Delete erases the account with its API tokens, reset links and e-mail
// claim. The account goes before the claim, so that the address stays
// reserved until the account is gone; tokens go first, so a failure half
// way never leaves a working token.
func (a *Accounts) Delete(ctx context.Context, id string) error {
	acc, err := a.accounts.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("auth: delete account: %w", err)
	}
	if err := a.tokens.DeleteOfAccount(ctx, id); err != nil {
		return fmt.Errorf("auth: delete account %s: tokens: %w", id, err)
	}
	if err := a.resets.DeleteOfAccount(ctx, id); err != nil {
		return fmt.Errorf("auth: delete account %s: reset links: %w", id, err)
	}
	if err := a.outbox.Forget(ctx, acc.Email); err != nil {
		return fmt.Errorf("auth: delete account %s: %w", id, err)
	}
	defer a.recent.forget(id)
	if err := a.accounts.Delete(ctx, id); err != nil {
		return fmt.Errorf("auth: delete account: %w", err)
	}
	if err := a.dropClaim(ctx, acc.Email, id); err != nil {
		return fmt.Errorf("auth: delete account %s: %w", id, err)
	}
	return nil
}
