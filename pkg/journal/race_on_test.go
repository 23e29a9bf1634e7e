//go:build race

package journal

// raceDetector says the race detector is on: it slows SQLite (transpiled C) about fifteenfold, so
// the size test measures fewer tasks.
const raceDetector = true
