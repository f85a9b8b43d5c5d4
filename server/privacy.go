package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/store"
)

// privacy serves the AVG rights of an account holder: to see who looked
// at their data, to take all of it along, and to be forgotten.
type privacy struct {
	st       *store.Store
	accounts *auth.Accounts
	tokens   *auth.Tokens
	log      *accesslog.Log
	refs     *referrals
	cw       *casework.Service
	engine   *follow.Sync
	now      func() time.Time
}

// DataExport is everything dichtbij holds about one account, as its
// holder downloads it (AVG article 15 and 20).
type DataExport struct {
	ExportedAt  time.Time         `json:"exported_at"`
	Account     AccountView       `json:"account"`
	Tokens      []auth.Token      `json:"api_tokens"`
	Volunteers  []care.Volunteer  `json:"volunteer_offers"`
	Initiatives []care.Initiative `json:"initiatives"`
	Provisions  []care.Provision  `json:"provisions"`
	Activities  []care.Activity   `json:"activities"`
	// Referrals are those to the holder's offers and options, in the
	// minimised form the holder sees them in.
	Referrals []OwnerReferral `json:"referrals"`
	// Mail is what was sent or queued to the holder's address, without
	// bodies (a reset link in a file is as good as a password).
	Mail []auth.Message `json:"mail"`
	// AccessLog is who read or changed the holder's data.
	AccessLog []AccessView `json:"access_log"`
}

// AccessView is one access to the holder's data as they see it: who (by
// name and role), when, what, and why if it was outside the team.
type AccessView struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	ActorRole string    `json:"actor_role"`
	ActorTeam string    `json:"actor_team,omitempty"`
	Action    string    `json:"action"`
	Route     string    `json:"route"`
	Reason    string    `json:"reason,omitempty"`
}

// Erasure confirms the erasing of one's own account with the password, so
// that a session left open on a shared computer cannot do it.
type Erasure struct {
	Password string `json:"password" validate:"required,max=1024"`
}

// erasable are the roles that may erase their own account. Professional
// accounts carry the access log's accountability: an admin disables them.
var erasable = []string{auth.RoleResident, auth.RoleOrganiser}

func mountPrivacy(rt *routeTable, p *privacy) {
	tag := "privacy"
	rt.add(route{method: http.MethodGet, path: "/api/v1/me/export", perm: permSelf, handler: p.export, tag: tag,
		summary: "Download everything dichtbij holds about one's account as JSON: account, tokens, offers and options, referrals to them (minimised), mail, and who accessed the data",
		resp:    DataExport{}, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodGet, path: "/api/v1/me/access-log", perm: permSelf, handler: p.accessLog, tag: tag,
		summary: "Who read or changed one's data (one's volunteer offer, for instance), newest first",
		resp:    []AccessView{}, errors: []int{http.StatusUnauthorized}})
	rt.add(route{method: http.MethodDelete, path: "/api/v1/me", perm: permSelf, handler: p.erase, tag: tag,
		summary: "Erase one's own account (residents and organisers), confirmed with the password: offers and options are deleted, their open referrals end, and the referrals keep only an anonymous trace for statistics",
		body:    Erasure{}, status: http.StatusNoContent,
		errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusTooManyRequests, http.StatusUnprocessableEntity}})
}

