package main

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// requestStatuses are the statuses a worker lists in turn: every one a
// case can still be worked on in.
var requestStatuses = []string{"open", "searched", "referred", "in_progress"}

// worker is a social worker of team "demo": list → open case → search →
// refer → follow-ups.
type worker struct {
	*vu
	turn    int
	cursors map[string]string
	done    map[string]bool // follow-ups this worker marked (or tried)
	// zone is the demo's activities' time zone, in which a referral
	// names an occurrence.
	zone *time.Location
}

func newWorker(v *vu) *worker {
	zone, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		zone = time.UTC // cannot happen: the binary embeds the zone database
	}
	return &worker{vu: v, cursors: map[string]string{}, done: map[string]bool{}, zone: zone}
}

func (w *worker) setup(context.Context) error { return nil }

type requestView struct {
	ID       string   `json:"id"`
	Needs    []string `json:"needs"`
	Consents []string `json:"consents"`
}

type searchResult struct {
	Needs []struct {
		Need    string `json:"need"`
		Options []struct {
			OptionID       string `json:"option_id"`
			Kind           string `json:"kind"`
			NextOccurrence string `json:"next_occurrence"`
			PlacesFree     int    `json:"places_free"`
		} `json:"options"`
	} `json:"needs"`
}

type followUp struct {
	Kind         string `json:"kind"`
	ReferralID   string `json:"referral_id"`
	SpecialistID string `json:"specialist_id"`
	N            int    `json:"n"`
}

func (w *worker) round(ctx context.Context) {
	status := requestStatuses[w.turn%len(requestStatuses)]
	w.turn++
	// Each worker pages through the team's list, as people scroll on.
	q := url.Values{"limit": {"20"}, "status": {status}}
	if c := w.cursors[status]; c != "" {
		q.Set("cursor", c)
	}
	res, err := w.u.do(ctx, "worker.list", false, http.MethodGet, "/api/v1/requests?"+q.Encode(), nil)
	if err != nil {
		return
	}
	var page struct {
		Items      []requestView `json:"items"`
		NextCursor string        `json:"next_cursor"`
	}
	if res.decode(&page) != nil {
		return
	}
	w.cursors[status] = page.NextCursor
	ids := make([]string, len(page.Items))
	for i, r := range page.Items {
		ids[i] = r.ID
	}
	id, ok := w.shared.claim(ids, w.rng)
	if !ok {
		w.rec.skip("worker.open", false)
		return
	}
	defer w.shared.release(id)
	if !w.think(ctx) {
		return
	}
	res, err = w.u.do(ctx, "worker.open", false, http.MethodGet, "/api/v1/requests/"+id, nil)
	var req requestView
	if err != nil || res.decode(&req) != nil || !w.think(ctx) {
		return
	}
	res, err = w.u.do(ctx, "worker.search", true, http.MethodPost, "/api/v1/requests/"+id+"/matches", nil)
	var found searchResult
	if err != nil || res.decode(&found) != nil || !w.think(ctx) {
		return
	}
	if body, ok := w.pick(req, found); ok {
		if _, err := w.u.do(ctx, "worker.refer", true, http.MethodPost, "/api/v1/requests/"+id+"/referrals", body); err != nil {
			return
		}
		if !w.think(ctx) {
			return
		}
	} else {
		w.rec.skip("worker.refer", true)
	}
	w.followUps(ctx)
}

// pick chooses the option to refer to among the search's: one the
// resident consented to share with, with a free place, the load
// generator's own options first (someone answers those).
func (w *worker) pick(req requestView, found searchResult) (map[string]string, bool) {
	var first, own map[string]string
	for _, n := range found.Needs {
		for _, o := range n.Options {
			consent := "share_provision"
			if o.Kind == "volunteer" {
				consent = "share_volunteer"
			}
			if !slices.Contains(req.Consents, consent) || o.PlacesFree <= 0 || w.shared.isRetired(o.OptionID) {
				continue
			}
			body := map[string]string{"need": n.Need, "option_id": o.OptionID, "note": "loadgen"}
			if o.Kind == "activity" {
				if o.NextOccurrence == "" {
					continue
				}
				// The search gives the instant; a referral names the
				// occurrence by its local start, as the portal does.
				at, err := time.Parse(time.RFC3339, o.NextOccurrence)
				if err != nil {
					continue
				}
				body["occurrence"] = at.In(w.zone).Format("2006-01-02T15:04")
			}
			if first == nil {
				first = body
			}
			if own == nil && w.shared.isOwned(o.OptionID) {
				own = body
			}
		}
	}
	if own != nil {
		return own, true
	}
	return first, first != nil
}

// followUps lists the team's open follow-ups and marks one of this
// worker's share done.
func (w *worker) followUps(ctx context.Context) {
	due := time.Now().UTC().Format(time.RFC3339)
	res, err := w.u.do(ctx, "worker.followups", false, http.MethodGet, "/api/v1/follow-ups?limit=50&due_before="+url.QueryEscape(due), nil)
	var page struct {
		Items []followUp `json:"items"`
	}
	if err != nil || res.decode(&page) != nil {
		return
	}
	for _, f := range page.Items {
		id, path := f.ReferralID, "/api/v1/referrals/"
		if f.Kind == "step_down" {
			id, path = f.SpecialistID, "/api/v1/specialist-referrals/"
		}
		key := id + "/" + strconv.Itoa(f.N)
		if id == "" || w.done[key] || !w.mine(id) {
			continue
		}
		w.done[key] = true
		if !w.think(ctx) {
			return
		}
		w.u.do(ctx, "worker.followup_done", true, http.MethodPost, path+id+"/follow-ups/"+strconv.Itoa(f.N)+"/done",
			map[string]string{"note": "Gebeld: het gaat goed (loadgen)."})
		return
	}
	w.rec.skip("worker.followup_done", true)
}
