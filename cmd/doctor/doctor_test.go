package doctor

import (
	"context"
	"strings"
	"testing"
	"time"

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
			// The globals the root parses, and the tunnel's test hooks (set before the command is built).
			f.Globals.APIKey, f.Globals.JSON = "sk_flag", true
			f.Globals.Changed = func(name string) bool { return name == "api-key" }
			f.Test.TunnelConnectTimeout, f.Test.NgrokConnectURL, f.Test.NgrokHeartbeatInterval = 3*time.Second, "127.0.0.1:1", 100*time.Millisecond
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
			if got.APIKey != "sk_flag" || !got.APIKeySet || !got.JSON {
				t.Errorf("globals: key %q set %v json %v", got.APIKey, got.APIKeySet, got.JSON)
			}
			if got.IO == nil || got.Config == nil || got.API == nil || got.Getenv == nil || got.HTTPClient == nil || got.Scrub == nil ||
				got.InProcessSandbox == nil || got.Tunnel.AddSecret == nil || got.Tunnel.Logger == nil {
				t.Errorf("services %+v", *got)
			}
			if got.Tunnel.ConnectTimeout != 3*time.Second || got.Tunnel.NgrokConnectURL != "127.0.0.1:1" ||
				got.Tunnel.NgrokHeartbeatInterval != 100*time.Millisecond {
				t.Errorf("tunnel test hooks %+v", got.Tunnel)
			}
		})
	}
}
