package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.1, time.Millisecond}} {
		if got := percentile(s, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("p99 of one = %v", got)
	}
}

func TestReportCountsOnlyTheWindow(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	r := newRecorder(&log)
	t0 := time.Now()
	r.add("worker.list", false, t0, time.Second, 200, "", nil) // before the window: dropped
	r.skip("worker.refer", true)                               // before the window: dropped
	r.measureFrom(t0.Add(time.Second))
	for i := 1; i <= 20; i++ {
		r.add("worker.list", false, t0.Add(2*time.Second), time.Duration(i)*time.Millisecond, 200, "", nil)
	}
	r.add("worker.refer", true, t0.Add(2*time.Second), 400*time.Millisecond, 401, `{"status":401}`, nil)
	r.add("worker.refer", true, t0.Add(2*time.Second), 100*time.Millisecond, 0, "", errors.New("connection refused"))
	r.skip("worker.refer", true)
	r.measureUntil(t0.Add(11 * time.Second))
	r.add("worker.list", false, t0.Add(12*time.Second), time.Millisecond, 200, "", nil) // after: dropped
	rep := r.report(t0.Add(11 * time.Second))

	if len(rep.Actions) != 2 || rep.Requests != 22 || rep.Errors != 2 || rep.RequestsPerSec != 2.2 {
		t.Fatalf("report = %+v", rep)
	}
	list, refer := rep.Actions[0], rep.Actions[1]
	if list.Name != "worker.list" || list.Count != 20 || list.P50 != 10 || list.P95 != 19 || list.P99 != 20 || !list.Met || list.Kind != "read" {
		t.Errorf("worker.list = %+v", list)
	}
	if refer.Errors != 2 || refer.Skipped != 1 || refer.Met || refer.Kind != "write" || refer.Statuses["401"] != 1 || refer.Statuses["0"] != 1 {
		t.Errorf("worker.refer = %+v", refer)
	}
	if !strings.Contains(log.String(), "worker.refer answered 401") || !strings.Contains(log.String(), "connection refused") {
		t.Errorf("stderr does not say what broke: %q", log.String())
	}

	rep.setCPU(procSample{ok: true, cpu: time.Second, rssKiB: 1000}, procSample{ok: true, cpu: 3200 * time.Millisecond, rssKiB: 1100})
	if rep.CPUSeconds != 2.2 || rep.CPUMillisPerReq != 100 || rep.RSSEndKiB != 1100 {
		t.Errorf("cpu = %v s, %v ms per action, rss %d", rep.CPUSeconds, rep.CPUMillisPerReq, rep.RSSEndKiB)
	}
	var table bytes.Buffer
	rep.writeTable(&table)
	for _, want := range []string{"worker.list", "MISSED", "22 requests, 2 errors, 2.2 requests/s", "+10.0 %"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

func TestDemoPassword(t *testing.T) {
	t.Parallel()
	text := `time=x level=INFO msg="demo accounts" municipality=GM0344 admin=demo-admin@example.org password=ebge-hbqd-xkln-ymxt`
	json := `{"time":"x","level":"INFO","msg":"demo accounts","admin":"demo-admin@example.org","password":"abcd-efgh-ijkl-mnop"}`
	for log, want := range map[string]string{text: "ebge-hbqd-xkln-ymxt", json: "abcd-efgh-ijkl-mnop"} {
		if got, ok := demoPassword("other line\n" + log + "\n"); !ok || got != want {
			t.Errorf("demoPassword = %q, %v; want %q", got, ok, want)
		}
	}
	if _, ok := demoPassword(`msg="demo data loaded"`); ok {
		t.Error("found a password in a log without one")
	}
}

func TestSampleProcReadsItself(t *testing.T) {
	t.Parallel()
	s := sampleProc(osGetpid())
	if !s.ok || s.rssKiB <= 0 {
		t.Errorf("sampleProc(self) = %+v", s)
	}
	if sampleProc(0).ok {
		t.Error("pid 0 sampled")
	}
}
