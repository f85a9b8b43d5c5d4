// Package accesslog keeps the access log NEN 7513 asks of systems that
// hold health and social data: who looked at or changed which support
// request or whose data, when, in which role and team, on whose behalf,
// through which route, and why when it was outside their own team
// (break-the-glass).
//
// The log is append-only and hash-chained. Each entry carries the hash of
// the entry before it, and its own hash over that and all its other fields
// (see ComputeHash), so Verify finds an entry that was changed, a link that was
// rewritten and an entry that was deleted. The package offers no way to
// update or delete an entry, and it keeps no names, e-mail addresses or
// case contents: only account ids, request ids and codes.
//
// Sequence numbers are claimed as in the store's change log: an entry is
// inserted under _id "acc-%016d" of its number, which is atomic on MongoDB
// and on the embedded store alike. Within a process a mutex serialises
// appends and caches the head; between processes a duplicate key means
// another process took the number, and the writer reloads the head and
// chains onto it. So the numbers have no gaps and the chain no forks.
//
// What a hash chain cannot show on its own: someone with write access to
// the database who rewrites an entry and every entry after it, or deletes
// the newest entries. Verify compares against the newest entry this
// process has written or seen; beyond that, record Report.Head and
// Report.HeadHash somewhere the database's administrators cannot write
// (a daily e-mail, a ticket) and compare later reports against it.
package accesslog

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// HashVersion is the version of the canonical encoding new entries are
// hashed with (see ComputeHash).
const HashVersion = 1

// Actions commonly logged; any lowercase word is accepted.
const (
	ActionRead   = "read"
	ActionList   = "list"
	ActionSearch = "search"
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionExport = "export"
	ActionErase  = "erase"
)

// Entry is one access. Append assigns ID, Seq, At, HashVersion, PrevHash
// and Hash; the caller fills in the rest. Entries hold identifiers only:
// no names, e-mail addresses or contents of the case.
type Entry struct {
	// ID is "acc-" and Seq zero-padded to 16 digits, so that _id order is
	// Seq order and each entry is found by _id equality.
	ID  string `json:"id" bson:"_id"`
	Seq int64  `json:"seq" bson:"seq"`
	// At is when the entry was appended, UTC, to the millisecond.
	At time.Time `json:"at" bson:"at"`
	// Actor is the account that accessed the data, with its role and team
	// at the time. OnBehalfOf is the account it acted for, if any.
	Actor      string `json:"actor" bson:"actor"`
	ActorRole  string `json:"actor_role" bson:"actor_role"`
	ActorTeam  string `json:"actor_team" bson:"actor_team"`
	OnBehalfOf string `json:"on_behalf_of,omitempty" bson:"on_behalf_of"`
	// Municipality is the CBS code of the municipality whose data it is,
	// e.g. "GM0363".
	Municipality string `json:"municipality" bson:"municipality"`
	// RequestID is the support request accessed, if any.
	RequestID string `json:"request_id,omitempty" bson:"request_id"`
	// Subject is the account of the person the data is about, if they have
	// one: a volunteer, or a resident with an account.
	Subject string `json:"subject,omitempty" bson:"subject"`
	// Action is what was done: read, list, search, create, update, export,
	// erase, or another lowercase word.
	Action string `json:"action" bson:"action"`
	// Route is the API route, e.g. "GET /api/v1/requests/{id}", with the
	// pattern rather than the filled-in path.
	Route string `json:"route" bson:"route"`
	// Reason is the actor's stated reason for access outside their team
	// (break-the-glass). It is required when OutsideTeam is set.
	Reason      string `json:"reason,omitempty" bson:"reason"`
	OutsideTeam bool   `json:"outside_team" bson:"outside_team"`
	// HashVersion names the encoding Hash was computed with.
	HashVersion int `json:"hash_version" bson:"hash_version"`
	// PrevHash is the Hash of the entry with Seq-1; empty for the first.
	PrevHash string `json:"prev_hash" bson:"prev_hash"`
	Hash     string `json:"hash" bson:"hash"`
}

// EntryID returns the _id of the entry with sequence number seq.
func EntryID(seq int64) string { return fmt.Sprintf("acc-%016d", seq) }

// parseID returns the sequence number in an entry's _id.
func parseID(id string) (int64, bool) {
	digits, ok := strings.CutPrefix(id, "acc-")
	if !ok || len(digits) != 16 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	seq, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || seq < 1 {
		return 0, false
	}
	return seq, true
}

