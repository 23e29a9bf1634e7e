package ui

import "unicode/utf8"

// listBodyBytes is how much of a body a list answer or a live-stream message carries: enough for the
// table, the search and a glance; the detail pane fetches the event itself for the rest. Without it
// each list request and each stream client re-encoded every stored body (up to MiBs each) again.
const listBodyBytes = 8 << 10

// preview is ev with its body cut to listBodyBytes (on a character boundary), marked as cut.
func preview(ev Event) Event {
	if len(ev.Body) <= listBodyBytes {
		return ev
	}
	if ev.BodyBytes < int64(len(ev.Body)) {
		ev.BodyBytes = int64(len(ev.Body))
	}
	cut := listBodyBytes
	for cut > 0 && !utf8.RuneStart(ev.Body[cut]) {
		cut--
	}
	ev.Body = ev.Body[:cut]
	return ev
}
