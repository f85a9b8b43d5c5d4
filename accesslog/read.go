package accesslog

import (
	"context"
	"fmt"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// Paging: each reader returns at most limit entries (1 to 1000) in Seq
// order, those after the entry whose ID is after (empty: from the first),
// and whether more follow; the next page starts after the last ID
// returned.
//
// On the embedded store every page reads the whole collection, as only
// _id equality is indexed there; on MongoDB add indexes on request_id,
// subject and (municipality, at).

// ForRequest returns the accesses to one support request.
func (l *Log) ForRequest(ctx context.Context, requestID, after string, limit int) ([]Entry, bool, error) {
	if !validIdent(requestID) {
		return nil, false, invalid("request id must be an identifier")
	}
	return l.page(ctx, store.LedgerQuery{Where: []store.Cond{{Field: "request_id", Value: requestID}}}, after, limit)
}

// ForSubject returns the accesses to the data of one person, the account
// accountID: what they may ask to see under the GDPR.
func (l *Log) ForSubject(ctx context.Context, accountID, after string, limit int) ([]Entry, bool, error) {
	if !validIdent(accountID) {
		return nil, false, invalid("account id must be an identifier")
	}
	return l.page(ctx, store.LedgerQuery{Where: []store.Cond{{Field: "subject", Value: accountID}}}, after, limit)
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
	q, err := f.query()
	if err != nil {
		return nil, false, err
	}
	return l.page(ctx, q, after, limit)
}

func (f Filter) query() (store.LedgerQuery, error) {
	if !validMunicipality(f.Municipality) {
		return store.LedgerQuery{}, invalid("municipality must be a CBS code such as GM0363")
	}
	q := store.LedgerQuery{Where: []store.Cond{{Field: "municipality", Value: f.Municipality}}}
	if f.Actor != "" {
		if !validIdent(f.Actor) {
			return q, invalid("actor must be an account id")
		}
		q.Where = append(q.Where, store.Cond{Field: "actor", Value: f.Actor})
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return q, invalid("from must be before to")
	}
	span := store.Span{Field: "at"}
	if !f.From.IsZero() {
		span.From = ceilMilli(f.From)
	}
	if !f.To.IsZero() {
		span.To = ceilMilli(f.To)
	}
	if span.From != nil || span.To != nil {
		q.Spans = []store.Span{span}
	}
	return q, nil
}

func (l *Log) page(ctx context.Context, q store.LedgerQuery, after string, limit int) ([]Entry, bool, error) {
	if after != "" {
		if _, ok := parseID(after); !ok {
			return nil, false, invalid("after must be an entry id such as %s", EntryID(1))
		}
	}
	if limit < 1 || limit > 1000 {
		return nil, false, invalid("limit %d out of range 1-1000", limit)
	}
	q.After, q.Limit = after, limit
	out, more, err := l.entries.List(ctx, q)
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
