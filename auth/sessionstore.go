package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dichtbij/dichtbij/store"
)

// sessionOpTimeout bounds each storage call: fiber.Storage has no
// context, and a request must not hang on a stuck store.
const sessionOpTimeout = 10 * time.Second

// SessionStorage keeps Fiber's sessions (middleware/session) in the
// store, so that they survive a restart and are shared by processes on
// one store. The embedded store has no TTL indexes: expired sessions are
// never returned, and Sweep removes them.
type SessionStorage struct {
	c   store.Sessions
	now func() time.Time
	// recent are the sessions read or written a moment ago (recentTTL).
	recent *recent[store.Session]
}

var _ fiber.Storage = (*SessionStorage)(nil)

// NewSessionStorage returns the session storage in st, reading the time
// from now (time.Now if nil).
func NewSessionStorage(st *store.Store, now func() time.Time) *SessionStorage {
	if now == nil {
		now = time.Now
	}
	return &SessionStorage{c: st.Sessions(), now: now, recent: newRecent[store.Session](now)}
}

func (s *SessionStorage) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Get returns the value stored under key, or nil, nil when there is none
// or it has expired.
func (s *SessionStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	doc, ok := s.recent.get(key)
	if !ok {
		ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
		defer cancel()
		var err error
		doc, err = s.c.Get(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("auth: get session: %w", err)
		}
		s.recent.put(key, doc)
	}
	if !doc.Exp.IsZero() && !s.clock().Before(doc.Exp) {
		return nil, nil
	}
	return doc.Val, nil
}

// Set stores val under key for exp (0: no expiry). As fiber.Storage asks,
// an empty key or value is ignored.
func (s *SessionStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	doc := store.Session{Key: key, Val: val}
	if exp > 0 {
		doc.Exp = s.clock().Add(exp)
	}
	ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
	defer cancel()
	defer s.recent.forget(key) // also after: a read racing the write may have kept the old one
	s.recent.forget(key)
	if err := s.c.Put(ctx, doc); err != nil {
		return fmt.Errorf("auth: set session: %w", err)
	}
	return nil
}

// Delete removes the session under key; a missing one is not an error.
func (s *SessionStorage) Delete(key string) error {
	if key == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
	defer cancel()
	defer s.recent.forget(key)
	s.recent.forget(key)
	if err := s.c.Delete(ctx, key); err != nil {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

// Reset removes every session: everyone is logged out.
func (s *SessionStorage) Reset() error {
	ctx, cancel := context.WithTimeout(context.Background(), sessionOpTimeout)
	defer cancel()
	s.recent.clear()
	if err := s.c.DeleteAll(ctx); err != nil {
		return fmt.Errorf("auth: reset sessions: %w", err)
	}
	return nil
}

// Close does nothing: the store belongs to whoever opened it.
func (s *SessionStorage) Close() error { return nil }

// Sweep removes the expired sessions and returns how many; run it now
// and then, since nothing else does.
func (s *SessionStorage) Sweep(ctx context.Context) (int, error) {
	n, err := s.c.DeleteExpired(ctx, s.clock())
	if err != nil {
		return 0, fmt.Errorf("auth: sweep sessions: %w", err)
	}
	return n, nil
}
