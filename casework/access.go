package casework

import (
	"github.com/dichtbij/dichtbij/accesslog"
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

// Accessed are the access-log entries (NEN 7513) of a's action on the
// requests reqs through route: reason, the break-the-glass reason when a
// came from another team, flags each entry for review.
func Accessed(a Actor, route, action, reason string, reqs ...care.Meta) []accesslog.Entry {
	es := make([]accesslog.Entry, 0, len(reqs))
	for _, m := range reqs {
		es = append(es, accesslog.Entry{Actor: a.ID, ActorRole: a.Role, ActorTeam: a.Team, OnBehalfOf: a.OnBehalfOf,
			Municipality: m.Municipality, RequestID: m.ID, Subject: m.Subject, Action: action, Route: route,
			Reason: reason, OutsideTeam: reason != ""})
	}
	return es
}

// AccessedAbout are the access-log entries of a's action through route
// on the personal records ms of other accounts (their owners), such as a
// volunteer's offer read by a social worker, so that the owner can see
// who looked. An owner's access to their own record is not logged.
func AccessedAbout(a Actor, route, action string, ms ...care.Meta) []accesslog.Entry {
	var es []accesslog.Entry
	for _, m := range ms {
		if m.OwnerID == "" || m.OwnerID == a.ID {
			continue
		}
		es = append(es, accesslog.Entry{Actor: a.ID, ActorRole: a.Role, ActorTeam: a.Team, OnBehalfOf: a.OnBehalfOf,
			Municipality: m.Municipality, Subject: m.OwnerID, Action: action, Route: route})
	}
	return es
}
