package version

import (
	"context"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/internal/cmdtest"
)

// TestNewCmdVersion checks what each command line asks of `novita version`, captured through runF.
func TestNewCmdVersion(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		json    bool // the root's --json, parsed before the command runs
		wantErr string
	}{
		{name: "plain", args: ""},
		{name: "json", args: "", json: true},
		{name: "a word", args: "extra", wantErr: `unknown command "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cmdtest.Factory()
			f.Build.Commit = "abc123"
			f.Globals.JSON = tt.json
			var got *Options
			cmd := NewCmdVersion(f, func(_ context.Context, o *Options) error {
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
			if got.JSON != tt.json || got.Build.Version != "dev" || got.Build.Commit != "abc123" || got.IO != f.IOStreams {
				t.Errorf("options %+v", *got)
			}
		})
	}
}
