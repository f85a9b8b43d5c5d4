package store

import (
	"context"

	"github.com/dichtbij/dichtbij/care"
)

// The finders casework needs; each has an index in indexes.go.

// ReferralsOfRequest returns the referrals of request id, oldest first.
func (s *Store) ReferralsOfRequest(ctx context.Context, id string) ([]care.Referral, error) {
	return s.Referrals().All(ctx, Cond{Field: "request_id", Value: id})
}

// ReferralsToOption returns every referral to option id, oldest first.
func (s *Store) ReferralsToOption(ctx context.Context, id string) ([]care.Referral, error) {
	return s.Referrals().All(ctx, Cond{Field: "option_id", Value: id})
}

// ReferralsInState returns the referrals to option id in state, oldest first.
func (s *Store) ReferralsInState(ctx context.Context, optionID, state string) ([]care.Referral, error) {
	return s.Referrals().All(ctx, Cond{Field: "option_id", Value: optionID}, Cond{Field: "state", Value: state})
}

// ReferralsOwnedBy returns the referrals to the options of account id.
func (s *Store) ReferralsOwnedBy(ctx context.Context, id string) ([]care.Referral, error) {
	return s.Referrals().All(ctx, Cond{Field: "owner_id", Value: id})
}

// SpecialistsOfRequest returns the specialist referrals of request id,
// oldest first.
func (s *Store) SpecialistsOfRequest(ctx context.Context, id string) ([]care.Specialist, error) {
	return s.Specialists().All(ctx, Cond{Field: "request_id", Value: id})
}

// RequestsOfResident returns the requests linked to resident account id.
func (s *Store) RequestsOfResident(ctx context.Context, id string) ([]care.Request, error) {
	return s.Requests().All(ctx, Cond{Field: "resident_account", Value: id})
}

// ClosedRequests returns every closed request.
func (s *Store) ClosedRequests(ctx context.Context) ([]care.Request, error) {
	return s.Requests().All(ctx, Cond{Field: "status", Value: care.ReqClosed})
}

// NotificationsOfReferral returns the in-app notifications about
// referral id, in id order.
func (s *Store) NotificationsOfReferral(ctx context.Context, id string) ([]care.Notification, error) {
	return s.Notifications().All(ctx, Cond{Field: "referral_id", Value: id})
}
