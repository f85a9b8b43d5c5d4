package store

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/dichtbij/dichtbij/care"
)

const outboxName = "outbox"

// Mail is one e-mail waiting in, or sent from, the outbox. Package auth
// queues and delivers it; its auth.Message is this type.
type Mail struct {
	care.Meta `bson:",inline"`
	To        string `json:"to" bson:"to"`
	Subject   string `json:"subject" bson:"subject"`
	// Body may hold a password reset link, which is as good as the
	// password: it is never put in JSON, and LogValue leaves it out of logs.
	Body      string     `json:"-" bson:"body"`
	SentAt    *time.Time `json:"sent_at,omitempty" bson:"sent_at,omitempty"`
	Attempts  int        `json:"attempts" bson:"attempts"`
	LastError string     `json:"last_error,omitempty" bson:"last_error,omitempty"`
}

// LogValue makes slog log a message without its body or its address,
// which are personal data.
func (m Mail) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", m.ID), slog.String("subject", m.Subject), slog.Int("attempts", m.Attempts))
}

// Outbox is the queue of e-mail to send.
type Outbox struct{ *Collection[Mail] }

// Outbox returns the outbox.
func (s *Store) Outbox() Outbox { return Outbox{collection[Mail](s, outboxName)} }

var (
	mailTo     = newQuery(outboxName, "Outbox.To", "to")
	mailUnsent = newQuery(outboxName, "Outbox.Unsent", "sent_at").sortedBy("_id").rangeOn("attempts")
)

// To returns the messages to the address, oldest first.
func (o Outbox) To(ctx context.Context, to string) ([]Mail, error) {
	return o.All(ctx, mailTo.where(to)...)
}

// DeleteTo deletes every message to the address, sent or not.
func (o Outbox) DeleteTo(ctx context.Context, to string) error {
	if _, err := o.c.DeleteMany(ctx, mailTo.filter(to)); err != nil {
		return fmt.Errorf("store: delete outbox messages: %w", err)
	}
	return nil
}

// Unsent returns up to limit unsent messages that have had fewer than
// maxAttempts tries, oldest first.
func (o Outbox) Unsent(ctx context.Context, maxAttempts, limit int) ([]Mail, error) {
	filter := mailUnsent.filterRange([]any{nil}, bson.D{{Key: "$lt", Value: maxAttempts}})
	cur, err := o.c.Find(ctx, filter, options.Find().SetSort(mailUnsent.order()).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: find unsent mail: %w", err)
	}
	var out []Mail
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("store: find unsent mail: %w", err)
	}
	return out, nil
}
