package care_test

import (
	"testing"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

func TestHeaders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	meta := care.Meta{ID: hexID, Version: 3, CreatedAt: at, UpdatedAt: at.Add(time.Hour), Municipality: "GM0363", OwnerID: "o1", Team: "noord", Subject: "s1"}
	for _, tc := range []struct {
		name string
		got  care.Meta
		want care.Meta
	}{
		{"volunteer", care.Volunteer{Meta: meta}.Header(), meta},
		{"request", care.Request{Meta: meta}.Header(), meta},
		{"referral", care.Referral{Meta: meta}.Header(), meta},
		{"team", care.Team{Meta: meta}.Header(), meta},
		// a notification is written once: version 1, created when it happened
		{"notification", care.Notification{ID: "r1#3:worker", At: at, Text: "Promoted."}.Header(),
			care.Meta{ID: "r1#3:worker", Version: 1, CreatedAt: at, UpdatedAt: at}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.got != tc.want {
				t.Errorf("%s Header() = %+v; want %+v", tc.name, tc.got, tc.want)
			}
		})
	}
}

// TestEditable: a stored record hands back exactly the client's fields.
func TestEditable(t *testing.T) {
	t.Parallel()
	v := validVolunteer()
	if got := (care.Volunteer{Meta: care.Meta{ID: "x"}, VolunteerFields: v, LocationPrecision: care.CoarsePrecision}).Editable(); got.DisplayName != v.DisplayName || got.Capacity != v.Capacity {
		t.Errorf("Volunteer.Editable() = %+v; want %+v", got, v)
	}
	r := validRequest()
	if got := (care.Request{Status: care.ReqClosed, RequestFields: r}).Editable(); got.Urgency != r.Urgency || got.HouseholdID != r.HouseholdID {
		t.Errorf("Request.Editable() = %+v; want %+v", got, r)
	}
	i := validInitiative()
	if got := (care.Initiative{InitiativeFields: i}).Editable(); got.Organisation != i.Organisation {
		t.Errorf("Initiative.Editable() = %+v; want %+v", got, i)
	}
	p := validProvision()
	if got := (care.Provision{ProvisionFields: p}).Editable(); got.Name != p.Name {
		t.Errorf("Provision.Editable() = %+v; want %+v", got, p)
	}
	a := validActivity()
	if got := (care.Activity{ActivityFields: a}).Editable(); got.Name != a.Name || got.Schedule != a.Schedule {
		t.Errorf("Activity.Editable() = %+v; want %+v", got, a)
	}
	if care.CoarsePrecision != "grid_250m" {
		t.Errorf("CoarsePrecision = %q; want grid_250m (stored and shown)", care.CoarsePrecision)
	}
}

func TestAreaFrom(t *testing.T) {
	t.Parallel()
	in := geo.Area{MunicipalityCode: "GM0363", MunicipalityName: "Amsterdam", DistrictCode: "WK036300", DistrictName: "Stadsdeel Centrum",
		NeighbourhoodCode: "BU03630000", NeighbourhoodName: "Burgwallen-Oude Zijde"}
	want := care.Area{MunicipalityCode: "GM0363", MunicipalityName: "Amsterdam", DistrictCode: "WK036300", DistrictName: "Stadsdeel Centrum",
		NeighbourhoodCode: "BU03630000", NeighbourhoodName: "Burgwallen-Oude Zijde"}
	if got := care.AreaFrom(in); got != want {
		t.Errorf("AreaFrom(%+v) = %+v; want %+v", in, got, want)
	}
	if got := care.AreaFrom(geo.Area{}); got != (care.Area{}) {
		t.Errorf("AreaFrom(geo.Area{}) = %+v; want the zero Area", got)
	}
}
