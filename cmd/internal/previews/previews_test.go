package previews

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
)

func newFactory(t *testing.T, env map[string]string, config string) *factory.Factory {
	t.Helper()
	dir := t.TempDir()
	env["XDG_CONFIG_HOME"] = dir
	if config != "" {
		if err := os.MkdirAll(filepath.Join(dir, "novita"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "novita", "config.yaml"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ios, _, _, _ := iostreams.Test()
	return factory.New(ios, func(k string) string { return env[k] }, factory.BuildInfo{}, nil)
}

// --preview takes one of its values in any case, completes them, and refuses anything else.
func TestPreviewFlag(t *testing.T) {
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	p := AddFlag(cmd)
	if *p != "" {
		t.Fatalf("default %q, want empty (so env and config apply)", *p)
	}
	if err := cmd.ParseFlags([]string{"--preview", "KITTY"}); err != nil || *p != "kitty" {
		t.Fatalf("--preview KITTY: %q, %v", *p, err)
	}
	err := cmd.ParseFlags([]string{"--preview", "sixels"})
	if err == nil || !strings.Contains(err.Error(), "auto, off, kitty, iterm, sixel") {
		t.Fatalf("--preview sixels: %v", err)
	}
	comp, _ := cmd.GetFlagCompletionFunc("preview")
	if vals, _ := comp(cmd, nil, ""); strings.Join(vals, " ") != "auto off kitty iterm sixel" {
		t.Errorf("completion %v", vals)
	}
}

// The mode is --preview, else NOVITA_PREVIEW, else the config file, else auto; a bad environment or
// config value is a usage error naming where it came from.
func TestPreviewModePrecedence(t *testing.T) {
	for _, c := range []struct {
		name, flag, env, config, want, wantErr string
	}{
		{name: "default", want: "auto"},
		{name: "config", config: "preview: iterm\n", want: "iterm"},
		{name: "env over config", env: "off", config: "preview: iterm\n", want: "off"},
		{name: "flag over env", flag: "sixel", env: "off", want: "sixel"},
		{name: "bad env", env: "sixels", wantErr: "NOVITA_PREVIEW"},
		{name: "bad config", config: "preview: pictures\n", wantErr: "config.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFactory(t, map[string]string{"NOVITA_PREVIEW": c.env}, c.config)
			got, err := New(f).Mode(c.flag)
			if c.wantErr != "" {
				if err == nil || clierr.Code(err) != 2 || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %q, %v; want a usage error naming %s", got, err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}
