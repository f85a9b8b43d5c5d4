package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/store"
)

// importer brings an HSDS directory into a municipality's provisions.
type importer struct {
	st      *store.Store
	checker *care.Checker
	engine  *follow.Sync
	now     func() time.Time
	// progress, when set, hears after each row how far the import is.
	progress func(done, total int)
}

// ImportReport says what an import did, or would do (dry run), per row.
type ImportReport struct {
	DryRun    bool        `json:"dry_run"`
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Skipped   int         `json:"skipped"`
	Rows      []ImportRow `json:"rows"`
	// Notes tell what else the document held that became no provision.
	Notes []string `json:"notes"`
}

// ImportRow is one service at one location.
type ImportRow struct {
	Source string `json:"source" description:"<HSDS service id>@<location id>"`
	Name   string `json:"name"`
	// Action is create, update, unchanged or skip.
	Action string `json:"action" enum:"create,update,unchanged,skip"`
	// ID is the provision's id (also on a dry run: it is derived from the
	// source).
	ID       string   `json:"id,omitempty"`
	Problems []string `json:"problems,omitempty"`
}

type importParams struct {
	DryRun          bool   `query:"dry_run" description:"report what would change, write nothing"`
	DefaultHelpType string `query:"default_help_type" description:"help type for services none of whose taxonomy terms is a dichtbij help type; without it they are skipped"`
}

func mountImports(rt *routeTable, im *importer) {
	rt.add(route{method: http.MethodPost, path: "/api/v1/imports/hsds", perm: permAccounts, handler: im.hsds, tag: "open data",
		summary: "Import an HSDS 3 JSON document (a service, an organization with services, a list, a paging envelope or NDJSON), or a tabular HSDS 1.1, 2.0 or 3.x directory as a zip (Content-Type application/zip: datapackage.json and CSV files, or the CSV files alone), into the admin's municipality as provisions, one per service and location. Rows with a location outside the municipality, no usable point or address, or no help type are reported and skipped; the rest is written, each in one write. Importing the same data again changes nothing (ids derive from the source ids). dry_run=true only reports.",
		params:  importParams{}, resp: ImportReport{}, errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnsupportedMediaType}})
}

func (im *importer) hsds(c *fiber.Ctx) error {
	zipped := c.Get(fiber.HeaderContentType) == "application/zip"
	if !zipped {
		if err := requireJSON(c, fiber.MIMEApplicationJSON, "application/x-ndjson"); err != nil {
			return err
		}
	}
	dry := false
	if v := c.Query("dry_run"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return invalidQuery("dry_run", "must be true or false")
		}
		dry = b
	}
	def := c.Query("default_help_type")
	if def != "" && !care.IsHelpType(def) {
		return invalidQuery("default_help_type", "is not a help type code (see /api/v1/taxonomy)")
	}
	read := hsds.ReadJSON
	if zipped {
		read = hsds.ReadZip
	}
	doc, err := read(c.Body())
	if err != nil {
		return badBody("body", err.Error())
	}
	rows := hsds.Provisions(doc.Services, hsds.Options{HelpTypes: care.Codes().HelpTypes, DefaultHelpType: def})
	rep, err := im.apply(c.UserContext(), actorOf(c.UserContext()).Municipality, rows, dry)
	if err != nil {
		return err
	}
	rep.Notes = append([]string{}, doc.Notes...)
	return c.JSON(rep)
}

// importedID is a provision's id from its municipality and source, so a
// second import of the same row finds it.
func importedID(municipality, source string) string {
	h := sha256.Sum256([]byte("hsds|" + municipality + "|" + source))
	return hex.EncodeToString(h[:12])
}

// apply writes (or, on a dry run, weighs) each row. Each provision is one
// document written in one call, so a failure never leaves half a record;
// a row that fails validation is reported and skipped.
func (im *importer) apply(ctx context.Context, municipality string, rows []hsds.Row, dry bool) (ImportReport, error) {
	rep := ImportReport{DryRun: dry, Rows: []ImportRow{}}
	for _, row := range rows {
		out := ImportRow{Source: row.Source, Name: row.Name, Problems: row.Problems}
		if len(out.Problems) == 0 {
			action, id, problems, err := im.one(ctx, municipality, row, dry)
			if err != nil {
				return rep, err
			}
			out.Action, out.ID, out.Problems = action, id, problems
		}
		if len(out.Problems) > 0 {
			out.Action = "skip"
		}
		switch out.Action {
		case "create":
			rep.Created++
		case "update":
			rep.Updated++
		case "unchanged":
			rep.Unchanged++
		default:
			rep.Skipped++
		}
		rep.Rows = append(rep.Rows, out)
		if im.progress != nil {
			im.progress(len(rep.Rows), len(rows))
		}
	}
	return rep, nil
}

func (im *importer) one(ctx context.Context, municipality string, row hsds.Row, dry bool) (action, id string, problems []string, err error) {
	f := row.Fields
	area, err := im.checker.Check(&f)
	var ve *care.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			problems = append(problems, p.Field+": "+p.Reason)
		}
		return "", "", problems, nil
	}
	if err != nil {
		return "", "", nil, err
	}
	if area.MunicipalityCode != municipality {
		where := "no municipality"
		if area.MunicipalityCode != "" {
			where = area.MunicipalityCode + " " + area.MunicipalityName
		}
		return "", "", []string{"location lies in " + where + ", outside " + municipality}, nil
	}
	id = importedID(municipality, row.Source)
	now := im.now().UTC().Truncate(time.Millisecond)
	cur, err := im.st.Provisions().Get(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if dry {
			return "create", id, nil, nil
		}
		rec := care.Provision{Meta: care.Meta{ID: id, Version: 1, CreatedAt: now, UpdatedAt: now, Municipality: municipality}, ProvisionFields: f, Area: area}
		if err := im.st.Provisions().Insert(ctx, rec); err != nil {
			return "", "", nil, err
		}
		im.engine.Written(ctx, collProvisions, id, false)
		return "create", id, nil, nil
	case err != nil:
		return "", "", nil, err
	}
	if reflect.DeepEqual(cur.ProvisionFields, f) {
		return "unchanged", id, nil, nil
	}
	if dry {
		return "update", id, nil, nil
	}
	next := cur
	next.ProvisionFields, next.Area, next.Version, next.UpdatedAt = f, area, cur.Version+1, now
	if err := im.st.Provisions().Replace(ctx, cur.Version, next); err != nil {
		return "", "", nil, err
	}
	im.engine.Written(ctx, collProvisions, id, false)
	return "update", id, nil, nil
}
