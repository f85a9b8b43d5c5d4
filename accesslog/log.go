package accesslog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dichtbij/dichtbij/store"
)

// Log appends to and reads the access log. Each process should hold one;
// it is safe for concurrent use.
type Log struct {
	entries *store.AccessLog[Entry]
	now     func() time.Time

	mu       sync.Mutex // serialises appends; guards the fields below
	loaded   bool       // head and headHash are known
	head     int64      // highest sequence number known to exist
	headHash string     // its Hash

	conflicts atomic.Int64 // numbers found taken by another process, for tests

	// Appends waiting for the next group commit (see Append).
	qmu      sync.Mutex
	queue    []*appendCall
	flushing bool         // a drain goroutine is storing the queue
	batches  atomic.Int64 // group commits stored, for tests and benchmarks
}

// appendCall is one Append or AppendAll waiting for its group commit.
type appendCall struct {
	es   []Entry
	out  []Entry // as stored; on an error, those stored before it
	err  error
	done chan struct{}
}

// New returns the access log of st. now is the clock; nil means time.Now.
func New(st *store.Store, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{
		entries: store.NewAccessLog[Entry](st),
		now:     now,
	}
}

// maxAttempts bounds the numbers one Append tries, besides its context.
// Each failed attempt means another process appended meanwhile, so only a
// writer starved by busy ones for seconds reaches it.
const maxAttempts = 10_000

// Append validates e, chains it onto the newest entry and stores it. It
// sets e's ID, Seq, At, HashVersion, PrevHash and Hash (whatever the
// caller put there is overwritten) and returns the entry as stored, once
// it is stored.
//
// Appends (and AppendAlls) of one Log are stored in group commits: those
// that arrive while one insert is under way wait for it and go together
// in the next, one round trip and one transaction (an fsync on the
// embedded store) for all of them. One at a time, each waited for the
// others' inserts under the Log's lock: under the team load 70 a second
// held it for 9 ms each.
//
// Between processes, a number goes to whoever inserts it first; the one
// that finds it taken reads the new head before it tries the next. While
// another process appends back to back, that read makes it late every
// time, so it waits until the other pauses (on the embedded store: a
// pause of a few milliseconds). The group commit runs without the
// callers' cancellation: what was asked for is stored, or fails, for
// every caller alike.
func (l *Log) Append(ctx context.Context, e Entry) (Entry, error) {
	out, err := l.AppendAll(ctx, []Entry{e})
	if err != nil {
		return Entry{}, err
	}
	return out[0], nil
}

// AppendAll appends es in order, as Append does one by one, but chains
// them all in memory and stores them in one round trip with whatever
// other appends wait: a list of 50 requests costs one insert, not 50.
// Where another process took one of the numbers meanwhile, the entries
// stored before it stay, and the rest go one by one through Append's
// retry. It returns the entries as stored; on an error, those stored
// before it.
func (l *Log) AppendAll(ctx context.Context, es []Entry) ([]Entry, error) {
	for _, e := range es {
		if err := check(e); err != nil {
			return nil, err
		}
	}
	if len(es) == 0 {
		return nil, nil
	}
	c := &appendCall{es: es, done: make(chan struct{})}
	l.qmu.Lock()
	l.queue = append(l.queue, c)
	start := !l.flushing
	l.flushing = true
	l.qmu.Unlock()
	if start {
		go l.drain(context.WithoutCancel(ctx))
	}
	<-c.done
	return c.out, c.err
}

// drain stores the queued appends, a group at a time, until none wait.
func (l *Log) drain(ctx context.Context) {
	for {
		l.qmu.Lock()
		group := l.queue
		l.queue = nil
		if len(group) == 0 {
			l.flushing = false
			l.qmu.Unlock()
			return
		}
		l.qmu.Unlock()
		l.commit(ctx, group)
	}
}

// commit stores one group's entries in order and tells each caller what
// of its own was stored.
func (l *Log) commit(ctx context.Context, group []*appendCall) {
	var es []Entry
	for _, c := range group {
		es = append(es, c.es...)
	}
	l.mu.Lock()
	l.batches.Add(1)
	stored, err := l.appendAllLocked(ctx, es)
	l.mu.Unlock()
	from := 0
	for _, c := range group {
		to := from + len(c.es)
		switch {
		case len(stored) >= to:
			c.out = stored[from:to:to]
		case len(stored) > from:
			c.out, c.err = stored[from:len(stored):len(stored)], err
		default:
			c.err = err
		}
		from = to
		close(c.done)
	}
}

