package server

import (
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/opendata"
)

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

// importReport is rep on the wire.
func importReport(rep opendata.Report) ImportReport {
	out := ImportReport{DryRun: rep.DryRun, Created: rep.Created, Updated: rep.Updated, Unchanged: rep.Unchanged, Skipped: rep.Skipped,
		Rows: make([]ImportRow, len(rep.Rows)), Notes: rep.Notes}
	for i, r := range rep.Rows {
		out.Rows[i] = ImportRow(r)
	}
	return out
}

type importParams struct {
	DryRun          bool   `query:"dry_run" description:"report what would change, write nothing"`
	DefaultHelpType string `query:"default_help_type" description:"help type for services none of whose taxonomy terms is a dichtbij help type; without it they are skipped"`
}

func mountImports(rt *routeTable, im *opendata.Importer) {
	rt.add(route{method: http.MethodPost, path: "/api/v1/imports/hsds", perm: permAccounts, handler: hsdsImport(im), tag: "open data",
		summary: "Import an HSDS 3 JSON document (a service, an organization with services, a list, a paging envelope or NDJSON), or a tabular HSDS 1.1, 2.0 or 3.x directory as a zip (Content-Type application/zip: datapackage.json and CSV files, or the CSV files alone), into the admin's municipality as provisions, one per service and location. Rows with a location outside the municipality, no usable point or address, or no help type are reported and skipped; the rest is written, each in one write. Importing the same data again changes nothing (ids derive from the source ids). dry_run=true only reports.",
		params:  importParams{}, resp: ImportReport{}, errors: []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnsupportedMediaType}})
}

func hsdsImport(im *opendata.Importer) fiber.Handler {
	return func(c *fiber.Ctx) error {
		zipped := c.Get(fiber.HeaderContentType) == "application/zip"
		if !zipped {
			if err := requireJSON(c, fiber.MIMEApplicationJSON, "application/x-ndjson"); err != nil {
				return err
			}
		}
		var opt opendata.ImportOptions
		if v := c.Query("dry_run"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return invalidQuery("dry_run", "must be true or false")
			}
			opt.DryRun = b
		}
		opt.DefaultHelpType = c.Query("default_help_type")
		if opt.DefaultHelpType != "" && !care.IsHelpType(opt.DefaultHelpType) {
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
		rep, err := im.Import(c.UserContext(), actorOf(c.UserContext()).Municipality, doc, opt)
		if err != nil {
			return err
		}
		return c.JSON(importReport(rep))
	}
}
