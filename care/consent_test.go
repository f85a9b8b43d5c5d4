package care_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
)

func TestConsentFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind, want string
	}{
		{"volunteer", "share_volunteer"},
		{"initiative", "share_provision"},
		{"provision", "share_provision"},
		{"activity", "share_provision"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			t.Parallel()
			if got := care.ConsentFor(tc.kind); got != tc.want {
				t.Errorf("ConsentFor(%q) = %q; want %q", tc.kind, got, tc.want)
			}
		})
	}
	if care.ConsentShareVolunteer != "share_volunteer" || care.ConsentShareProvision != "share_provision" || care.ConsentMonitoring != "monitoring" {
		t.Error("consent purpose constants changed; they are stored in requests")
	}
}

func TestHasConsent(t *testing.T) {
	t.Parallel()
	r := care.Request{RequestFields: care.RequestFields{Consents: []string{"share_provision", "monitoring"}}}
	for _, tc := range []struct {
		purpose string
		want    bool
	}{
		{"share_provision", true},
		{"monitoring", true},
		{"share_volunteer", false},
		{"", false},
	} {
		t.Run(label(tc.purpose), func(t *testing.T) {
			t.Parallel()
			if got := r.HasConsent(tc.purpose); got != tc.want {
				t.Errorf("HasConsent(%q) with %q = %v; want %v", tc.purpose, r.Consents, got, tc.want)
			}
		})
	}
	if (care.Request{}).HasConsent("monitoring") {
		t.Error("HasConsent(monitoring) without consents = true; want false")
	}
}

// TestConsentChanges: one change per purpose given or withdrawn, in the
// fixed order share_volunteer, share_provision, monitoring.
func TestConsentChanges(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	type ch = care.ConsentChange
	for _, tc := range []struct {
		name          string
		before, after []string
		want          []ch
	}{
		{"nothing", nil, nil, nil},
		{"unchanged", []string{"monitoring"}, []string{"monitoring"}, nil},
		{"unchanged, other order", []string{"monitoring", "share_volunteer"}, []string{"share_volunteer", "monitoring"}, nil},
		{"first consents", nil, []string{"monitoring", "share_volunteer"},
			[]ch{{Purpose: "share_volunteer", Given: true, At: at}, {Purpose: "monitoring", Given: true, At: at}}},
		{"all withdrawn", []string{"share_volunteer", "share_provision", "monitoring"}, []string{},
			[]ch{{Purpose: "share_volunteer", At: at}, {Purpose: "share_provision", At: at}, {Purpose: "monitoring", At: at}}},
		{"one swapped for another", []string{"share_provision"}, []string{"share_volunteer"},
			[]ch{{Purpose: "share_volunteer", Given: true, At: at}, {Purpose: "share_provision", At: at}}},
		{"unknown purposes ignored", []string{"marketing"}, []string{"research"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := care.ConsentChanges(tc.before, tc.after, at)
			if !slices.Equal(got, tc.want) {
				t.Errorf("ConsentChanges(%q, %q) = %+v; want %+v", tc.before, tc.after, got, tc.want)
			}
		})
	}
}
