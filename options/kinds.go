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
	k := Kinds{
		Volunteers: &Kind[care.VolunteerFields, *care.VolunteerFields, care.Volunteer]{
			Policy: VolunteerPolicy(s.Volunteers()), LocField: "home_location",
			Written: written(d.Engine, follow.Volunteers), Records: s.Volunteers(), Checker: d.Checker, Now: d.Now,
			Build: func(m care.Meta, f care.VolunteerFields, a care.Area, _ *care.Volunteer) care.Volunteer {
				return care.Volunteer{Meta: m, VolunteerFields: f, Area: a, LocationPrecision: care.CoarsePrecision}
			},
			Editable:    care.Volunteer.Editable,
			AfterDelete: withdrawn(d.Referrals),
		},
		Initiatives: option(d, s.Initiatives(), s.Initiatives().Scope, follow.Initiatives, "service_area", care.Initiative.Editable,
			func(m care.Meta, f care.InitiativeFields, a care.Area, _ *care.Initiative) care.Initiative {
				return care.Initiative{Meta: m, InitiativeFields: f, Area: a}
			}),
		Provisions: option(d, s.Provisions(), s.Provisions().Scope, follow.Provisions, "location", care.Provision.Editable,
			func(m care.Meta, f care.ProvisionFields, a care.Area, _ *care.Provision) care.Provision {
				return care.Provision{Meta: m, ProvisionFields: f, Area: a}
			}),
		Activities: option(d, s.Activities(), s.Activities().Scope, follow.Activities, "place.location", care.Activity.Editable,
			func(m care.Meta, f care.ActivityFields, a care.Area, _ *care.Activity) care.Activity {
				return care.Activity{Meta: m, ActivityFields: f, Area: a}
			}),
	}
	k.Initiatives.BeforeDelete = refusedWhileOwning(s.Activities().AnyOfInitiative, "initiative")
	k.Provisions.BeforeDelete = refusedWhileOwning(s.Activities().AnyOfProvision, "provision")
	k.Activities.Verify = ownerExists(s.Provisions(), s.Initiatives())
	k.Activities.Written = activityWritten(d.Engine, d.Referrals, d.Log)
	return k
}

// option is the kind of an initiative, provision or activity: public
// within its municipality (OptionPolicy), told to the engine as written
// to coll.
func option[F any, PF FieldsPtr[F], R store.Record](d Deps, records Records[R], scope func(string) []store.Cond, coll, locField string,
	editable func(R) F, build func(care.Meta, F, care.Area, *R) R) *Kind[F, PF, R] {
	return &Kind[F, PF, R]{Policy: OptionPolicy(scope), LocField: locField, Written: written(d.Engine, coll), Records: records,
		Checker: d.Checker, Now: d.Now, Build: build, Editable: editable, AfterDelete: withdrawn(d.Referrals)}
}

// withdrawn ends a deleted option's open referrals, so their requests
// look further and the workers see why.
func withdrawn(refs Referrals) func(context.Context, string) error {
	return func(ctx context.Context, id string) error {
		return refs.EndReferralsTo(ctx, id, "the offer was withdrawn")
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
