package app

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSecondProcessFollowsWrites starts two server processes on one store
// (the second uses the first one's embedded server): a volunteer created
// through one appears in the other's searches within 5 seconds, and so
// does its removal.
func TestSecondProcessFollowsWrites(t *testing.T) {
	// Not parallel: it gives the other process 5 seconds, which tests
	// running beside it would eat into.
	a := startChild(t, t.TempDir(), "")
	if a.uri == "" {
		t.Fatal("first process did not log its embedded store's URI")
	}
	b := startChild(t, t.TempDir(), a.uri)
	nearby := "/api/v1/options/nearby?lat=52.3731&lon=4.8924&radius_m=3000&help_type=groceries&kind=volunteer"

	token := childToken(t, a.uri)
	code, created, err := postJSON(a.base, "/api/v1/volunteers", validVolunteer, token)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create on A = %d %s %v", code, created, err)
	}
	id := idFrom(created)
	seen := waitFor(t, b.base+nearby, token, func(ids []string) bool { return slices.Contains(ids, id) })
	t.Logf("B saw A's volunteer after %s", seen)

	req, err := http.NewRequest(http.MethodDelete, b.base+"/api/v1/volunteers/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := httpClient.Do(req)
	if err != nil || res.StatusCode != http.StatusNoContent {
		t.Fatalf("delete on B = %v %v", res, err)
	}
	res.Body.Close()
	gone := waitFor(t, a.base+nearby, token, func(ids []string) bool { return !slices.Contains(ids, id) })
	t.Logf("A saw B's delete after %s", gone)
}

// waitFor polls a nearby search until ok holds for the option ids, and
// fails after 5 seconds.
func waitFor(t *testing.T, url, token string, ok func(ids []string) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var cands []struct {
			OptionID string `json:"option_id"`
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &cands) != nil {
			t.Fatalf("GET %s = %d %s", url, res.StatusCode, body)
		}
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = c.OptionID
		}
		if ok(ids) {
			return time.Since(start)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("not within 5 s: %s gives %s", url, strings.Join(ids, ","))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
