package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"
)

// flattenByDecoder is how Flatten worked before flatWalker, with
// json.Decoder's tokens: the reference the walker must agree with.
func flattenByDecoder(in Indicators) []Field {
	b, err := json.Marshal(in)
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []Field
	if err := flattenValue(dec, "", &out); err != nil {
		panic(err)
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

// TestFlattenAgreesWithTheDecoder flattens the indicators of random
// workloads, per area and in total, both ways.
func TestFlattenAgreesWithTheDecoder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 9))
	for round := 0; round < 20; round++ {
		x := NewIndex()
		for i := 0; i < 5+rng.IntN(40); i++ {
			id := fmt.Sprint("r", i)
			switch rng.IntN(3) {
			case 0:
				x.PutRequest(request(id, rng.IntN(300), nil))
			case 1:
				x.PutRequest(request(id, rng.IntN(300), closed("resolved_locally", 300, Domain{Code: "housing", Intake: 2, Closure: 4})))
			default:
				x.PutRequest(request(id, rng.IntN(300), func(r *Request) { r.District = "WK000102"; r.Needs = []string{"meals", "transport"} }))
			}
		}
		rep := x.Compute(year())
		all := append([]Indicators{rep.Total}, func() (s []Indicators) {
			for _, a := range rep.Areas {
				s = append(s, a.Indicators)
			}
			return
		}()...)
		for _, in := range all {
			got, want := in.Flatten(), flattenByDecoder(in)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: Flatten =\n%v\nwant\n%v", round, got, want)
			}
		}
	}
}

func BenchmarkFlatten(b *testing.B) {
	x := NewIndex()
	for i := 0; i < 50; i++ {
		x.PutRequest(request(fmt.Sprint("r", i), i*5, closed("resolved_locally", 300, Domain{Code: "housing", Intake: 2, Closure: 4})))
	}
	in := x.Compute(year()).Total
	b.Run("walker", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			in.Flatten()
		}
	})
	b.Run("decoder", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			flattenByDecoder(in)
		}
	})
}
