package care

// Address is a Dutch postal address of a place open to the public.
type Address struct {
	Street      string `json:"street" bson:"street" validate:"required,max=120,safetext"`
	HouseNumber string `json:"house_number" bson:"house_number" validate:"required,max=12,safetext"`
	Postcode    string `json:"postcode" bson:"postcode" validate:"required,postcode"`
	City        string `json:"city" bson:"city" validate:"required,max=80,safetext"`
}

// Cost says what taking part costs a resident.
type Cost struct {
	AmountEUR float64 `json:"amount_eur" bson:"amount_eur" validate:"min=0,max=10000"`
	Unit      string  `json:"unit" bson:"unit" validate:"required,oneof=free per_visit per_week per_month per_year"`
	Notes     string  `json:"notes,omitempty" bson:"notes,omitempty" validate:"max=500,safelines"`
}

// Accessibility describes physical access to a place.
type Accessibility struct {
	Wheelchair       bool   `json:"wheelchair" bson:"wheelchair"`
	StepFree         bool   `json:"step_free" bson:"step_free"`
	AccessibleToilet bool   `json:"accessible_toilet" bson:"accessible_toilet"`
	HearingLoop      bool   `json:"hearing_loop" bson:"hearing_loop"`
	Notes            string `json:"notes,omitempty" bson:"notes,omitempty" validate:"max=500,safelines"`
}

// ProvisionFields describes a collective or general provision such as a
// community centre, a walk-in or a meal service.
type ProvisionFields struct {
	Name          string         `json:"name" bson:"name" validate:"required,max=120,safetext"`
	Organisation  string         `json:"organisation,omitempty" bson:"organisation,omitempty" validate:"max=120,safetext"`
	Description   string         `json:"description,omitempty" bson:"description,omitempty" validate:"max=2000,safelines"`
	HelpTypes     []string       `json:"help_types" bson:"help_types" validate:"required,min=1,max=20,unique,dive,helptype"`
	Address       *Address       `json:"address" bson:"address" validate:"required"`
	Location      *Location      `json:"location" bson:"location"`
	OpeningHours  []WeeklySlot   `json:"opening_hours" bson:"opening_hours" validate:"max=50,dive"`
	TargetGroups  []string       `json:"target_groups" bson:"target_groups" validate:"max=10,unique,dive,targetgroup"`
	Cost          *Cost          `json:"cost" bson:"cost" validate:"required"`
	Accessibility *Accessibility `json:"accessibility" bson:"accessibility"`
	Contact       *Contact       `json:"contact,omitempty" bson:"contact,omitempty"`
	Active        *bool          `json:"active" bson:"active"`
}

// Provision is a stored provision.
type Provision struct {
	Meta            `bson:",inline"`
	ProvisionFields `bson:",inline"`
	Area            Area `json:"area" bson:"area"`
}

// Editable returns the fields a client may change.
func (v Provision) Editable() ProvisionFields { return v.ProvisionFields }

func (f *ProvisionFields) normalize() {
	f.Active = boolOr(f.Active, true)
	if f.OpeningHours == nil {
		f.OpeningHours = []WeeklySlot{}
	}
	if len(f.TargetGroups) == 0 {
		f.TargetGroups = []string{"everyone"}
	}
	if f.Accessibility == nil {
		f.Accessibility = &Accessibility{}
	}
}

func (f *ProvisionFields) check(c *Checker, p *problems) Area {
	checkSlots("opening_hours", f.OpeningHours, p)
	if f.Cost != nil && f.Cost.Unit == "free" && f.Cost.AmountEUR != 0 {
		p.add("cost.amount_eur", `must be 0 when unit is "free"`)
	}
	area, _ := c.checkLocation("location", f.Location, p)
	return area
}
