package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Targets of issue 17 on 2 cores with the Utrecht demo: the report marks
// each action against the target of its kind.
const (
	readTarget  = 50 * time.Millisecond
	writeTarget = 300 * time.Millisecond
)

// recorder collects the latency of every action done inside the
// measured window; what happens before start (sign-in, set-up, warm-up)
// is dropped so that a cold cache does not count.
type recorder struct {
	mu      sync.Mutex
	start   time.Time // zero: not measuring yet
	end     time.Time // zero: still measuring
	actions map[string]*actionStats
	// errLog receives the first few failures of each action, whether or
	// not they fall in the window, so a failing run says what broke.
	errLog   io.Writer
	errShown map[string]int
}

type actionStats struct {
	write   bool
	samples []time.Duration
	errors  int
	skipped int
	// statuses counts the failing statuses (0: no answer at all).
	statuses map[int]int
}

// maxErrorsShown is how many failures of one action go to stderr.
const maxErrorsShown = 3

func newRecorder(errLog io.Writer) *recorder {
	return &recorder{actions: map[string]*actionStats{}, errLog: errLog, errShown: map[string]int{}}
}

// measureUntil ends the measured window at t: actions begun before it
// still count when they finish later.
func (r *recorder) measureUntil(t time.Time) {
	r.mu.Lock()
	r.end = t
	r.mu.Unlock()
}

// measureFrom starts the measured window at t.
func (r *recorder) measureFrom(t time.Time) {
	r.mu.Lock()
	r.start = t
	r.mu.Unlock()
}

func (r *recorder) action(name string, write bool) *actionStats {
	a := r.actions[name]
	if a == nil {
		a = &actionStats{write: write, statuses: map[int]int{}}
		r.actions[name] = a
	}
	return a
}

// add records one action that began at began and took took; status 0
// with err is a transport failure.
func (r *recorder) add(name string, write bool, began time.Time, took time.Duration, status int, body string, err error) {
	failed := err != nil || status < 200 || status > 299
	r.mu.Lock()
	defer r.mu.Unlock()
	if failed && r.errShown[name] < maxErrorsShown {
		r.errShown[name]++
		if err != nil {
			fmt.Fprintf(r.errLog, "loadgen: %s failed: %v\n", name, err)
		} else {
			fmt.Fprintf(r.errLog, "loadgen: %s answered %d: %s\n", name, status, truncate(body, 300))
		}
	}
	if r.start.IsZero() || began.Before(r.start) || (!r.end.IsZero() && !began.Before(r.end)) {
		return
	}
	a := r.action(name, write)
	a.samples = append(a.samples, took)
	if failed {
		a.errors++
		a.statuses[status]++
	}
}

// skip records that an action was due but had nothing to act on (no
// eligible option to refer to, no follow-up open): it is not an error,
// but a run where an action never happens does not measure it either.
func (r *recorder) skip(name string, write bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.start.IsZero() || !r.end.IsZero() {
		return
	}
	r.action(name, write).skipped++
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// percentile is the nearest-rank percentile p (0 < p ≤ 100) of sorted
// samples: the smallest sample with at least p % of them at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Report is what a run measured; the JSON form goes into docs.
type Report struct {
	Command        string         `json:"command"`
	Started        time.Time      `json:"started"`
	Seconds        float64        `json:"seconds"`
	Warmup         string         `json:"warmup"`
	Users          map[string]int `json:"users"`
	Actions        []ActionReport `json:"actions"`
	Requests       int            `json:"requests"`
	Errors         int            `json:"errors"`
	RequestsPerSec float64        `json:"requests_per_second"`
	// CPUSeconds is the server's user+system CPU time in the window;
	// zero with CPUKnown false when no server pid was known.
	CPUKnown         bool    `json:"cpu_known"`
	CPUSeconds       float64 `json:"cpu_seconds"`
	CPUMillisPerReq  float64 `json:"cpu_ms_per_action"`
	RSSStartKiB      int64   `json:"rss_start_kib"`
	RSSEndKiB        int64   `json:"rss_end_kib"`
	LoadAverageStart string  `json:"load_average_start,omitempty"`
}

// ActionReport is one action's line; latencies in milliseconds.
type ActionReport struct {
	Name     string         `json:"name"`
	Kind     string         `json:"kind"` // read or write
	Count    int            `json:"count"`
	Errors   int            `json:"errors"`
	Skipped  int            `json:"skipped"`
	Statuses map[string]int `json:"error_statuses,omitempty"`
	P50      float64        `json:"p50_ms"`
	P95      float64        `json:"p95_ms"`
	P99      float64        `json:"p99_ms"`
	Max      float64        `json:"max_ms"`
	TargetMS float64        `json:"target_p95_ms"`
	Met      bool           `json:"target_met"`
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// report summarises the window that ended at end.
func (r *recorder) report(end time.Time) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := Report{Started: r.start, Seconds: end.Sub(r.start).Seconds()}
	names := make([]string, 0, len(r.actions))
	for n := range r.actions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := r.actions[n]
		s := slices.Clone(a.samples)
		slices.Sort(s)
		ar := ActionReport{Name: n, Kind: "read", Count: len(s), Errors: a.errors, Skipped: a.skipped,
			P50: ms(percentile(s, 50)), P95: ms(percentile(s, 95)), P99: ms(percentile(s, 99)), TargetMS: ms(readTarget)}
		if len(s) > 0 {
			ar.Max = ms(s[len(s)-1])
		}
		if a.write {
			ar.Kind, ar.TargetMS = "write", ms(writeTarget)
		}
		ar.Met = len(s) > 0 && a.errors == 0 && ar.P95 <= ar.TargetMS
		for st, c := range a.statuses {
			if ar.Statuses == nil {
				ar.Statuses = map[string]int{}
			}
			ar.Statuses[fmt.Sprint(st)] = c
		}
		rep.Actions = append(rep.Actions, ar)
		rep.Requests += ar.Count
		rep.Errors += ar.Errors
	}
	if rep.Seconds > 0 {
		rep.RequestsPerSec = math.Round(float64(rep.Requests)/rep.Seconds*10) / 10
	}
	return rep
}

