package options

import "fmt"

// OwningError refuses to delete an initiative or provision that still
// has activities.
type OwningError struct {
	// Kind is "initiative" or "provision".
	Kind string
}

func (e *OwningError) Error() string {
	return fmt.Sprintf("this %s still has activities; delete them or set active to false instead", e.Kind)
}
