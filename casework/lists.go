package casework

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

// FollowUp is one open follow-up on the social workers' list.
type FollowUp struct {
	// Kind is referral (a started zero-line referral) or step_down (a
	// specialist referral that ended, SpecialistID set).
	Kind         string `json:"kind" enum:"referral,step_down"`
	ReferralID   string `json:"referral_id,omitempty"`
	SpecialistID string `json:"specialist_id,omitempty"`
	RequestID    string `json:"request_id"`
	OptionID     string `json:"option_id,omitempty"`
	Need         string `json:"need,omitempty"`
	// State is the referral's current state; a follow-up stays open when
	// the referral completes or ends.
	State string `json:"state,omitempty"`
	// N is the follow-up's 1-based position on the referral, as in
	// /referrals/{id}/follow-ups/{n}/done.
	N   int       `json:"n"`
	Due time.Time `json:"due"`
}

// OpenFollowUps lists the open follow-ups due before before, earliest
// first, of the referrals and specialist referrals whose meta mine
// accepts (the caller's team's). It also returns the requests the list
// shows, in id order, each as the meta of a request (see partOf), for
// the access log. It scans the referrals, which is fine at a
// municipality's scale; only _id lookups are indexed on the embedded
// store.
func (s *Service) OpenFollowUps(ctx context.Context, before time.Time, mine func(care.Meta) bool) ([]FollowUp, []care.Meta, error) {
	out := []FollowUp{}
	listed := map[string]care.Meta{}
	// Only the records with a follow-up due are decoded (store: read in
	// place); the loops below pick the follow-ups themselves.
	err := s.st.Referrals().WithFollowUpDue(ctx, before, func(ref care.Referral) error {
		if !mine(ref.Meta) {
			return nil
		}
		for i, f := range ref.FollowUps {
			if f.DoneAt == nil && f.Due.Before(before) {
				listed[ref.RequestID] = partOf(ref.Meta, ref.RequestID)
				out = append(out, FollowUp{Kind: "referral", ReferralID: ref.ID, RequestID: ref.RequestID, OptionID: ref.OptionID,
					Need: ref.Need, State: ref.State, N: i + 1, Due: f.Due})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("casework: follow-ups: %w", err)
	}
	err = s.st.Specialists().WithFollowUpDue(ctx, before, func(sp care.Specialist) error {
		if !mine(sp.Meta) {
			return nil
		}
		for i, f := range sp.FollowUps {
			if f.DoneAt == nil && f.Due.Before(before) {
				listed[sp.RequestID] = partOf(sp.Meta, sp.RequestID)
				out = append(out, FollowUp{Kind: "step_down", SpecialistID: sp.ID, RequestID: sp.RequestID, N: i + 1, Due: f.Due})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("casework: follow-ups: %w", err)
	}
	slices.SortStableFunc(out, func(a, b FollowUp) int { return a.Due.Compare(b.Due) })
	ids := slices.Sorted(maps.Keys(listed))
	metas := make([]care.Meta, len(ids))
	for i, id := range ids {
		metas[i] = listed[id]
	}
	return out, metas, nil
}

// partOf is the meta of the request that a record with meta m belongs
// to: its municipality and team are the request's.
func partOf(m care.Meta, requestID string) care.Meta {
	return care.Meta{ID: requestID, Municipality: m.Municipality, Team: m.Team, Subject: m.Subject}
}

// Transitions lists every state change of a request and of its
// referrals, oldest first (changes at the same moment in the order they
// were stored).
func (s *Service) Transitions(ctx context.Context, requestID string) ([]care.Transition, error) {
	ts, err := s.st.Transitions().OfRequest(ctx, requestID)
	if err != nil {
		return nil, fmt.Errorf("casework: transitions of %s: %w", requestID, err)
	}
	slices.SortStableFunc(ts, func(a, b care.Transition) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return append([]care.Transition{}, ts...), nil
}

// PlanRequest is one member's request in a household plan: its needs,
// status and timeliness, and the help arranged for it.
type PlanRequest struct {
	ID            string
	ResidentAlias string
	Needs         []string
	Urgency       string
	Status        string
	Closure       string
	Timeliness    *care.Timeliness
	// Referrals are to local options, in creation order.
	Referrals []PlanReferral
	// Specialists are referrals to specialist care.
	Specialists []PlanSpecialist
}

// PlanReferral is a referral to a local option as a plan shows it.
type PlanReferral struct {
	ID         string `json:"id"`
	Need       string `json:"need"`
	OptionID   string `json:"option_id"`
	OptionKind string `json:"option_kind"`
	State      string `json:"state"`
}

// PlanSpecialist is a specialist referral as a plan shows it.
type PlanSpecialist struct {
	ID             string   `json:"id"`
	Needs          []string `json:"needs"`
	Provider       string   `json:"provider,omitempty"`
	SafetyOverride bool     `json:"safety_override_used"`
	Ended          bool     `json:"ended"`
}

// HouseholdPlan is one family's plan: each of reqs, the requests of one
// household that the caller read (and logged the reading of), in their
// order, with its timeliness under settings, its referrals and its
// specialist referrals, side by side.
func (s *Service) HouseholdPlan(ctx context.Context, settings *Settings, reqs []care.Request) ([]PlanRequest, error) {
	reqs = slices.Clone(reqs)
	if err := settings.WithTimeliness(ctx, reqs); err != nil {
		return nil, err
	}
	plan := make([]PlanRequest, 0, len(reqs))
	for _, r := range reqs {
		pr := PlanRequest{ID: r.ID, ResidentAlias: r.ResidentAlias, Needs: r.Needs, Urgency: r.Urgency, Status: r.Status,
			Closure: r.Closure, Timeliness: r.Timeliness, Referrals: []PlanReferral{}, Specialists: []PlanSpecialist{}}
		refs, err := s.st.Referrals().OfRequest(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("casework: plan: referrals of %s: %w", r.ID, err)
		}
		for _, ref := range refs {
			pr.Referrals = append(pr.Referrals, PlanReferral{ID: ref.ID, Need: ref.Need, OptionID: ref.OptionID, OptionKind: ref.OptionKind, State: ref.State})
		}
		sps, err := s.st.Specialists().OfRequest(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("casework: plan: specialist referrals of %s: %w", r.ID, err)
		}
		for _, sp := range sps {
			pr.Specialists = append(pr.Specialists, PlanSpecialist{ID: sp.ID, Needs: sp.Needs, Provider: sp.Provider,
				SafetyOverride: sp.SafetyOverride, Ended: sp.EndedAt != nil})
		}
		plan = append(plan, pr)
	}
	return plan, nil
}
