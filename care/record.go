// Package care holds dichtbij's records — what a neighbourhood offers
// (volunteers, initiatives, provisions, activities) and what residents need
// (support requests) — with the code lists they use and the rules a record
// must meet before it is stored. It knows nothing of HTTP or MongoDB.
package care

import "time"

// Meta is the server-assigned part of every record.
type Meta struct {
	// ID is a 24-character hex ObjectID string; it sorts by creation time,
	// which the list cursors rely on.
	ID      string `json:"id" bson:"_id"`
	Version int64  `json:"version" bson:"version"` // +1 on every change
	// CreatedAt and UpdatedAt are UTC.
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time `json:"updated_at" bson:"updated_at"`
	// Municipality is the CBS code of the municipality the record
	// belongs to, set on creation from the account that made it; no
	// account reaches a record of another municipality.
	Municipality string `json:"municipality,omitempty" bson:"municipality,omitempty"`
	// OwnerID is the account that owns the record: the resident behind a
	// volunteer offer, the organiser of an initiative, provision or
	// activity, the owner of the option a referral goes to. Empty when a
	// social worker registered it on someone's behalf.
	OwnerID string `json:"owner_id,omitempty" bson:"owner_id,omitempty"`
	// Team is the social team a support request (and its referrals)
	// belongs to; only that team's workers open it.
	Team string `json:"team,omitempty" bson:"team,omitempty"`
	// Subject is the account of the resident a support request (and its
	// referrals) is about, when they have one: every access to the
	// request is then shown to them at /me/access-log.
	Subject string `json:"subject,omitempty" bson:"subject,omitempty"`
}

// Header returns the record's metadata; it is promoted to every record type.
func (m Meta) Header() Meta { return m }

// Fields is the client-editable part of a record. Check normalises it and
// validates it as a whole.
type Fields interface {
	normalize()
	check(c *Checker, p *problems) Area
}

// Check normalises f (defaults, coarse locations) and validates it. It
// returns the area the record lies in, or a *ValidationError listing every
// problem.
func (c *Checker) Check(f Fields) (Area, error) {
	f.normalize()
	var p problems
	c.structProblems(f, &p)
	area := f.check(c, &p)
	return area, p.err()
}
