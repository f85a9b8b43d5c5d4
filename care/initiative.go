package care

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/dichtbij/dichtbij/geo"
)

// ServiceArea is where an initiative helps: either a radius around a point
// or a GeoJSON polygon, never both.
type ServiceArea struct {
	Center  *Location       `json:"center,omitempty" bson:"center,omitempty"`
	RadiusM int             `json:"radius_m,omitempty" bson:"radius_m,omitempty" validate:"omitempty,min=100,max=50000"`
	Polygon *GeoJSONPolygon `json:"polygon,omitempty" bson:"polygon,omitempty"`
}

// GeoJSONPolygon is an RFC 7946 Polygon in WGS84 lon/lat: an outer ring and
// optional holes, each ring closed (first position equals the last). The
// store keeps it in a shape of its own, without nested arrays.
type GeoJSONPolygon struct {
	Type        string        `json:"type" bson:"type" validate:"required,eq=Polygon"`
	Coordinates [][][]float64 `json:"coordinates" bson:"coordinates" validate:"required"`
}

// Rings returns the coordinates as lon/lat pairs; call only after checking.
func (g GeoJSONPolygon) Rings() [][][2]float64 {
	out := make([][][2]float64, len(g.Coordinates))
	for i, ring := range g.Coordinates {
		out[i] = make([][2]float64, len(ring))
		for j, pos := range ring {
			if len(pos) >= 2 {
				out[i][j] = [2]float64{pos[0], pos[1]}
			}
		}
	}
	return out
}

func (c *Checker) checkServiceArea(field string, sa *ServiceArea, p *problems) Area {
	if sa == nil {
		p.add(field, "is required: give center and radius_m, or polygon")
		return Area{}
	}
	switch {
	case sa.Polygon != nil && (sa.Center != nil || sa.RadiusM != 0):
		p.add(field, "give either center and radius_m, or polygon, not both")
		return Area{}
	case sa.Polygon == nil:
		if sa.RadiusM == 0 {
			p.add(field+".radius_m", "is required with center")
		}
		area, _ := c.checkLocation(field+".center", sa.Center, p)
		return area
	}
	before := len(*p)
	for i, ring := range sa.Polygon.Coordinates {
		for j, pos := range ring {
			if len(pos) != 2 {
				p.add(fmt.Sprintf("%s.polygon.coordinates[%d][%d]", field, i, j), "must be a [longitude, latitude] pair")
			}
		}
	}
	if len(*p) > before || sa.Polygon.Type != "Polygon" {
		return Area{}
	}
	for _, gp := range geo.ValidatePolygon(sa.Polygon.Rings(), c.bounds) {
		p.add(field+".polygon."+gp.Path, "%s", gp.Reason)
	}
	if len(*p) > before {
		return Area{}
	}
	// The municipality of a polygon is the one its centroid lies in; a
	// service area crossing a border still belongs to one tenant.
	poly := geo.PolygonFromRings(sa.Polygon.Rings())
	centroid, _ := planar.CentroidArea(poly)
	if math.IsNaN(centroid[0]) || !c.bounds.Contains(centroid) {
		centroid = poly[0][0]
	}
	return c.areaOf(orb.Point(centroid))
}

// InitiativeFields describes a citizen initiative.
type InitiativeFields struct {
	Organisation string       `json:"organisation" bson:"organisation" validate:"required,max=120,safetext"`
	Description  string       `json:"description" bson:"description" validate:"required,max=2000,safelines"`
	HelpTypes    []string     `json:"help_types" bson:"help_types" validate:"required,min=1,max=20,unique,dive,helptype"`
	ServiceArea  *ServiceArea `json:"service_area" bson:"service_area"`
	Contact      *Contact     `json:"contact" bson:"contact"`
	// Capacity is how many residents the initiative can take on at once.
	Capacity int   `json:"capacity" bson:"capacity" validate:"required,min=1,max=10000"`
	Active   *bool `json:"active" bson:"active"`
}

// Initiative is a stored citizen initiative.
type Initiative struct {
	Meta             `bson:",inline"`
	InitiativeFields `bson:",inline"`
	Area             Area `json:"area" bson:"area"`
}

// Editable returns the fields a client may change.
func (i Initiative) Editable() InitiativeFields { return i.InitiativeFields }

func (f *InitiativeFields) normalize() { f.Active = boolOr(f.Active, true) }

func (f *InitiativeFields) check(c *Checker, p *problems) Area {
	checkContact("contact", f.Contact, p)
	return c.checkServiceArea("service_area", f.ServiceArea, p)
}
