package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

func envOf(m map[string]string) Env { return func(k string) string { return m[k] } }

// A bad value in the file fails when it is used, naming the file, the key and the command that
// fixes it, rather than as an anonymous error from the tunnel or the downloader.
func TestUseTimeCheckNamesTheConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "novita", "config.yaml")
	mustMkdir(t, filepath.Dir(path))
	mustWrite(t, path, "tunnel: bogus\noutput: '{nope}'\napi_key: \"sk_live_abc\\r\"\n", 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	env := envOf(nil)

	_, src, err := f.ResolveChecked(env, "tunnel", "", false)
	want := `tunnel "bogus" in ` + path + ` is not one of auto, ngrok, local, none`
	if src != SourceFile || err == nil || err.Error() != want || clierr.Code(err) != 2 {
		t.Fatalf("got %v from %s\nwant %s", err, src, want)
	}

	_, _, err = f.ResolveChecked(env, "output", "", false)
	if err == nil || !strings.HasPrefix(err.Error(), `output "{nope}" in `+path+` is not a valid output template: unknown placeholder {nope}`) {
		t.Fatalf("output: %v", err)
	}

	_, _, err = f.ResolveChecked(env, "api_key", "", false)
	want = `api_key in ` + path + ` ends with a carriage return (\r), as a line saved on Windows does`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

// The same check names the environment variable or the flag when the value came from there. A
// trailing "\r" (a key read from a file saved on Windows) is refused before any request is sent.
func TestUseTimeCheckNamesTheEnvVarOrFlag(t *testing.T) {
	f, _ := Load(filepath.Join(t.TempDir(), "config.yaml"))
	env := envOf(map[string]string{"NOVITA_API_KEY": "sk_live_abc\r", "NOVITA_TUNNEL": "bogus", "NOVITA_NGROK_URL": "http://x.ngrok.app"})

	_, src, err := f.ResolveChecked(env, "api_key", "", false)
	want := `api_key from NOVITA_API_KEY ends with a carriage return (\r), as a line saved on Windows does`
	if src != SourceEnv || err == nil || err.Error() != want || clierr.Code(err) != 2 {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	if strings.Contains(err.Error(), "sk_live") {
		t.Fatal("the key is quoted")
	}

	_, _, err = f.ResolveChecked(env, "tunnel", "", false)
	want = `tunnel "bogus" from NOVITA_TUNNEL is not one of auto, ngrok, local, none`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}

	_, _, err = f.ResolveChecked(env, "ngrok_url", "", false)
	if err == nil || !strings.Contains(err.Error(), "NOVITA_NGROK_URL") || !strings.Contains(err.Error(), `"http://x.ngrok.app"`) {
		t.Fatalf("ngrok_url: %v", err)
	}

	_, src, err = f.ResolveChecked(env, "api_key", "sk live", true)
	if src != SourceFlag || err == nil || err.Error() != "api_key given on the command line contains whitespace (character 3)" {
		t.Fatalf("flag: %v", err)
	}

	// Good values from every source, and defaults, pass.
	good := envOf(map[string]string{"NOVITA_API_KEY": "sk_live_abc", "NOVITA_TUNNEL": "Local"})
	for _, key := range []string{"api_key", "tunnel", "base_url", "preview", "output", "ngrok_url"} {
		if _, _, err := f.ResolveChecked(good, key, "", false); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
}

func TestRemoveReportsWhetherTheKeyWasSet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	mustWrite(t, path, "tunnel: local\nold_setting: 1\n", 0o600)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if removed, err := f.Remove("api_key"); removed || err != nil {
		t.Fatalf("remove of an unset key: %v, %v; want false, nil", removed, err)
	}
	if removed, err := f.Remove("tunnel"); !removed || err != nil {
		t.Fatalf("remove of a set key: %v, %v; want true, nil", removed, err)
	}
	if removed, err := f.Remove("tunnel"); removed || err != nil {
		t.Fatalf("second remove: %v, %v; want false, nil", removed, err)
	}
	// A key this version does not know can be cleaned up when the file has it...
	if removed, err := f.Remove("old_setting"); !removed || err != nil {
		t.Fatalf("remove of a leftover key: %v, %v", removed, err)
	}
	assertFile(t, path, "")
	// ...and is a usage error otherwise.
	if _, err := f.Remove("colour"); clierr.Code(err) != 2 || !strings.Contains(err.Error(), "known keys: api_key") {
		t.Fatalf("unknown key: %v", err)
	}
}

func TestDisplayRedactsSecretsUnlessRevealed(t *testing.T) {
	k, _ := LookupKey("api_key")
	if got := k.Display("sk_live_abc", false); strings.Contains(got, "sk_live") || got == "" {
		t.Fatalf("redacted display %q", got)
	}
	if got := k.Display("sk_live_abc", true); got != "sk_live_abc" {
		t.Fatalf("revealed display %q", got)
	}
	b, _ := LookupKey("base_url")
	if got := b.Display("https://x.example", false); got != "https://x.example" {
		t.Fatalf("non-secret display %q", got)
	}
}

func TestOriginNamesWhereAValueCameFrom(t *testing.T) {
	f := &File{Path: "/h/.config/novita/config.yaml"}
	for src, want := range map[Source]string{SourceFlag: "--api-key", SourceEnv: "NOVITA_API_KEY",
		SourceFile: "/h/.config/novita/config.yaml", SourceDefault: "the default"} {
		if got := f.Origin("api_key", src); got != want {
			t.Fatalf("%s: %q, want %q", src, got, want)
		}
	}
}

func TestEveryKeyHasAFlagAndAValidExample(t *testing.T) {
	for _, k := range Keys() {
		if k.Flag == "" || k.Help == "" {
			t.Fatalf("%s lacks a flag or help", k.Name)
		}
		if !k.Secret {
			if err := Validate(k.Name, k.Example); err != nil {
				t.Fatalf("%s: its example is invalid: %v", k.Name, err)
			}
		}
		if k.Default != "" {
			if err := Validate(k.Name, k.Default); err != nil {
				t.Fatalf("%s: its default is invalid: %v", k.Name, err)
			}
		}
	}
}
