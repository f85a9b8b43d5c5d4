package matching_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/dichtbij/dichtbij/matching"
)

func ExampleEngine_Match() {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	eng, _ := matching.New([]matching.HelpType{{Code: "groceries", Label: "Groceries"}, {Code: "companionship", Label: "Companionship"}},
		func() time.Time { return now })
	var tuesdayMorning matching.Week
	tuesdayMorning.AddDay(1, 9*60, 12*60)
	domtoren := orb.Point{5.1214, 52.0907}
	_ = eng.Upsert(matching.Option{ID: "anna", Kind: matching.KindVolunteer, Name: "Anna", Location: orb.Point{5.1389, 52.0907},
		HelpTypes: []string{"groceries", "companionship"}, Active: true, Capacity: 3, Used: 1, TravelM: 3000, Week: tuesdayMorning})
	res := eng.Match(matching.Request{Location: domtoren, Needs: []string{"groceries", "companionship"}, MaxDistanceM: 1500,
		Windows: tuesdayMorning}, 5)
	for _, n := range res.Needs {
		fmt.Println(n.Need+":", n.Options[0].Name, "·", n.Options[0].Explanation)
	}
	// Output:
	// groceries: Anna · 1.2 km · groceries and companionship · Tue morning overlaps · 2 of 3 places free
	// companionship: Anna · 1.2 km · groceries and companionship · Tue morning overlaps · 2 of 3 places free
}
