package server

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/options"
	"github.com/dichtbij/dichtbij/store"
)

// The option collections, as the change log names them.
const (
	collVolunteers  = follow.Volunteers
	collInitiatives = follow.Initiatives
	collProvisions  = follow.Provisions
	collActivities  = follow.Activities
)

// mountResources wires the five record types to their collections: the
// options' rules are package options', the list filters and the support
// request's record are here.
func mountResources(rt *routeTable, d Deps, engineSync *follow.Sync) {
	s := d.Store
	kinds := options.NewKinds(options.Deps{Store: s, Checker: d.Checker, Engine: engineSync, Referrals: d.casework, Log: d.Log, Now: d.Now})
	helpType := filter{param: "help_type", where: store.HelpType, doc: "only records offering this help type"}
	municipality := filter{param: "municipality", where: store.AreaMunicipality, doc: "CBS municipality code, e.g. GM0363"}
	active := filter{param: "active", whereBool: store.Active, kind: filterBool, doc: "only active (true) or inactive (false) records"}

	mount(rt, "volunteer", permVolunteers, permVolunteers, &resource[care.VolunteerFields, *care.VolunteerFields, care.Volunteer]{
		kind: kinds.Volunteers, path: "volunteers", about: d.cases,
		filters: []filter{helpType, municipality,
			{param: "status", where: store.VolunteerStatus, doc: "active or paused", allowed: []string{"active", "paused"}},
			{param: "language", where: store.Language, doc: "ISO 639-1 code the volunteer speaks"}},
	})
	initiatives := &resource[care.InitiativeFields, *care.InitiativeFields, care.Initiative]{
		kind: kinds.Initiatives, path: "initiatives", filters: []filter{helpType, municipality, active}}
	mount(rt, "initiative", permOptionsRead, permOptionsWrite, initiatives)
	rt.add(route{method: http.MethodPost, path: "/api/v1/initiatives/:id/service-area", perm: permOptionsWrite, handler: importServiceArea(initiatives.patch), tag: "initiative",
		summary: "Set an initiative's service area from GeoJSON: a Polygon, a Feature or FeatureCollection holding one, or a Point Feature with properties.radius_m; answers like PATCH",
		params:  idParam{}, resp: care.Initiative{}, errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity}})
	mount(rt, "provision", permOptionsRead, permOptionsWrite, &resource[care.ProvisionFields, *care.ProvisionFields, care.Provision]{
		kind: kinds.Provisions, path: "provisions",
		filters: []filter{helpType, municipality, active,
			{param: "target_group", where: store.TargetGroup, doc: "only provisions for this target group"}},
	})
	mount(rt, "activity", permOptionsRead, permOptionsWrite, &resource[care.ActivityFields, *care.ActivityFields, care.Activity]{
		kind: kinds.Activities, path: "activities",
		filters: []filter{helpType, municipality, active,
			{param: "target_group", where: store.TargetGroup, doc: "only activities for this target group"},
			{param: "provision_id", where: store.OfProvision, kind: filterID, doc: "only activities of this provision"},
			{param: "initiative_id", where: store.OfInitiative, kind: filterID, doc: "only activities of this initiative"}},
	})
	mount(rt, "support request", permRequests, permRequests, &resource[care.RequestFields, *care.RequestFields, care.Request]{
		path: "requests", cases: d.cases,
		kind: &options.Kind[care.RequestFields, *care.RequestFields, care.Request]{
			Policy: requestPolicy(s.Requests()), LocField: "location",
			Records: timedRequests{s.Requests().Collection, newLifecycle(d)}, Checker: d.Checker, Now: d.Now,
			Build: func(m care.Meta, f care.RequestFields, a care.Area, prev *care.Request) care.Request {
				m.Subject = f.ResidentAccount
				r := care.Request{Meta: m, RequestFields: f, Area: a, LocationPrecision: care.CoarsePrecision, Status: care.ReqOpen, NeedsChangedAt: m.UpdatedAt,
					Steps: []care.Step{{State: care.ReqOpen, At: m.CreatedAt}},
					// Filled in by timedRequests once stored, so that the
					// write's response carries it as a read does.
					Timeliness: &care.Timeliness{}}
				if prev != nil {
					// The lifecycle is not the client's to edit: keep it.
					r.Status, r.Steps, r.LastSearch = prev.Status, prev.Steps, prev.LastSearch
					r.Closure, r.ClosureNote, r.StepDowns = prev.Closure, prev.ClosureNote, prev.StepDowns
					r.FirstContactAt, r.MatchedAt = prev.FirstContactAt, prev.MatchedAt
					if care.SameNeeds(prev.Needs, f.Needs) {
						r.NeedsChangedAt = prev.NeedsChangedAt
					}
				}
				var before []string
				if prev != nil {
					before, r.ConsentHistory = prev.Consents, slices.Clone(prev.ConsentHistory)
				}
				r.ConsentHistory = append(r.ConsentHistory, care.ConsentChanges(before, f.Consents, m.UpdatedAt)...)
				return r
			},
			Editable: care.Request.Editable,
			Verify:   residentAccount(d.accounts),
		},
		filters: []filter{municipality,
			{param: "need", where: store.Need, doc: "only requests with this need (help type)"},
			{param: "urgency", where: store.Urgency, doc: "low, normal, high or crisis"},
			{param: "status", where: store.RequestStatus, doc: "lifecycle status: open, searched, referred, in_progress or closed", allowed: care.RequestStatuses}},
	})
}

// residentAccount checks a request's resident_account: an active
// resident's account of the worker's municipality.
func residentAccount(accounts *auth.Accounts) func(context.Context, *care.RequestFields) error {
	return func(ctx context.Context, f *care.RequestFields) error {
		if f.ResidentAccount == "" {
			return nil
		}
		acc, err := accounts.Get(ctx, f.ResidentAccount)
		if errors.Is(err, auth.ErrNotFound) || (err == nil && (acc.Role != auth.RoleResident || acc.Municipality != actorOf(ctx).Municipality || acc.Disabled)) {
			return invalid("resident_account", "is not the account of a resident of your municipality")
		}
		return err
	}
}
