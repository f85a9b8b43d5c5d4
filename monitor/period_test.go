package monitor

import (
	"errors"
	"testing"
	"time"
)

// FuzzMonths feeds the reports' period parser any text: it either
// refuses with a *ParamError naming from or to, or returns a period of 1
// to MaxPeriodMonths months that its own strings parse back to.
func FuzzMonths(f *testing.F) {
	for _, s := range [][2]string{{"2026-01", "2026-12"}, {"", ""}, {"2026-13", ""}, {"9999-01", "0001-01"}, {"2026-1", "2026-02-01"}, {"", "2024-02"}} {
		f.Add(s[0], s[1])
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		first, last, err := Months(from, to, now)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || (pe.Param != "from" && pe.Param != "to") {
				t.Fatalf("Months(%q, %q) error %v is not a ParamError naming from or to", from, to, err)
			}
			return
		}
		if n := last - first + 1; n < 1 || n > MaxPeriodMonths {
			t.Fatalf("Months(%q, %q) = %d months", from, to, n)
		}
		a, errA := ParseMonth(MonthString(first))
		z, errZ := ParseMonth(MonthString(last))
		if errA != nil || errZ != nil || a != first || z != last {
			t.Fatalf("months %d..%d do not round-trip: %v %v", first, last, errA, errZ)
		}
	})
}
