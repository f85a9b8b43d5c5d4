//go:build !race

package storetest

// raceEnabled says this binary was built with the race detector.
const raceEnabled = false