func (p *privacy) export(c *fiber.Ctx) error {
	ctx := c.UserContext()
	acc := principalOf(c).account
	out := DataExport{ExportedAt: p.now().UTC(), Account: viewAccount(acc)}
	var err error
	if out.Tokens, err = p.tokens.List(ctx, acc.ID); err != nil {
		return err
	}
	if out.Volunteers, err = p.st.Volunteers().OwnedBy(ctx, acc.ID); err != nil {
		return err
	}
	if out.Initiatives, err = p.st.Initiatives().OwnedBy(ctx, acc.ID); err != nil {
		return err
	}
	if out.Provisions, err = p.st.Provisions().OwnedBy(ctx, acc.ID); err != nil {
		return err
	}
	if out.Activities, err = p.st.Activities().OwnedBy(ctx, acc.ID); err != nil {
		return err
	}
	refs, err := p.st.Referrals().OwnedBy(ctx, acc.ID)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		v, err := p.refs.ownerRead(c, ref)
		if err != nil {
			return err
		}
		out.Referrals = append(out.Referrals, v)
	}
	if out.Mail, err = p.accounts.Outbox().To(ctx, acc.Email); err != nil {
		return err
	}
	if out.AccessLog, err = p.accesses(ctx, acc.ID, 0); err != nil {
		return err
	}
	out.Initiatives, out.Provisions, out.Activities = orEmpty(out.Initiatives), orEmpty(out.Provisions), orEmpty(out.Activities)
	out.Volunteers, out.Referrals, out.Mail, out.Tokens = orEmpty(out.Volunteers), orEmpty(out.Referrals), orEmpty(out.Mail), orEmpty(out.Tokens)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="dichtbij-export.json"`)
	return c.JSON(out)
}

// orEmpty makes an absent list an empty one, so the JSON says [] and not
// null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (p *privacy) accessLog(c *fiber.Ctx) error {
	vs, err := p.accesses(c.UserContext(), actorOf(c.UserContext()).ID, 1000)
	if err != nil {
		return err
	}
	return c.JSON(vs)
}

// accesses returns the access-log entries about account id, newest
// first, at most limit of them (0: all), with the actors' names.
func (p *privacy) accesses(ctx context.Context, id string, limit int) ([]AccessView, error) {
	var entries []accesslog.Entry
	after := ""
	for {
		page, more, err := p.log.ForSubject(ctx, id, after, 1000)
		if err != nil {
			return nil, err
		}
		entries = append(entries, page...)
		if !more || len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
	}
	names := map[string]string{}
	out := make([]AccessView, 0, len(entries))
	for i := len(entries) - 1; i >= 0 && (limit == 0 || len(out) < limit); i-- {
		e := entries[i]
		name, ok := names[e.Actor]
		if !ok {
			acc, err := p.accounts.Get(ctx, e.Actor)
			switch {
			case errors.Is(err, store.ErrNotFound):
				name = "(account removed)"
			case err != nil:
				return nil, err
			default:
				name = acc.Name
			}
			names[e.Actor] = name
		}
		out = append(out, AccessView{At: e.At, ActorName: name, ActorRole: e.ActorRole, ActorTeam: e.ActorTeam,
			Action: e.Action, Route: e.Route, Reason: e.Reason})
	}
	return out, nil
}

func (p *privacy) erase(c *fiber.Ctx) error {
	var e Erasure
	if err := bindJSON(c, &e, func() error {
		if e.Password == "" {
			return invalid("password", "is required: erasing the account is confirmed with its password")
		}
		return nil
	}); err != nil {
		return err
	}
	ctx := c.UserContext()
	acc := principalOf(c).account
	if !slices.Contains(erasable, acc.Role) {
		return newProblem(fiber.StatusConflict, "not-erasable",
			"a "+acc.Role+" account is erased by an admin of the municipality (it carries the access log's accountability)")
	}
	if _, err := p.accounts.Authenticate(ctx, acc.Email, e.Password); err != nil {
		return authError(err)
	}
	if err := p.eraseAccount(ctx, acc); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// eraseAccount deletes acc and everything it owns. Open referrals to its
// options end first (freeing their places and telling the workers by the
// state), then each referral keeps only an anonymous trace: state, steps,
// need and kind, with no owner and no free text. The account goes last,
// so that a failure half-way leaves it in place and a second DELETE
// finishes the job. The access-log entries about it stay (they hold only
// ids and are needed to account for past access), and so do the audit
// entries of the moves it made.
func (p *privacy) eraseAccount(ctx context.Context, acc auth.Account) error {
	if err := p.cw.HelperLeft(ctx, acc.ID); err != nil {
		return fmt.Errorf("server: erase %s: %w", acc.ID, err)
	}
	// Requests about the person stay (they are the team's case file) but
	// no longer point at an account that is gone.
	if err := p.cw.UnlinkResident(ctx, casework.Actor{}, acc.ID); err != nil {
		return fmt.Errorf("server: erase %s: %w", acc.ID, err)
	}
	// Activities before the provisions and initiatives they belong to.
	if err := deleteOwned(ctx, acc.ID, p.st.Volunteers().OwnedBy, p.st.Volunteers().Delete, p.engine, collVolunteers); err != nil {
		return err
	}
	if err := deleteOwned(ctx, acc.ID, p.st.Activities().OwnedBy, p.st.Activities().Delete, p.engine, collActivities); err != nil {
		return err
	}
	if err := deleteOwned(ctx, acc.ID, p.st.Initiatives().OwnedBy, p.st.Initiatives().Delete, p.engine, collInitiatives); err != nil {
		return err
	}
	if err := deleteOwned(ctx, acc.ID, p.st.Provisions().OwnedBy, p.st.Provisions().Delete, p.engine, collProvisions); err != nil {
		return err
	}
	// The personal calendar feed dies with the account anyway; its token
	// hash goes too, so nothing of the account is left behind.
	if err := p.st.CalendarTokens().DeleteOfAccount(ctx, acc.ID); err != nil {
		return fmt.Errorf("server: erase %s: calendar tokens: %w", acc.ID, err)
	}
	return p.accounts.Delete(ctx, acc.ID)
}

// deleteOwned deletes the records of owner, found by owned and deleted
// by del, and tells the matching engine.
func deleteOwned[T store.Record](ctx context.Context, owner string, owned func(context.Context, string) ([]T, error),
	del func(context.Context, string) error, engine *follow.Sync, name string) error {
	recs, err := owned(ctx, owner)
	if err != nil {
		return err
	}
	for _, r := range recs {
		id := r.Header().ID
		if err := del(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("server: erase: delete %s %s: %w", name, id, err)
		}
		engine.Written(ctx, name, id, true)
	}
	return nil
}
