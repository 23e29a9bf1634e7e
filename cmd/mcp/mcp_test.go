package mcp

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/internal/cmdtest"
	"github.com/novita-cli/novita/pkg/clierr"
)

// TestNewCmdMcp checks what each command line asks of `novita mcp`, captured through runF: flags are
// checked (and --allow names made canonical) before anything serves.
func TestNewCmdMcp(t *testing.T) {
	tests := []struct {
		args    string
		want    Options
		wantErr string
	}{
		{args: ""},
		{args: "--allow T2I,flux-1-schnell --max-submits 3 --thumbnails --http localhost:0",
			want: Options{Allow: []string{"txt2img", "flux-1-schnell"}, MaxSubmits: 3, Thumbnails: true, HTTP: "localhost:0"}},
		{args: "--read-only --output-dir out", want: Options{ReadOnly: true, OutputDir: "out"}},
		{args: "--read-only --allow txt2img", wantErr: "--read-only submits nothing"},
		{args: "--max-submits -1", wantErr: "--max-submits -1"},
		{args: "--allow nosuchtask", wantErr: "--allow nosuchtask: not a catalog task"},
		{args: "--http 192.0.2.1:80", wantErr: "192.0.2.1:80"},
		{args: "--http 8765", wantErr: "8765"},
		{args: "extra-arg", wantErr: `unknown command "extra-arg"`},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			var got *Options
			f := cmdtest.Factory()
			f.Build.Version = "9.9.9"
			ready := make(chan [2]string)
			f.Test.MCPReady = ready // a test hook, taken when the command is built
			cmd := NewCmdMcp(f, nil, func(_ context.Context, o *Options) error { got = o; return nil })
			err := cmdtest.Exec(cmd, tt.args)
			if tt.wantErr != "" {
				if clierr.KindOf(err) != clierr.KindUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want a usage error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if got.ReadOnly != w.ReadOnly || !slices.Equal(got.Allow, w.Allow) || got.MaxSubmits != w.MaxSubmits ||
				got.Thumbnails != w.Thumbnails || got.HTTP != w.HTTP || got.OutputDir != w.OutputDir {
				t.Errorf("options %+v, want %+v", *got, w)
			}
			if got.Version != "9.9.9" || got.Ready != ready || got.IO == nil || got.API == nil || got.Journal == nil || got.NewRunner == nil ||
				got.Resolve == nil || got.Advice.Scrub == nil || got.HTTPClient == nil || got.Tunnel.Env.Resolve == nil {
				t.Errorf("services %+v", *got)
			}
		})
	}
}