// appendAllLocked is AppendAll's work for checked entries; the caller
// holds l.mu.
func (l *Log) appendAllLocked(ctx context.Context, es []Entry) ([]Entry, error) {
	if !l.loaded {
		if err := l.loadHead(ctx, 0); err != nil {
			return nil, err
		}
	}
	chained := make([]Entry, len(es))
	seq, prev := l.head, l.headHash
	at := l.now().UTC().Truncate(time.Millisecond)
	for i, e := range es {
		seq++
		e.Seq, e.ID, e.At, e.HashVersion, e.PrevHash = seq, EntryID(seq), at, HashVersion, prev
		e.Hash = ComputeHash(e)
		chained[i], prev = e, e.Hash
	}
	n, err := l.entries.InsertMany(ctx, chained)
	if n > 0 {
		l.head, l.headHash = chained[n-1].Seq, chained[n-1].Hash
	}
	if err == nil {
		return chained, nil
	}
	if !errors.Is(err, store.ErrConflict) {
		return chained[:n], fmt.Errorf("accesslog: append: %w", err)
	}
	// Another process took chained[n].Seq: find the head it left and go
	// on one by one, each chained onto whatever is there then.
	l.conflicts.Add(1)
	if err := l.loadHead(ctx, chained[n].Seq); err != nil {
		return chained[:n], err
	}
	out := chained[:n]
	for _, e := range es[n:] {
		stored, err := l.appendLocked(ctx, e)
		if err != nil {
			return out, err
		}
		out = append(out, stored)
	}
	return out, nil
}

// appendLocked appends one entry, moving on past numbers another process
// took; the caller holds l.mu and has loaded the head.
func (l *Log) appendLocked(ctx context.Context, e Entry) (Entry, error) {
	for attempt := 1; ; attempt++ {
		e.Seq = l.head + 1
		e.ID = EntryID(e.Seq)
		e.At = l.now().UTC().Truncate(time.Millisecond)
		e.HashVersion = HashVersion
		e.PrevHash = l.headHash
		e.Hash = ComputeHash(e)
		err := l.entries.Insert(ctx, e.ID, e)
		if err == nil {
			l.head, l.headHash = e.Seq, e.Hash
			return e, nil
		}
		if !errors.Is(err, store.ErrConflict) {
			// The insert may still have happened; then the next append
			// meets its number taken and reloads.
			return Entry{}, fmt.Errorf("accesslog: append: %w", err)
		}
		if attempt == maxAttempts {
			return Entry{}, fmt.Errorf("accesslog: append: no free sequence number after %d attempts", maxAttempts)
		}
		if err := ctx.Err(); err != nil {
			return Entry{}, fmt.Errorf("accesslog: append: %w", err)
		}
		// Another process took e.Seq. The first time, it may have taken
		// many numbers since this process last looked: find the head.
		// After that this process is racing a busy writer, whose entry
		// e.Seq is most likely the head: read just that, to be back as
		// fast as it can.
		l.conflicts.Add(1)
		if attempt == 1 {
			err = l.loadHead(ctx, e.Seq)
		} else {
			err = l.readHead(ctx, e.Seq)
		}
		if err != nil {
			return Entry{}, err
		}
	}
}

// loadHead finds the newest entry, from is an existing sequence number (or
// 0), and caches its number and hash. Callers hold l.mu.
func (l *Log) loadHead(ctx context.Context, from int64) error {
	head, err := l.findHead(ctx, from)
	if err != nil {
		return err
	}
	if head == 0 {
		l.head, l.headHash, l.loaded = 0, "", true
		return nil
	}
	return l.readHead(ctx, head)
}

// readHead caches entry seq, which exists, as the head. Callers hold l.mu.
func (l *Log) readHead(ctx context.Context, seq int64) error {
	e, err := l.entries.Get(ctx, EntryID(seq))
	if err != nil {
		return fmt.Errorf("accesslog: read head %d: %w", seq, err)
	}
	l.head, l.headHash, l.loaded = seq, e.Hash, true
	return nil
}

// findHead returns the highest existing sequence number, at least from,
// with O(log n) _id lookups: double the step until a number is free, then
// bisect. It assumes no gaps; in a log where entries were deleted it may
// stop at one, and the entry appended there is then reported by Verify as
// a broken link of its successor.
func (l *Log) findHead(ctx context.Context, from int64) (int64, error) {
	return store.FindHead(from, func(seq int64) (bool, error) {
		ok, err := l.entries.Has(ctx, EntryID(seq))
		if err != nil {
			return false, fmt.Errorf("accesslog: find head: %w", err)
		}
		return ok, nil
	})
}

// knownHead returns the highest sequence number this Log has written or
// found, 0 when it has not looked yet.
func (l *Log) knownHead() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head
}
