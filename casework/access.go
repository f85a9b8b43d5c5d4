package casework

import (
	"github.com/dichtbij/dichtbij/auth"
	"github.com/dichtbij/dichtbij/care"
)

// Access says how an actor reaches a support request: not at all, as a
// member of its team, or from another team of the municipality (only
// with a reason, "break the glass", which the access log flags for the
// coordinators' review).
type Access int

const (
	NoAccess Access = iota
	OwnTeam
	OtherTeam
)

// Reach is how a reaches the request with meta m: only social workers
// reach requests, and only those of their own municipality.
func Reach(a Actor, m care.Meta) Access {
	switch {
	case a.Role != auth.RoleSocialWorker || a.Municipality == "" || m.Municipality != a.Municipality:
		return NoAccess
	case m.Team == a.Team:
		return OwnTeam
	}
	return OtherTeam
}
