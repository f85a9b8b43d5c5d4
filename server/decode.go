package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// requireJSON refuses bodies that are not declared as JSON, so a form post
// or a text body never reaches the decoder. allowed lists the accepted
// media types.
func requireJSON(c *fiber.Ctx, allowed ...string) error {
	ct := c.Get(fiber.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, a := range allowed {
			if mt == a {
				return nil
			}
		}
	}
	return newProblem(fiber.StatusUnsupportedMediaType, "unsupported-media-type",
		fmt.Sprintf("Content-Type %q is not accepted; send %s", ct, strings.Join(allowed, " or ")),
		FieldProblem{Field: "Content-Type", Reason: "must be " + strings.Join(allowed, " or ")})
}

// bindJSON reads a JSON request body into v and checks it: the content
// type, strict decoding (decodeStrict), then check.
func bindJSON(c *fiber.Ctx, v any, check func() error) error {
	if err := requireJSON(c, fiber.MIMEApplicationJSON); err != nil {
		return err
	}
	if err := decodeStrict(c.Body(), v); err != nil {
		return err
	}
	return check()
}

// decodeStrict decodes one JSON object into v. Unknown fields, wrong types,
// trailing data and invalid JSON (including NaN and Infinity, which JSON
// does not have) are 400 problems that name the field where it went wrong.
func decodeStrict(body []byte, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return badBody("body", "request body is empty; send a JSON object")
	}
	if trimmed[0] != '{' {
		return badBody("body", "request body must be a JSON object")
	}
	if !json.Valid(trimmed) {
		path, reason := syntaxProblem(trimmed)
		return badBody(path, reason)
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return badBody("body", "request body must hold exactly one JSON object")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		path := pathAtOffset(trimmed, te.Offset)
		if path == "" {
			path = te.Field
		}
		return badBody(path, "must be "+jsonKind(te.Type.Kind().String())+", not "+te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		path := unknownKeyPath(trimmed, reflect.TypeOf(v), name)
		return badBody(path, "is not a known field")
	}
	return badBody("body", "request body could not be read: "+err.Error())
}

// badBody is a 400 naming path, or "body" when the path is empty (a key
// "" at the top level has no path of its own).
func badBody(path, reason string) error {
	if path == "" {
		path = "body"
	}
	return newProblem(fiber.StatusBadRequest, "malformed-body", path+": "+reason, fieldProblem(path, reason))
}

// jsonKind names a Go kind as the JSON type a client should send.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "float32", "float64":
		return "a number"
	}
	if strings.HasPrefix(k, "int") || strings.HasPrefix(k, "uint") {
		return "a whole number in range"
	}
	return "a " + k
}

// walker follows the path of the value being read while a json.Decoder
// tokenises a document, so an error at some offset can name its field.
type walker struct {
	dec    *json.Decoder
	frames []frame
}

type frame struct {
	array     bool
	key       string
	index     int
	wantValue bool // object: a key was read, its value comes next
}

func newWalker(doc []byte) *walker {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	return &walker{dec: dec}
}

// path renders the frames as "a.b[2].c".
func (w *walker) path() string {
	var b strings.Builder
	for _, f := range w.frames {
		switch {
		case f.array && f.index >= 0:
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		case !f.array && f.key != "":
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
	}
	return b.String()
}

// next reads one token and updates the frames. It returns the token, or
// the decoder's error with the frames left at the failing position.
func (w *walker) next() (json.Token, error) {
	if n := len(w.frames); n > 0 {
		top := &w.frames[n-1]
		if top.array && w.dec.More() {
			top.index++
		}
	}
	tok, err := w.dec.Token()
	if err != nil {
		return nil, err
	}
	n := len(w.frames)
	var top *frame
	if n > 0 {
		top = &w.frames[n-1]
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			w.frames = append(w.frames, frame{})
		case '[':
			w.frames = append(w.frames, frame{array: true, index: -1})
		default:
			w.frames = w.frames[:n-1]
			if n-1 > 0 {
				w.frames[n-2].wantValue = false
			}
		}
		return tok, nil
	case string:
		if top != nil && !top.array && !top.wantValue {
			top.key, top.wantValue = t, true
			return tok, nil
		}
	}
	if top != nil && !top.array {
		top.wantValue = false
	}
	return tok, nil
}

