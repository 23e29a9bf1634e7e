package catalog

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"strings"
	"testing"
)

// TestNewCmdCatalog checks what each command line asks of `novita catalog`, captured through runF.
func TestNewCmdCatalog(t *testing.T) {
	tests := []struct {
		args       string
		task, kind string
		wantErr    string
	}{
		{args: ""},
		{args: "--kind video", kind: "video"},
		{args: "txt2img", task: "txt2img"},
		{args: "txt2img --kind video", wantErr: "--kind filters the list of tasks"},
		{args: "--kind smell", wantErr: "smell"},
		{args: "a b", wantErr: "accepts at most 1 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdCatalog(f, func(_ context.Context, o *Options) error {
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
			if got.Task != tt.task || got.Kind != tt.kind {
				t.Errorf("options %+v", *got)
			}
		})
	}
}
