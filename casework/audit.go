package casework

import (
	"context"
	"errors"
	"strings"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// auditTypes are the events the audit trail records: every state a
// referral enters, and every status a request moves to.
var auditTypes = []string{
	care.ReferralEvent(care.RefProposed), care.ReferralEvent(care.RefAccepted), care.ReferralEvent(care.RefDeclined),
	care.ReferralEvent(care.RefExpired), care.ReferralEvent(care.RefWaitlisted), care.ReferralEvent(care.RefStarted),
	care.ReferralEvent(care.RefCompleted), care.ReferralEvent(care.RefEnded),
	care.EvRequestSearched, care.EvRequestReferred, care.EvRequestMatched, care.EvRequestClosed, care.EvRequestReopened,
}

// reasonStepDown is the audit reason of a request reopened by a step-down.
const reasonStepDown = "step-down: specialist care ended, the request reopens for a new zero-line search"

// audit is the subscriber that keeps the append-only audit trail: one
// entry per referral move and per request status change, with who made
// it and on whose behalf. An entry's id is its change's (the outbox
// entry's), so an event delivered twice, or two events of one change,
// write it once.
func (s *Service) audit(ctx context.Context, ev care.Event) error {
	id, _, _ := strings.Cut(ev.ID, "/")
	t := care.Transition{Meta: care.Meta{ID: id, Version: 1, CreatedAt: ev.At, UpdatedAt: ev.At},
		RequestID: ev.RequestID, From: ev.From, To: ev.To, By: ev.By, ByRole: ev.ByRole, OnBehalfOf: ev.OnBehalfOf}
	switch {
	case ev.ReferralID != "":
		t.Kind, t.ReferralID, t.Reason, t.Outcome = care.AuditReferral, ev.ReferralID, ev.Reason, ev.Outcome
	case ev.From == ev.To:
		return nil // a request event without a status change
	default:
		t.Kind = care.AuditRequest
		switch {
		case ev.To == care.ReqClosed:
			t.Reason = strings.TrimSpace("closed: " + ev.Code + " " + ev.Reason)
		case ev.From == care.ReqClosed:
			t.Reason = reasonStepDown
		}
	}
	if err := s.st.Transitions().Insert(ctx, t); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	return nil
}
