package listen

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/internal/cmdtest"
)

// TestNewCmdListen checks what each command line asks of `novita listen`, captured through runF: no
// receiver opens.
func TestNewCmdListen(t *testing.T) {
	tests := []struct {
		args    string
		want    Options
		wantErr string
	}{
		{args: "", want: Options{UIAddr: "127.0.0.1:4949"}},
		{args: "--forward-to http://localhost:3000/hooks -H X-A:1 -H X-B:2 --status SUCCEED,FAILED --max-events 3",
			want: Options{ForwardTo: "http://localhost:3000/hooks", Headers: []string{"X-A:1", "X-B:2"},
				Statuses: []string{"SUCCEED", "FAILED"}, MaxEvents: 3, UIAddr: "127.0.0.1:4949"}},
		{args: "--download --save ev --print-url", want: Options{Download: true, SaveDir: "ev", PrintURL: true, UIAddr: "127.0.0.1:4949"}},
		{args: "--respond-status FAILED=500 --respond-status 503 --respond-delay 6s",
			want: Options{RespondStatus: []string{"FAILED=500", "503"}, RespondDelay: []string{"6s"}, UIAddr: "127.0.0.1:4949"}},
		{args: "--ui --ui-addr 127.0.0.1:5000 --open", want: Options{UI: true, UIAddr: "127.0.0.1:5000", UIAddrSet: true, Open: true}},
		{args: "--open", wantErr: "--ui-addr and --open need --ui"},
		{args: "--ui-addr 127.0.0.1:5000", wantErr: "--ui-addr and --open need --ui"},
		{args: "--ui --ui-addr 0.0.0.0:5000", wantErr: "loopback address only"},
		{args: "--tunnel carrier-pigeon", wantErr: "valid values are"},
		{args: "now", wantErr: `unknown command "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			f := cmdtest.Factory()
			f.Globals.JSON = true // parsed by the root
			// Test hooks, taken when the command is built.
			ready, uiReady := make(chan string), make(chan string)
			f.Test.ListenReady, f.Test.UIReady = ready, uiReady
			var got *Options
			cmd := NewCmdListen(f, func(_ context.Context, o *Options) error {
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
			if got.ForwardTo != w.ForwardTo || !slices.Equal(got.Headers, w.Headers) || !slices.Equal(got.Statuses, w.Statuses) ||
				got.Download != w.Download || got.SaveDir != w.SaveDir || got.PrintURL != w.PrintURL || got.MaxEvents != w.MaxEvents ||
				!slices.Equal(got.RespondStatus, w.RespondStatus) || !slices.Equal(got.RespondDelay, w.RespondDelay) ||
				got.UI != w.UI || got.UIAddr != w.UIAddr || got.UIAddrSet != w.UIAddrSet || got.Open != w.Open {
				t.Errorf("options %+v, want %+v", *got, w)
			}
			if !got.JSON || got.Ready != ready || got.Inspector == nil || got.Inspector.Ready != uiReady {
				t.Errorf("json %v, ready hooks %v %+v", got.JSON, got.Ready, got.Inspector)
			}
			if got.IO == nil || got.API == nil || got.Journal == nil || got.NewRunner == nil || got.HTTPClient == nil || got.Path == nil ||
				got.Output.Settings.Resolve == nil || got.Tunnel.Env.Resolve == nil {
				t.Errorf("services %+v", *got)
			}
		})
	}
}

// --path is listen's own receiver flag, on the shared tunnel flag set.
func TestNewCmdListenPath(t *testing.T) {
	var got *Options
	cmd := NewCmdListen(cmdtest.Factory(), func(_ context.Context, o *Options) error { got = o; return nil })
	if err := cmdtest.Exec(cmd, "--path /hooks/novita --tunnel local"); err != nil {
		t.Fatal(err)
	}
	if got.Tunnel.Path != "/hooks/novita" {
		t.Errorf("--path: %q", got.Tunnel.Path)
	}
}
