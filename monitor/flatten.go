package monitor

import (
	"encoding/json"
	"fmt"
)

// Field is one indicator as a flat key, e.g. "results.zero_line_share",
// and its value: a number, the string "<5", a string, a bool or nil.
type Field struct {
	Key   string
	Value any
}

// Flatten lists every indicator in a stable order (the JSON order: fields
// as declared, map keys sorted) under dotted keys, for CSV rows and
// GeoJSON properties. Cost lines are keyed by their item:
// "avoided_costs.lines.transport.amount_eur".
func (in Indicators) Flatten() []Field {
	b, err := json.Marshal(in)
	if err != nil {
		panic(fmt.Sprintf("monitor: indicators do not marshal: %v", err)) // plain data: cannot happen
	}
	w := flatWalker{b: b, out: make([]Field, 0, 256)}
	if err := w.value(""); err != nil {
		panic(err.Error()) // json.Marshal's own output: cannot happen
	}
	return w.out
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
