package expiry

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// WarnUndownloaded reads what the lifecycle journalled: outputs without a path whose URLs expire soon
// are warned about (also with -q), outputs that were saved are not.
func TestWarnUndownloadedReadsTheJournal(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	env := map[string]string{"NOVITA_STATE_DIR": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir()}
	ios, _, _, errOut := iostreams.Test()
	ios.Quiet = true
	f := factory.New(ios, func(k string) string { return env[k] }, factory.BuildInfo{}, nil)
	f.Clock = clock.NewFake(now)
	defer f.Cleanup()
	ctx := context.Background()
	j := f.Journal()
	for id, files := range map[string][]journal.FileRecord{
		"left-behind": {{Kind: "image", Index: 1, URLExpiresAt: now.Add(7 * time.Minute)}},
		"saved":       {{Kind: "image", Index: 1, Path: "/tmp/saved.png", URLExpiresAt: now.Add(7 * time.Minute)}},
		"plenty-left": {{Kind: "image", Index: 1, URLExpiresAt: now.Add(50 * time.Minute)}},
	} {
		if err := j.RecordSubmitted(ctx, journal.Submitted{TaskID: id, Task: "txt2img"}); err != nil {
			t.Fatal(err)
		}
		if err := j.RecordFiles(ctx, id, files); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ id, want string }{
		{"left-behind", "warning: outputs of task left-behind were not downloaded and their URLs expire in 7 min: run novita result left-behind --download\n"},
		{"saved", ""},
		{"plenty-left", ""},
		{"unknown-task", ""},
	} {
		errOut.Reset()
		NewWarner(f).WarnUndownloaded(ctx, c.id)
		if got := errOut.String(); got != c.want {
			t.Errorf("%s: stderr %q, want %q", c.id, got, c.want)
		}
	}
	if !strings.HasSuffix(j.Path, journal.DBName) || f.Journal() != j {
		t.Errorf("the factory hands out one journal per command line")
	}
}
