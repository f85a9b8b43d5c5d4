package casework

// Actor is who makes a change: the account, its role, team and
// municipality, and the account it acts for when a social worker acts
// for an option's owner. The zero Actor is the system itself
// (maintenance jobs, retention).
type Actor struct {
	ID           string
	Role         string
	Team         string
	Municipality string
	OnBehalfOf   string
}

// For returns a acting on behalf of account id.
func (a Actor) For(id string) Actor {
	a.OnBehalfOf = id
	return a
}
