package opendata

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/follow"
	"github.com/dichtbij/dichtbij/geo"
	"github.com/dichtbij/dichtbij/hsds"
	"github.com/dichtbij/dichtbij/store"
)

// Directory reads each municipality's public records: initiatives,
// provisions and activities, never a volunteer or a request.
type Directory struct {
	st    *store.Store
	areas *geo.Areas
	// cache holds each municipality's records and catalog while the
	// store's generations of them stay (store.Generation): rebuilding
	// the catalog was a quarter of the server's CPU under the team load.
	mu    sync.Mutex
	cache map[string]cached
	// building lets one caller at a time read and build what the cache
	// lacks: after a write, the readers waiting for it would otherwise
	// each build a catalog of their own at once (191 MB of catalogs in
	// flight under the team load).
	building sync.Mutex
	// memos keep, per municipality, what the last build made of each
	// record (hsds.Memo); used under building.
	memos map[string]*hsds.Memo
	// calendarURL is an activity's iCalendar feed, for schedules whose
	// rule HSDS cannot hold.
	calendarURL func(activityID string) string
}

// NewDirectory reads from st; baseURL is the portal's public address,
// for the activities' calendar links.
func NewDirectory(st *store.Store, areas *geo.Areas, baseURL string) *Directory {
	return &Directory{st: st, areas: areas, cache: map[string]cached{}, memos: map[string]*hsds.Memo{}, calendarURL: func(id string) string {
		return baseURL + "/api/v1/activities/" + id + "/calendar.ics"
	}}
}

// Known returns a *NotFoundError unless code is a municipality's.
func (d *Directory) Known(code string) error {
	if _, ok := d.areas.Municipalities().Lookup(code); !ok {
		return &NotFoundError{Municipality: code}
	}
	return nil
}

// cached is one municipality's records and catalog, as of gen.
type cached struct {
	gen     [3]uint64
	dir     hsds.Directory
	catalog *hsds.Catalog
}

// generation is the store's generation of code's public records, and
// false when the store keeps none (MongoDB: its indexes answer).
func (d *Directory) generation(code string) ([3]uint64, bool) {
	var gen [3]uint64
	for i, coll := range []string{follow.Initiatives, follow.Provisions, follow.Activities} {
		g, ok := d.st.Generation(coll, code)
		if !ok {
			return gen, false
		}
		gen[i] = g
	}
	return gen, true
}

// records returns the municipality's public records, from the cache
// while they did not change.
func (d *Directory) records(ctx context.Context, code string) (cached, error) {
	if err := d.Known(code); err != nil {
		return cached{}, err
	}
	gen, ok := d.generation(code)
	if !ok {
		dir, err := d.read(ctx, code)
		return cached{dir: dir}, err
	}
	if c, hit := d.cached(code, gen); hit {
		return c, nil
	}
	d.building.Lock()
	defer d.building.Unlock()
	// What changed while this call waited counts too: with the
	// generation taken before the wait, each waiter found the catalog
	// built meanwhile too new and built an older one again. (A loaded
	// mirror stays loaded, so the generation is still there.)
	gen, _ = d.generation(code)
	if c, hit := d.cached(code, gen); hit {
		return c, nil // built while this call waited
	}
	// The generation was taken before the read: a change during it
	// moves the generation on, and the next call reads again.
	dir, err := d.read(ctx, code)
	if err != nil {
		return cached{}, err
	}
	memo := d.memos[code]
	if memo == nil {
		memo = &hsds.Memo{}
		d.memos[strings.Clone(code)] = memo
	}
	cat := hsds.BuildWith(dir, memo)
	c := cached{gen: gen, dir: dir, catalog: &cat}
	d.mu.Lock()
	// A copy of the key: Fiber's path parameters point into a buffer it
	// reuses for the next request, which would change a stored key
	// under the map (each build then added an entry: 220 MB of
	// catalogs after 30 s of the team load).
	d.cache[strings.Clone(code)] = c
	d.mu.Unlock()
	return c, nil
}

