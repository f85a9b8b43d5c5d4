package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/store"
)

// The option collections, as the change log names them.
const (
	collVolunteers  = follow.Volunteers
	collInitiatives = follow.Initiatives
	collProvisions  = follow.Provisions
	collActivities  = follow.Activities
)

// mountResources wires the five record types to their collections.
func mountResources(rt *routeTable, d Deps, engineSync *follow.Sync) {
	// A deleted option's open referrals end, so their requests look
	// further and the workers see why.
	withdrawn := func(ctx context.Context, id string) error {
		return d.casework.EndReferralsTo(ctx, id, "the offer was withdrawn")
	}
	s := d.Store
	helpType := filter{param: "help_type", where: store.HelpType, doc: "only records offering this help type"}
	municipality := filter{param: "municipality", where: store.AreaMunicipality, doc: "CBS municipality code, e.g. GM0363"}
	active := filter{param: "active", whereBool: store.Active, kind: filterBool, doc: "only active (true) or inactive (false) records"}

	mount(rt, "volunteer", permVolunteers, permVolunteers, &resource[care.VolunteerFields, *care.VolunteerFields, care.Volunteer]{
		policy: volunteerPolicy(s.Volunteers()), locField: "home_location", about: d.cases,
		path: "volunteers", written: written(engineSync, collVolunteers), records: s.Volunteers(), checker: d.Checker, now: d.Now,
		build: func(m care.Meta, f care.VolunteerFields, a care.Area, _ *care.Volunteer) care.Volunteer {
			return care.Volunteer{Meta: m, VolunteerFields: f, Area: a, LocationPrecision: care.CoarsePrecision}
		},
		editable:    care.Volunteer.Editable,
		afterDelete: withdrawn,
		filters: []filter{helpType, municipality,
			{param: "status", where: store.VolunteerStatus, doc: "active or paused", allowed: []string{"active", "paused"}},
			{param: "language", where: store.Language, doc: "ISO 639-1 code the volunteer speaks"}},
	})
	initiatives := &resource[care.InitiativeFields, *care.InitiativeFields, care.Initiative]{
		policy: optionPolicy(s.Initiatives().Scope), locField: "service_area",
		path: "initiatives", written: written(engineSync, collInitiatives), records: s.Initiatives(), checker: d.Checker, now: d.Now,
		build: func(m care.Meta, f care.InitiativeFields, a care.Area, _ *care.Initiative) care.Initiative {
			return care.Initiative{Meta: m, InitiativeFields: f, Area: a}
		},
		editable:     care.Initiative.Editable,
		filters:      []filter{helpType, municipality, active},
		beforeDelete: refusedWhileOwning(s.Activities().AnyOfInitiative, "initiative"),
		afterDelete:  withdrawn,
	}
	mount(rt, "initiative", permOptionsRead, permOptionsWrite, initiatives)
	rt.add(route{method: http.MethodPost, path: "/api/v1/initiatives/:id/service-area", perm: permOptionsWrite, handler: importServiceArea(initiatives.patch), tag: "initiative",
		summary: "Set an initiative's service area from GeoJSON: a Polygon, a Feature or FeatureCollection holding one, or a Point Feature with properties.radius_m; answers like PATCH",
		params:  idParam{}, resp: care.Initiative{}, errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusPreconditionFailed, http.StatusUnprocessableEntity}})
	mount(rt, "provision", permOptionsRead, permOptionsWrite, &resource[care.ProvisionFields, *care.ProvisionFields, care.Provision]{
		policy: optionPolicy(s.Provisions().Scope), locField: "location",
		path: "provisions", written: written(engineSync, collProvisions), records: s.Provisions(), checker: d.Checker, now: d.Now,
		build: func(m care.Meta, f care.ProvisionFields, a care.Area, _ *care.Provision) care.Provision {
			return care.Provision{Meta: m, ProvisionFields: f, Area: a}
		},
		editable: care.Provision.Editable,
		filters: []filter{helpType, municipality, active,
			{param: "target_group", where: store.TargetGroup, doc: "only provisions for this target group"}},
		beforeDelete: refusedWhileOwning(s.Activities().AnyOfProvision, "provision"),
		afterDelete:  withdrawn,
	})
	mount(rt, "activity", permOptionsRead, permOptionsWrite, &resource[care.ActivityFields, *care.ActivityFields, care.Activity]{
		policy: optionPolicy(s.Activities().Scope), locField: "place.location",
		path: "activities", written: activityWritten(engineSync, d.casework, d.Log), records: s.Activities(), checker: d.Checker, now: d.Now,
		build: func(m care.Meta, f care.ActivityFields, a care.Area, _ *care.Activity) care.Activity {
			return care.Activity{Meta: m, ActivityFields: f, Area: a}
		},
		editable: care.Activity.Editable,
		filters: []filter{helpType, municipality, active,
			{param: "target_group", where: store.TargetGroup, doc: "only activities for this target group"},
			{param: "provision_id", where: store.OfProvision, kind: filterID, doc: "only activities of this provision"},
			{param: "initiative_id", where: store.OfInitiative, kind: filterID, doc: "only activities of this initiative"}},
		verify:      ownerExists(s.Provisions(), s.Initiatives()),
		afterDelete: withdrawn,
	})
	mount(rt, "support request", permRequests, permRequests, &resource[care.RequestFields, *care.RequestFields, care.Request]{
		policy: requestPolicy(s.Requests()), locField: "location", cases: d.cases,
		path: "requests", records: timedRequests{s.Requests().Collection, newLifecycle(d)}, checker: d.Checker, now: d.Now,
		build: func(m care.Meta, f care.RequestFields, a care.Area, prev *care.Request) care.Request {
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
		editable: care.Request.Editable,
		verify:   residentAccount(d.accounts),
		filters: []filter{municipality,
			{param: "need", where: store.Need, doc: "only requests with this need (help type)"},
			{param: "urgency", where: store.Urgency, doc: "low, normal, high or crisis"},
			{param: "status", where: store.RequestStatus, doc: "lifecycle status: open, searched, referred, in_progress or closed", allowed: care.RequestStatuses}},
	})
}

