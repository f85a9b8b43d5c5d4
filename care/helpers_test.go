package care_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

// sharedChecker is built once per test binary, as server.Run builds it:
// the "nl" bounds over the embedded municipalities (LoadAreas takes
// about 0.2 s).
var sharedChecker = sync.OnceValues(func() (*care.Checker, error) {
	areas, err := geo.LoadAreas()
	if err != nil {
		return nil, fmt.Errorf("geo.LoadAreas() error = %w", err)
	}
	bounds, err := geo.ParseBounds("nl", areas.Municipalities())
	if err != nil {
		return nil, fmt.Errorf("geo.ParseBounds(nl) error = %w", err)
	}
	return care.NewChecker(bounds, areas), nil
})

func checker(tb testing.TB) *care.Checker {
	tb.Helper()
	c, err := sharedChecker()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// Places used as locations.
var (
	dam       = care.Location{Lat: 52.3731, Lon: 4.8924} // the Dam, Amsterdam (GM0363)
	utrecht   = care.Location{Lat: 52.0907, Lon: 5.1214} // Utrecht centre (GM0344)
	brussels  = care.Location{Lat: 50.8467, Lon: 4.3525} // Belgium: outside the "nl" bounds
	northSea  = care.Location{Lat: 52.6000, Lon: 3.9000} // at sea: outside every municipality
	hexID     = "0123456789abcdef01234567"               // a 24-hex record id
	hexIDBad  = "0123456789abcdef0123456z"               // 24 characters, one not hex
	shortHex  = "0123456789abcdef0123456"                // 23 hex digits
	longWords = strings.Repeat("é", 121)                 // 121 characters, 242 bytes
	fitWords  = strings.Repeat("é", 120)                 // 120 characters, 240 bytes
)

func loc(l care.Location) *care.Location { return &l }

func ptr[T any](v T) *T { return &v }

// row is one case of a table test of a record's validation: edit turns a
// valid record into the case; want lists the field paths of the problems
// the error must name (none: the record must pass); why is part of the
// reason given for want[0], to tell rules on one field apart.
type row[T any] struct {
	name string
	edit func(*T)
	want []string
	why  string
}

// fields is shorthand for a row's want.
func fields(f ...string) []string { return f }

// runRows runs every row against a fresh valid record from valid,
// checked by check, in parallel subtests.
func runRows[T any](t *testing.T, call string, valid func() T, check func(*care.Checker, *T) error, rows []row[T]) {
	t.Helper()
	c := checker(t)
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := valid()
			if tc.edit != nil {
				tc.edit(&v)
			}
			wantProblems(t, fmt.Sprintf("%s(%s)", call, tc.name), check(c, &v), tc.want, tc.why)
		})
	}
}

// wantProblems fails t unless err is nil and want empty, or err is a
// *care.ValidationError naming exactly the fields in want (in any order,
// with repeats), one of those for want[0] giving a reason containing why.
func wantProblems(t *testing.T, call string, err error, want []string, why string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("%s = %v; want no error", call, err)
		}
		return
	}
	var ve *care.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s = %v; want a *care.ValidationError naming %q", call, err, want)
	}
	got := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		got[i] = p.Field
	}
	slices.Sort(got)
	w := slices.Sorted(slices.Values(want))
	if !slices.Equal(got, w) {
		t.Fatalf("%s names fields %q; want %q\nerror: %v", call, got, w, err)
	}
	if why == "" {
		return
	}
	for _, p := range ve.Problems {
		if p.Field == want[0] && strings.Contains(p.Reason, why) {
			return
		}
	}
	t.Errorf("%s: no problem at %q says %q\nerror: %v", call, want[0], why, err)
}

// checkFields and checkTags adapt Checker.Check and Checker.CheckTags to
// runRows.
func checkFields[T any, PT interface {
	*T
	care.Fields
}](c *care.Checker, v *T) error {
	_, err := c.Check(PT(v))
	return err
}

func checkTags[T any](c *care.Checker, v *T) error { return c.CheckTags(v) }
