package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/swaggest/openapi-go"
	"github.com/swaggest/openapi-go/openapi3"
)

// apiDoc builds the OpenAPI 3 document from the same Go types the handlers
// decode and encode, so schemas cannot drift from the code. A test compares
// its paths with the routes Fiber has registered.
type apiDoc struct {
	r    *openapi3.Reflector
	errs []error
}

func newAPIDoc() *apiDoc {
	r := openapi3.NewReflector()
	r.Spec.Info.
		WithTitle("dichtbij API").
		WithVersion("1").
		WithDescription("Neighbourhood-network and informal-care matching for Dutch municipalities. " +
			"Every error is RFC 9457 application/problem+json; validation errors list each wrong field.")
	return &apiDoc{r: r}
}

// idParam is the path parameter of single-record routes.
type idParam struct {
	ID string `path:"id" description:"record id, 24 hexadecimal characters" pattern:"^[0-9a-f]{24}$"`
}

// pageParams are the list routes' paging parameters.
type pageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" description:"page size"`
	Cursor string `query:"cursor" description:"next_cursor of the previous page"`
	Owner  string `query:"owner" enum:"me" description:"me: only one's own records (an organiser's options, a resident's offer)"`
}

// add describes route o.
func (d *apiDoc) add(o route) {
	path := o.openAPIPath()
	oc, err := d.r.NewOperationContext(o.method, path)
	if err != nil {
		d.errs = append(d.errs, err)
		return
	}
	oc.SetTags(o.tag)
	oc.SetSummary(o.summary)
	if o.params != nil {
		oc.AddReqStructure(o.params)
	}
	if o.body != nil {
		ct := o.bodyType
		if ct == "" {
			ct = "application/json"
		}
		oc.AddReqStructure(o.body, openapi.WithContentType(ct))
	}
	status := o.status
	if status == 0 {
		status = http.StatusOK
	}
	if o.resp != nil {
		oc.AddRespStructure(o.resp, openapi.WithHTTPStatus(status))
	} else {
		oc.AddRespStructure(nil, openapi.WithHTTPStatus(status))
	}
	for _, code := range o.errors {
		oc.AddRespStructure(Problem{}, openapi.WithHTTPStatus(code), openapi.WithContentType(problemContentType))
	}
	if len(o.query) > 0 {
		op := oc.(interface{ Operation() *openapi3.Operation }).Operation()
		for _, f := range o.query {
			typ := openapi3.SchemaTypeString
			if f.kind == filterBool {
				typ = openapi3.SchemaTypeBoolean
			}
			p := openapi3.Parameter{Name: f.param, In: openapi3.ParameterInQuery, Description: &f.doc}
			p.Schema = &openapi3.SchemaOrRef{Schema: (&openapi3.Schema{}).WithType(typ)}
			op.Parameters = append(op.Parameters, openapi3.ParameterOrRef{Parameter: &p})
		}
	}
	if err := d.r.AddOperation(oc); err != nil {
		d.errs = append(d.errs, fmt.Errorf("%s %s: %w", o.method, path, err))
	}
}

// json renders the document, or the first error met while building it.
func (d *apiDoc) json() ([]byte, error) {
	if len(d.errs) > 0 {
		return nil, fmt.Errorf("server: openapi: %w", d.errs[0])
	}
	b, err := d.r.Spec.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("server: openapi: %w", err)
	}
	return b, nil
}

// APIDoc is a rendered OpenAPI document with the routes it describes.
// Rendering reflects over every request and response type, which is most
// of what building an app costs; the document depends only on the code,
// so a process that builds many apps (the tests) renders it once and
// hands it to the next through Deps.APIDoc.
type APIDoc struct {
	spec   []byte
	routes []string
}

// apiDocFor is prev when it describes exactly t's routes, or t's
// document rendered anew when prev is nil. A prev for other routes is an
// error: serving it would document routes the app does not have.
func apiDocFor(prev *APIDoc, t *routeTable) (*APIDoc, error) {
	keys := make([]string, len(t.routes))
	for i, r := range t.routes {
		keys[i] = r.key()
	}
	if prev != nil {
		if !slices.Equal(prev.routes, keys) {
			return nil, errors.New("server: Deps.APIDoc describes other routes than this app serves")
		}
		return prev, nil
	}
	doc := newAPIDoc()
	t.describe(doc)
	spec, err := doc.json()
	if err != nil {
		return nil, err
	}
	return &APIDoc{spec: spec, routes: keys}, nil
}