// setCPU fills in the server's CPU time and memory over the window.
func (rep *Report) setCPU(before, after procSample) {
	if !before.ok || !after.ok {
		return
	}
	rep.CPUKnown = true
	rep.CPUSeconds = math.Round((after.cpu-before.cpu).Seconds()*100) / 100
	if rep.Requests > 0 {
		rep.CPUMillisPerReq = math.Round(rep.CPUSeconds*1000/float64(rep.Requests)*100) / 100
	}
	rep.RSSStartKiB, rep.RSSEndKiB = before.rssKiB, after.rssKiB
}

// writeTable prints the report as a plain table, one action a line.
func (rep Report) writeTable(w io.Writer) {
	fmt.Fprintf(w, "%-28s %-5s %7s %6s %7s %9s %9s %9s %9s  %s\n",
		"action", "kind", "count", "errors", "skipped", "p50 ms", "p95 ms", "p99 ms", "max ms", "p95 target")
	for _, a := range rep.Actions {
		verdict := "ok"
		if !a.Met {
			verdict = "MISSED"
		}
		fmt.Fprintf(w, "%-28s %-5s %7d %6d %7d %9.1f %9.1f %9.1f %9.1f  ≤%.0f %s\n",
			a.Name, a.Kind, a.Count, a.Errors, a.Skipped, a.P50, a.P95, a.P99, a.Max, a.TargetMS, verdict)
	}
	fmt.Fprintf(w, "\nwindow %.1f s (after %s warm-up): %d requests, %d errors, %.1f requests/s\n",
		rep.Seconds, rep.Warmup, rep.Requests, rep.Errors, rep.RequestsPerSec)
	if rep.CPUKnown {
		fmt.Fprintf(w, "server CPU %.2f s in the window, %.2f ms per action (%.2f of a core on average)\n",
			rep.CPUSeconds, rep.CPUMillisPerReq, rep.CPUSeconds/max(rep.Seconds, 1e-9))
		fmt.Fprintf(w, "server RSS %.1f MiB at the start of the window, %.1f MiB at the end (%+.1f %%)\n",
			float64(rep.RSSStartKiB)/1024, float64(rep.RSSEndKiB)/1024, pctChange(rep.RSSStartKiB, rep.RSSEndKiB))
	} else {
		fmt.Fprintln(w, "server CPU and RSS unknown: give -pid with -base")
	}
	if rep.LoadAverageStart != "" {
		fmt.Fprintf(w, "machine load average before the window: %s\n", rep.LoadAverageStart)
	}
}

func pctChange(a, b int64) float64 {
	if a == 0 {
		return 0
	}
	return float64(b-a) / float64(a) * 100
}

// writeJSON writes the report as indented JSON.
func (rep Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