// cached returns the cache's entry for code if it is of generation gen.
func (d *Directory) cached(code string, gen [3]uint64) (cached, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.cache[code]
	return c, ok && c.gen == gen
}

// read reads the municipality's public records from the store.
func (d *Directory) read(ctx context.Context, code string) (hsds.Directory, error) {
	dir := hsds.Directory{HelpTypes: care.Codes().HelpTypes, CalendarURL: d.calendarURL}
	var err error
	if dir.Initiatives, err = d.st.Initiatives().OfMunicipality(ctx, code); err != nil {
		return dir, fmt.Errorf("opendata: initiatives of %s: %w", code, err)
	}
	if dir.Provisions, err = d.st.Provisions().OfMunicipality(ctx, code); err != nil {
		return dir, fmt.Errorf("opendata: provisions of %s: %w", code, err)
	}
	if dir.Activities, err = d.st.Activities().OfMunicipality(ctx, code); err != nil {
		return dir, fmt.Errorf("opendata: activities of %s: %w", code, err)
	}
	return dir, nil
}

// Catalog is the municipality's public records in HSDS form. Where the
// store keeps generations it is built once per change of them and
// shared: callers only read it.
func (d *Directory) Catalog(ctx context.Context, code string) (hsds.Catalog, error) {
	c, err := d.records(ctx, code)
	if err != nil {
		return hsds.Catalog{}, err
	}
	if c.catalog != nil {
		return *c.catalog, nil
	}
	return hsds.Build(c.dir), nil // no cache on this store
}

// Map is the municipality's public options as GeoJSON: provisions and
// activities as points, initiatives as their service areas (a radius
// drawn as a 64-sided polygon).
func (d *Directory) Map(ctx context.Context, code string) (*geojson.FeatureCollection, error) {
	c, err := d.records(ctx, code)
	if err != nil {
		return nil, err
	}
	dir := c.dir
	fc := geojson.NewFeatureCollection()
	add := func(g orb.Geometry, kind string, meta care.Meta, name string, help []string, active *bool, extra geojson.Properties) {
		f := geojson.NewFeature(g)
		f.ID = meta.ID
		f.Properties = geojson.Properties{"kind": kind, "id": meta.ID, "hsds_service_id": hsds.ID("service", kind+":"+meta.ID), "name": name,
			"help_types": help, "active": active == nil || *active, "updated_at": meta.UpdatedAt}
		for k, v := range extra {
			f.Properties[k] = v
		}
		fc.Append(f)
	}
	for _, i := range dir.Initiatives {
		a := i.ServiceArea
		if a == nil {
			continue
		}
		switch {
		case a.Polygon != nil:
			add(polygonOf(a.Polygon), "initiative", i.Meta, i.Organisation, i.HelpTypes, i.Active, nil)
		case a.Center != nil:
			add(orb.Polygon{geo.Circle(a.Center.Point(), float64(a.RadiusM), 64)}, "initiative", i.Meta, i.Organisation, i.HelpTypes, i.Active,
				geojson.Properties{"radius_m": a.RadiusM, "center": []float64{a.Center.Lon, a.Center.Lat}})
		}
	}
	for _, p := range dir.Provisions {
		if p.Location != nil {
			add(p.Location.Point(), "provision", p.Meta, p.Name, p.HelpTypes, p.Active, nil)
		}
	}
	for _, a := range dir.Activities {
		if a.Place != nil && a.Place.Location != nil {
			add(a.Place.Location.Point(), "activity", a.Meta, a.Name, a.HelpTypes, a.Active, geojson.Properties{"place": a.Place.Name})
		}
	}
	return fc, nil
}

func polygonOf(p *care.GeoJSONPolygon) orb.Polygon {
	out := make(orb.Polygon, len(p.Coordinates))
	for i, ring := range p.Coordinates {
		r := make(orb.Ring, len(ring))
		for j, pos := range ring {
			if len(pos) == 2 {
				r[j] = orb.Point{pos[0], pos[1]}
			}
		}
		out[i] = r
	}
	return out
}