// activityWritten tells the engine of a written activity, and releases
// the referrals to occurrences it no longer has (an exdate added, the
// schedule changed), each with an event. A failure is logged: the
// activity was written, and the next write or the sweep of proposals
// settles the rest.
func activityWritten(engineSync *follow.Sync, cw *casework.Service, log *slog.Logger) func(context.Context, string, bool) {
	engine := written(engineSync, collActivities)
	return func(ctx context.Context, id string, deleted bool) {
		engine(ctx, id, deleted)
		if deleted {
			return
		}
		if err := cw.ActivityChanged(ctx, id); err != nil {
			log.Error("releasing the referrals of cancelled occurrences", "activity", id, "err", err)
		}
	}
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

// written returns the hook that tells the matching engine of a write to
// an option collection.
func written(engineSync *follow.Sync, coll string) func(context.Context, string, bool) {
	return func(ctx context.Context, id string, deleted bool) { engineSync.Written(ctx, coll, id, deleted) }
}

// existence is what reference checks need from a collection.
type existence interface {
	Has(ctx context.Context, id string) (bool, error)
}

// ownerExists checks that an activity's provision or initiative exists, so
// no activity points at nothing.
func ownerExists(provisions, initiatives existence) func(context.Context, *care.ActivityFields) error {
	return func(ctx context.Context, f *care.ActivityFields) error {
		field, id, coll := "provision_id", f.ProvisionID, provisions
		if id == "" {
			field, id, coll = "initiative_id", f.InitiativeID, initiatives
		}
		ok, err := coll.Has(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return &care.ValidationError{Problems: []care.Problem{{Field: field, Reason: "names no existing record"}}}
		}
		return nil
	}
}

// refusedWhileOwning refuses to delete an owner that still has
// activities; hasActivities tells whether the owner with id has any.
func refusedWhileOwning(hasActivities func(ctx context.Context, id string) (bool, error), kind string) func(context.Context, string) error {
	return func(ctx context.Context, id string) error {
		ok, err := hasActivities(ctx, id)
		if err != nil {
			return err
		}
		if ok {
			return newProblem(fiber.StatusConflict, "has-activities",
				fmt.Sprintf("this %s still has activities; delete them or set active to false instead", kind))
		}
		return nil
	}
}
