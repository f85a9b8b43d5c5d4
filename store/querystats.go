package store

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
)

// QueryStats counts the commands a store sends, by command, collection
// and the shape of the filter (its field names, not values), with the
// time each took to answer. It is for finding what loads the database
// while measuring (served with the Go profiles, docs/performance.md);
// the embedded store scans for every filter but one on _id, so a shape
// that is frequent and slow names a read that wants a key or a read
// model.
type QueryStats struct {
	mu      sync.Mutex
	started map[int64]string
	byShape map[string]*QueryStat
}

// QueryStat is one shape's count and time.
type QueryStat struct {
	Shape string
	Count int
	Total time.Duration
	Max   time.Duration
}

// NewQueryStats returns empty statistics to pass in Options.Stats.
func NewQueryStats() *QueryStats {
	return &QueryStats{started: map[int64]string{}, byShape: map[string]*QueryStat{}}
}

func (q *QueryStats) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			shape := commandShape(e.CommandName, e.Command)
			q.mu.Lock()
			q.started[e.RequestID] = shape
			q.mu.Unlock()
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { q.done(e.RequestID, e.Duration) },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { q.done(e.RequestID, e.Duration) },
	}
}

func (q *QueryStats) done(id int64, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	shape, ok := q.started[id]
	if !ok {
		return
	}
	delete(q.started, id)
	s := q.byShape[shape]
	if s == nil {
		s = &QueryStat{Shape: shape}
		q.byShape[shape] = s
	}
	s.Count++
	s.Total += d
	s.Max = max(s.Max, d)
}

// Snapshot returns the statistics so far, the costliest first.
func (q *QueryStats) Snapshot() []QueryStat {
	q.mu.Lock()
	out := make([]QueryStat, 0, len(q.byShape))
	for _, s := range q.byShape {
		out = append(out, *s)
	}
	q.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	return out
}

// Reset forgets what was counted.
func (q *QueryStats) Reset() {
	q.mu.Lock()
	q.byShape = map[string]*QueryStat{}
	q.mu.Unlock()
}

// WriteTable writes the statistics as a text table.
func (q *QueryStats) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%10s %8s %10s %10s  %s\n", "total ms", "count", "mean ms", "max ms", "command collection filter")
	for _, s := range q.Snapshot() {
		fmt.Fprintf(w, "%10.1f %8d %10.2f %10.1f  %s\n", ms(s.Total), s.Count, ms(s.Total)/float64(s.Count), ms(s.Max), s.Shape)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// commandShape is "find requests {municipality,status}": the command,
// its collection and the field names of its filter (or of an update's
// or delete's first statement's filter), values left out.
func commandShape(name string, cmd bson.Raw) string {
	coll, _ := cmd.Lookup(name).StringValueOK()
	var filter bson.Raw
	switch name {
	case "find", "count", "countDocuments":
		filter, _ = cmd.Lookup("filter").DocumentOK()
		if name == "count" {
			filter, _ = cmd.Lookup("query").DocumentOK()
		}
	case "update", "delete":
		key := map[string]string{"update": "updates", "delete": "deletes"}[name]
		if arr, ok := cmd.Lookup(key).ArrayOK(); ok {
			if vals, err := arr.Values(); err == nil && len(vals) > 0 {
				if d, ok := vals[0].DocumentOK(); ok {
					filter, _ = d.Lookup("q").DocumentOK()
				}
			}
		}
	case "aggregate":
		if arr, ok := cmd.Lookup("pipeline").ArrayOK(); ok {
			if vals, err := arr.Values(); err == nil && len(vals) > 0 {
				if d, ok := vals[0].DocumentOK(); ok {
					filter, _ = d.Lookup("$match").DocumentOK()
				}
			}
		}
	}
	return strings.TrimSpace(name + " " + coll + " " + fieldNames(filter))
}

// fieldNames lists a filter's top-level field names, sorted, in braces.
func fieldNames(filter bson.Raw) string {
	if filter == nil {
		return ""
	}
	elems, err := filter.Elements()
	if err != nil {
		return "{?}"
	}
	names := make([]string, 0, len(elems))
	for _, e := range elems {
		names = append(names, e.Key())
	}
	slices.Sort(names)
	return "{" + strings.Join(names, ",") + "}"
}
