package opendata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/store"
)

// Engine hears of every provision an import writes, so the matching
// engine and other processes (through the change log) see it.
type Engine interface {
	Written(ctx context.Context, coll, id string, deleted bool)
}

// Importer brings an HSDS document into a municipality's provisions, for
// POST /api/v1/imports/hsds and the import-hsds command alike.
type Importer struct {
	st      *store.Store
	checker *care.Checker
	engine  Engine
	now     func() time.Time
}

// NewImporter writes to st what checker accepts and tells engine.
func NewImporter(st *store.Store, checker *care.Checker, engine Engine, now func() time.Time) *Importer {
	return &Importer{st: st, checker: checker, engine: engine, now: now}
}

// ImportOptions are an import's choices.
type ImportOptions struct {
	// DefaultHelpType is the help type of services none of whose taxonomy
	// terms is a dichtbij help type; without it they are skipped.
	DefaultHelpType string
	// DryRun only reports what would change.
	DryRun bool
	// Progress, when set, hears after each row how far the import is.
	Progress func(done, total int)
}

// Report says what an import did, or would do (dry run), per row.
type Report struct {
	DryRun                               bool
	Created, Updated, Unchanged, Skipped int
	Rows                                 []Row
	// Notes tell what else the document held that became no provision.
	Notes []string
}

// Row is one service at one location.
type Row struct {
	Source string // <HSDS service id>@<location id>
	Name   string
	// Action is create, update, unchanged or skip.
	Action string
	// ID is the provision's id (also on a dry run: it is derived from the
	// source).
	ID       string
	Problems []string
}

// Import writes (or, on a dry run, weighs) each service at a location of
// doc as a provision of municipality. Each provision is one document
// written in one call, so a failure never leaves half a record; a row
// that fails validation is reported and skipped. Importing the same
// document again changes nothing: ids derive from the source ids.
func (im *Importer) Import(ctx context.Context, municipality string, doc hsds.Document, opt ImportOptions) (Report, error) {
	rows := hsds.Provisions(doc.Services, hsds.Options{HelpTypes: care.Codes().HelpTypes, DefaultHelpType: opt.DefaultHelpType})
	rep := Report{DryRun: opt.DryRun, Rows: []Row{}, Notes: append([]string{}, doc.Notes...)}
	for _, row := range rows {
		out := Row{Source: row.Source, Name: row.Name, Problems: row.Problems}
		if len(out.Problems) == 0 {
			action, id, problems, err := im.one(ctx, municipality, row, opt.DryRun)
			if err != nil {
				return rep, fmt.Errorf("opendata: import %s: %w", row.Source, err)
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
		if opt.Progress != nil {
			opt.Progress(len(rep.Rows), len(rows))
		}
	}
	return rep, nil
}

// importedID is a provision's id from its municipality and source, so a
// second import of the same row finds it.
func importedID(municipality, source string) string {
	h := sha256.Sum256([]byte("hsds|" + municipality + "|" + source))
	return hex.EncodeToString(h[:12])
}

func (im *Importer) one(ctx context.Context, municipality string, row hsds.Row, dry bool) (action, id string, problems []string, err error) {
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
		im.engine.Written(ctx, follow.Provisions, id, false)
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
	im.engine.Written(ctx, follow.Provisions, id, false)
	return "update", id, nil, nil
}
