package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []Field
	if err := flattenValue(dec, "", &out); err != nil {
		panic(fmt.Sprintf("monitor: flatten: %v", err))
	}
	return out
}

func flattenValue(dec *json.Decoder, prefix string, out *[]Field) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				if err := flattenValue(dec, join(prefix, k.(string)), out); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if err := flattenElement(dec, prefix, i, out); err != nil {
					return err
				}
			}
		}
		_, err := dec.Token() // the closing delimiter
		return err
	case json.Number:
		if n, err := v.Int64(); err == nil {
			*out = append(*out, Field{prefix, n})
		} else if f, err := v.Float64(); err == nil {
			*out = append(*out, Field{prefix, f})
		}
	default:
		*out = append(*out, Field{prefix, v})
	}
	return nil
}

// flattenElement flattens an array element; an object with an "item"
// is keyed by it, anything else by its position.
func flattenElement(dec *json.Decoder, prefix string, i int, out *[]Field) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	var named struct {
		Item string `json:"item"`
	}
	key := fmt.Sprint(i)
	if json.Unmarshal(raw, &named) == nil && named.Item != "" {
		key = named.Item
	}
	sub := json.NewDecoder(bytes.NewReader(raw))
	sub.UseNumber()
	var fields []Field
	if err := flattenValue(sub, join(prefix, key), &fields); err != nil && err != io.EOF {
		return err
	}
	for _, f := range fields {
		if f.Key != join(join(prefix, key), "item") {
			*out = append(*out, f)
		}
	}
	return nil
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
