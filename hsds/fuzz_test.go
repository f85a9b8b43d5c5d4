package hsds

import (
	"testing"

	"github.com/dichtbij/dichtbij/care"
)

// FuzzReadJSON feeds any bytes to the JSON importer and its mapping: no
// panic, and every row is importable or says why not.
func FuzzReadJSON(f *testing.F) {
	for _, s := range []string{
		`{"id":"s","name":"n","status":"active","service_at_locations":[{"id":"a","location":{"id":"l","location_type":"physical","latitude":52.37,"longitude":4.89,"addresses":[{"address_1":"Dam 1","city":"Amsterdam","postal_code":"1012 JS","country":"NL","address_type":"physical"}]}}]}`,
		`{"contents":[{"id":"o","name":"n","description":"d","services":[{"id":"s","name":"n","status":"active"}]}]}`,
		`{"id":"x","service":{"id":"s","name":"n","status":"active"},"location":{"id":"l","latitude":1e400}}` + "\n" + `{"id":"s","name":"n","status":"inactive"}`,
		`[{"id":"t","name":"n","code":"c"}]`, `{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ReadJSON(data)
		if err != nil {
			return
		}
		for _, r := range Provisions(doc.Services, Options{HelpTypes: care.Codes().HelpTypes, DefaultHelpType: "meeting_place"}) {
			if r.Source == "" {
				t.Fatalf("a row without a source: %+v", r)
			}
		}
	})
}
