package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/accesslog"
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// referrals serves the closed loop from a need to an option: referral,
// acceptance or decline by the owner, start, and completion or end.
type referrals struct {
	st      *store.Store
	checker *care.Checker
	now     func() time.Time
	log     *slog.Logger
	// lifecycle moves the request along with its referrals and notes
	// first contact and match.
	lifecycle *lifecycle
	// engine learns of every place taken or freed, so searches see the
	// places left.
	engine *optionSync
	// cases guards the requests behind the referrals.
	cases *cases
}

// placesChanged tells the matching engine (here and, through the change
// log, in other processes) that an option's taken places changed.
func (r *referrals) placesChanged(ctx context.Context, ref care.Referral) {
	coll := map[string]string{"volunteer": collVolunteers, "initiative": collInitiatives, "provision": collProvisions, "activity": collActivities}[ref.OptionKind]
	r.engine.written(ctx, coll, ref.OptionID, false)
}

// option is what a referral needs to know of its target.
type option struct {
	meta      care.Meta
	kind      string
	active    bool
	helpTypes []string
	// capacity is the number of places (per occurrence for activities);
	// 0 means open to all (provisions).
	capacity int
	schedule *care.Schedule
}

type referralParams struct {
	ID string `path:"id" description:"referral id"`
}

func newReferrals(d Deps, engineSync *optionSync) *referrals {
	return &referrals{st: d.Store, checker: d.Checker, now: d.Now, log: d.Log, lifecycle: newLifecycle(d), engine: engineSync, cases: d.cases}
}

