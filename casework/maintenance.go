package casework

import (
	"context"
	"sync/atomic"
	"time"
)

// lockTTL is how old a version claim must be before the sweep removes
// it: far beyond the write timeout, so no writer still holds it.
const lockTTL = time.Hour

// Job is one maintenance task; it must be safe to run in several
// processes over one store at once.
type Job struct {
	Name string
	Run  func(ctx context.Context) error
}

// Maintenance returns casework's maintenance jobs, in the order they are
// to run: what no request triggers, such as a proposal nobody answered,
// events left in the outbox by a crash, stale version claims, and closed
// requests whose personal data has been kept for keep.
func (s *Service) Maintenance(keep time.Duration) []Job {
	var firstRecovery atomic.Bool
	firstRecovery.Store(true)
	retention := NewRetention(s, keep, s.now)
	return []Job{
		{"expire referrals", s.ExpireStale},
		{"relay and deliver events", func(ctx context.Context) error {
			// The first round recovers everything: what is pending then
			// was left by a process that stopped.
			settle := RecoverSettle
			if firstRecovery.CompareAndSwap(true, false) {
				settle = 0
			}
			if _, _, err := s.bus.Recover(ctx, settle, RecoverGrace); err != nil {
				return err
			}
			return s.bus.Sync(ctx)
		}},
		{"sweep relayed events", func(ctx context.Context) error {
			_, err := s.st.EventOutbox().SweepRelayed(ctx, s.now().Add(-lockTTL))
			return err
		}},
		{"anonymise closed requests", func(ctx context.Context) error {
			_, err := retention.Run(ctx)
			return err
		}},
		{"sweep locks", func(ctx context.Context) error {
			_, err := s.st.Locks().Sweep(ctx, s.now().Add(-lockTTL))
			return err
		}},
	}
}
