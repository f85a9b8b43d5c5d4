package app

import (
	"os"
	"testing"
)

// TestMain lets the test binary be the dichtbij process the durability
// tests start, stop and kill (childEnv).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// validVolunteer is an offer the children accept.
const validVolunteer = `{"display_name":"Anna","help_types":["groceries","companionship"],
	"home_location":{"lat":52.3731,"lon":4.8924},"max_travel_m":2000,
	"availability":[{"day":"tue","start":"09:00","end":"12:00"}],"languages":["nl","en"],"capacity":2}`