func mountReferrals(api *routes, doc *apiDoc, r *referrals) {
	api.post("/requests/:id/referrals", permRequests, r.create)
	api.get("/requests/:id/referrals", permRequests, r.ofRequest)
	api.get("/requests/:id/audit", permRequests, r.audit)
	api.get("/referrals/:id", permReferralRead, r.get)
	api.post("/referrals/:id/transitions", permAnswer, r.move)
	mountFollowUps(api, doc, r)
	tag := "referrals"
	doc.add(op{method: http.MethodPost, path: "/api/v1/requests/{id}/referrals", tag: tag,
		summary: "Refer one need of a request to an option (state proposed)", params: idParam{}, body: care.ReferralFields{},
		resp: care.Referral{}, status: http.StatusCreated, errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/requests/{id}/referrals", tag: tag, summary: "The referrals of a request",
		params: idParam{}, resp: []care.Referral{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/requests/{id}/audit", tag: tag,
		summary: "Every state change of the request and of its referrals, oldest first, with who made it and on whose behalf (append-only)", params: idParam{}, resp: []care.Transition{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodGet, path: "/api/v1/referrals/{id}", tag: tag, summary: "Read a referral", params: referralParams{}, resp: care.Referral{}, errors: []int{http.StatusNotFound}})
	doc.add(op{method: http.MethodPost, path: "/api/v1/referrals/{id}/transitions", tag: tag,
		summary: "Move a referral: accepted (claims a place), declined (reason), expired, waitlisted, started, completed (outcome), ended (reason). Ending or completing an accepted or started referral frees its place, which goes to the first referral on the waiting list of the same option and occurrence (audit reason \"promoted from the waiting list\"; both sides get a notification). Starting sets follow-ups at 4 and 12 weeks. 409 names the current state when the move is not allowed, or says the option is full.",
		params:  referralParams{}, body: care.Move{}, resp: care.Referral{},
		errors: []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity}})
}

func invalid(field, reason string) error {
	return &care.ValidationError{Problems: []care.Problem{{Field: field, Reason: reason}}}
}

// lookupOption finds an option by id in the four option collections.
func (r *referrals) lookupOption(ctx context.Context, id string) (option, error) {
	if v, err := r.st.Volunteers().Get(ctx, id); err == nil {
		return option{meta: v.Meta, kind: collVolunteers, active: v.Status == "active", helpTypes: v.HelpTypes, capacity: v.Capacity}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if i, err := r.st.Initiatives().Get(ctx, id); err == nil {
		return option{meta: i.Meta, kind: collInitiatives, active: i.Active == nil || *i.Active, helpTypes: i.HelpTypes, capacity: i.Capacity}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	if p, err := r.st.Provisions().Get(ctx, id); err == nil {
		return option{meta: p.Meta, kind: collProvisions, active: p.Active == nil || *p.Active, helpTypes: p.HelpTypes}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return option{}, err
	}
	a, err := r.st.Activities().Get(ctx, id)
	if err != nil {
		return option{}, err
	}
	return option{meta: a.Meta, kind: collActivities, active: a.Active == nil || *a.Active, helpTypes: a.HelpTypes, capacity: a.SpotsPerOccurrence, schedule: a.Schedule}, nil
}

// kindOf names an option collection as an option kind.
func kindOf(coll string) string {
	return map[string]string{collVolunteers: "volunteer", collInitiatives: "initiative", collProvisions: "provision", collActivities: "activity"}[coll]
}

func (r *referrals) create(c *fiber.Ctx) error {
	var f care.ReferralFields
	if err := bindJSON(c, &f, func() error { return r.checker.CheckTags(&f) }); err != nil {
		return err
	}
	ctx := c.UserContext()
	req, err := r.cases.open(c, c.Params("id"), accesslog.ActionUpdate)
	if err != nil {
		return err
	}
	if !slices.Contains(req.Needs, f.Need) {
		return invalid("need", "is not a need of this request (needs: "+strings.Join(req.Needs, ", ")+")")
	}
	opt, err := r.lookupOption(ctx, f.OptionID)
	if err == nil && opt.meta.Municipality != req.Municipality {
		err = store.ErrNotFound // another municipality's option does not exist here
	}
	if errors.Is(err, store.ErrNotFound) {
		return invalid("option_id", "names no volunteer, initiative, provision or activity")
	}
	if err != nil {
		return err
	}
	switch {
	case !opt.active:
		return invalid("option_id", "names an option that is paused or inactive")
	case !slices.Contains(opt.helpTypes, f.Need):
		return invalid("option_id", "names an option that does not offer "+f.Need)
	}
	if need := care.ConsentFor(kindOf(opt.kind)); !req.HasConsent(need) {
		return newProblem(fiber.StatusConflict, "consent-missing",
			"the resident has not consented to sharing with a "+kindOf(opt.kind)+": record the consent "+need+" on the request first",
			FieldProblem{Field: "consents", Reason: "lacks " + need})
	}
	now := r.now().UTC().Truncate(time.Millisecond)
	ref := care.Referral{Meta: care.Meta{ID: newID(), Version: 1, CreatedAt: now, UpdatedAt: now,
		Municipality: req.Municipality, Team: req.Team, Subject: req.Subject, OwnerID: opt.meta.OwnerID}, ReferralFields: f,
		RequestID: req.ID, OptionKind: kindOf(opt.kind), State: care.RefProposed, Steps: []care.Step{{State: care.RefProposed, At: now}}}
	if opt.kind == collActivities {
		at, err := occurrenceOf(opt.schedule, f.Occurrence)
		if err != nil {
			return err
		}
		ref.OccurrenceAt = &at
	} else if f.Occurrence != "" {
		return invalid("occurrence", "only applies to activities")
	}
	if err := r.record(ctx, ref, 1, "", care.RefProposed, care.Move{}); err != nil {
		return err
	}
	if err := r.st.Referrals().Insert(ctx, ref); err != nil {
		return err
	}
	if err := r.lifecycle.referralMoved(ctx, req.ID, care.RefProposed, now); err != nil {
		return err
	}
	c.Location("/api/v1/referrals/" + ref.ID)
	return c.Status(fiber.StatusCreated).JSON(ref)
}

// occurrenceOf checks that local names a real occurrence of the schedule
// and returns it as an instant.
func occurrenceOf(s *care.Schedule, local string) (time.Time, error) {
	if local == "" {
		return time.Time{}, invalid("occurrence", `is required for an activity: the start "YYYY-MM-DDTHH:MM" of the occurrence`)
	}
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		return time.Time{}, fmt.Errorf("server: activity time zone %q: %w", s.Timezone, err)
	}
	at, err := time.ParseInLocation(care.LocalTimeLayout, local, loc)
	if err != nil {
		return time.Time{}, invalid("occurrence", `must be a local date and time "YYYY-MM-DDTHH:MM"`)
	}
	occ, err := s.Occurrences(at, at.Add(time.Minute))
	if err != nil {
		return time.Time{}, err
	}
	if len(occ) == 0 {
		return time.Time{}, invalid("occurrence", "is not an occurrence of this activity's schedule")
	}
	return at, nil
}

// openReferral loads the referral in the path for the caller: a worker
// of the request's team (logged as access to the request), or, when
// ownerMay, the owner of the referral's option, who gets owner true.
// Anyone else gets a 404.
func (r *referrals) openReferral(c *fiber.Ctx, action string, ownerMay bool) (care.Referral, bool, error) {
	a := actorOf(c.UserContext())
	if a.Role == auth.RoleSocialWorker {
		ref, err := openPart(c, r.cases, "referral", action, r.st.Referrals().Get, func(ref care.Referral) string { return ref.RequestID })
		return ref, false, err
	}
	ref, err := loadByID(c, c.Params("id"), "referral", r.st.Referrals().Get)
	if err != nil {
		return ref, false, err
	}
	if ownerMay && ref.OwnerID != "" && ref.OwnerID == a.ID && sameMunicipality(a, ref.Meta) {
		return ref, true, nil
	}
	return care.Referral{}, false, notFound("referral", ref.ID)
}

// loadReferral opens the referral for a worker of its team only.
func (r *referrals) loadReferral(c *fiber.Ctx) (care.Referral, error) {
	ref, _, err := r.openReferral(c, accesslog.ActionUpdate, false)
	return ref, err
}

// record appends the audit entry of a referral entering state to. Its id
// is the referral's step number, so it doubles as the lock that lets
// only one of two concurrent moves of a referral through.
func (r *referrals) record(ctx context.Context, ref care.Referral, step int, from, to string, m care.Move) error {
	now := r.now().UTC().Truncate(time.Millisecond)
	a := actorOf(ctx)
	t := care.Transition{Meta: care.Meta{ID: stepID(ref.ID, step), Version: 1, CreatedAt: now, UpdatedAt: now},
		Kind: care.AuditReferral, ReferralID: ref.ID, RequestID: ref.RequestID, From: from, To: to, Reason: m.Reason, Outcome: m.Outcome,
		By: a.ID, ByRole: a.Role, OnBehalfOf: a.OnBehalfOf}
	err := r.st.Transitions().Insert(ctx, t)
	if errors.Is(err, store.ErrConflict) {
		return errConcurrentChange()
	}
	return err
}

// stepID names the audit entry of a referral's step (1 is its creation).
func stepID(referralID string, step int) string { return fmt.Sprintf("%s#%d", referralID, step) }

// pool names the places a referral competes for.
func pool(ref care.Referral) string {
	p := ref.OptionKind + ":" + ref.OptionID
	if ref.OccurrenceAt != nil {
		p += fmt.Sprintf("@%d", ref.OccurrenceAt.Unix())
	}
	return p
}

func (r *referrals) move(c *fiber.Ctx) error {
	var m care.Move
	if err := bindJSON(c, &m, func() error { return r.checker.CheckMove(&m) }); err != nil {
		return err
	}
	ref, owner, err := r.openReferral(c, accesslog.ActionUpdate, true)
	if err != nil {
		return err
	}
	if owner && (m.To == care.RefWaitlisted || m.To == care.RefExpired) {
		return newProblem(fiber.StatusForbidden, "worker-only", "only the social worker puts a referral on the waiting list or lets it expire",
			FieldProblem{Field: "to", Reason: "is not the owner's to choose"})
	}
	ctx := c.UserContext()
	if !owner && ref.OwnerID != "" {
		// A worker moving a referral acts for the option's owner.
		a := actorOf(ctx)
		a.OnBehalfOf = ref.OwnerID
		ctx = withActor(ctx, a)
	}
	if err := r.checkLine(ctx, ref, m); err != nil {
		return err
	}
	if !care.CanMove(ref.State, m.To) {
		next := care.NextStates(ref.State)
		allowed := "none: it is final"
		if len(next) > 0 {
			allowed = strings.Join(next, ", ")
		}
		return newProblem(fiber.StatusConflict, "illegal-transition",
			fmt.Sprintf("the referral is %s; it can move to %s", ref.State, allowed),
			FieldProblem{Field: "to", Reason: fmt.Sprintf("cannot move from %s to %s", ref.State, m.To)})
	}
	next, err := r.apply(ctx, ref, m)
	if err != nil {
		return err
	}
	if owner {
		return r.ownerView(c, next)
	}
	return c.JSON(next)
}

// apply performs a legal move: it takes the step lock (and the version
// lock, see below), claims a place, stores the referral, frees its place,
// and hands a freed place to the first in line (promote). A move that
// fails before the referral is stored gives its locks up again.
//
// The step lock serialises moves. Follow-ups and no-shows are written
// only on accepted, started and final referrals, under the version lock
// (save); so a move from accepted or started takes the version lock too,
// and moves from proposed or waitlisted, the many concurrent acceptances,
// need no extra write.
func (r *referrals) apply(ctx context.Context, ref care.Referral, m care.Move) (care.Referral, error) {
	unlock := func() error { return nil }
	if care.HoldsPlace(ref.State) {
		var err error
		if unlock, err = r.lock(ctx, ref); err != nil {
			return ref, err
		}
	}
	step := len(ref.Steps) + 1
	if err := r.record(ctx, ref, step, ref.State, m.To, m); err != nil {
		return ref, errors.Join(err, unlock())
	}
	var claimed *care.PlaceRef
	undo := func(err error) (care.Referral, error) {
		// The move did not happen: give up the place, the step and the version.
		errs := []error{err}
		if claimed != nil {
			_, rerr := r.st.Places().Release(ctx, claimed.Pool, claimed.Number, ref.ID)
			errs = append(errs, rerr)
		}
		errs = append(errs, r.st.Transitions().Delete(ctx, stepID(ref.ID, step)), unlock())
		return ref, errors.Join(errs...)
	}
	next := ref
	now := r.now().UTC().Truncate(time.Millisecond)
	if m.To == care.RefAccepted {
		opt, err := r.lookupOption(ctx, ref.OptionID)
		if err != nil {
			return undo(err)
		}
		if opt.capacity > 0 {
			n, err := r.st.Places().Claim(ctx, pool(ref), opt.capacity, ref.ID, now)
			if errors.Is(err, store.ErrFull) {
				return undo(newProblem(fiber.StatusConflict, "option-full",
					fmt.Sprintf("all %d places of this option are taken; put the referral on the waiting list (to: waitlisted)", opt.capacity),
					FieldProblem{Field: "to", Reason: "the option is full"}))
			}
			if err != nil {
				return undo(err)
			}
			claimed = &care.PlaceRef{Pool: pool(ref), Number: n}
			next.Place = claimed
		}
	}
	freed := ref.Place
	if care.HoldsPlace(m.To) {
		freed = nil
	} else {
		next.Place = nil
	}
	if m.To == care.RefStarted {
		next.FollowUps = care.FollowUpsFrom(now)
	}
	next.State = m.To
	next.Reason, next.Outcome = firstNonEmpty(m.Reason, ref.Reason), firstNonEmpty(m.Outcome, ref.Outcome)
	next.Steps = append(slices.Clone(ref.Steps), care.Step{State: m.To, At: now})
	next.Version++
	next.UpdatedAt = now
	if err := r.st.Referrals().Replace(ctx, ref.Version, next); err != nil {
		return undo(err)
	}
	// The place is freed after the referral no longer claims it: a failure
	// in between leaves a place unused, never one given twice.
	if claimed != nil {
		r.placesChanged(ctx, ref)
	}
	if freed != nil {
		if _, err := r.st.Places().Release(ctx, freed.Pool, freed.Number, ref.ID); err != nil {
			return next, err
		}
		r.placesChanged(ctx, ref)
		if err := r.promote(ctx, ref); err != nil {
			// The move happened; the line waits for the next freed place.
			r.log.Error("promotion from the waiting list failed", "referral", ref.ID, "pool", freed.Pool, "err", err)
		}
	}
	if err := r.lifecycle.referralMoved(ctx, ref.RequestID, m.To, now); err != nil {
		return next, err
	}
	return next, nil
}

// lock takes the lock on the version of ref that was read, so that of two
// writers of one referral version only one stores its change; the other
// gets 409 concurrent-change. unlock gives the lock up for a writer that
// then did not write.
func (r *referrals) lock(ctx context.Context, ref care.Referral) (unlock func() error, err error) {
	name := fmt.Sprintf("referral:%s@%d", ref.ID, ref.Version)
	holder := newID()
	err = r.st.Locks().Take(ctx, name, holder, r.now())
	if errors.Is(err, store.ErrConflict) {
		return nil, errConcurrentChange()
	}
	if err != nil {
		return nil, err
	}
	return func() error { return r.st.Locks().Drop(ctx, name, holder) }, nil
}

// save stores next over ref, which was read before, under ref's version lock.
// Only for referrals that are accepted, started, completed or ended: moves
// from other states do not take the version lock (see apply).
func (r *referrals) save(ctx context.Context, ref, next care.Referral) error {
	unlock, err := r.lock(ctx, ref)
	if err != nil {
		return err
	}
	if err := r.st.Referrals().Replace(ctx, ref.Version, next); err != nil {
		return errors.Join(err, unlock())
	}
	return nil
}

func errConcurrentChange() error {
	return newProblem(fiber.StatusConflict, slugConcurrentChange, "the referral was changed at the same moment; read it again")
}

const slugConcurrentChange = "concurrent-change"

// isProblem reports whether err is a problem of the given slug.
func isProblem(err error, slug string) bool {
	var pe *problemError
	return errors.As(err, &pe) && pe.p.Type == "urn:dichtbij:problem:"+slug
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (r *referrals) get(c *fiber.Ctx) error {
	ref, owner, err := r.openReferral(c, accesslog.ActionRead, true)
	if err != nil {
		return err
	}
	if owner {
		return r.ownerView(c, ref)
	}
	return c.JSON(ref)
}

// ofRequest lists a request's referrals in creation order.
func (r *referrals) ofRequest(c *fiber.Ctx) error {
	req, err := r.cases.open(c, c.Params("id"), accesslog.ActionRead)
	if err != nil {
		return err
	}
	out := []care.Referral{}
	page, _, err := r.st.Referrals().List(c.UserContext(), store.Query{Where: []store.Cond{{Field: "request_id", Value: req.ID}}, Limit: 1000})
	if err != nil {
		return err
	}
	return c.JSON(append(out, page...))
}

// audit lists every state change of a request and its referrals, oldest
// first.
func (r *referrals) audit(c *fiber.Ctx) error {
	req, err := r.cases.open(c, c.Params("id"), accesslog.ActionRead)
	if err != nil {
		return err
	}
	page, _, err := r.st.Transitions().List(c.UserContext(), store.Query{Where: []store.Cond{{Field: "request_id", Value: req.ID}}, Limit: 1000})
	if err != nil {
		return err
	}
	slices.SortStableFunc(page, func(a, b care.Transition) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return c.JSON(append([]care.Transition{}, page...))
}