// ComputeHash returns the hash e should carry: lowercase hex SHA-256 over the
// canonical encoding of e's fields for e.HashVersion, or "" for a version
// this package does not know.
//
// Version 1 encodes these items in this order, each as its length in
// bytes (4 bytes, big-endian) followed by its bytes:
//
//	"dichtbij.accesslog", "1" (the version), prev_hash, _id,
//	seq (decimal), at (Unix milliseconds, decimal), actor, actor_role,
//	actor_team, on_behalf_of, municipality, request_id, subject,
//	action, route, reason, outside_team ("true" or "false")
//
// With a fixed number of items, each length-prefixed, the encoding of two
// entries is the same only when every field is: moving a character from
// one field to the next changes the lengths. A later version may add
// items; entries keep the version they were written with.
func ComputeHash(e Entry) string {
	if e.HashVersion != 1 {
		return ""
	}
	h := sha256.New()
	var n [4]byte
	item := func(s string) {
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	item("dichtbij.accesslog")
	item("1")
	item(e.PrevHash)
	item(e.ID)
	item(strconv.FormatInt(e.Seq, 10))
	item(strconv.FormatInt(e.At.UnixMilli(), 10))
	item(e.Actor)
	item(e.ActorRole)
	item(e.ActorTeam)
	item(e.OnBehalfOf)
	item(e.Municipality)
	item(e.RequestID)
	item(e.Subject)
	item(e.Action)
	item(e.Route)
	item(e.Reason)
	item(strconv.FormatBool(e.OutsideTeam))
	return hex.EncodeToString(h.Sum(nil))
}

// ErrInvalid is returned, wrapped with the reason, for an entry or query
// that Append or a reader refuses.
var ErrInvalid = errors.New("accesslog: invalid")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// QueryError is a reader's refusal of a query: Param names the query
// parameter at fault as the API calls it ("actor", "from", "cursor",
// "limit"; "query" when no one parameter is), Reason says why in words
// that begin with the field. It is ErrInvalid for errors.Is.
type QueryError struct{ Param, Reason string }

func (e *QueryError) Error() string        { return ErrInvalid.Error() + ": " + e.Reason }
func (e *QueryError) Is(target error) bool { return target == ErrInvalid }

func badQuery(param, format string, args ...any) error {
	return &QueryError{Param: param, Reason: fmt.Sprintf(format, args...)}
}

const (
	maxIDLen     = 128
	maxRouteLen  = 256
	maxReasonLen = 1000
)

// validIdent reports whether s is an identifier: letters, digits and
// ". _ : -", which admits account and request ids, roles and team codes
// but no e-mail address and no name with a space.
func validIdent(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// validMunicipality reports whether s is a CBS municipality code: "GM"
// and four digits.
func validMunicipality(s string) bool {
	if len(s) != 6 || s[:2] != "GM" {
		return false
	}
	for i := 2; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validAction(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 'a' || s[i] > 'z') && s[i] != '_' {
			return false
		}
	}
	return true
}

// check validates the caller's part of e.
func check(e Entry) error {
	if !validIdent(e.Actor) {
		return invalid("actor must be an account id of up to %d letters, digits and . _ : -", maxIDLen)
	}
	for _, f := range []struct{ name, v string }{
		{"actor_role", e.ActorRole}, {"actor_team", e.ActorTeam}, {"on_behalf_of", e.OnBehalfOf},
		{"request_id", e.RequestID}, {"subject", e.Subject},
	} {
		if f.v != "" && !validIdent(f.v) {
			return invalid("%s must be an identifier of up to %d letters, digits and . _ : -", f.name, maxIDLen)
		}
	}
	if !validMunicipality(e.Municipality) {
		return invalid("municipality must be a CBS code such as GM0363")
	}
	if !validAction(e.Action) {
		return invalid("action must be a lowercase word such as %q", ActionRead)
	}
	if len(e.Route) > maxRouteLen {
		return invalid("route longer than %d bytes", maxRouteLen)
	}
	for i := 0; i < len(e.Route); i++ {
		if e.Route[i] < 0x20 || e.Route[i] > 0x7e {
			return invalid("route must be printable ASCII")
		}
	}
	if len(e.Reason) > maxReasonLen {
		return invalid("reason longer than %d bytes", maxReasonLen)
	}
	if !utf8.ValidString(e.Reason) || strings.ContainsFunc(e.Reason, unicode.IsControl) {
		return invalid("reason must be UTF-8 text without control characters")
	}
	if e.OutsideTeam && strings.TrimSpace(e.Reason) == "" {
		return invalid("access outside the actor's team needs a reason")
	}
	return nil
}
