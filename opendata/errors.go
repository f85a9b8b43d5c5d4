package opendata

// NotFoundError means the municipality asked for does not exist.
type NotFoundError struct{ Municipality string }

func (e *NotFoundError) Error() string { return "no municipality with code " + e.Municipality }

// BodyError means a document sent is not what it must be (not GeoJSON,
// say); Field names the part, "body" for the whole.
type BodyError struct{ Field, Reason string }

func (e *BodyError) Error() string { return e.Field + ": " + e.Reason }
