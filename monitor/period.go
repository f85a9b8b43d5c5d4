package monitor

import (
	"errors"
	"fmt"
	"time"
)

// MaxPeriodMonths bounds a report's period: activities' occurrences are
// counted from OccurrenceMonthsBack months ago.
const MaxPeriodMonths = 36

// ParamError refuses a report parameter, named as the API names it
// ("from", "to", "level", "area").
type ParamError struct{ Param, Reason string }

func (e *ParamError) Error() string { return e.Param + " " + e.Reason }

// Months parses a period's first and last month (YYYY-MM, Dutch time)
// into month indices; empty ones default to the 12 months up to now's.
func Months(from, to string, now time.Time) (first, last int32, err error) {
	last = MonthIndex(now)
	if to != "" {
		if last, err = ParseMonth(to); err != nil {
			return 0, 0, &ParamError{"to", err.Error()}
		}
	}
	// The default start stays within the months ParseMonth accepts.
	first = max(last-11, 2000*12)
	if from != "" {
		if first, err = ParseMonth(from); err != nil {
			return 0, 0, &ParamError{"from", err.Error()}
		}
	}
	switch {
	case first > last:
		return 0, 0, &ParamError{"from", "must not be after to"}
	case last-first+1 > MaxPeriodMonths:
		return 0, 0, &ParamError{"from", fmt.Sprintf("the period may span at most %d months", MaxPeriodMonths)}
	}
	return first, last, nil
}

// ParseMonth reads a month YYYY-MM of the years 2000 to 2999 as a month
// index (as MonthIndex counts).
func ParseMonth(s string) (int32, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 2000 || t.Year() > 2999 {
		return 0, errors.New("must be a month YYYY-MM, e.g. 2026-03")
	}
	return int32(t.Year()*12 + int(t.Month()) - 1), nil
}

// MonthString writes month index m as YYYY-MM.
func MonthString(m int32) string { return fmt.Sprintf("%04d-%02d", m/12, m%12+1) }
