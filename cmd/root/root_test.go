package root

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

const taskID = "0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10"

// The tree is built for its command line: rerun of a task the journal knows has that task's flags
// (after spaced global flags too); any other line gets the stand-in, which parses no flags.
func TestNewCmdRootBuildsRerunForTheTaskItNames(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	env := map[string]string{"NOVITA_STATE_DIR": filepath.Join(t.TempDir(), "state")}
	f := factory.New(ios, func(k string) string { return env[k] }, factory.BuildInfo{}, &http.Client{})
	t.Cleanup(f.Cleanup)
	if err := f.Journal().RecordSubmitted(context.Background(), journal.Submitted{TaskID: taskID, Task: "txt2img",
		Request: []byte(`{"request":{"prompt":"a cat"}}`)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		typed bool
	}{
		{[]string{"rerun", taskID, "--seed", "4"}, true},
		{[]string{"--base-url", "http://127.0.0.1:1", "rerun", taskID[:8]}, true},
		{[]string{"rerun", "ffffffff-unknown"}, false},
		{[]string{"rerun"}, false},
		{[]string{"tasks", "rerun", taskID}, false},
	} {
		ran := false
		r := NewCmdRoot(f, Local{}, &ran, c.args)
		rerun, _, err := r.Find([]string{"rerun"})
		if err != nil {
			t.Fatal(err)
		}
		if typed := rerun.Flags().Lookup("prompt") != nil; typed != c.typed || rerun.DisableFlagParsing == c.typed {
			t.Errorf("%q: rerun has the task's flags = %v, want %v", c.args, typed, c.typed)
		}
		if rerun.GroupID != "tasks" {
			t.Errorf("%q: rerun in group %q", c.args, rerun.GroupID)
		}
	}
}

// A word that is no command is a usage error with cobra's suggestion, recognised by its kind.
func TestNewCmdRootUnknownCommand(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	ran := false
	r := NewCmdRoot(factory.New(ios, nil, factory.BuildInfo{}, &http.Client{}), Local{}, &ran, []string{"sumbit"})
	err := r.ExecuteContext(context.Background())
	if clierr.KindOf(err) != clierr.KindUsage || err.Error() != `unknown command "sumbit" for "novita"; did you mean submit?` || ran {
		t.Errorf("error %v (kind %v), ran %v", err, clierr.KindOf(err), ran)
	}
}
