package monitor

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// flatWalker flattens the compact JSON that json.Marshal writes of
// Indicators, in one pass over the bytes. json.Decoder.Token did the same
// at about four times the cost; Flatten ran for every area of every map
// and CSV (9 % of the server's CPU under the team load).
type flatWalker struct {
	b   []byte
	i   int
	out []Field
}

func (w *flatWalker) fail(what string) error {
	return fmt.Errorf("monitor: flatten: %s at byte %d", what, w.i)
}

// value flattens the value at w.i under key.
func (w *flatWalker) value(key string) error {
	if w.i >= len(w.b) {
		return w.fail("unexpected end")
	}
	switch c := w.b[w.i]; {
	case c == '{':
		w.i++
		if w.peek('}') {
			return nil
		}
		for {
			k, err := w.str()
			if err != nil {
				return err
			}
			if !w.peek(':') {
				return w.fail("no colon")
			}
			if err := w.value(join(key, k)); err != nil {
				return err
			}
			if w.peek('}') {
				return nil
			}
			if !w.peek(',') {
				return w.fail("no comma")
			}
		}
	case c == '[':
		w.i++
		if w.peek(']') {
			return nil
		}
		for n := 0; ; n++ {
			if err := w.element(key, n); err != nil {
				return err
			}
			if w.peek(']') {
				return nil
			}
			if !w.peek(',') {
				return w.fail("no comma")
			}
		}
	case c == '"':
		s, err := w.str()
		if err != nil {
			return err
		}
		w.out = append(w.out, Field{key, s})
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []struct {
			text string
			v    any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if len(w.b)-w.i >= len(lit.text) && string(w.b[w.i:w.i+len(lit.text)]) == lit.text {
				w.i += len(lit.text)
				w.out = append(w.out, Field{key, lit.v})
				return nil
			}
		}
		return w.fail("bad literal")
	default:
		start := w.i
		for w.i < len(w.b) && (w.b[w.i] == '-' || w.b[w.i] == '+' || w.b[w.i] == '.' || w.b[w.i] == 'e' || w.b[w.i] == 'E' || (w.b[w.i] >= '0' && w.b[w.i] <= '9')) {
			w.i++
		}
		num := string(w.b[start:w.i])
		if n, err := strconv.ParseInt(num, 10, 64); err == nil {
			w.out = append(w.out, Field{key, n})
		} else if f, err := strconv.ParseFloat(num, 64); err == nil {
			w.out = append(w.out, Field{key, f})
		} else {
			return w.fail("bad number")
		}
	}
	return nil
}

// element flattens array element n under key: an object with a non-empty
// "item" is keyed by it, anything else by n; the element's own "item" is
// left out either way. It is walked once, under n, and renamed after.
func (w *flatWalker) element(key string, n int) error {
	sub := join(key, strconv.Itoa(n))
	from := len(w.out)
	if err := w.value(sub); err != nil {
		return err
	}
	itemKey := join(sub, "item")
	renamed := sub
	for _, f := range w.out[from:] {
		if s, ok := f.Value.(string); ok && f.Key == itemKey && s != "" {
			renamed = join(key, s)
		}
	}
	kept := w.out[:from]
	for _, f := range w.out[from:] {
		if f.Key == itemKey {
			continue
		}
		f.Key = renamed + f.Key[len(sub):]
		kept = append(kept, f)
	}
	w.out = kept
	return nil
}

// peek consumes c if it is next.
func (w *flatWalker) peek(c byte) bool {
	if w.i < len(w.b) && w.b[w.i] == c {
		w.i++
		return true
	}
	return false
}

// str reads a string; one with escapes is decoded by encoding/json.
func (w *flatWalker) str() (string, error) {
	if !w.peek('"') {
		return "", w.fail("no string")
	}
	start, escaped := w.i, false
	for w.i < len(w.b) && w.b[w.i] != '"' {
		if w.b[w.i] == '\\' {
			escaped = true
			w.i++
		}
		w.i++
	}
	if w.i >= len(w.b) {
		return "", w.fail("unterminated string")
	}
	raw := w.b[start-1 : w.i+1]
	w.i++
	if !escaped {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", w.fail("bad string")
	}
	return s, nil
}
