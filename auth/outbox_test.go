package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// recorder is a Sender that keeps what it was given and fails while
// fail is set.
type recorder struct {
	mu   sync.Mutex
	sent []Message
	fail error
}

func (r *recorder) Send(_ context.Context, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, m)
	return nil
}

func TestOutboxAdd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	o := e.accounts.Outbox()
	cases := []struct{ to, subject, body, field string }{
		{"not an address", "s", "b", "to"},
		{"Anna <anna@example.org>", "s", "b", "to"},
		{"anna@example.org", "", "b", "subject"},
		{"anna@example.org", "line\r\nBcc: evil@example.org", "b", "subject"},
		{"anna@example.org", strings.Repeat("s", 201), "b", "subject"},
		{"anna@example.org", "s", "\xff", "body"},
		{"anna@example.org", "s", strings.Repeat("b", 64<<10+1), "body"},
	}
	for _, c := range cases {
		var fe *FieldError
		if _, err := o.Add(ctx, c.to, c.subject, c.body); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("Add(%q, %q) = %v; want a FieldError on %s", c.to, c.subject, err, c.field)
		}
	}
	m, err := o.Add(ctx, "anna@example.org", "Hallo", "secret link")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(m)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("queued", "message", m)
	for what, out := range map[string]string{"JSON": string(js), "log": logged.String()} {
		if strings.Contains(out, "secret link") {
			t.Errorf("%s shows the body: %s", what, out)
		}
	}
	// The admin reads the address in JSON; the log never holds it.
	if !strings.Contains(string(js), "anna@example.org") {
		t.Errorf("JSON lacks the recipient: %s", js)
	}
	if strings.Contains(logged.String(), "anna@example.org") {
		t.Errorf("the log holds the recipient: %s", logged.String())
	}
}

func TestDeliver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	o := e.accounts.Outbox()
	for i := range 3 {
		if _, err := o.Add(ctx, fmt.Sprintf("p%d@example.org", i), "Hallo", fmt.Sprint("body ", i)); err != nil {
			t.Fatal(err)
		}
	}
	r := &recorder{fail: errors.New("451 try again later")}
	sent, err := o.Deliver(ctx, r)
	if sent != 0 || err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("Deliver(failing) = %d, %v; want 0 and the failures", sent, err)
	}
	msgs, _, _ := o.List(ctx, "", 10)
	for _, m := range msgs {
		if m.Attempts != 1 || m.LastError != "451 try again later" || m.SentAt != nil {
			t.Errorf("after a failed attempt: %+v", m)
		}
	}
	r.fail = nil
	sent, err = o.Deliver(ctx, r)
	if sent != 3 || err != nil || len(r.sent) != 3 || r.sent[0].Body != "body 0" {
		t.Fatalf("Deliver = %d, %v, sent %v; want 3 in order", sent, err, r.sent)
	}
	msgs, _, _ = o.List(ctx, "", 10)
	for _, m := range msgs {
		if m.Attempts != 2 || m.SentAt == nil || !m.SentAt.Equal(e.clock.Now()) || m.LastError != "" {
			t.Errorf("after sending: %+v", m)
		}
	}
	if sent, err := o.Deliver(ctx, r); sent != 0 || err != nil || len(r.sent) != 3 {
		t.Errorf("Deliver with nothing pending = %d, %v; sent again", sent, err)
	}
}

func TestDeliverGivesUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	o := e.accounts.Outbox()
	if _, err := o.Add(ctx, "q@example.org", "Hallo", "b"); err != nil {
		t.Fatal(err)
	}
	r := &recorder{fail: errors.New("550 no such user")}
	for range MaxAttempts + 2 {
		_, _ = o.Deliver(ctx, r)
	}
	msgs, _, _ := o.List(ctx, "", 10)
	if len(msgs) != 1 || msgs[0].Attempts != MaxAttempts || msgs[0].SentAt != nil {
		t.Errorf("after %d rounds: %+v; want %d attempts and no more", MaxAttempts+2, msgs, MaxAttempts)
	}
	r.fail = nil
	if sent, _ := o.Deliver(ctx, r); sent != 0 {
		t.Errorf("Deliver sent a message that used up its attempts")
	}
}

// TestDeliverConcurrently: two deliverers at once send each message once.
func TestDeliverConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	o := e.accounts.Outbox()
	const n = 10
	for i := range n {
		if _, err := o.Add(ctx, fmt.Sprintf("r%d@example.org", i), "Hallo", "b"); err != nil {
			t.Fatal(err)
		}
	}
	r := &recorder{}
	var wg sync.WaitGroup
	var total sync.Map
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sent, err := NewOutbox(e.st, e.clock.Now).Deliver(ctx, r)
			if err != nil {
				t.Errorf("Deliver: %v", err)
			}
			total.Store(w, sent)
		}()
	}
	wg.Wait()
	sum := 0
	total.Range(func(_, v any) bool { sum += v.(int); return true })
	seen := map[string]int{}
	for _, m := range r.sent {
		seen[m.ID]++
	}
	if sum != n || len(r.sent) != n || len(seen) != n {
		t.Errorf("sent %d (reported %d, %d distinct); want each of %d once", len(r.sent), sum, len(seen), n)
	}
}
