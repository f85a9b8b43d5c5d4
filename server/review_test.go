package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/dichtbij/dichtbij/accesslog"
)

// TestCoordinatorSeesAggregatesAndAccessLog checks a coordinator's view:
// counts with small numbers suppressed and only of consenting residents,
// the access log of their municipality alone, paged, the unusual-access
// report and the chain check; and that a worker reaches none of it.
func TestCoordinatorSeesAggregatesAndAccessLog(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	coord := e.as(asCoordinator)
	var ids []string
	for range 6 {
		ids = append(ids, e.create("/api/v1/requests", validRequest))
	}
	noMonitoring := strings.Replace(validRequest, `,"monitoring"`, "", 1)
	for range 2 {
		e.create("/api/v1/requests", noMonitoring)
	}
	// One in another district: its district count is small.
	e.create("/api/v1/requests", strings.Replace(validRequest, `"lat":52.37,"lon":4.90`, `"lat":52.35,"lon":4.93`, 1))
	// Utrecht's requests are not Amsterdam's business.
	e.as(asElsewhere).create("/api/v1/requests", strings.Replace(validRequest, `"lat":52.37,"lon":4.90`, `"lat":52.09,"lon":5.12`, 1))
	// Another team breaks the glass.
	other := e.as(asOtherTeam)
	if r := other.do(http.MethodGet, "/api/v1/requests/"+ids[0], "", "Dichtbij-Access-Reason", "Collega ziek, cliënt belt."); r.status != http.StatusOK {
		t.Fatalf("break the glass = %d %s", r.status, r.body)
	}

	mustProblem(t, e.do(http.MethodGet, "/api/v1/aggregates", ""), http.StatusForbidden, "")
	mustProblem(t, e.do(http.MethodGet, "/api/v1/access-log", ""), http.StatusForbidden, "")
	r := coord.do(http.MethodGet, "/api/v1/aggregates", "")
	if r.status != http.StatusOK {
		t.Fatalf("aggregates = %d %s", r.status, r.body)
	}
	var agg struct {
		Requests       json.RawMessage            `json:"requests"`
		WithoutConsent json.RawMessage            `json:"without_consent"`
		ByNeed         map[string]json.RawMessage `json:"by_need"`
		ByDistrict     []struct {
			Code     string          `json:"code"`
			Requests json.RawMessage `json:"requests"`
		} `json:"by_district"`
	}
	r.json(t, &agg)
	if shown(t, agg.Requests) != "7" || shown(t, agg.WithoutConsent) != "<5" || shown(t, agg.ByNeed["groceries"]) != "7" {
		t.Errorf("aggregates = %s", r.body)
	}
	var small, big bool
	for _, d := range agg.ByDistrict {
		small = small || shown(t, d.Requests) == "<5"
		big = big || shown(t, d.Requests) == "6"
		if !strings.HasPrefix(d.Code, "WK0363") {
			t.Errorf("district %s is not Amsterdam's", d.Code)
		}
	}
	if !small || !big {
		t.Errorf("by_district = %s; want one of 6 and one of \"<5\"", r.body)
	}
	mustProblem(t, coord.do(http.MethodGet, "/api/v1/aggregates?from=yesterday", ""), http.StatusBadRequest, "from")

	// The log, paged two at a time, holds only Amsterdam's entries.
	var all []accesslog.Entry
	cursor := ""
	for {
		var page Page[accesslog.Entry]
		r := coord.do(http.MethodGet, "/api/v1/access-log?limit=2&cursor="+cursor, "")
		if r.status != http.StatusOK {
			t.Fatalf("access log = %d %s", r.status, r.body)
		}
		r.json(t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	glass := 0
	for _, en := range all {
		if en.Municipality != "GM0363" {
			t.Errorf("entry of %s in Amsterdam's log", en.Municipality)
		}
		if en.OutsideTeam {
			glass++
			if en.Reason != "Collega ziek, cliënt belt." || en.Actor != e.ids[asOtherTeam] {
				t.Errorf("break-the-glass entry = %+v", en)
			}
		}
	}
	if len(all) < 10 || glass != 1 {
		t.Errorf("access log has %d entries, %d outside the team; want at least 10 and 1", len(all), glass)
	}
	mustProblem(t, coord.do(http.MethodGet, "/api/v1/access-log?cursor=nonsense", ""), http.StatusBadRequest, "cursor")
	mustProblem(t, coord.do(http.MethodGet, "/api/v1/access-log?from=2026-12-01&to=2026-11-01", ""), http.StatusBadRequest, "from")

	var rep UnusualReport
	coord.do(http.MethodGet, "/api/v1/access-log/unusual?max_per_day=5", "").json(t, &rep)
	kinds := map[string]string{}
	for _, f := range rep.Findings {
		kinds[f.Kind] = f.Actor
	}
	if kinds["outside_team"] != e.ids[asOtherTeam] || kinds["many_requests"] != e.ids[asWorker] {
		t.Errorf("unusual = %+v", rep)
	}

	var ver accesslog.Report
	coord.do(http.MethodGet, "/api/v1/access-log/verify", "").json(t, &ver)
	if ver.Checked < int64(len(all)) || len(ver.Problems) != 0 || ver.HeadHash == "" {
		t.Errorf("verify = %+v", ver)
	}
}

// shown is a count as a reader sees it: a number, or the string "<5".
func shown(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("count %s: %v", raw, err)
	}
	switch v := v.(type) {
	case float64:
		return strconv.Itoa(int(v))
	case string:
		return v
	}
	t.Fatalf("count %s is neither a number nor a string", raw)
	return ""
}
