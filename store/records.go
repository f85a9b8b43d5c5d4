package store

import (
	"context"

	"github.com/dichtbij/dichtbij/care"
)

// The collections of care's records, each with its finders. A finder's
// query is declared beside it (queries.go), and an index of indexes.go
// serves it.
//
// Scope methods return the conditions a list of the API starts from: the
// records of one municipality (and owner or team) that a caller may see,
// in _id order. The filters of a query string (filters.go) narrow such a
// list further, on what the scope's index found.

// Volunteers are the residents' offers of help.
type Volunteers struct{ *Collection[care.Volunteer] }

// Volunteers returns the volunteers collection.
func (s *Store) Volunteers() Volunteers {
	return Volunteers{collection[care.Volunteer](s, volunteersName)}
}

var (
	volunteersInMunicipality = newQuery(volunteersName, "Volunteers.Scope", "municipality").sortedBy("_id")
	volunteersOfOwner        = newQuery(volunteersName, "Volunteers.Scope with owner", "owner_id", "municipality").sortedBy("_id")
	volunteersOwned          = newQuery(volunteersName, "Volunteers.OwnedBy", "owner_id")
)

// Scope limits a list to the offers of one municipality, and of one
// owner unless owner is empty.
func (c Volunteers) Scope(municipality, owner string) []Cond {
	if owner == "" {
		return volunteersInMunicipality.where(municipality)
	}
	return volunteersOfOwner.where(owner, municipality)
}

// OwnedBy returns the offers of the account owner.
func (c Volunteers) OwnedBy(ctx context.Context, owner string) ([]care.Volunteer, error) {
	return c.All(ctx, volunteersOwned.where(owner)...)
}

// optionQueries are the queries of one of the option collections that
// belong to a municipality: initiatives, provisions, activities.
type optionQueries struct{ scope, ofMunicipality, owned *query }

func newOptionQueries(coll, typ string) optionQueries {
	return optionQueries{
		scope:          newQuery(coll, typ+".Scope", "municipality").sortedBy("_id"),
		ofMunicipality: newQuery(coll, typ+".OfMunicipality", "municipality"),
		owned:          newQuery(coll, typ+".OwnedBy", "owner_id"),
	}
}

var (
	initiativeQueries = newOptionQueries(initiativesName, "Initiatives")
	provisionQueries  = newOptionQueries(provisionsName, "Provisions")
	activityQueries   = newOptionQueries(activitiesName, "Activities")
)

// Initiatives are the citizen initiatives.
type Initiatives struct{ *Collection[care.Initiative] }

// Initiatives returns the citizen initiatives collection.
func (s *Store) Initiatives() Initiatives {
	return Initiatives{collection[care.Initiative](s, initiativesName)}
}

// Scope limits a list to the initiatives of one municipality.
func (c Initiatives) Scope(municipality string) []Cond {
	return initiativeQueries.scope.where(municipality)
}

// OfMunicipality returns every initiative of one municipality.
func (c Initiatives) OfMunicipality(ctx context.Context, municipality string) ([]care.Initiative, error) {
	return c.All(ctx, initiativeQueries.ofMunicipality.where(municipality)...)
}

// OwnedBy returns the initiatives of the account owner.
func (c Initiatives) OwnedBy(ctx context.Context, owner string) ([]care.Initiative, error) {
	return c.All(ctx, initiativeQueries.owned.where(owner)...)
}

// Provisions are the collective and general provisions.
type Provisions struct{ *Collection[care.Provision] }

// Provisions returns the provisions collection.
func (s *Store) Provisions() Provisions {
	return Provisions{collection[care.Provision](s, provisionsName)}
}

// Scope limits a list to the provisions of one municipality.
func (c Provisions) Scope(municipality string) []Cond {
	return provisionQueries.scope.where(municipality)
}

// OfMunicipality returns every provision of one municipality.
func (c Provisions) OfMunicipality(ctx context.Context, municipality string) ([]care.Provision, error) {
	return c.All(ctx, provisionQueries.ofMunicipality.where(municipality)...)
}

