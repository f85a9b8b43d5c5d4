package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/ical"
	"github.com/dichtbij/dichtbij/store"
)

// calendarTokenPrefix starts every feed secret, so that a leaked one is
// recognisable and a malformed one is refused before any lookup.
const calendarTokenPrefix = "dbc_"

// feedRefresh is how often subscribers are asked to fetch a feed again.
const feedRefresh = time.Hour

// CalendarFeed is a new personal feed address, shown once: only the
// secret's hash is kept.
type CalendarFeed struct {
	URL       string    `json:"url" description:"the feed's address, to paste into a calendar app; it works without signing in, so keep it to yourself"`
	Token     string    `json:"token" description:"the secret part of the URL"`
	CreatedAt time.Time `json:"created_at"`
}

type tokenPathParam struct {
	Token string `path:"token" description:"the secret of a personal feed (dbc_…)"`
}

// calendars serves iCalendar feeds: public ones of activities and
// provisions, and each account's personal feed of the referrals it
// accepted, behind a secret token in the URL (calendar apps send no
// cookies and no CSRF header).
type calendars struct {
	st       *store.Store
	accounts *auth.Accounts
	cases    *cases
	tokens   store.CalendarTokens
	baseURL  string
	now      func() time.Time
}

func mountCalendars(rt *routeTable, d Deps) {
	cs := &calendars{st: d.Store, accounts: d.accounts, cases: d.cases, tokens: d.Store.CalendarTokens(),
		baseURL: strings.TrimSuffix(d.BaseURL, "/"), now: d.Now}
	tag := "calendars"
	rt.add(route{method: http.MethodGet, path: "/api/v1/activities/:id/calendar.ics", perm: permPublic, handler: cs.activity, tag: tag,
		summary: "An active activity as iCalendar (text/calendar): one VEVENT with its schedule's TZID, RRULE and EXDATEs as stored, and a VTIMEZONE",
		params:  idParam{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/provisions/:id/calendar.ics", perm: permPublic, handler: cs.provision, tag: tag,
		summary: "An active provision's weekly opening hours as iCalendar (text/calendar): one weekly VEVENT per slot, Europe/Amsterdam",
		params:  idParam{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/me/calendar-token", perm: permSelf, handler: cs.status, tag: tag,
		summary: "Whether one has a personal feed address, and since when (the address itself is shown only when made)",
		resp:    CalendarFeedStatus{}, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodPost, path: "/api/v1/me/calendar-token", perm: permSelf, handler: cs.issue, tag: tag,
		summary: "Create or rotate one's personal calendar feed: the address of a feed of one's accepted and started referrals (help type and neighbourhood only), shown once; the previous address stops working",
		resp:    CalendarFeed{}, status: http.StatusCreated, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodDelete, path: "/api/v1/me/calendar-token", perm: permSelf, handler: cs.revoke, tag: tag,
		summary: "Revoke one's personal calendar feed (also when there is none)", status: http.StatusNoContent, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodGet, path: "/ical/:token", perm: permPublic, handler: cs.personal, tag: tag,
		summary: "A personal calendar feed (text/calendar) by its secret token, without signing in: the owner's accepted and started referrals, with help type and neighbourhood, never the resident's name or the request",
		params:  tokenPathParam{}, errors: []int{http.StatusNotFound}})
}

// sendFeed answers with a feed; cache says how others may keep it.
func sendFeed(c *fiber.Ctx, f *ical.Feed, cache string) error {
	var b strings.Builder
	if _, err := f.WriteTo(&b); err != nil {
		return fmt.Errorf("server: calendar: %w", err)
	}
	c.Set(fiber.HeaderContentType, ical.ContentType)
	c.Set(fiber.HeaderCacheControl, cache)
	return c.SendString(b.String())
}

func (cs *calendars) feedURL(path string) string { return cs.baseURL + path }

// activity is an active activity's feed.
func (cs *calendars) activity(c *fiber.Ctx) error {
	id := c.Params("id")
	a, err := cs.st.Activities().Get(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (a.Active == nil || !*a.Active)) {
		return newProblem(fiber.StatusNotFound, "not-found", "no active activity "+id)
	}
	if err != nil {
		return err
	}
	f := ical.NewFeed(a.Name, cs.now(), feedRefresh)
	if err := f.AddActivity(a, ical.Event{URL: cs.feedURL("/api/v1/activities/" + a.ID + "/calendar.ics")}); err != nil {
		return fmt.Errorf("server: calendar of activity %s: %w", a.ID, err)
	}
	return sendFeed(c, f, "public, max-age=300")
}

// provision is an active provision's opening hours.
func (cs *calendars) provision(c *fiber.Ctx) error {
	id := c.Params("id")
	p, err := cs.st.Provisions().Get(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (p.Active == nil || !*p.Active)) {
		return newProblem(fiber.StatusNotFound, "not-found", "no active provision "+id)
	}
	if err != nil {
		return err
	}
	f := ical.NewFeed(p.Name, cs.now(), feedRefresh)
	if err := f.AddOpeningHours(p, ical.Event{URL: cs.feedURL("/api/v1/provisions/" + p.ID + "/calendar.ics")}); err != nil {
		return fmt.Errorf("server: calendar of provision %s: %w", p.ID, err)
	}
	return sendFeed(c, f, "public, max-age=300")
}

func hashFeedSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// issue makes a new feed token for the caller and ends any other: the
// new token is stored first and then the others are deleted, so a
// rotation that answered always killed the address before it (see
// store.CalendarTokens.Rotate).
func (cs *calendars) issue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	me := actorOf(ctx)
	secret := calendarTokenPrefix + rand.Text()
	tok := store.CalendarToken{Hash: hashFeedSecret(secret), AccountID: me.ID, CreatedAt: cs.now().UTC()}
	if err := cs.tokens.Rotate(ctx, tok); err != nil {
		return fmt.Errorf("server: issue calendar token: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(CalendarFeed{URL: cs.feedURL("/ical/" + secret), Token: secret, CreatedAt: tok.CreatedAt})
}

// CalendarFeedStatus says whether one has a personal feed address, and
// since when; never the address itself, which is shown only once.
type CalendarFeedStatus struct {
	Active    bool       `json:"active"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

// status tells the caller whether their feed address exists.
func (cs *calendars) status(c *fiber.Ctx) error {
	ctx := c.UserContext()
	tok, err := cs.tokens.OfAccount(ctx, actorOf(ctx).ID)
	if errors.Is(err, store.ErrNotFound) {
		return c.JSON(CalendarFeedStatus{})
	}
	if err != nil {
		return fmt.Errorf("server: calendar token: %w", err)
	}
	return c.JSON(CalendarFeedStatus{Active: true, CreatedAt: &tok.CreatedAt})
}

// revoke ends the caller's feed token, if any.
func (cs *calendars) revoke(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := cs.tokens.DeleteOfAccount(ctx, actorOf(ctx).ID); err != nil {
		return fmt.Errorf("server: revoke calendar token: %w", err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// owner returns the live account a feed secret belongs to. Any reason to
// refuse it (malformed, unknown, revoked, account disabled or gone) is the
// same not-found, so a caller learns nothing from the difference.
func (cs *calendars) owner(ctx context.Context, secret string) (auth.Account, error) {
	missing := newProblem(fiber.StatusNotFound, "not-found", "no such calendar feed (it may have been revoked or replaced)")
	raw, ok := strings.CutPrefix(secret, calendarTokenPrefix)
	if !ok || len(raw) < 26 || len(raw) > 64 {
		return auth.Account{}, missing
	}
	hash := hashFeedSecret(secret)
	tok, err := cs.tokens.Get(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return auth.Account{}, missing
	}
	if err != nil {
		return auth.Account{}, fmt.Errorf("server: calendar token: %w", err)
	}
	// The lookup was by hash; comparing again in constant time costs
	// nothing and keeps the check independent of the store's index.
	if subtle.ConstantTimeCompare([]byte(tok.Hash), []byte(hash)) != 1 {
		return auth.Account{}, missing
	}
	acc, err := cs.accounts.Get(ctx, tok.AccountID)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && acc.Disabled) {
		return auth.Account{}, missing
	}
	if err != nil {
		return auth.Account{}, fmt.Errorf("server: calendar token: %w", err)
	}
	return acc, nil
}

// personal is the feed of a token's owner: their accepted and started
// referrals. What it shows of a request (neighbourhood, time windows) is
// read as the owner and logged in the access log, as GET /my/referrals is.
func (cs *calendars) personal(c *fiber.Ctx) error {
	acc, err := cs.owner(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	ctx := withActor(c.UserContext(), actor{ID: acc.ID, Role: acc.Role, Team: acc.Team, Municipality: acc.Municipality})
	c.SetUserContext(ctx)
	f := ical.NewFeed("dichtbij: mijn verwijzingen", cs.now(), feedRefresh)
	// Each event links to the portal page where its owner answers it.
	portal := cs.feedURL("/option-referrals")
	if acc.Role == auth.RoleResident {
		portal = cs.feedURL("/referrals")
	}
	for _, state := range []string{care.RefAccepted, care.RefStarted} {
		refs, err := cs.st.Referrals().OwnedInState(ctx, acc.ID, acc.Municipality, state)
		if err != nil {
			return err
		}
		for _, ref := range refs {
			if err := cs.addReferral(c, f, ref, portal); err != nil {
				return err
			}
		}
	}
	// Personal: no shared cache keeps it, and it leaves no Referer.
	return sendFeed(c, f, "private, no-store")
}

// addReferral adds one referral with what its owner may see of it.
func (cs *calendars) addReferral(c *fiber.Ctx, f *ical.Feed, ref care.Referral, portal string) error {
	ctx := c.UserContext()
	req, err := cs.cases.behind(c, ref)
	if errors.Is(err, store.ErrNotFound) {
		return nil // erased meanwhile: nothing to show
	}
	if err != nil {
		return err
	}
	// ownerMinimal is the one place that decides what an owner sees.
	v := ownerMinimal(ref, req, nil)
	r := ical.Referral{ID: v.ID, HelpType: v.Need, Neighbourhood: v.Neighbourhood, State: v.State, Modified: v.UpdatedAt,
		Windows: v.TimeWindows, URL: portal}
	r.Since, _ = ref.EnteredAt(care.RefAccepted)
	if ref.OptionKind == "activity" {
		a, err := cs.st.Activities().Get(ctx, ref.OptionID)
		if errors.Is(err, store.ErrNotFound) || ref.OccurrenceAt == nil {
			return nil
		}
		if err != nil {
			return err
		}
		r.Activity, r.Occurrence, r.Windows = &a, *ref.OccurrenceAt, nil
	}
	if err := f.AddReferral(r); err != nil {
		return fmt.Errorf("server: calendar of referral %s: %w", ref.ID, err)
	}
	return nil
}
