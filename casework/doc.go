// Package casework owns the rules that change a support request and what
// hangs off it: referrals to zero-line options and their waiting lines,
// the specialist gate, step-down, follow-ups, expiry and anonymisation.
//
// It sits between care (the records and their validation) and server
// (HTTP): its methods take a context, an explicit Actor and plain request
// values, and return the records as stored or a typed error from this
// package (see errors.go). It knows neither Fiber nor the MongoDB driver;
// persistence goes through store's typed collections.
//
// Every state change emits care.Events. They are claimed in the store's
// outbox before the change is written and relayed to the event log after
// it, from where a Bus delivers them at least once to subscribers that
// resume where they stopped (see bus.go). Subscribers recognise a
// redelivered event by its id.
package casework
