//go:build !race

package nock_test

// raceEnabled is true when the race detector is on; the slowest tests then
// shrink their inputs.
const raceEnabled = false
