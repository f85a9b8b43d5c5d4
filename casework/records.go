package casework

import (
	"context"
	"errors"
	"slices"

	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Accounts reads the accounts a request may name (auth.Accounts).
type Accounts interface {
	Get(ctx context.Context, id string) (auth.Account, error)
}

// RequestRecords is the support requests' collection as a worker edits
// requests as a whole (the generic record resource, options.Records):
// writes go through the Service, which emits their events, and every
// request read carries its timeliness, as does every request written
// whose Timeliness points at a slot to fill (BuildRequest allocates one;
// the caller's response shares the pointer).
type RequestRecords struct {
	*store.Collection[care.Request]
	cw       *Service
	settings *Settings
	accounts Accounts
	// actorOf is who makes the call in ctx: the generic resource passes
	// only a context, and the actor travels in it.
	actorOf func(context.Context) Actor
}

// NewRequestRecords returns the requests of s's store, changed through
// s, with the timeliness of settings; accounts are read for a request's
// resident_account and actorOf finds the caller in a context.
func NewRequestRecords(s *Service, settings *Settings, accounts Accounts, actorOf func(context.Context) Actor) *RequestRecords {
	return &RequestRecords{Collection: s.st.Requests().Collection, cw: s, settings: settings, accounts: accounts, actorOf: actorOf}
}

// Insert opens the request, with its event.
func (t *RequestRecords) Insert(ctx context.Context, r care.Request) error {
	if err := t.cw.OpenRequest(ctx, t.actorOf(ctx), r); err != nil {
		return err
	}
	return t.fill(ctx, r)
}

// Replace stores the worker's edit, with its event.
func (t *RequestRecords) Replace(ctx context.Context, prev int64, r care.Request) error {
	if err := t.cw.EditRequest(ctx, t.actorOf(ctx), prev, r); err != nil {
		return err
	}
	return t.fill(ctx, r)
}

// Delete deletes the request, with its event.
func (t *RequestRecords) Delete(ctx context.Context, id string) error {
	r, err := t.Collection.Get(ctx, id)
	if err != nil {
		return err
	}
	return t.cw.DeleteRequest(ctx, t.actorOf(ctx), r)
}

// fill derives r's timeliness into the slot r.Timeliness points at.
func (t *RequestRecords) fill(ctx context.Context, r care.Request) error {
	if r.Timeliness == nil {
		return nil
	}
	slot := r.Timeliness
	one := []care.Request{r}
	if err := t.settings.WithTimeliness(ctx, one); err != nil {
		return err
	}
	*slot = *one[0].Timeliness
	return nil
}

// Get reads request id with its timeliness.
func (t *RequestRecords) Get(ctx context.Context, id string) (care.Request, error) {
	r, err := t.Collection.Get(ctx, id)
	if err != nil {
		return r, err
	}
	one := []care.Request{r}
	if err := t.settings.WithTimeliness(ctx, one); err != nil {
		return r, err
	}
	return one[0], nil
}

// List reads a page of q, each request with its timeliness.
func (t *RequestRecords) List(ctx context.Context, q store.Query) ([]care.Request, bool, error) {
	rs, more, err := t.Collection.List(ctx, q)
	if err != nil {
		return rs, more, err
	}
	return rs, more, t.settings.WithTimeliness(ctx, rs)
}

// CheckResident checks a request's resident_account: an active
// resident's account of the caller's municipality.
func (t *RequestRecords) CheckResident(ctx context.Context, f *care.RequestFields) error {
	if f.ResidentAccount == "" {
		return nil
	}
	acc, err := t.accounts.Get(ctx, f.ResidentAccount)
	if errors.Is(err, auth.ErrNotFound) || (err == nil && (acc.Role != auth.RoleResident || acc.Municipality != t.actorOf(ctx).Municipality || acc.Disabled)) {
		return &care.ValidationError{Problems: []care.Problem{{Field: "resident_account", Reason: "is not the account of a resident of your municipality"}}}
	}
	return err
}

// BuildRequest assembles the request stored from what the worker
// entered: a new one is open, with its first step; an edit keeps the
// lifecycle, which is not the client's to edit, and NeedsChangedAt
// unless the needs changed. Consent changes are appended to the history
// either way.
func BuildRequest(m care.Meta, f care.RequestFields, a care.Area, prev *care.Request) care.Request {
	m.Subject = f.ResidentAccount
	r := care.Request{Meta: m, RequestFields: f, Area: a, LocationPrecision: care.CoarsePrecision, Status: care.ReqOpen, NeedsChangedAt: m.UpdatedAt,
		Steps: []care.Step{{State: care.ReqOpen, At: m.CreatedAt}},
		// Filled in by RequestRecords once stored, so that the write's
		// response carries it as a read does.
		Timeliness: &care.Timeliness{}}
	var before []string
	if prev != nil {
		// The lifecycle is not the client's to edit: keep it.
		r.Status, r.Steps, r.LastSearch = prev.Status, prev.Steps, prev.LastSearch
		r.Closure, r.ClosureNote, r.StepDowns = prev.Closure, prev.ClosureNote, prev.StepDowns
		r.FirstContactAt, r.MatchedAt = prev.FirstContactAt, prev.MatchedAt
		if care.SameNeeds(prev.Needs, f.Needs) {
			r.NeedsChangedAt = prev.NeedsChangedAt
		}
		before, r.ConsentHistory = prev.Consents, slices.Clone(prev.ConsentHistory)
	}
	r.ConsentHistory = append(r.ConsentHistory, care.ConsentChanges(before, f.Consents, m.UpdatedAt)...)
	return r
}
