package care

// VolunteerFields is what a resident who offers help says about it.
type VolunteerFields struct {
	DisplayName string   `json:"display_name" bson:"display_name" validate:"required,max=80,safetext"`
	HelpTypes   []string `json:"help_types" bson:"help_types" validate:"required,min=1,max=20,unique,dive,helptype"`
	// HomeLocation is stored coarse: the centre of the ~250 m grid cell the
	// resident's home lies in, never the address itself.
	HomeLocation *Location `json:"home_location" bson:"home_location"`
	// MaxTravelM is how far, in metres, the volunteer will go to help.
	MaxTravelM   int          `json:"max_travel_m" bson:"max_travel_m" validate:"required,min=100,max=50000"`
	Availability []WeeklySlot `json:"availability" bson:"availability" validate:"max=50,dive"`
	Languages    []string     `json:"languages" bson:"languages" validate:"max=10,unique,dive,lang"`
	// Capacity is how many residents the volunteer helps at once.
	Capacity int    `json:"capacity" bson:"capacity" validate:"required,min=1,max=20"`
	Status   string `json:"status" bson:"status" validate:"oneof=active paused"`
}

// Volunteer is a stored volunteer.
type Volunteer struct {
	Meta            `bson:",inline"`
	VolunteerFields `bson:",inline"`
	Area            Area `json:"area" bson:"area"`
	// LocationPrecision says how coarse HomeLocation is, e.g. "grid_250m".
	LocationPrecision string `json:"location_precision" bson:"location_precision"`
}

// Editable returns the fields a client may change.
func (v Volunteer) Editable() VolunteerFields { return v.VolunteerFields }

func (f *VolunteerFields) normalize() {
	if f.Status == "" {
		f.Status = "active"
	}
	if f.Availability == nil {
		f.Availability = []WeeklySlot{}
	}
	if f.Languages == nil {
		f.Languages = []string{}
	}
}

func (f *VolunteerFields) check(c *Checker, p *problems) Area {
	checkSlots("availability", f.Availability, p)
	area, ok := c.checkCoarseLocation("home_location", f.HomeLocation, p)
	if ok {
		coarsen(&f.HomeLocation)
	}
	return area
}

// CoarsePrecision names how residents' locations are stored.
const CoarsePrecision = "grid_250m"
