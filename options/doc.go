// Package options owns the rules of the records that are edited as a
// whole: volunteers' offers, initiatives, provisions and activities (the
// options a request can be referred to). It decides who sees, edits and
// lists which record (Policy: the municipality, the owner, the roles that
// keep the municipality's map), stamps a new record with its
// municipality and owner, validates a record and refuses one placed
// outside the writer's municipality (Kind), and holds the rules between
// records: an activity's provision or initiative must exist, an owner of
// activities is not deleted, a written option is told to the matching
// engine and a changed activity releases the referrals to occurrences it
// lost (kinds.go).
//
// A support request's plain edit follows the same Kind (server's request
// resource builds it); the request's lifecycle is casework's. Methods
// take a context and an explicit casework.Actor and return care's
// validation errors or this package's typed errors (errors.go). It knows
// neither Fiber nor the MongoDB driver: the records are store's.
package options
