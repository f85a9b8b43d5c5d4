package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/calendars"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/ical"
	"github.com/dichtbij/dichtbij/store"
)

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
type calendarFeeds struct {
	feeds *calendars.Feeds
	cases *cases
}

func mountCalendars(rt *routeTable, d Deps) {
	cs := &calendarFeeds{feeds: calendars.New(d.Store, d.accounts, d.BaseURL, d.Now), cases: d.cases}
	tag := "calendars"
	rt.add(route{method: http.MethodGet, path: "/api/v1/activities/:id/calendar.ics", perm: permPublic, handler: public(cs.feeds.Activity), tag: tag,
		summary: "An active activity as iCalendar (text/calendar): one VEVENT with its schedule's TZID, RRULE and EXDATEs as stored, and a VTIMEZONE",
		params:  idParam{}, errors: []int{http.StatusNotFound}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/provisions/:id/calendar.ics", perm: permPublic, handler: public(cs.feeds.Provision), tag: tag,
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

// public answers with the public feed get makes of the record in the path.
func public(get func(context.Context, string) (*ical.Feed, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := get(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		return sendFeed(c, f, "public, max-age=300")
	}
}

func (cs *calendarFeeds) issue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	feed, err := cs.feeds.Issue(ctx, actorOf(ctx).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(CalendarFeed{URL: feed.URL, Token: feed.Secret, CreatedAt: feed.CreatedAt})
}

// CalendarFeedStatus says whether one has a personal feed address, and
// since when; never the address itself, which is shown only once.
type CalendarFeedStatus struct {
	Active    bool       `json:"active"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

// status tells the caller whether their feed address exists.
func (cs *calendarFeeds) status(c *fiber.Ctx) error {
	ctx := c.UserContext()
	since, ok, err := cs.feeds.Since(ctx, actorOf(ctx).ID)
	if err != nil {
		return err
	}
	if !ok {
		return c.JSON(CalendarFeedStatus{})
	}
	return c.JSON(CalendarFeedStatus{Active: true, CreatedAt: &since})
}

func (cs *calendarFeeds) revoke(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := cs.feeds.Revoke(ctx, actorOf(ctx).ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// personal is the feed of a token's owner: their accepted and started
// referrals. What it shows of a request (neighbourhood, time windows) is
// read as the owner and logged in the access log, as GET /my/referrals is.
func (cs *calendarFeeds) personal(c *fiber.Ctx) error {
	acc, err := cs.feeds.Owner(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	ctx := withActor(c.UserContext(), actor{ID: acc.ID, Role: acc.Role, Team: acc.Team, Municipality: acc.Municipality})
	c.SetUserContext(ctx)
	f, err := cs.feeds.Personal(ctx, acc, func(_ context.Context, ref care.Referral) (ical.Referral, bool, error) {
		req, err := cs.cases.behind(c, ref)
		if errors.Is(err, store.ErrNotFound) {
			return ical.Referral{}, false, nil // erased meanwhile: nothing to show
		}
		if err != nil {
			return ical.Referral{}, false, err
		}
		// casework.OwnerView is the one place that decides what an owner sees.
		v := casework.OwnerView(ref, req, nil)
		return ical.Referral{ID: v.ID, HelpType: v.Need, Neighbourhood: v.Neighbourhood, State: v.State, Modified: v.UpdatedAt,
			Windows: v.TimeWindows}, true, nil
	})
	if err != nil {
		return err
	}
	// Personal: no shared cache keeps it, and it leaves no Referer.
	return sendFeed(c, f, "private, no-store")
}
