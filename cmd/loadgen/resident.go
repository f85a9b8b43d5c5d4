package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
)

// utrechtPostcodes are four-digit postcodes of Utrecht, for the public
// "near me" search of the HSDS API.
var utrechtPostcodes = []string{"3511", "3512", "3513", "3514", "3515", "3521", "3522", "3523", "3524", "3525",
	"3526", "3527", "3528", "3531", "3532", "3533", "3534", "3541", "3542", "3543", "3544", "3545", "3546",
	"3551", "3552", "3553", "3554", "3555", "3561", "3562", "3563", "3564", "3565", "3566", "3571", "3572",
	"3573", "3581", "3582", "3583", "3584", "3585"}

// resident offers help as a volunteer, keeps the offer up to date,
// answers referrals to it, looks around with the public HSDS API (a
// resident's role holds no perm for /api/v1/options/nearby) and reads
// calendars.
type resident struct {
	*vu
	offer      string
	feed       string // path of the personal calendar feed
	serviceIDs []string
}

func (r *resident) setup(ctx context.Context) error {
	offer := map[string]any{
		"display_name": fmt.Sprintf("Loadgen %d", r.idx+1), "help_types": someHelpTypes(r.rng, 3),
		"home_location": near(r.rng), "max_travel_m": 3000, "languages": []string{"nl", "en"}, "capacity": 3,
		"availability": []map[string]string{{"day": "mon", "start": "09:00", "end": "21:00"}, {"day": "tue", "start": "09:00", "end": "21:00"},
			{"day": "thu", "start": "09:00", "end": "21:00"}, {"day": "sat", "start": "10:00", "end": "17:00"}},
	}
	// A resident has one offer: an earlier run's against the same
	// server is kept.
	res, err := r.u.do(ctx, "", false, http.MethodGet, "/api/v1/volunteers?owner=me&limit=1", nil)
	var mine struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err != nil {
		return fmt.Errorf("%s: own offer: %w", r.u.email, err)
	}
	if err := res.decode(&mine); err != nil {
		return err
	}
	if len(mine.Items) > 0 {
		r.offer = mine.Items[0].ID
	} else {
		res, err := r.u.do(ctx, "", true, http.MethodPost, "/api/v1/volunteers", offer)
		var rec struct {
			ID string `json:"id"`
		}
		if err != nil {
			return fmt.Errorf("%s: offer: %w", r.u.email, err)
		}
		if err := res.decode(&rec); err != nil {
			return err
		}
		r.offer = rec.ID
	}
	r.shared.own(r.offer)
	res, err = r.u.do(ctx, "", true, http.MethodPost, "/api/v1/me/calendar-token", nil)
	var feed struct {
		Token string `json:"token"`
	}
	if err != nil {
		return fmt.Errorf("%s: calendar token: %w", r.u.email, err)
	}
	if err := res.decode(&feed); err != nil {
		return err
	}
	r.feed = "/ical/" + url.PathEscape(feed.Token)
	if r.idx == 0 {
		// The demo's active activities, for everyone's calendar reads.
		res, err := r.u.do(ctx, "", false, http.MethodGet, "/api/v1/activities?active=true&limit=100&municipality="+r.municipality, nil)
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err != nil {
			return err
		}
		if err := res.decode(&page); err != nil {
			return err
		}
		ids := make([]string, len(page.Items))
		for i, a := range page.Items {
			ids[i] = a.ID
		}
		r.shared.setActivities(ids)
	}
	return nil
}

func (r *resident) round(ctx context.Context) {
	steps := []func(context.Context){r.updateOffer, r.nearby, r.listServices, r.service, r.activityCalendar, r.feedRead, r.referrals}
	for i, step := range steps {
		if i > 0 && !r.think(ctx) {
			return
		}
		step(ctx)
	}
}

func (r *resident) updateOffer(ctx context.Context) {
	// A merge patch of what people change most: how many they help and
	// how far they go.
	patch := map[string]any{"capacity": 2 + r.rng.IntN(2), "max_travel_m": 2000 + 500*r.rng.IntN(4)}
	r.u.do(ctx, "resident.update_offer", true, http.MethodPatch, "/api/v1/volunteers/"+r.offer, patch)
}

func (r *resident) nearby(ctx context.Context) {
	q := url.Values{"postcode": {pick(r.rng, utrechtPostcodes)}, "proximity": {"2000"}, "per_page": {"20"}}
	r.u.do(ctx, "public.hsds.nearby", false, http.MethodGet, "/hsds/"+r.municipality+"/service_at_locations?"+q.Encode(), nil)
}

func (r *resident) listServices(ctx context.Context) {
	q := url.Values{"page": {fmt.Sprint(1 + r.rng.IntN(20))}, "per_page": {"20"}}
	res, err := r.u.do(ctx, "public.hsds.services", false, http.MethodGet, "/hsds/"+r.municipality+"/services?"+q.Encode(), nil)
	var page struct {
		Contents []struct {
			ID string `json:"id"`
		} `json:"contents"`
	}
	if err != nil || res.decode(&page) != nil {
		return
	}
	r.serviceIDs = r.serviceIDs[:0]
	for _, s := range page.Contents {
		r.serviceIDs = append(r.serviceIDs, s.ID)
	}
}

func (r *resident) service(ctx context.Context) {
	if len(r.serviceIDs) == 0 {
		r.rec.skip("public.hsds.service", false)
		return
	}
	// The ids come from a page read earlier; an organiser may have
	// deleted the activity since, and then 404 is the right answer.
	r.u.do(ctx, "public.hsds.service", false, http.MethodGet, "/hsds/"+r.municipality+"/services/"+pick(r.rng, r.serviceIDs), nil, http.StatusNotFound)
}

func (r *resident) activityCalendar(ctx context.Context) {
	id, ok := r.shared.activity(r.rng)
	if !ok {
		r.rec.skip("public.ical.activity", false)
		return
	}
	r.u.do(ctx, "public.ical.activity", false, http.MethodGet, "/api/v1/activities/"+id+"/calendar.ics", nil)
}

func (r *resident) feedRead(ctx context.Context) {
	r.u.do(ctx, "resident.ical.feed", false, http.MethodGet, r.feed, nil)
}

func (r *resident) referrals(ctx context.Context) {
	refs, ok := myReferrals(ctx, r.vu, "resident.referrals")
	if !ok {
		return
	}
	if !r.think(ctx) {
		return
	}
	answer(ctx, r.vu, "resident.answer", refs)
}

// coordinator reads the dashboard's figures and exports them.
type coordinator struct{ *vu }

func (c *coordinator) setup(context.Context) error { return nil }

func (c *coordinator) round(ctx context.Context) {
	steps := []struct{ name, path string }{
		{"coordinator.indicators", "/api/v1/monitoring/indicators"},
		{"coordinator.aggregates", "/api/v1/aggregates"},
		{"coordinator.map", "/api/v1/monitoring/indicators.geojson?level=neighbourhood"},
		{"coordinator.export_csv", "/api/v1/monitoring/indicators.csv"},
	}
	for i, s := range steps {
		if i > 0 && !c.think(ctx) {
			return
		}
		c.u.do(ctx, s.name, false, http.MethodGet, s.path, nil)
	}
}

func pick(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }
