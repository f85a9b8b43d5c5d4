package app

import (
	"os"
	"testing"

	"github.com/dichtbij/dichtbij/store/storetest"
)

// TestMain removes the commands the tests built (storetest.Binary).
func TestMain(m *testing.M) {
	code := m.Run()
	storetest.RemoveBinaries()
	os.Exit(code)
}

// validVolunteer is an offer the children accept.
const validVolunteer = `{"display_name":"Anna","help_types":["groceries","companionship"],
	"home_location":{"lat":52.3731,"lon":4.8924},"max_travel_m":2000,
	"availability":[{"day":"tue","start":"09:00","end":"12:00"}],"languages":["nl","en"],"capacity":2}`
