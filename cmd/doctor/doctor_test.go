package doctor

import (
	"context"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/internal/cmdtest"
)

// TestNewCmdDoctor checks what each command line asks of `novita doctor`, captured through runF.
func TestNewCmdDoctor(t *testing.T) {
	tests := []struct {
		args    string
		wantErr string
	}{
		{args: ""},
		{args: "key", wantErr: `unknown command "key"`},
		{args: "--fix", wantErr: "unknown flag: --fix"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdDoctor(f, func(_ context.Context, o *Options) error {
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
			if got == nil || got.ReadFile == nil {
				t.Fatalf("options %+v: no file reader for the completion check", got)
			}
		})
	}
}
