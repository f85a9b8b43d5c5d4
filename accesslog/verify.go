package accesslog

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/dichtbij/dichtbij/store"
)

// Kinds of Problem.
const (
	// KindChanged: the entry's fields do not match its Hash (or no longer
	// decode, or its _id and Seq disagree).
	KindChanged = "changed"
	// KindBrokenLink: the entry's PrevHash is not the Hash of the entry
	// before it (or, for the first entry, not empty). An entry rewritten
	// together with its own Hash shows up this way, at its successor.
	KindBrokenLink = "broken_link"
	// KindMissing: sequence numbers Seq to Through are absent.
	KindMissing = "missing"
)

// Problem is one finding of Verify.
type Problem struct {
	Seq  int64  `json:"seq"`
	Kind string `json:"kind"`
	// Through is the last number of a run of missing entries (equal to Seq
	// for one); 0 for the other kinds.
	Through int64  `json:"through,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// maxProblems bounds Report.Problems; the rest are only counted.
const maxProblems = 1000

// Report is the outcome of Verify.
type Report struct {
	// Checked is how many entries were read.
	Checked int64 `json:"checked"`
	// Head and HeadHash are the newest entry read: keep them outside the
	// database to notice later that the newest entries were deleted.
	Head     int64  `json:"head"`
	HeadHash string `json:"head_hash"`
	// Problems in Seq order, after those about documents that are no
	// entry at all (Seq 0); at most 1000, Omitted counts the rest.
	Problems []Problem `json:"problems"`
	Omitted  int       `json:"omitted,omitempty"`
}

// Clean reports whether Verify found nothing wrong.
func (r Report) Clean() bool { return len(r.Problems) == 0 && r.Omitted == 0 }

func (r *Report) add(p Problem) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, p)
	} else {
		r.Omitted++
	}
}

// Verify reads the whole log and checks every entry's hash, its link to
// the entry before it, and that no number is missing up to the newest
// entry this Log has written or found. An error means the log could not
// be read, not that it is broken.
//
// It reads the collection in one unsorted pass, which the embedded store
// streams, keeping about 200 bytes per entry, and then walks the entries
// in Seq order. Entries appended while it runs may or may not be checked.
// Measured on the embedded store (2 cores): about 135 µs an entry, 13.5 s
// and 150 MB for 100,000 entries; nearly all of it is the store decoding
// documents.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	// Read before the scan: everything up to here exists by now.
	known := l.knownHead()
	r := Report{Problems: []Problem{}}
	type link struct {
		seq         int64
		prev, hash  string
		changed     bool
		detail      string
		undecodable bool
	}
	var links []link
	err := l.entries.Scan(ctx, func(doc store.Scanned[Entry]) error {
		id := doc.ID
		seq, ok := parseID(id)
		if !ok {
			r.add(Problem{Kind: KindChanged, Detail: fmt.Sprintf("document with _id %q does not belong in the log", id)})
			return nil
		}
		if doc.Err != nil {
			// Chain the next entry onto the hash this one claims to have.
			links = append(links, link{seq: seq, hash: doc.Hash, changed: true, undecodable: true, detail: "does not decode: " + doc.Err.Error()})
			return nil
		}
		e := doc.Entry
		ln := link{seq: seq, prev: e.PrevHash, hash: e.Hash}
		switch {
		case e.Seq != seq:
			ln.changed, ln.detail = true, fmt.Sprintf("seq %d under _id %s", e.Seq, id)
		case ComputeHash(e) != e.Hash:
			ln.changed = true
		}
		links = append(links, ln)
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("accesslog: verify: %w", err)
	}
	slices.SortFunc(links, func(a, b link) int { return cmp.Compare(a.seq, b.seq) })
	next := int64(1) // the number the next entry should have
	for i, ln := range links {
		r.Checked++
		if ln.seq > next {
			r.add(Problem{Seq: next, Kind: KindMissing, Through: ln.seq - 1})
		}
		if ln.changed {
			r.add(Problem{Seq: ln.seq, Kind: KindChanged, Detail: ln.detail})
		}
		switch {
		case ln.undecodable:
		case ln.seq == 1 && ln.prev != "":
			r.add(Problem{Seq: ln.seq, Kind: KindBrokenLink, Detail: "the first entry has a previous hash"})
		case ln.seq > 1 && ln.seq == next && ln.prev != links[i-1].hash:
			// After a gap there is no previous entry to compare with.
			r.add(Problem{Seq: ln.seq, Kind: KindBrokenLink})
		}
		next = ln.seq + 1
		r.Head, r.HeadHash = ln.seq, ln.hash
	}
	if known >= next {
		r.add(Problem{Seq: next, Kind: KindMissing, Through: known, Detail: "newest entries gone"})
	}
	return r, nil
}
