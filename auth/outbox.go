package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Message is one e-mail waiting in, or sent from, the outbox. Mail is
// queued rather than sent inline so that a request never waits on (or
// fails with) the mail server, and a failed send is retried. Its Body
// may hold a password reset link, which is as good as the password: it
// is never put in JSON, and its LogValue leaves body and address out of
// logs (see store.Mail).
type Message = store.Mail

// Sender delivers one message, e.g. SMTPSender.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Outbox limits.
const (
	// MaxAttempts is how often Deliver tries a message before giving up.
	MaxAttempts = 5
	// deliverBatch is the most messages one Deliver call sends.
	deliverBatch   = 100
	maxSubjectLen  = 200
	maxBodyBytes   = 64 << 10
	maxLastErrorLn = 500
)

// Outbox is the queue of e-mail to send. It is safe for concurrent use,
// also by several processes sharing a store.
type Outbox struct {
	msgs  store.Outbox
	locks *store.Locks
	now   func() time.Time
}

// NewOutbox returns the outbox kept in st, reading the time from now
// (time.Now if nil).
func NewOutbox(st *store.Store, now func() time.Time) *Outbox {
	if now == nil {
		now = time.Now
	}
	return &Outbox{msgs: st.Outbox(), locks: st.Locks(), now: now}
}

func (o *Outbox) clock() time.Time { return o.now().UTC().Truncate(time.Millisecond) }

// Add queues a plain-text message to one address. The subject may not
// hold line breaks, which would let it add headers.
func (o *Outbox) Add(ctx context.Context, to, subject, body string) (Message, error) {
	if addr, err := mail.ParseAddress(to); err != nil || addr.Name != "" || addr.Address != to {
		return Message{}, &FieldError{Field: "to", Reason: "is not a bare e-mail address"}
	}
	if subject == "" || strings.ContainsAny(subject, "\r\n") || !utf8.ValidString(subject) || utf8.RuneCountInString(subject) > maxSubjectLen {
		return Message{}, &FieldError{Field: "subject", Reason: fmt.Sprintf("must be one line of 1-%d characters", maxSubjectLen)}
	}
	if !utf8.ValidString(body) || len(body) > maxBodyBytes {
		return Message{}, &FieldError{Field: "body", Reason: fmt.Sprintf("must be valid UTF-8 of at most %d bytes", maxBodyBytes)}
	}
	now := o.clock()
	m := Message{
		Meta: care.Meta{ID: store.NewID(), Version: 1, CreatedAt: now, UpdatedAt: now},
		To:   to, Subject: subject, Body: body,
	}
	if err := o.msgs.Insert(ctx, m); err != nil {
		return Message{}, fmt.Errorf("auth: queue message: %w", err)
	}
	return m, nil
}

// List returns a page of messages in the order they were queued, and
// whether more follow. limit is 1 to 1000.
func (o *Outbox) List(ctx context.Context, after string, limit int) ([]Message, bool, error) {
	page, more, err := o.msgs.List(ctx, store.Query{After: after, Limit: limit})
	if err != nil {
		return nil, false, fmt.Errorf("auth: list outbox: %w", err)
	}
	return page, more, nil
}

// To returns the messages queued for address to, oldest first, for the
// addressee's data export.
func (o *Outbox) To(ctx context.Context, to string) ([]Message, error) {
	out, err := o.msgs.To(ctx, to)
	if err != nil {
		return nil, fmt.Errorf("auth: outbox to an address: %w", err)
	}
	return out, nil
}

// Forget deletes every message to address to, sent or not: the address
// and reset links are the addressee's personal data.
func (o *Outbox) Forget(ctx context.Context, to string) error {
	if err := o.msgs.DeleteTo(ctx, to); err != nil {
		return fmt.Errorf("auth: forget outbox messages: %w", err)
	}
	return nil
}

// Deliver sends up to 100 unsent messages that have had fewer than
// MaxAttempts tries, oldest first, and records on each its SentAt or its
// LastError. It returns how many were sent, and the failures (sending and
// recording) joined; a failed send does not stop the others.
//
// Every attempt is claimed first with a one-shot lock named after the
// message and the attempt's number, so that two processes delivering at
// once never send one attempt twice. A process that dies between claiming
// and recording leaves that message unsent for good; the user asks for a
// new link.
func (o *Outbox) Deliver(ctx context.Context, s Sender) (int, error) {
	pending, err := o.msgs.Unsent(ctx, MaxAttempts, deliverBatch)
	if err != nil {
		return 0, fmt.Errorf("auth: deliver: %w", err)
	}
	sent := 0
	var errs []error
	for _, m := range pending {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		ok, err := o.deliverOne(ctx, s, m)
		if ok {
			sent++
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("auth: deliver message %s: %w", m.ID, err))
		}
	}
	return sent, errors.Join(errs...)
}

// deliverOne makes one attempt at m, if no one else is making it.
func (o *Outbox) deliverOne(ctx context.Context, s Sender, m Message) (bool, error) {
	attempt := m.Attempts + 1
	lock := fmt.Sprintf("outbox:%s#%d", m.ID, attempt)
	if err := o.locks.Take(ctx, lock, m.ID, o.clock()); errors.Is(err, store.ErrConflict) {
		return false, nil // another process has this attempt
	} else if err != nil {
		return false, err
	}
	sendErr := s.Send(ctx, m)
	prev := m.Version
	now := o.clock()
	m.Attempts, m.Version, m.UpdatedAt = attempt, prev+1, now
	if sendErr == nil {
		m.SentAt, m.LastError = &now, ""
	} else {
		m.LastError = truncate(sendErr.Error(), maxLastErrorLn)
	}
	// Record even when ctx ended during the send.
	if err := o.msgs.Replace(context.WithoutCancel(ctx), prev, m); err != nil {
		return sendErr == nil, errors.Join(sendErr, fmt.Errorf("record attempt %d: %w", attempt, err))
	}
	if sendErr != nil {
		// The error goes to the log, where no address belongs: mail
		// servers often repeat the recipient in their refusal.
		return false, fmt.Errorf("attempt %d: %s", attempt, strings.ReplaceAll(sendErr.Error(), m.To, "<recipient>"))
	}
	return true, nil
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
