package expiry

import (
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/journal"
)

// The "not downloaded" warning appears only for outputs without a path whose URLs expire within ten
// minutes (or have expired), with the command that fetches them.
func TestOutputsWarning(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return now.Add(d) }
	saved := journal.FileRecord{Kind: "image", Index: 1, Path: "/out/1.png", URLExpiresAt: at(time.Minute)}
	for _, c := range []struct {
		name  string
		files []journal.FileRecord
		want  string // "" = no warning
	}{
		{"everything saved", []journal.FileRecord{saved}, ""},
		{"no outputs", nil, ""},
		{"expiry unknown", []journal.FileRecord{{Kind: "image", Index: 2}}, ""},
		{"an hour left", []journal.FileRecord{{Kind: "image", Index: 2, URLExpiresAt: at(time.Hour)}}, ""},
		{"eleven minutes left", []journal.FileRecord{{Kind: "image", Index: 2, URLExpiresAt: at(11 * time.Minute)}}, ""},
		{"ten minutes left", []journal.FileRecord{{Kind: "image", Index: 2, URLExpiresAt: at(10 * time.Minute)}},
			"outputs of task t-1 were not downloaded and their URLs expire in 10 min: run novita result t-1 --download"},
		{"the soonest counts", []journal.FileRecord{saved, {Kind: "image", Index: 2, URLExpiresAt: at(time.Hour)},
			{Kind: "image", Index: 3, URLExpiresAt: at(4*time.Minute + time.Second)}},
			"outputs of task t-1 were not downloaded and their URLs expire in 5 min: run novita result t-1 --download"},
		{"seconds left", []journal.FileRecord{{Kind: "video", Index: 1, URLExpiresAt: at(20 * time.Second)}},
			"expire in less than a minute: run novita result t-1 --download"},
		{"expired", []journal.FileRecord{{Kind: "video", Index: 1, URLExpiresAt: at(-time.Minute)}},
			"their URLs have expired: run novita result t-1 --download"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := OutputsWarning("t-1", c.files, now)
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	if got := OutputsWarning("t\x1b[2J", []journal.FileRecord{{URLExpiresAt: at(time.Minute)}}, now); strings.Contains(got, "\x1b") {
		t.Errorf("an id from the network reached the terminal raw: %q", got)
	}
}
