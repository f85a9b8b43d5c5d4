package matching

import (
	"fmt"
	"math/bits"
	"strings"
	"time"
)

// slotMinutes is the resolution of weekly time: quarter hours.
const slotMinutes = 15

const weekSlots = 7 * 24 * 60 / slotMinutes // 672

// Week is a set of quarter hours in a week, Monday 00:00 first, in local
// wall-clock time. The zero Week is empty.
type Week [(weekSlots + 63) / 64]uint64

var dayCodes = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// DayIndex returns 0 for "mon" … 6 for "sun", or -1.
func DayIndex(code string) int {
	for i, d := range dayCodes {
		if d == code {
			return i
		}
	}
	return -1
}

// AddSpan adds [start, end) minutes after Monday 00:00, wrapping past the
// end of the week. Partial quarter hours count as the whole quarter.
func (w *Week) AddSpan(start, end int) {
	if end <= start {
		return
	}
	if end-start >= weekSlots*slotMinutes {
		start, end = 0, weekSlots*slotMinutes
	}
	for s := start / slotMinutes; s*slotMinutes < end; s++ {
		i := ((s % weekSlots) + weekSlots) % weekSlots
		w[i/64] |= 1 << (i % 64)
	}
}

// AddDay adds a span on one day: day 0 is Monday; start and end are minutes
// after midnight.
func (w *Week) AddDay(day, start, end int) {
	w.AddSpan(day*24*60+start, day*24*60+end)
}

// AddTime adds the span of an occurrence starting at t (its wall clock and
// weekday) lasting d.
func (w *Week) AddTime(t time.Time, d time.Duration) {
	day := (int(t.Weekday()) + 6) % 7
	start := day*24*60 + t.Hour()*60 + t.Minute()
	w.AddSpan(start, start+int(d/time.Minute))
}

// Empty reports whether no quarter hour is set.
func (w Week) Empty() bool { return w == Week{} }

// Minutes returns how many minutes are set.
func (w Week) Minutes() int {
	n := 0
	for _, x := range w {
		n += bits.OnesCount64(x)
	}
	return n * slotMinutes
}

// And returns the quarter hours set in both.
func (w Week) And(o Week) Week {
	var r Week
	for i := range w {
		r[i] = w[i] & o[i]
	}
	return r
}

func (w Week) has(i int) bool { return w[i/64]&(1<<(i%64)) != 0 }

var dayNames = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// Describe names the parts of the week that are set, coarsely, e.g.
// "Tue morning, Thu afternoon"; at most max parts, then "…".
func (w Week) Describe(max int) string {
	var parts []string
	for d := 0; d < 7; d++ {
		for _, p := range dayParts {
			set := false
			for m := p.from; m < p.to && !set; m += slotMinutes {
				set = w.has((d*24*60 + m) / slotMinutes)
			}
			if set {
				parts = append(parts, dayNames[d]+" "+p.name)
			}
		}
	}
	if len(parts) > max {
		parts = append(parts[:max], "…")
	}
	return strings.Join(parts, ", ")
}

var dayParts = []struct {
	name     string
	from, to int // minutes after midnight
}{
	{"night", 0, 6 * 60},
	{"morning", 6 * 60, 12 * 60},
	{"afternoon", 12 * 60, 17 * 60},
	{"evening", 17 * 60, 24 * 60},
}

// ParseClock reads "HH:MM" (00:00–24:00) as minutes after midnight.
func ParseClock(s string) (int, error) {
	digit := func(b byte) (int, bool) { return int(b - '0'), b >= '0' && b <= '9' }
	if len(s) == 5 && s[2] == ':' {
		h1, ok1 := digit(s[0])
		h2, ok2 := digit(s[1])
		m1, ok3 := digit(s[3])
		m2, ok4 := digit(s[4])
		h, m := h1*10+h2, m1*10+m2
		if ok1 && ok2 && ok3 && ok4 && m < 60 && (h < 24 || (h == 24 && m == 0)) {
			return h*60 + m, nil
		}
	}
	return 0, fmt.Errorf("matching: time %q is not HH:MM", s)
}
