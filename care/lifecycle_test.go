package care_test

import (
	"slices"
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// referralStates are every referral state, and strings that are none.
var (
	referralStates = []string{"proposed", "accepted", "declined", "expired", "waitlisted", "started", "completed", "ended"}
	notStates      = []string{"", "bogus", "Proposed", "open"}
)

// referralMoves is the referral lifecycle, written out: a proposal is
// accepted, declined, expires or waits for a place; a waiting one is
// accepted or expires; an accepted one starts or ends; a started one
// completes or ends. Declined, expired, completed and ended are final.
var referralMoves = map[string][]string{
	"proposed":   {"accepted", "declined", "expired", "waitlisted"},
	"waitlisted": {"accepted", "expired"},
	"accepted":   {"started", "ended"},
	"started":    {"completed", "ended"},
	"declined":   nil,
	"expired":    nil,
	"completed":  nil,
	"ended":      nil,
}

func TestReferralStateConstants(t *testing.T) {
	t.Parallel()
	got := []string{care.RefProposed, care.RefAccepted, care.RefDeclined, care.RefExpired, care.RefWaitlisted, care.RefStarted, care.RefCompleted, care.RefEnded}
	if !slices.Equal(got, referralStates) {
		t.Errorf("referral state constants = %q; want %q (they are stored)", got, referralStates)
	}
}

// TestCanMove checks all 12 × 12 pairs of states and non-states.
func TestCanMove(t *testing.T) {
	t.Parallel()
	all := append(slices.Clone(referralStates), notStates...)
	for _, from := range all {
		for _, to := range all {
			t.Run(label(from)+"→"+label(to), func(t *testing.T) {
				t.Parallel()
				want := slices.Contains(referralMoves[from], to)
				if got := care.CanMove(from, to); got != want {
					t.Errorf("CanMove(%q, %q) = %v; want %v", from, to, got, want)
				}
			})
		}
	}
}

func TestNextStates(t *testing.T) {
	t.Parallel()
	for _, s := range append(slices.Clone(referralStates), notStates...) {
		t.Run(label(s), func(t *testing.T) {
			t.Parallel()
			got, want := care.NextStates(s), referralMoves[s]
			if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
				t.Errorf("NextStates(%q) = %q; want %q", s, got, want)
			}
		})
	}
}

// TestNextStatesIsACopy: changing the answer does not change the
// lifecycle.
func TestNextStatesIsACopy(t *testing.T) {
	t.Parallel()
	next := care.NextStates(care.RefProposed)
	for i := range next {
		next[i] = care.RefCompleted
	}
	_ = append(next[:1], care.RefStarted)
	if care.CanMove(care.RefProposed, care.RefCompleted) {
		t.Error("CanMove(proposed, completed) = true after changing the slice NextStates returned; want false")
	}
	if !care.CanMove(care.RefProposed, care.RefAccepted) {
		t.Error("CanMove(proposed, accepted) = false after changing the slice NextStates returned; want true")
	}
	if got := care.NextStates(care.RefProposed); !slices.Contains(got, care.RefDeclined) {
		t.Errorf("NextStates(proposed) = %q after changing an earlier answer; want declined among them", got)
	}
}

func TestHoldsPlace(t *testing.T) {
	t.Parallel()
	holds := map[string]bool{"accepted": true, "started": true}
	for _, s := range append(slices.Clone(referralStates), notStates...) {
		t.Run(label(s), func(t *testing.T) {
			t.Parallel()
			if got := care.HoldsPlace(s); got != holds[s] {
				t.Errorf("HoldsPlace(%q) = %v; want %v", s, got, holds[s])
			}
		})
	}
}

// requestStatuses and requestMoves are the request lifecycle, written
// out: a request may skip ahead (a referral without a recorded search, a
// referral that starts at once) but never goes back, except that a
// closed one reopens when specialist care ends (step-down).
var (
	requestStatuses = []string{"open", "searched", "referred", "in_progress", "closed"}
	requestMoves    = map[string][]string{
		"open":        {"searched", "referred", "in_progress", "closed"},
		"searched":    {"referred", "in_progress", "closed"},
		"referred":    {"in_progress", "closed"},
		"in_progress": {"closed"},
		"closed":      {"open"},
	}
)

func TestRequestStatuses(t *testing.T) {
	t.Parallel()
	if !slices.Equal(care.RequestStatuses, requestStatuses) {
		t.Errorf("RequestStatuses = %q; want %q", care.RequestStatuses, requestStatuses)
	}
	got := []string{care.ReqOpen, care.ReqSearched, care.ReqReferred, care.ReqInProgress, care.ReqClosed}
	if !slices.Equal(got, requestStatuses) {
		t.Errorf("request status constants = %q; want %q", got, requestStatuses)
	}
}

func TestCanMoveRequest(t *testing.T) {
	t.Parallel()
	all := append(slices.Clone(requestStatuses), "", "bogus", "Open", "proposed")
	for _, from := range all {
		for _, to := range all {
			t.Run(label(from)+"→"+label(to), func(t *testing.T) {
				t.Parallel()
				want := slices.Contains(requestMoves[from], to)
				if got := care.CanMoveRequest(from, to); got != want {
					t.Errorf("CanMoveRequest(%q, %q) = %v; want %v", from, to, got, want)
				}
			})
		}
	}
}

func TestRequestNextStates(t *testing.T) {
	t.Parallel()
	for _, s := range append(slices.Clone(requestStatuses), "", "bogus") {
		t.Run(label(s), func(t *testing.T) {
			t.Parallel()
			got, want := care.RequestNextStates(s), requestMoves[s]
			if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
				t.Errorf("RequestNextStates(%q) = %q; want %q", s, got, want)
			}
		})
	}
	t.Run("a copy", func(t *testing.T) {
		t.Parallel()
		next := care.RequestNextStates(care.ReqClosed)
		next[0] = care.ReqInProgress
		if care.CanMoveRequest(care.ReqClosed, care.ReqInProgress) || !care.CanMoveRequest(care.ReqClosed, care.ReqOpen) {
			t.Error("changing the slice RequestNextStates(closed) returned changed the lifecycle")
		}
	})
}

// label names a state in a subtest name, the empty one included.
func label(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}
