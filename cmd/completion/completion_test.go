package completion

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/internal/cmdtest"
)

// TestNewCmdCompletion checks what each command line asks of `novita completion`, captured through runF.
func TestNewCmdCompletion(t *testing.T) {
	tests := []struct {
		args      string
		wantShell string
		wantErr   string
	}{
		{args: "bash", wantShell: "bash"},
		{args: "zsh", wantShell: "zsh"},
		{args: "fish", wantShell: "fish"},
		{args: "powershell", wantShell: "powershell"},
		{args: "", wantErr: "accepts 1 arg(s), received 0"},
		{args: "tcsh", wantErr: `invalid argument "tcsh"`},
		{args: "bash zsh", wantErr: "accepts 1 arg(s), received 2"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			root := &cobra.Command{Use: "novita"}
			var got *Options
			cmd := NewCmdCompletion(f.IOStreams, root, func(_ context.Context, o *Options) error {
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
			if got.Shell != tt.wantShell || got.Root != root || got.IO != f.IOStreams {
				t.Errorf("options %+v, want shell %q for the root given", *got, tt.wantShell)
			}
		})
	}
}
