// Package teams owns the people side of a municipality: its social teams
// with the districts each covers (each district by one team, a team
// removed only when no account belongs to it) and an admin's keeping of
// the municipality's accounts (an account's team must exist, an admin
// cannot demote or lock out themselves, and the mail outbox is read per
// municipality).
//
// Like casework it knows neither Fiber nor the MongoDB driver: it goes
// through store's typed collections and auth's accounts, and refuses
// with care.ValidationError (a wrong field) or a typed error of
// errors.go.
package teams
