package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// reasonPromoted is the audit reason of a move from the waiting list.
const reasonPromoted = "promoted from the waiting list"

// promote hands the free places of freed's pool to the referrals waiting
// for it, first in line first, until the pool is full or the line empty.
// Each promotion is an ordinary accepted move (apply: version lock, step
// lock, place claim), so two frees at once never give one place twice.
// When another writer holds a referral's lock, promote waits for its
// outcome rather than passing the referral by: if it is still waiting
// afterwards, it is tried again.
func (r *referrals) promote(ctx context.Context, freed care.Referral) error {
	line, err := r.waitingLine(ctx, freed)
	if err != nil {
		return err
	}
	for _, w := range line {
		err := r.promoteOne(ctx, w)
		if isProblem(err, "option-full") {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// promoteOne moves w from the waiting list to accepted and tells both
// sides. It returns nil when w was moved by someone else meanwhile.
func (r *referrals) promoteOne(ctx context.Context, w care.Referral) error {
	const attempts, pause = 200, 5 * time.Millisecond
	for i := 0; ; i++ {
		next, err := r.apply(ctx, w, care.Move{To: care.RefAccepted, Reason: reasonPromoted})
		if err == nil {
			return r.notifyPromoted(ctx, next)
		}
		if !isProblem(err, slugConcurrentChange) {
			return err
		}
		// Someone else is moving w: see how it ends.
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		cur, err := r.st.Referrals().Get(ctx, w.ID)
		if err != nil {
			return err
		}
		if cur.State != care.RefWaitlisted || i == attempts {
			// Moved (accepted by its owner, or expired), or held by a
			// writer that never finished: next in line.
			return nil
		}
		w = cur
	}
}

// waitingLine returns the waitlisted referrals for the pool of ref (same
// option, same occurrence) in line order: earliest into the waiting list
// first, ties by id.
func (r *referrals) waitingLine(ctx context.Context, ref care.Referral) ([]care.Referral, error) {
	var line []care.Referral
	q := store.Query{Where: []store.Cond{{Field: "option_id", Value: ref.OptionID}, {Field: "state", Value: care.RefWaitlisted}}, Limit: 1000}
	for {
		page, more, err := r.st.Referrals().List(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, w := range page {
			if pool(w) == pool(ref) {
				line = append(line, w)
			}
		}
		if !more {
			break
		}
		q.After = page[len(page)-1].ID
	}
	since := func(w care.Referral) time.Time { at, _ := w.EnteredAt(care.RefWaitlisted); return at }
	slices.SortFunc(line, func(a, b care.Referral) int {
		return cmp.Or(since(a).Compare(since(b)), cmp.Compare(a.ID, b.ID))
	})
	return line, nil
}

// notifyPromoted tells the social worker and the option's owner that a
// referral left the waiting list. The ids name the step, so writing them
// again stores them once.
func (r *referrals) notifyPromoted(ctx context.Context, ref care.Referral) error {
	at := ref.UpdatedAt
	what := "the referral for " + ref.Need
	if ref.Occurrence != "" {
		what += " on " + ref.Occurrence
	}
	texts := map[string]string{
		care.ToWorker: "A place came free: " + what + " moved up from the waiting list and is now accepted.",
		care.ToOwner:  "A place came free: " + what + " moved up from your waiting list and now holds a place with you.",
	}
	for _, to := range []string{care.ToWorker, care.ToOwner} {
		n := care.Notification{ID: fmt.Sprintf("%s:%s", stepID(ref.ID, len(ref.Steps)), to), At: at,
			ReferralID: ref.ID, RequestID: ref.RequestID, OptionID: ref.OptionID, To: to, Kind: care.KindPromoted, Text: texts[to]}
		if err := r.st.Notifications().Insert(ctx, n); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return nil
}

// notifications lists what both sides of a referral were told, oldest first.
func (r *referrals) notifications(c *fiber.Ctx) error {
	ref, err := r.loadReferral(c)
	if err != nil {
		return err
	}
	page, _, err := r.st.Notifications().List(c.UserContext(), store.Query{Where: []store.Cond{{Field: "referral_id", Value: ref.ID}}, Limit: 1000})
	if err != nil {
		return err
	}
	slices.SortStableFunc(page, func(a, b care.Notification) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return c.JSON(append([]care.Notification{}, page...))
}
