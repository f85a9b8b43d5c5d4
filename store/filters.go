package store

// Filters of the API's lists, one per query-string parameter. Each
// narrows a list whose scope (records.go) an index already serves; they
// are checked on what that index found and need no index of their own.

// HelpType keeps the options offering a help type (a care code).
func HelpType(code string) Cond { return narrowing("help_types", code) }

// AreaMunicipality keeps the records placed in the municipality with the
// CBS code, by their location's area.
func AreaMunicipality(code string) Cond { return narrowing("area.municipality_code", code) }

// Active keeps the active (true) or inactive (false) options.
func Active(active bool) Cond { return narrowing("active", active) }

// VolunteerStatus keeps the volunteers with a status: active or paused.
func VolunteerStatus(status string) Cond { return narrowing("status", status) }

// Language keeps the volunteers speaking a language (ISO 639-1).
func Language(code string) Cond { return narrowing("languages", code) }

// TargetGroup keeps the provisions or activities for a target group.
func TargetGroup(code string) Cond { return narrowing("target_groups", code) }

// OfProvision keeps the activities of one provision.
func OfProvision(id string) Cond { return narrowing("provision_id", id) }

// OfInitiative keeps the activities of one initiative.
func OfInitiative(id string) Cond { return narrowing("initiative_id", id) }

// Need keeps the requests with a need (a help type).
func Need(code string) Cond { return narrowing("needs", code) }

// Urgency keeps the requests of one urgency.
func Urgency(level string) Cond { return narrowing("urgency", level) }

// RequestStatus keeps the requests in one lifecycle status.
func RequestStatus(status string) Cond { return narrowing("status", status) }

// OwnedBy keeps the records of one owner, such as an organiser's own
// options.
func OwnedBy(owner string) Cond { return narrowing("owner_id", owner) }
