package sandbox

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"strings"
	"testing"
	"time"
)

// TestNewCmdSandbox checks that the knobs on the command line reach the simulator's options, captured
// through runF: nothing serves.
func TestNewCmdSandbox(t *testing.T) {
	tests := []struct {
		args    string
		check   func(o *Options) bool
		wantErr string
	}{
		{args: "", check: func(o *Options) bool {
			return o.Addr == "127.0.0.1:8910" && o.Options.TaskDuration == DefaultTaskDuration
		}},
		{args: "--addr 127.0.0.1:0 --task-duration 3s --api-key sk_x", check: func(o *Options) bool {
			return o.Addr == "127.0.0.1:0" && o.Options.TaskDuration == 3*time.Second && o.Options.APIKey == "sk_x"
		}},
		{args: "--fail-rate 0.5 --submit-429-first 2 --webhook-duplicate --download-cut-after 1000 --seed 7", check: func(o *Options) bool {
			s := o.Options
			return s.FailRate == 0.5 && s.Submit429First == 2 && s.WebhookDuplicate && s.DownloadCutAfter == 1000 && s.Seed == 7
		}},
		{args: "--max-media-side 256", check: func(o *Options) bool { return o.Options.MaxMediaSide == 256 }},
		{args: "--max-media-side -1", wantErr: "--max-media-side must be 0 (the requested size) or a number of pixels"},
		{args: "extra", wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			var got *Options
			cmd := NewCmdSandbox(f, func(_ context.Context, o *Options) error {
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
			if !tt.check(got) {
				t.Errorf("options %+v", *got)
			}
		})
	}
}
