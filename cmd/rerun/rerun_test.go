package rerun

import (
	"context"
	"maps"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"github.com/novita-cli/novita/cmd/submit"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

const (
	catID   = "0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10"
	otherID = "7d1c2b3a-0000-4c3e-9a51-7f2d1c9e4b10"
)

// journalled is a factory over a journal in a temporary state directory holding a txt2img task (with
// the webhook of its first run) and a task of a kind this catalog does not know.
func journalled(t *testing.T) *factory.Factory {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	env := map[string]string{"NOVITA_STATE_DIR": filepath.Join(t.TempDir(), "state")}
	f := factory.New(ios, func(k string) string { return env[k] }, factory.BuildInfo{}, &http.Client{})
	t.Cleanup(f.Cleanup)
	ctx := context.Background()
	for _, s := range []journal.Submitted{
		{TaskID: catID, Task: "txt2img", Endpoint: "txt2img",
			Request: []byte(`{"extra":{"webhook":{"url":"https://gone.example/h"}},"request":{"prompt":"a cat","seed":1}}`)},
		{TaskID: otherID, Task: "retired-task", Endpoint: "retired-task", Request: []byte(`{"prompt":"x"}`)},
	} {
		if err := f.Journal().RecordSubmitted(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestNewCmdRerun checks what each command line asks of `novita rerun`, captured through runF: the
// stored request becomes the body's base (its old webhook dropped) under the task's own flags.
func TestNewCmdRerun(t *testing.T) {
	base := map[string]any{"request": map[string]any{"prompt": "a cat", "seed": float64(1)}}
	tests := []struct {
		args      string
		wantFlags map[string]string
		wantSets  []string
		wantWait  bool
		wantDry   bool
		wantErr   string
	}{
		{args: "rerun " + catID + " --seed 42 --dry-run", wantFlags: map[string]string{"seed": "42"}, wantDry: true},
		{args: "--json rerun " + catID[:8] + " --prompt fox --set steps=30 --wait", wantFlags: map[string]string{"prompt": "fox"},
			wantSets: []string{"steps=30"}, wantWait: true},
		{args: "rerun " + catID + " --voice Emily", wantErr: "txt2img does not take this flag"},
		{args: "rerun " + catID + " extra", wantErr: "takes one task id, got 2 words"},
		{args: "rerun", wantErr: "needs a task id"},
		{args: "rerun 99999999-dead", wantErr: "is not in the journal"},
		{args: "rerun " + otherID, wantErr: `a "retired-task" task, which is not in this novita's catalog`},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := journalled(t)
			line := strings.Fields(tt.args)
			globals := cmdtest.Globals()
			var got *submit.Options
			cmd := NewCmdRerun(f, func(_ context.Context, o *submit.Options) error {
				got = o
				return nil
			}, line, globals)
			i := 0
			for line[i] != "rerun" {
				i++
			}
			err := cmdtest.Exec(cmd, strings.Join(line[i+1:], " "))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Task.Name != "txt2img" || !reflect.DeepEqual(got.Input.Base, base) || !maps.Equal(got.Input.Flags, tt.wantFlags) ||
				!reflect.DeepEqual(got.Input.Sets, tt.wantSets) || got.Wait != tt.wantWait || got.DryRun != tt.wantDry {
				t.Errorf("task %s, base %v, flags %v, sets %v, wait %v, dry run %v", got.Task.Name, got.Input.Base, got.Input.Flags,
					got.Input.Sets, got.Wait, got.DryRun)
			}
			if got.IO == nil || got.API == nil || got.Journal == nil || got.NewRunner == nil || got.Advice.Resume == nil || got.Output == nil {
				t.Errorf("services %+v", *got)
			}
		})
	}
}
