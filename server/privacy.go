package server

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/privacy"
)

// privacyAPI serves the AVG rights of an account holder: to see who
// looked at their data, to take all of it along, and to be forgotten.
type privacyAPI struct {
	s    *privacy.Service
	refs *referrals
	now  func() time.Time
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
type AccessView privacy.Access

// Erasure confirms the erasing of one's own account with the password, so
// that a session left open on a shared computer cannot do it.
type Erasure struct {
	Password string `json:"password" validate:"required,max=1024"`
}

func mountPrivacy(rt *routeTable, p *privacyAPI) {
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

func (p *privacyAPI) export(c *fiber.Ctx) error {
	acc := principalOf(c).account
	out := DataExport{ExportedAt: p.now().UTC(), Account: viewAccount(acc), Referrals: []OwnerReferral{}}
	x, err := p.s.Export(c.UserContext(), acc, func(ref care.Referral) error {
		v, err := p.refs.ownerRead(c, ref)
		out.Referrals = append(out.Referrals, v)
		return err
	})
	if err != nil {
		return err
	}
	out.Tokens, out.Volunteers, out.Initiatives, out.Provisions, out.Activities = x.Tokens, x.Volunteers, x.Initiatives, x.Provisions, x.Activities
	out.Mail, out.AccessLog = x.Mail, accessViews(x.Accesses)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="dichtbij-export.json"`)
	return c.JSON(out)
}

func (p *privacyAPI) accessLog(c *fiber.Ctx) error {
	as, err := p.s.Accesses(c.UserContext(), actorOf(c.UserContext()).ID, 1000)
	if err != nil {
		return err
	}
	return c.JSON(accessViews(as))
}

func accessViews(as []privacy.Access) []AccessView {
	out := make([]AccessView, len(as))
	for i, a := range as {
		out[i] = AccessView(a)
	}
	return out
}

func (p *privacyAPI) erase(c *fiber.Ctx) error {
	var e Erasure
	if err := bindJSON(c, &e, func() error {
		if e.Password == "" {
			return invalid("password", "is required: erasing the account is confirmed with its password")
		}
		return nil
	}); err != nil {
		return err
	}
	if err := p.s.EraseOwn(c.UserContext(), principalOf(c).account, e.Password); err != nil {
		return authError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
