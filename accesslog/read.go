package accesslog

import (
	"context"
	"fmt"
	"time"
)

// Paging: each reader returns at most limit entries (1 to 1000) in Seq
// order, those after the entry whose ID is after (empty: from the first),
// and whether more follow; the next page starts after the last ID
// returned.
//
// On the embedded store every page reads the whole collection, as only
// _id equality is indexed there; on MongoDB the store's indexes on
// request_id, subject and municipality (with actor) serve them.

// ForRequest returns the accesses to one support request.
func (l *Log) ForRequest(ctx context.Context, requestID, after string, limit int) ([]Entry, bool, error) {
	if !validIdent(requestID) {
		return nil, false, invalid("request id must be an identifier")
	}
	if err := checkPage(after, limit); err != nil {
		return nil, false, err
	}
	return read(l.entries.OfRequest(ctx, requestID, after, limit))
}

// ForSubject returns the accesses to the data of one person, the account
// accountID: what they may ask to see under the GDPR.
func (l *Log) ForSubject(ctx context.Context, accountID, after string, limit int) ([]Entry, bool, error) {
	if !validIdent(accountID) {
		return nil, false, invalid("account id must be an identifier")
	}
	if err := checkPage(after, limit); err != nil {
		return nil, false, err
	}
	return read(l.entries.OfSubject(ctx, accountID, after, limit))
}

// Filter selects entries for List.
type Filter struct {
	// Municipality (CBS code) is required: a municipality sees its own log.
	Municipality string
	// Actor, if set, keeps only that account's accesses.
	Actor string
	// From (inclusive) and To (exclusive) bound At; zero is unbounded.
	From, To time.Time
}

// List returns the entries of one municipality that match f.
func (l *Log) List(ctx context.Context, f Filter, after string, limit int) ([]Entry, bool, error) {
	if err := f.check(); err != nil {
		return nil, false, err
	}
	if err := checkPage(after, limit); err != nil {
		return nil, false, err
	}
	from, to := f.bounds()
	return read(l.entries.OfMunicipality(ctx, f.Municipality, f.Actor, from, to, after, limit))
}

// bounds returns From and To as the store compares them (ceilMilli); a
// zero bound stays zero, open.
func (f Filter) bounds() (from, to time.Time) {
	if !f.From.IsZero() {
		from = ceilMilli(f.From)
	}
	if !f.To.IsZero() {
		to = ceilMilli(f.To)
	}
	return from, to
}

func (f Filter) check() error {
	if !validMunicipality(f.Municipality) {
		return badQuery("query", "municipality must be a CBS code such as GM0363")
	}
	if f.Actor != "" && !validIdent(f.Actor) {
		return badQuery("actor", "actor must be an account id")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return badQuery("from", "from must be before to")
	}
	return nil
}

// checkPage checks a page's cursor and size.
func checkPage(after string, limit int) error {
	if after != "" {
		if _, ok := parseID(after); !ok {
			return badQuery("cursor", "after must be an entry id such as %s", EntryID(1))
		}
	}
	if limit < 1 || limit > 1000 {
		return badQuery("limit", "limit %d out of range 1-1000", limit)
	}
	return nil
}

// read wraps a finder's error.
func read(out []Entry, more bool, err error) ([]Entry, bool, error) {
	if err != nil {
		return nil, false, fmt.Errorf("accesslog: %w", err)
	}
	return out, more, nil
}

// ceilMilli rounds t up to the millisecond, in UTC. At is stored to the
// millisecond, and so are the bounds of a query; rounding up keeps an
// entry at 10:00:00.000 out of a range from 10:00:00.0005.
func ceilMilli(t time.Time) time.Time {
	t = t.UTC()
	if c := t.Truncate(time.Millisecond); !c.Equal(t) {
		return c.Add(time.Millisecond)
	}
	return t
}
