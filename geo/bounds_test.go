package geo

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseBounds(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	tests := []struct {
		name    string
		spec    string
		m       *Municipalities
		want    string // String() of the result when there is no error
		wantErr string // substring of the error; "" means no error
	}{
		{name: "nl", spec: "nl", m: m, want: "nl"},
		{name: "nl upper case with spaces", spec: " NL ", m: m, want: "nl"},
		{name: "empty means nl", spec: "", m: m, want: "nl"},
		{name: "box", spec: "3.2,50.7,7.3,53.6", want: "3.2,50.7,7.3,53.6"},
		{name: "box with spaces and negatives", spec: " -10 , -5.5, 10,5.5 ", want: "-10,-5.5,10,5.5"},
		{name: "whole world", spec: "-180,-90,180,90", want: "-180,-90,180,90"},

		{name: "nl without municipalities", spec: "nl", m: nil, wantErr: "need the municipalities"},
		{name: "unknown word", spec: "nederland", wantErr: `want "nl" or a box minLon,minLat,maxLon,maxLat`},
		{name: "three values", spec: "1,2,3", wantErr: "got 3 comma-separated values"},
		{name: "five values", spec: "1,2,3,4,5", wantErr: "got 5 comma-separated values"},
		{name: "not a number", spec: "3.2,abc,7.3,53.6", wantErr: "minLat is not a number"},
		{name: "empty value", spec: "3.2,50.7,,53.6", wantErr: "maxLon is not a number"},
		{name: "NaN", spec: "NaN,50.7,7.3,53.6", wantErr: "minLon is NaN; want a finite number"},
		{name: "infinity", spec: "3.2,50.7,7.3,+Inf", wantErr: "maxLat is +Inf; want a finite number"},
		{name: "longitude too small", spec: "-181,50.7,7.3,53.6", wantErr: "minLon is -181; want it in [-180, 180]"},
		{name: "latitude too large", spec: "3.2,50.7,7.3,90.5", wantErr: "maxLat is 90.5; want it in [-90, 90]"},
		{name: "lons swapped", spec: "7.3,50.7,3.2,53.6", wantErr: "minLon 7.3 is not less than maxLon 3.2"},
		{name: "lats equal", spec: "3.2,52,7.3,52", wantErr: "minLat 52 is not less than maxLat 52"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBounds(tt.spec, tt.m)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseBounds(%q) = %v, nil; want error containing %q", tt.spec, b, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "geo: ") {
					t.Errorf("ParseBounds(%q) error = %q; want it to start with \"geo: \" and contain %q", tt.spec, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBounds(%q) error = %v; want nil", tt.spec, err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("ParseBounds(%q).String() = %q; want %q", tt.spec, got, tt.want)
			}
			// String must give a spec that parses to the same bounds.
			again, err := ParseBounds(b.String(), tt.m)
			if err != nil || again != b {
				t.Errorf("ParseBounds(%q) = %v, %v; want %v, nil", b.String(), again, err, b)
			}
		})
	}
}

func TestBoundsContains(t *testing.T) {
	t.Parallel()
	m := testMunicipalities(t)
	nl, err := ParseBounds("nl", m)
	if err != nil {
		t.Fatal(err)
	}
	box, err := ParseBounds("4,51,6,53", nil)
	if err != nil {
		t.Fatal(err)
	}
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		b    Bounds
		p    orb.Point
		want bool
	}{
		{"nl: Amsterdam", nl, orb.Point{4.8924, 52.3731}, true},
		{"nl: Maastricht", nl, orb.Point{5.6883, 50.8486}, true},
		{"nl: North Sea", nl, orb.Point{3.5, 52.5}, false},
		{"nl: Brussels", nl, orb.Point{4.35, 50.85}, false},
		{"nl: Germany", nl, orb.Point{7.5, 52.0}, false},
		{"nl: Belgian enclave in Baarle", nl, orb.Point{4.91859, 51.43495}, false},
		{"nl: NaN", nl, orb.Point{nan, 52.0}, false},
		{"nl: Inf", nl, orb.Point{5.0, -inf}, false},
		{"box: inside", box, orb.Point{5, 52}, true},
		{"box: corner is inside", box, orb.Point{4, 51}, true},
		{"box: far edge is inside", box, orb.Point{6, 53}, true},
		{"box: North Sea is inside a box", box, orb.Point{4.1, 52.9}, true},
		{"box: west of it", box, orb.Point{3.999, 52}, false},
		{"box: north of it", box, orb.Point{5, 53.001}, false},
		{"box: NaN latitude", box, orb.Point{5, nan}, false},
		{"box: NaN both", box, orb.Point{nan, nan}, false},
		{"box: Inf longitude", box, orb.Point{inf, 52}, false},
		{"zero Bounds: contains nothing", Bounds{}, orb.Point{0, 0}, false},
		{"zero Bounds: not even Amsterdam", Bounds{}, orb.Point{4.8924, 52.3731}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Contains(tt.p); got != tt.want {
				t.Errorf("Bounds(%v).Contains(%v) = %v; want %v", tt.b, tt.p, got, tt.want)
			}
		})
	}
	if got, want := (Bounds{}).String(), "empty"; got != want {
		t.Errorf("Bounds{}.String() = %q; want %q", got, want)
	}
}
