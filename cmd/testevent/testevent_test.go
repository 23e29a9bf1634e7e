package testevent

import (
	"context"
	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNewCmdTestEvent checks what each command line asks of `novita test-event`, captured through runF.
func TestNewCmdTestEvent(t *testing.T) {
	tests := []struct {
		args    string
		want    Options
		wantErr string
	}{
		{args: "", want: Options{Status: "SUCCEED", Task: "txt2img"}},
		{args: "--status FAILED --task wan-t2v", want: Options{Status: "FAILED", Task: "wan-t2v"}},
		{args: "--local --to http://127.0.0.1:9/h --set payload.task.reason=boom --set a=b --retry-delay 1ms",
			want: Options{Status: "SUCCEED", Task: "txt2img", Local: true, To: "http://127.0.0.1:9/h", Sets: []string{"payload.task.reason=boom", "a=b"}, RetryDelay: time.Millisecond}},
		{args: "--from-file ev.json --to http://127.0.0.1:9/h", want: Options{Status: "SUCCEED", Task: "txt2img", FromFile: "ev.json", To: "http://127.0.0.1:9/h"}},
		{args: "extra", wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			f.Globals.JSON = true // parsed by the root
			f.Test.NgrokConnectURL = "127.0.0.1:1"
			var got *Options
			cmd := NewCmdTestEvent(f, func(_ context.Context, o *Options) error {
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
			w := tt.want
			if got.Status != w.Status || got.Task != w.Task || got.To != w.To || got.Local != w.Local || got.FromFile != w.FromFile ||
				!slices.Equal(got.Sets, w.Sets) || got.RetryDelay != w.RetryDelay {
				t.Errorf("options %+v, want %+v", *got, w)
			}
			if !got.JSON || got.IO == nil || got.API == nil || got.Clock == nil || got.HTTPClient == nil || got.Path == nil ||
				got.Tunnel.Env.NgrokConnectURL != "127.0.0.1:1" {
				t.Errorf("services %+v", *got)
			}
		})
	}
}
