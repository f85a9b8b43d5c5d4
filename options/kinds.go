package options

import (
	"context"
	"log/slog"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/store"
)

// Engine hears of every write to an option collection (follow.Sync: the
// matching engine and the change log other processes follow).
type Engine interface {
	Written(ctx context.Context, coll, id string, deleted bool)
}

// Referrals is what the options' rules change of the referrals to them
// (casework.Service).
type Referrals interface {
	// EndReferralsTo ends the open referrals to a deleted option.
	EndReferralsTo(ctx context.Context, id, reason string) error
	// ActivityChanged releases the referrals to occurrences a written
	// activity no longer has.
	ActivityChanged(ctx context.Context, id string) error
}

// Deps are what the option kinds need.
type Deps struct {
	Store     *store.Store
	Checker   *care.Checker
	Engine    Engine
	Referrals Referrals
	Log       *slog.Logger
	Now       func() time.Time
}

// Kinds are the four option kinds.
type Kinds struct {
	Volunteers  *Kind[care.VolunteerFields, *care.VolunteerFields, care.Volunteer]
	Initiatives *Kind[care.InitiativeFields, *care.InitiativeFields, care.Initiative]
	Provisions  *Kind[care.ProvisionFields, *care.ProvisionFields, care.Provision]
	Activities  *Kind[care.ActivityFields, *care.ActivityFields, care.Activity]
}

// NewKinds ties each option kind to its collection and rules.
func NewKinds(d Deps) Kinds {
	s := d.Store
	// A deleted option's open referrals end, so their requests look
	// further and the workers see why.
	withdrawn := func(ctx context.Context, id string) error {
		return d.Referrals.EndReferralsTo(ctx, id, "the offer was withdrawn")
	}
	return Kinds{
		Volunteers: &Kind[care.VolunteerFields, *care.VolunteerFields, care.Volunteer]{
			Policy: VolunteerPolicy(s.Volunteers()), LocField: "home_location",
			Written: written(d.Engine, follow.Volunteers), Records: s.Volunteers(), Checker: d.Checker, Now: d.Now,
			Build: func(m care.Meta, f care.VolunteerFields, a care.Area, _ *care.Volunteer) care.Volunteer {
				return care.Volunteer{Meta: m, VolunteerFields: f, Area: a, LocationPrecision: care.CoarsePrecision}
			},
			Editable:    care.Volunteer.Editable,
			AfterDelete: withdrawn,
		},
		Initiatives: &Kind[care.InitiativeFields, *care.InitiativeFields, care.Initiative]{
			Policy: OptionPolicy(s.Initiatives().Scope), LocField: "service_area",
			Written: written(d.Engine, follow.Initiatives), Records: s.Initiatives(), Checker: d.Checker, Now: d.Now,
			Build: func(m care.Meta, f care.InitiativeFields, a care.Area, _ *care.Initiative) care.Initiative {
				return care.Initiative{Meta: m, InitiativeFields: f, Area: a}
			},
			Editable:     care.Initiative.Editable,
			BeforeDelete: refusedWhileOwning(s.Activities().AnyOfInitiative, "initiative"),
			AfterDelete:  withdrawn,
		},
		Provisions: &Kind[care.ProvisionFields, *care.ProvisionFields, care.Provision]{
			Policy: OptionPolicy(s.Provisions().Scope), LocField: "location",
			Written: written(d.Engine, follow.Provisions), Records: s.Provisions(), Checker: d.Checker, Now: d.Now,
			Build: func(m care.Meta, f care.ProvisionFields, a care.Area, _ *care.Provision) care.Provision {
				return care.Provision{Meta: m, ProvisionFields: f, Area: a}
			},
			Editable:     care.Provision.Editable,
			BeforeDelete: refusedWhileOwning(s.Activities().AnyOfProvision, "provision"),
			AfterDelete:  withdrawn,
		},
		Activities: &Kind[care.ActivityFields, *care.ActivityFields, care.Activity]{
			Policy: OptionPolicy(s.Activities().Scope), LocField: "place.location",
			Written: activityWritten(d.Engine, d.Referrals, d.Log), Records: s.Activities(), Checker: d.Checker, Now: d.Now,
			Build: func(m care.Meta, f care.ActivityFields, a care.Area, _ *care.Activity) care.Activity {
				return care.Activity{Meta: m, ActivityFields: f, Area: a}
			},
			Editable:    care.Activity.Editable,
			Verify:      ownerExists(s.Provisions(), s.Initiatives()),
			AfterDelete: withdrawn,
		},
	}
}

// written returns the hook that tells the matching engine of a write to
// an option collection.
func written(engine Engine, coll string) func(context.Context, string, bool) {
	return func(ctx context.Context, id string, deleted bool) { engine.Written(ctx, coll, id, deleted) }
}

// activityWritten tells the engine of a written activity, and releases
// the referrals to occurrences it no longer has (an exdate added, the
// schedule changed), each with an event. A failure is logged: the
// activity was written, and the next write or the sweep of proposals
// settles the rest.
func activityWritten(engine Engine, refs Referrals, log *slog.Logger) func(context.Context, string, bool) {
	tell := written(engine, follow.Activities)
	return func(ctx context.Context, id string, deleted bool) {
		tell(ctx, id, deleted)
		if deleted {
			return
		}
		if err := refs.ActivityChanged(ctx, id); err != nil {
			log.Error("releasing the referrals of cancelled occurrences", "activity", id, "err", err)
		}
	}
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
			return &OwningError{Kind: kind}
		}
		return nil
	}
}
