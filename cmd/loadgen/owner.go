package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// helpTypes are codes of the taxonomy (GET /api/v1/taxonomy).
var helpTypes = []string{"groceries", "transport", "companionship", "odd_jobs", "garden", "household_admin",
	"language_buddy", "digital_help", "meals", "day_activities", "meeting_place", "exercise",
	"parenting_support", "respite_care", "debt_buddy", "walking_buddy", "light_housekeeping", "pet_care",
	"homework_help", "play_and_youth"}

// utrecht is a point in the west of Utrecht's centre, around which the
// load generator's options and offers lie so that the demo's requests
// find them; the east border (De Bilt) is only 3 km from the Dom, and
// the API refuses a place outside the account's municipality.
var utrecht = location{Lat: 52.092, Lon: 5.095}

type location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// near is a point up to about 1.5 km from it.
func near(rng *rand.Rand) location {
	return location{Lat: utrecht.Lat + (rng.Float64()-0.5)*0.024, Lon: utrecht.Lon + (rng.Float64()-0.5)*0.04}
}

func someHelpTypes(rng *rand.Rand, n int) []string {
	p := rng.Perm(len(helpTypes))[:n]
	out := make([]string, n)
	for i, j := range p {
		out[i] = helpTypes[j]
	}
	return out
}

// ownerReferral is a referral as the owner of its option sees it.
type ownerReferral struct {
	ID       string `json:"id"`
	OptionID string `json:"option_id"`
	State    string `json:"state"`
}

// answer moves one referral to one's options on: a started one is
// completed, else an accepted one started, else a proposed one accepted.
// Finishing before taking on more keeps at most a place or two held, so
// an accept does not find the option full (a 409 that is no fault).
func answer(ctx context.Context, v *vu, name string, refs []ownerReferral) {
	for _, step := range []struct{ from, to string }{{"started", "completed"}, {"accepted", "started"}, {"proposed", "accepted"}} {
		for _, r := range refs {
			if r.State != step.from {
				continue
			}
			body := map[string]string{"to": step.to}
			if step.to == "completed" {
				body["outcome"] = "Het contact loopt goed (loadgen)."
			}
			v.u.do(ctx, name, true, http.MethodPost, "/api/v1/referrals/"+r.ID+"/transitions", body)
			return
		}
	}
	v.rec.skip(name, true)
}

// myReferrals reads the referrals to one's options.
func myReferrals(ctx context.Context, v *vu, name string) ([]ownerReferral, bool) {
	res, err := v.u.do(ctx, name, false, http.MethodGet, "/api/v1/my/referrals", nil)
	var refs []ownerReferral
	if err != nil || res.decode(&refs) != nil {
		return nil, false
	}
	return refs, true
}

// organiser runs a community centre and an initiative: it answers the
// referrals to them and posts activities.
type organiser struct {
	*vu
	provision string
	posted    []string          // activities posted in the run, oldest first
	retired   []retiredActivity // oldest first, deleted after retireFor
}

func (o *organiser) setup(ctx context.Context) error {
	n := o.idx + 1
	loc := near(o.rng)
	yes := true
	prov := map[string]any{
		"name": fmt.Sprintf("Buurthuis Loadgen %d", n), "organisation": "Stichting Loadgen",
		"description": "Inloop, maaltijden en activiteiten voor de buurt.", "help_types": someHelpTypes(o.rng, 6),
		"address":  map[string]string{"street": "Loadgenstraat", "house_number": fmt.Sprint(n), "postcode": "3511AB", "city": "Utrecht"},
		"location": loc, "cost": map[string]any{"unit": "free"}, "active": yes,
		"opening_hours": []map[string]string{{"day": "mon", "start": "09:00", "end": "21:00"}, {"day": "wed", "start": "09:00", "end": "21:00"},
			{"day": "thu", "start": "09:00", "end": "21:00"}, {"day": "sat", "start": "10:00", "end": "16:00"}},
	}
	id, err := o.create(ctx, "/api/v1/provisions", prov)
	if err != nil {
		return err
	}
	o.provision = id
	ini := map[string]any{
		"organisation": fmt.Sprintf("Bewonersinitiatief Loadgen %d", n), "description": "Buren helpen buren.",
		"help_types": someHelpTypes(o.rng, 8), "capacity": 50, "active": yes,
		"service_area": map[string]any{"center": loc, "radius_m": 6000},
		"contact":      map[string]string{"name": "Loadgen", "email": fmt.Sprintf("initiatief-%d@example.org", n)},
	}
	if _, err := o.create(ctx, "/api/v1/initiatives", ini); err != nil {
		return err
	}
	_, err = o.create(ctx, "/api/v1/activities", o.activity())
	return err
}

// create makes one option in set-up (not measured) and marks it owned.
func (o *organiser) create(ctx context.Context, path string, body any) (string, error) {
	res, err := o.u.do(ctx, "", true, http.MethodPost, path, body)
	var rec struct {
		ID string `json:"id"`
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", o.u.email, err)
	}
	if err := res.decode(&rec); err != nil {
		return "", err
	}
	o.shared.own(rec.ID)
	return rec.ID, nil
}

// activity is a weekly activity of the provision, starting within a week.
func (o *organiser) activity() map[string]any {
	start := time.Now().Add(time.Duration(24+o.rng.IntN(24*6)) * time.Hour)
	days := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	return map[string]any{
		"provision_id": o.provision, "name": fmt.Sprintf("Koffie-ochtend %d", o.rng.IntN(1000)),
		"help_types": someHelpTypes(o.rng, 3), "active": true, "spots_per_occurrence": 20,
		"place": map[string]any{"name": "Grote zaal", "location": near(o.rng)},
		"schedule": map[string]any{"start": start.Format("2006-01-02") + "T10:00", "timezone": "Europe/Amsterdam", "duration_minutes": 90,
			"rrule": "FREQ=WEEKLY;BYDAY=" + days[o.rng.IntN(len(days))]},
	}
}

func (o *organiser) round(ctx context.Context) {
	refs, ok := myReferrals(ctx, o.vu, "organiser.referrals")
	if !ok || !o.think(ctx) {
		return
	}
	answer(ctx, o.vu, "organiser.answer", refs)
	if !o.think(ctx) {
		return
	}
	res, err := o.u.do(ctx, "organiser.post_activity", true, http.MethodPost, "/api/v1/activities", o.activity())
	var rec struct {
		ID string `json:"id"`
	}
	if err != nil || res.decode(&rec) != nil {
		return
	}
	o.shared.own(rec.ID)
	o.posted = append(o.posted, rec.ID)
	// An organiser keeps a few activities up and takes the oldest down,
	// so a long soak does not grow the options without end: one retired
	// for each one posted, each deleted once workers' searches from
	// before its retirement have had retireFor to turn into referrals.
	if len(o.posted) > 3 {
		o.retired = append(o.retired, retiredActivity{o.posted[0], time.Now()})
		o.shared.retire(o.posted[0])
		o.posted = o.posted[1:]
	}
	for len(o.retired) > 0 && time.Since(o.retired[0].at) >= retireFor && o.think(ctx) {
		o.u.do(ctx, "organiser.delete_activity", true, http.MethodDelete, "/api/v1/activities/"+o.retired[0].id, nil)
		o.retired = o.retired[1:]
	}
}

// retiredActivity is an activity no worker refers to any more, since at.
type retiredActivity struct {
	id string
	at time.Time
}

// retireFor is how long an activity is retired (no new referrals)
// before its organiser deletes it: far longer than a worker's search,
// think time and referral take.
const retireFor = 10 * time.Second
