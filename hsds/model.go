// Package hsds maps dichtbij's public records (initiatives, provisions,
// activities) to the Open Referral Human Services Data Specification 3.0
// (with service_capacity as 3.1 defines it), and back, and answers the
// HSDS API's list queries over a catalog (query.go). It knows nothing of
// HTTP or MongoDB. Personal data — volunteers, support requests, contact
// persons' names — never enters these types.
package hsds

// Version is the HSDS version the API publishes.
const Version = "3.0"

// Organization is an HSDS organization: an initiative, or the body behind
// a provision.
type Organization struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Email       string     `json:"email,omitempty"`
	Website     string     `json:"website,omitempty"`
	Phones      []Phone    `json:"phones,omitempty"`
	Services    []Service  `json:"services,omitempty"`
	Locations   []Location `json:"locations,omitempty"`
	Metadata    []Metadata `json:"metadata,omitempty"`
}

// Service is an HSDS service: what an initiative, provision or activity
// offers.
type Service struct {
	ID                     string              `json:"id"`
	OrganizationID         string              `json:"organization_id,omitempty"`
	Name                   string              `json:"name"`
	Description            string              `json:"description,omitempty"`
	URL                    string              `json:"url,omitempty"`
	Email                  string              `json:"email,omitempty"`
	Status                 string              `json:"status"`
	FeesDescription        string              `json:"fees_description,omitempty"`
	EligibilityDescription string              `json:"eligibility_description,omitempty"`
	MinimumAge             *int                `json:"minimum_age,omitempty"`
	MaximumAge             *int                `json:"maximum_age,omitempty"`
	LastModified           string              `json:"last_modified,omitempty"`
	Phones                 []Phone             `json:"phones,omitempty"`
	Schedules              []Schedule          `json:"schedules,omitempty"`
	ServiceAreas           []ServiceArea       `json:"service_areas,omitempty"`
	ServiceAtLocations     []ServiceAtLocation `json:"service_at_locations,omitempty"`
	CostOptions            []CostOption        `json:"cost_options,omitempty"`
	Attributes             []Attribute         `json:"attributes,omitempty"`
	// Capacity is HSDS 3.1's service_capacity: places per occurrence for
	// activities, at once for initiatives.
	Capacity     []ServiceCapacity `json:"service_capacity,omitempty"`
	Organization *Organization     `json:"organization,omitempty"`
	Metadata     []Metadata        `json:"metadata,omitempty"`
}

// Location is an HSDS location: a provision's building or an activity's
// place, with its coordinates (public places, never a home).
type Location struct {
	ID             string          `json:"id"`
	LocationType   string          `json:"location_type"`
	OrganizationID string          `json:"organization_id,omitempty"`
	Name           string          `json:"name,omitempty"`
	Description    string          `json:"description,omitempty"`
	Latitude       *float64        `json:"latitude,omitempty"`
	Longitude      *float64        `json:"longitude,omitempty"`
	Addresses      []Address       `json:"addresses,omitempty"`
	Accessibility  []Accessibility `json:"accessibility,omitempty"`
	Schedules      []Schedule      `json:"schedules,omitempty"`
	Metadata       []Metadata      `json:"metadata,omitempty"`
}

// ServiceAtLocation joins a service to a location.
type ServiceAtLocation struct {
	ID          string     `json:"id"`
	ServiceID   string     `json:"service_id,omitempty"`
	LocationID  string     `json:"location_id,omitempty"`
	Description string     `json:"description,omitempty"`
	Schedules   []Schedule `json:"schedules,omitempty"`
	Location    *Location  `json:"location,omitempty"`
	Service     *Service   `json:"service,omitempty"`
}

// Address is a postal or physical address.
type Address struct {
	ID            string `json:"id"`
	LocationID    string `json:"location_id,omitempty"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// Phone is a public phone number of an organisation.
type Phone struct {
	ID     string `json:"id"`
	Number string `json:"number"`
}

// Schedule is an HSDS schedule: the RRULE parts of a recurrence, or
// weekly opening hours.
type Schedule struct {
	ID         string `json:"id"`
	ServiceID  string `json:"service_id,omitempty"`
	LocationID string `json:"location_id,omitempty"`
	ValidFrom  string `json:"valid_from,omitempty"`
	ValidTo    string `json:"valid_to,omitempty"`
	DTStart    string `json:"dtstart,omitempty"`
	// Timezone is, as HSDS 3.0 has it, the UTC offset in hours at
	// DTStart; the IANA zone is in Notes.
	Timezone     *float64 `json:"timezone,omitempty"`
	Until        string   `json:"until,omitempty"`
	Count        *int     `json:"count,omitempty"`
	Wkst         string   `json:"wkst,omitempty"`
	Freq         string   `json:"freq,omitempty"`
	Interval     *int     `json:"interval,omitempty"`
	ByDay        string   `json:"byday,omitempty"`
	ByMonthDay   string   `json:"bymonthday,omitempty"`
	Description  string   `json:"description,omitempty"`
	OpensAt      string   `json:"opens_at,omitempty"`
	ClosesAt     string   `json:"closes_at,omitempty"`
	ScheduleLink string   `json:"schedule_link,omitempty"`
	Notes        string   `json:"notes,omitempty"`
}

// ServiceArea is where a service is given: an initiative's radius or
// polygon as GeoJSON.
type ServiceArea struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Extent      string `json:"extent,omitempty"`
	ExtentType  string `json:"extent_type,omitempty"`
}

// CostOption is what a service costs.
type CostOption struct {
	ID         string   `json:"id"`
	ServiceID  string   `json:"service_id,omitempty"`
	Option     string   `json:"option,omitempty"`
	Currency   string   `json:"currency,omitempty"`
	Amount     *float64 `json:"amount,omitempty"`
	AmountDesc string   `json:"amount_description,omitempty"`
}

// Accessibility describes access to a location.
type Accessibility struct {
	ID          string `json:"id"`
	LocationID  string `json:"location_id,omitempty"`
	Description string `json:"description,omitempty"`
	Details     string `json:"details,omitempty"`
}

// Attribute links a taxonomy term to a service.
type Attribute struct {
	ID             string        `json:"id"`
	LinkID         string        `json:"link_id,omitempty"`
	LinkType       string        `json:"link_type,omitempty"`
	LinkEntity     string        `json:"link_entity,omitempty"`
	TaxonomyTermID string        `json:"taxonomy_term_id,omitempty"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// ServiceCapacity is HSDS 3.1's capacity of a service.
type ServiceCapacity struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Unit        Unit   `json:"unit"`
	Maximum     *int   `json:"maximum,omitempty"`
	Available   *int   `json:"available,omitempty"`
	Description string `json:"description,omitempty"`
	Updated     string `json:"updated,omitempty"`
}

// Unit is what a capacity counts.
type Unit struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
}

// Taxonomy is a published code list: dichtbij's help types.
type Taxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri,omitempty"`
	Version     string `json:"version,omitempty"`
}

// TaxonomyTerm is one help type.
type TaxonomyTerm struct {
	ID          string `json:"id"`
	Code        string `json:"code,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	TaxonomyID  string `json:"taxonomy_id,omitempty"`
	Language    string `json:"language,omitempty"`
}

// Metadata records where a record came from and when it changed.
type Metadata struct {
	ID               string `json:"id"`
	ResourceID       string `json:"resource_id"`
	ResourceType     string `json:"resource_type"`
	LastActionDate   string `json:"last_action_date"`
	LastActionType   string `json:"last_action_type"`
	FieldName        string `json:"field_name"`
	PreviousValue    string `json:"previous_value"`
	ReplacementValue string `json:"replacement_value"`
	UpdatedBy        string `json:"updated_by"`
}

// Page is the HSDS paging envelope around a list.
type Page[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   []T  `json:"contents"`
}

// Paginate cuts items into the page number (1-based) of perPage items.
func Paginate[T any](items []T, number, perPage int) Page[T] {
	total := len(items)
	lo := min((number-1)*perPage, total)
	hi := min(lo+perPage, total)
	return newPage(items[lo:hi], total, number, perPage)
}

// newPage is the envelope of page number (1-based) of perPage, holding
// contents, of a list of total items.
func newPage[T any](contents []T, total, number, perPage int) Page[T] {
	if contents == nil {
		contents = []T{}
	}
	pages := (total + perPage - 1) / perPage
	return Page[T]{TotalItems: total, TotalPages: pages, PageNumber: number, Size: len(contents),
		FirstPage: number == 1, LastPage: number >= pages, Empty: total == 0, Contents: contents}
}

// MapPage is p with its contents converted by f.
func MapPage[T, U any](p Page[T], f func([]T) []U) Page[U] {
	return Page[U]{TotalItems: p.TotalItems, TotalPages: p.TotalPages, PageNumber: p.PageNumber, Size: p.Size,
		FirstPage: p.FirstPage, LastPage: p.LastPage, Empty: p.Empty, Contents: f(p.Contents)}
}