// OwnedBy returns the provisions of the account owner.
func (c Provisions) OwnedBy(ctx context.Context, owner string) ([]care.Provision, error) {
	return c.All(ctx, provisionQueries.owned.where(owner)...)
}

// Activities are the activities of provisions and initiatives.
type Activities struct{ *Collection[care.Activity] }

// Activities returns the activities collection.
func (s *Store) Activities() Activities {
	return Activities{collection[care.Activity](s, activitiesName)}
}

var (
	activitiesOfProvision  = newQuery(activitiesName, "Activities.AnyOfProvision", "provision_id")
	activitiesOfInitiative = newQuery(activitiesName, "Activities.AnyOfInitiative", "initiative_id")
)

// Scope limits a list to the activities of one municipality.
func (c Activities) Scope(municipality string) []Cond {
	return activityQueries.scope.where(municipality)
}

// OfMunicipality returns every activity of one municipality.
func (c Activities) OfMunicipality(ctx context.Context, municipality string) ([]care.Activity, error) {
	return c.All(ctx, activityQueries.ofMunicipality.where(municipality)...)
}

// OwnedBy returns the activities of the account owner.
func (c Activities) OwnedBy(ctx context.Context, owner string) ([]care.Activity, error) {
	return c.All(ctx, activityQueries.owned.where(owner)...)
}

// AnyOfProvision reports whether the provision with id has an activity.
func (c Activities) AnyOfProvision(ctx context.Context, id string) (bool, error) {
	return c.any(ctx, activitiesOfProvision.where(id))
}

// AnyOfInitiative reports whether the initiative with id has an activity.
func (c Activities) AnyOfInitiative(ctx context.Context, id string) (bool, error) {
	return c.any(ctx, activitiesOfInitiative.where(id))
}

// Requests are the support requests.
type Requests struct{ *Collection[care.Request] }

// Requests returns the support requests collection.
func (s *Store) Requests() Requests {
	return Requests{collection[care.Request](s, requestsName)}
}

var (
	requestsOfTeam      = newQuery(requestsName, "Requests.Scope", "municipality", "team").sortedBy("_id")
	requestsOfHousehold = newQuery(requestsName, "Requests.OfHousehold", "household_id", "municipality", "team")
	requestsInStatus    = newQuery(requestsName, "Requests.InStatus", "status")
	requestsOfResident  = newQuery(requestsName, "Requests.OfResident", "resident_account")
)

// Scope limits a list to the requests of one team of one municipality.
func (c Requests) Scope(municipality, team string) []Cond {
	return requestsOfTeam.where(municipality, team)
}

// OfHousehold returns the requests of one household that one team of one
// municipality keeps.
func (c Requests) OfHousehold(ctx context.Context, municipality, team, household string) ([]care.Request, error) {
	return c.All(ctx, requestsOfHousehold.where(household, municipality, team)...)
}

// InStatus returns every request in status, e.g. care.ReqClosed.
func (c Requests) InStatus(ctx context.Context, status string) ([]care.Request, error) {
	return c.All(ctx, requestsInStatus.where(status)...)
}

// OfResident returns the requests about the resident with the account.
func (c Requests) OfResident(ctx context.Context, account string) ([]care.Request, error) {
	return c.All(ctx, requestsOfResident.where(account)...)
}

// Searches returns the recorded zero-line searches.
func (s *Store) Searches() *Collection[care.Search] {
	return collection[care.Search](s, searchesName)
}

// Referrals are the referrals of requests' needs to options.
type Referrals struct{ *Collection[care.Referral] }

// Referrals returns the referrals collection.
func (s *Store) Referrals() Referrals {
	return Referrals{collection[care.Referral](s, referralsName)}
}

var (
	referralsOfRequest = newQuery(referralsName, "Referrals.OfRequest", "request_id")
	referralsToOption  = newQuery(referralsName, "Referrals.ToOption", "option_id")
	referralsInState   = newQuery(referralsName, "Referrals.ToOptionInState", "option_id", "state")
	referralsOwned     = newQuery(referralsName, "Referrals.OwnedBy", "owner_id")
	referralsOwnedIn   = newQuery(referralsName, "Referrals.OwnedIn", "owner_id", "municipality")
	referralsOwnedInSt = newQuery(referralsName, "Referrals.OwnedInState", "owner_id", "municipality", "state")
)

