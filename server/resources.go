package server

import (
	"net/http"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/casework"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/options"
	"github.com/dichtbij/dichtbij/store"
)

// mountResources wires the five record types to their collections: the
// options' rules are package options', the support request's records
// casework's (RequestRecords, BuildRequest); the list filters are here.
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
	l := newLifecycle(d)
	requests := casework.NewRequestRecords(l.cw, l.settings, d.accounts, actorOf)
	mount(rt, "support request", permRequests, permRequests, &resource[care.RequestFields, *care.RequestFields, care.Request]{
		path: "requests", cases: d.cases,
		kind: &options.Kind[care.RequestFields, *care.RequestFields, care.Request]{
			Policy: requestPolicy(s.Requests()), LocField: "location",
			Records: requests, Checker: d.Checker, Now: d.Now, Build: casework.BuildRequest,
			Editable: care.Request.Editable,
			Verify:   requests.CheckResident,
		},
		filters: []filter{municipality,
			{param: "need", where: store.Need, doc: "only requests with this need (help type)"},
			{param: "urgency", where: store.Urgency, doc: "low, normal, high or crisis"},
			{param: "status", where: store.RequestStatus, doc: "lifecycle status: open, searched, referred, in_progress or closed", allowed: care.RequestStatuses}},
	})
}