// syntaxProblem finds where a document stops being valid JSON.
func syntaxProblem(doc []byte) (string, string) {
	w := newWalker(doc)
	values := 0 // complete values at the top level
	for {
		_, err := w.next()
		if err == nil && len(w.frames) == 0 {
			values++
		}
		if err != nil {
			path := w.path()
			if path == "" {
				path = "body"
			}
			reason := "is not valid JSON"
			var se *json.SyntaxError
			if errors.As(err, &se) {
				reason = fmt.Sprintf("is not valid JSON at byte %d (%s); NaN and Infinity are not JSON numbers", se.Offset, se.Error())
			}
			switch {
			case errors.Is(err, io.EOF) && len(w.frames) == 0 && values > 1:
				reason = "must hold exactly one JSON object, with nothing after it"
			case errors.Is(err, io.EOF) && len(w.frames) == 0:
				// The tokens are fine, so json.Valid refused the depth.
				reason = "is not valid JSON: it nests deeper than 10000 levels"
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				reason = "is not valid JSON: the document ends too early"
			}
			return path, reason
		}
	}
}

// pathAtOffset returns the path of the value that ends at offset, as
// json.UnmarshalTypeError reports it.
func pathAtOffset(doc []byte, offset int64) string {
	w := newWalker(doc)
	last := ""
	for {
		tok, err := w.next()
		if err != nil {
			return last
		}
		if d, ok := tok.(json.Delim); !ok || d == '{' || d == '[' {
			// a scalar or the start of a container: its path is the
			// current one, including the key just read
			last = w.path()
		}
		if w.dec.InputOffset() >= offset {
			return last
		}
	}
}

// unknownKeyPath finds the first object key called name that is not a
// field of the struct it is in, decoding into t, and returns its path. A
// key can be unknown in one place and known in another ("name" inside
// "address").
func unknownKeyPath(doc []byte, t reflect.Type, name string) string {
	w := newWalker(doc)
	for {
		tok, err := w.next()
		if err != nil {
			return name
		}
		if s, ok := tok.(string); ok {
			if f := w.frames; len(f) > 0 && !f[len(f)-1].array && f[len(f)-1].wantValue && f[len(f)-1].key == s && s == name {
				if ct := containerType(t, f); ct != nil && ct.Kind() == reflect.Struct {
					if _, known := jsonField(ct, name); !known {
						return w.path()
					}
				}
			}
		}
	}
}

// containerType is the Go type, under t, of the innermost object or array
// of frames; nil when the document leaves the type's shape.
func containerType(t reflect.Type, frames []frame) reflect.Type {
	t = derefType(t)
	for _, f := range frames[:len(frames)-1] {
		if t == nil {
			return nil
		}
		switch k := t.Kind(); {
		case f.array && (k == reflect.Slice || k == reflect.Array), !f.array && k == reflect.Map:
			t = t.Elem()
		case !f.array && k == reflect.Struct:
			sf, ok := jsonField(t, f.key)
			if !ok {
				return nil
			}
			t = sf.Type
		default:
			return nil
		}
		t = derefType(t)
	}
	return t
}

// jsonField finds the field of struct t that encoding/json decodes key
// into: the exact name first, then one equal under case folding.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var folded reflect.StructField
	found := false
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous && f.Tag.Get("json") == "" && derefType(f.Type).Kind() == reflect.Struct {
			continue // its fields are promoted
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			folded, found = f, true
		}
	}
	return folded, found
}

// derefType is the type a pointer type points to, through any number of
// pointers.
func derefType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
