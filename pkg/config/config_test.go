package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

func TestPrecedenceFlagEnvFileDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "novita", "config.yaml")
	f, _ := Load(path)
	if err := f.Set("base_url", "https://file.example"); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	check := func(want string, src Source, flag string, set bool) {
		t.Helper()
		if v, s := f.Resolve(get, "base_url", flag, set); v != want || s != src {
			t.Fatalf("got %s from %s, want %s from %s", v, s, want, src)
		}
	}
	check("https://file.example", SourceFile, "", false)
	env["NOVITA_BASE_URL"] = "https://env.example"
	check("https://env.example", SourceEnv, "", false)
	check("https://flag.example", SourceFlag, "https://flag.example", true)
	f.Unset("base_url")
	delete(env, "NOVITA_BASE_URL")
	check("https://api.novita.ai", SourceDefault, "", false)
}

func TestFileIsPrivateAndSecretsRedacted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c", "config.yaml")
	f, _ := Load(path)
	if err := f.Set("api_key", "sk_live_very_secret"); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	if strings.Contains(Redact("sk_live_very_secret"), "secret") {
		t.Fatal("Redact shows the value")
	}
	g, _ := Load(path)
	if v, _ := g.Get("api_key"); v != "sk_live_very_secret" {
		t.Fatalf("round trip: %q", v)
	}
	if err := g.Set("colour", "blue"); clierr.Code(err) != 2 || !strings.Contains(err.Error(), "api_key") {
		t.Fatalf("unknown key must be a usage error listing the known keys: %v", err)
	}
}

func TestBrokenFileIsAUsageError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("api_key: [unclosed\n"), 0o600)
	if _, err := Load(path); clierr.Code(err) != 2 || !strings.Contains(err.Error(), path) {
		t.Fatalf("%v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"HOME": "/h"}
	get := func(k string) string { return env[k] }
	if p := DefaultPath(get); p != "/h/.config/novita/config.yaml" {
		t.Fatal(p)
	}
	env["XDG_CONFIG_HOME"] = "/x"
	if p := DefaultPath(get); p != "/x/novita/config.yaml" {
		t.Fatal(p)
	}
	env["NOVITA_CONFIG"] = "/c.yaml"
	if p := DefaultPath(get); p != "/c.yaml" {
		t.Fatal(p)
	}
}
