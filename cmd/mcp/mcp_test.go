package mcp

import (
	"context"
	"net/http"
	"testing"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := factory.New(ios, nil, factory.BuildInfo{}, http.DefaultClient)
	var got *Options
	cmd := NewCmdMcp(f, func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	err := cmd.Execute()
	return got, err
}

func TestFlagsAreCheckedBeforeServing(t *testing.T) {
	o, err := parse(t, "--allow", "T2I,flux-1-schnell", "--max-submits", "3", "--thumbnails", "--http", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Allow) != 2 || o.Allow[0] != "txt2img" || o.Allow[1] != "flux-1-schnell" || o.MaxSubmits != 3 || !o.Thumbnails || o.HTTP != "localhost:0" {
		t.Errorf("options: %+v", o)
	}
	for _, bad := range [][]string{
		{"--read-only", "--allow", "txt2img"},
		{"--max-submits", "-1"},
		{"--allow", "nosuchtask"},
		{"--http", "192.0.2.1:80"},
		{"--http", "8765"},
		{"extra-arg"},
	} {
		if _, err := parse(t, bad...); clierr.KindOf(err) != clierr.KindUsage {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
}
