package server

import (
	"slices"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
)

// perm is what a route needs of its caller. Every route declares one
// (route.perm); rolePerms says which roles hold it. What a holder may do
// with a particular record (its municipality, team or owner) is checked
// by the handler on the record.
type perm string

const (
	// permPublic routes need no account.
	permPublic perm = "public"
	// permSelf is any signed-in account acting on itself.
	permSelf perm = "self"
	// permOptionsRead reads initiatives, provisions and activities.
	permOptionsRead perm = "options:read"
	// permOptionsWrite writes them: organisers their own, social workers
	// and coordinators any in their municipality.
	permOptionsWrite perm = "options:write"
	// permVolunteers reads and writes volunteer offers: residents their
	// own, social workers any in their municipality.
	permVolunteers perm = "volunteers"
	// permSearch runs the plain nearby search without a case.
	permSearch perm = "search"
	// permRequests works on the support requests of the worker's team:
	// searches, referrals, the gate, follow-ups, households.
	permRequests perm = "requests"
	// permReferralRead reads a referral: in full for its team's workers,
	// minimised for the owner of its option.
	permReferralRead perm = "referrals:read"
	// permAnswer answers referrals to one's own options.
	permAnswer perm = "referrals:answer"
	// permSettingsRead and permSettingsWrite are the municipality's settings.
	permSettingsRead  perm = "settings:read"
	permSettingsWrite perm = "settings:write"
	// permAggregates reads aggregates with small numbers suppressed.
	permAggregates perm = "aggregates:read"
	// permAccessReview reviews the access log of the municipality.
	permAccessReview perm = "access-log:review"
	// permAccounts manages the municipality's accounts; permOutbox reads
	// the mail outbox on a machine without mail.
	permAccounts perm = "accounts:manage"
	permOutbox   perm = "outbox:read"
)

// rolePerms is the one permission table: which role holds which perm.
// Admins manage accounts but hold nothing that opens case contents;
// coordinators see aggregates and the access log, never a request.
func rolePerms() map[string][]perm {
	return map[string][]perm{
		auth.RoleResident:     {permSelf, permOptionsRead, permVolunteers, permReferralRead, permAnswer},
		auth.RoleOrganiser:    {permSelf, permOptionsRead, permOptionsWrite, permReferralRead, permAnswer},
		auth.RoleSocialWorker: {permSelf, permOptionsRead, permOptionsWrite, permVolunteers, permSearch, permRequests, permReferralRead, permAnswer, permSettingsRead},
		auth.RoleCoordinator:  {permSelf, permOptionsRead, permOptionsWrite, permSearch, permSettingsRead, permSettingsWrite, permAggregates, permAccessReview},
		auth.RoleAdmin:        {permSelf, permAccounts, permOutbox, permSettingsRead},
	}
}

// scopes are the perms an API token may carry: all but public.
func scopes() []string {
	set := map[perm]bool{}
	for _, ps := range rolePerms() {
		for _, p := range ps {
			set[p] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, string(p))
	}
	sort.Strings(out)
	return out
}

// guard returns the check of perm p for the caller that authenticate put
// in the context: 401 without an account, 403 when the role (or the API
// token's scopes) lack p. It passes the actor on in the user context.
func guard(table map[string][]perm) func(perm) fiber.Handler {
	return func(p perm) fiber.Handler {
		return func(c *fiber.Ctx) error {
			pr := principalOf(c)
			if p != permPublic {
				if pr.actor.ID == "" {
					return newProblem(fiber.StatusUnauthorized, "sign-in-required", "sign in, or send an API token as Authorization: Bearer <token>")
				}
				if !slices.Contains(table[pr.actor.Role], p) {
					return newProblem(fiber.StatusForbidden, "forbidden",
						"the role "+pr.actor.Role+" may not do this (it needs "+string(p)+")")
				}
				if pr.token && !slices.Contains(pr.scopes, string(p)) {
					return newProblem(fiber.StatusForbidden, "forbidden",
						"this API token lacks the scope "+string(p)+" (it has "+strings.Join(pr.scopes, ", ")+")")
				}
			}
			c.SetUserContext(withActor(c.UserContext(), pr.actor))
			return c.Next()
		}
	}
}