// OfRequest returns the referrals of one request.
func (c Referrals) OfRequest(ctx context.Context, requestID string) ([]care.Referral, error) {
	return c.All(ctx, referralsOfRequest.where(requestID)...)
}

// ToOption returns the referrals to one option.
func (c Referrals) ToOption(ctx context.Context, optionID string) ([]care.Referral, error) {
	return c.All(ctx, referralsToOption.where(optionID)...)
}

// ToOptionInState returns the referrals to one option in one state, such
// as its waiting list.
func (c Referrals) ToOptionInState(ctx context.Context, optionID, state string) ([]care.Referral, error) {
	return c.All(ctx, referralsInState.where(optionID, state)...)
}

// OwnedBy returns the referrals to the options of the account owner.
func (c Referrals) OwnedBy(ctx context.Context, owner string) ([]care.Referral, error) {
	return c.All(ctx, referralsOwned.where(owner)...)
}

// OwnedIn returns the referrals to the options of the account owner in
// one municipality.
func (c Referrals) OwnedIn(ctx context.Context, owner, municipality string) ([]care.Referral, error) {
	return c.All(ctx, referralsOwnedIn.where(owner, municipality)...)
}

// OwnedInState returns the referrals in one state to the options of the
// account owner in one municipality.
func (c Referrals) OwnedInState(ctx context.Context, owner, municipality, state string) ([]care.Referral, error) {
	return c.All(ctx, referralsOwnedInSt.where(owner, municipality, state)...)
}

// Transitions are the append-only audit log of referral state changes.
type Transitions struct{ *Collection[care.Transition] }

// Transitions returns the audit log of referral state changes.
func (s *Store) Transitions() Transitions {
	return Transitions{collection[care.Transition](s, auditName)}
}

var transitionsOfRequest = newQuery(auditName, "Transitions.OfRequest", "request_id")

// OfRequest returns the audit entries of the referrals of one request.
func (c Transitions) OfRequest(ctx context.Context, requestID string) ([]care.Transition, error) {
	return c.All(ctx, transitionsOfRequest.where(requestID)...)
}

// Specialists are the referrals to specialist care.
type Specialists struct{ *Collection[care.Specialist] }

// Specialists returns the referrals to specialist care.
func (s *Store) Specialists() Specialists {
	return Specialists{collection[care.Specialist](s, specialistsName)}
}

var specialistsOfRequest = newQuery(specialistsName, "Specialists.OfRequest", "request_id")

// OfRequest returns the specialist referrals of one request.
func (c Specialists) OfRequest(ctx context.Context, requestID string) ([]care.Specialist, error) {
	return c.All(ctx, specialistsOfRequest.where(requestID)...)
}

// Notifications are the notifications to the sides of referrals.
type Notifications struct{ *Collection[care.Notification] }

// Notifications returns the notifications collection.
func (s *Store) Notifications() Notifications {
	return Notifications{collection[care.Notification](s, notificationsName)}
}

var notificationsOfReferral = newQuery(notificationsName, "Notifications.OfReferral", "referral_id")

// OfReferral returns the notifications about one referral.
func (c Notifications) OfReferral(ctx context.Context, referralID string) ([]care.Notification, error) {
	return c.All(ctx, notificationsOfReferral.where(referralID)...)
}

// Teams are the social teams of every municipality, keyed
// "<municipality>:<code>".
type Teams struct{ *Collection[care.Team] }

// Teams returns the social teams collection.
func (s *Store) Teams() Teams {
	return Teams{collection[care.Team](s, teamsName)}
}

var teamsOfMunicipality = newQuery(teamsName, "Teams.OfMunicipality", "municipality")

// OfMunicipality returns the teams of one municipality, in _id order.
func (c Teams) OfMunicipality(ctx context.Context, municipality string) ([]care.Team, error) {
	return c.All(ctx, teamsOfMunicipality.where(municipality)...)
}
