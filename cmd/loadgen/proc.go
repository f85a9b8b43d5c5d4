package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports; reading it with
// sysconf would need cgo for one constant.
const clockTicks = 100

// procSample is a server process's CPU time so far and resident memory.
type procSample struct {
	ok     bool
	cpu    time.Duration
	rssKiB int64
}

// sampleProc reads /proc for pid; ok is false when pid is 0 or gone.
func sampleProc(pid int) procSample {
	if pid <= 0 {
		return procSample{}
	}
	base := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(base + "/stat")
	if err != nil {
		return procSample{}
	}
	// The command name (field 2) may hold spaces and parentheses: the
	// fields that follow start after its last ")".
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return procSample{}
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state), so utime (14) and stime (15) are f[11], f[12].
	if len(f) < 13 {
		return procSample{}
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return procSample{}
	}
	s := procSample{ok: true, cpu: time.Duration(ut+st) * time.Second / clockTicks}
	status, err := os.ReadFile(base + "/status")
	if err != nil {
		return s
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, found := strings.CutPrefix(line, "VmRSS:"); found {
			if fs := strings.Fields(rest); len(fs) > 0 {
				s.rssKiB, _ = strconv.ParseInt(fs[0], 10, 64)
			}
		}
	}
	return s
}

// loadAverage is the machine's 1, 5 and 15 minute load, to note other
// work on a shared machine next to the numbers.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
