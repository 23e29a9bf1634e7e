package result

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"strings"
	"testing"
)

// TestNewCmdResult checks what each command line asks of `novita result`, captured through runF.
func TestNewCmdResult(t *testing.T) {
	tests := []struct {
		args     string
		id       string
		download bool
		output   string
		wantErr  string
	}{
		{args: "abc", id: "abc"},
		{args: "abc --download -o out/{index}.{ext}", id: "abc", download: true, output: "out/{index}.{ext}"},
		{args: "", wantErr: "needs a task id"},
		{args: "a b", wantErr: "takes one task id"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdResult(f, func(_ context.Context, o *Options) error {
				got = o
				return nil
			})
			err := cmdtest.Exec(cmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.TaskID != tt.id || got.Download != tt.download || got.Output.Output != tt.output {
				t.Errorf("options %+v (output %q)", *got, got.Output.Output)
			}
			if got.IO == nil || got.API == nil || got.Journal == nil || got.Finder == nil || got.NewRunner == nil ||
				got.Advice.Resume == nil || got.Previews == nil || got.Expiry == nil || got.Output.Settings.Resolve == nil {
				t.Errorf("services %+v", *got)
			}
		})
	}
}
