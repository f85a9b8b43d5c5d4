package geo_test

import (
	"fmt"
	"log"

	"github.com/dichtbij/dichtbij/geo"
	"github.com/paulmach/orb"
)

func ExampleCoarsen() {
	home := orb.Point{4.8924, 52.3731} // Dam square, Amsterdam
	coarse := geo.Coarsen(home)
	fmt.Println(coarse)
	fmt.Printf("moved %.0f m\n", geo.Distance(home, coarse))
	fmt.Println(geo.Coarsen(coarse) == coarse)
	// Output:
	// [4.892195 52.372904]
	// moved 26 m
	// true
}

func ExampleMunicipalities_Locate() {
	m, err := geo.LoadMunicipalities()
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range []orb.Point{
		{4.8924, 52.3731}, // Dam square
		{5.1214, 52.0907}, // Domtoren
		{3.5, 52.5},       // North Sea
	} {
		if mun, ok := m.Locate(p); ok {
			fmt.Printf("%v: %s %s, %d inhabitants\n", p, mun.Code, mun.Name, mun.Population)
		} else {
			fmt.Printf("%v: not in the Netherlands\n", p)
		}
	}
	// Output:
	// [4.8924 52.3731]: GM0363 Amsterdam, 931298 inhabitants
	// [5.1214 52.0907]: GM0344 Utrecht, 374238 inhabitants
	// [3.5 52.5]: not in the Netherlands
}

func ExampleValidatePolygon() {
	bounds, err := geo.ParseBounds("4,51,6,53", nil)
	if err != nil {
		log.Fatal(err)
	}
	bowTie := [][][2]float64{{{4.9, 51.9}, {5.1, 52.1}, {5.1, 51.9}, {4.9, 52.1}, {4.9, 51.9}}}
	for _, p := range geo.ValidatePolygon(bowTie, bounds) {
		fmt.Printf("%s: %s\n", p.Path, p.Reason)
	}
	// Output:
	// coordinates[0]: ring intersects itself between edges 0 and 2
}
