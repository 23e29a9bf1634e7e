package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

// A value that would fail later, after a task is paid for, is refused when it is saved: exit 2,
// naming the key, the value and what is accepted, and the file is not touched.
func TestSetRejectsBadValuesNamingKeyValueAndWhatIsAccepted(t *testing.T) {
	cases := []struct{ key, value, accepted string }{
		{"tunnel", "bogus", "auto, ngrok, local, none"},
		{"tunnel", "ngrok,local", "auto, ngrok, local, none"},
		{"preview", "sixels", "auto, off, kitty, iterm, sixel"},
		{"base_url", "notaurl", "http:// or https:// URL with a host"},
		{"base_url", "api.novita.ai", "http:// or https:// URL with a host"},
		{"base_url", "ftp://api.novita.ai", "http:// or https:// URL with a host"},
		{"base_url", "https://", "http:// or https:// URL with a host"},
		{"base_url", "https://:443/x", "http:// or https:// URL with a host"},
		{"public_url", "/hooks", "http:// or https:// URL with a host"},
		{"public_url", "https://a b.example", "http:// or https:// URL with a host"},
		{"ngrok_url", "http://you.ngrok.app", "https:// URL or a bare domain"},
		{"ngrok_url", "tcp://1.tcp.ngrok.io:20000", "https:// URL or a bare domain"},
		{"ngrok_url", "https://you.ngrok.app/path", "https:// URL or a bare domain"},
		{"ngrok_url", "you", "https:// URL or a bare domain"},
		{"ngrok_url", "you_.ngrok.app", "https:// URL or a bare domain"},
		{"output", "{nope}", "valid placeholders"},
		{"output", "out/{task_id", "valid placeholders"},
		{"output", "out/", "add a file name"},
	}
	for _, c := range cases {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			mustWrite(t, path, "# mine\n", 0o600)
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			err = f.Set(c.key, c.value)
			if err == nil {
				t.Fatalf("set %s %q was accepted", c.key, c.value)
			}
			msg := err.Error()
			if clierr.Code(err) != 2 || !strings.HasPrefix(msg, c.key+" ") || !strings.Contains(msg, c.value) ||
				!strings.Contains(msg, c.accepted) || !hasExample(err) {
				t.Fatalf("want exit 2 naming %s, %q, %q and an example; got %d: %s", c.key, c.value, c.accepted, clierr.Code(err), msg)
			}
			assertFile(t, path, "# mine\n")
		})
	}
}

func TestSetAcceptsGoodValues(t *testing.T) {
	cases := []struct{ key, value, stored string }{
		{"tunnel", "auto", "auto"}, {"tunnel", "ngrok", "ngrok"}, {"tunnel", "local", "local"},
		{"tunnel", " None\n", "none"},
		{"preview", "off", "off"}, {"preview", "kitty", "kitty"}, {"preview", "iterm", "iterm"}, {"preview", "sixel", "sixel"},
		{"preview", "auto", "auto"},
		{"base_url", "https://api.novita.ai", "https://api.novita.ai"},
		{"base_url", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/"},
		{"public_url", "https://hooks.example.com/novita", "https://hooks.example.com/novita"},
		{"ngrok_url", "https://you.ngrok.app", "https://you.ngrok.app"},
		{"ngrok_url", "https://you.ngrok.app/", "https://you.ngrok.app/"},
		{"ngrok_url", "you.ngrok-free.app", "you.ngrok-free.app"},
		{"output", "out/{task_id}-{index}.{ext}", "out/{task_id}-{index}.{ext}"},
		{"output", "{task_id}/{kind}-{index}.{ext}", "{task_id}/{kind}-{index}.{ext}"},
		{"api_key", "sk_live_abc123\r\n", "sk_live_abc123"},
		{"ngrok_authtoken", "  2abcDEF_ghi  ", "2abcDEF_ghi"},
	}
	for _, c := range cases {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			f, _ := Load(path)
			if err := f.Set(c.key, c.value); err != nil {
				t.Fatal(err)
			}
			g, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := g.Get(c.key); v != c.stored {
				t.Fatalf("stored %q, want %q", v, c.stored)
			}
		})
	}
}

// A key or token with whitespace or a control character inside is refused, and the message never
// quotes it.
func TestSetRejectsSecretsWithControlCharactersOrSpaces(t *testing.T) {
	const secret = "sk_live_4f3e2d1c"
	cases := []struct{ value, want string }{
		{secret[:8] + "\r" + secret[8:], "control character (U+000D, character 9)"},
		{secret[:8] + "\x1b[2J" + secret[8:], "control character (U+001B, character 9)"},
		{secret[:8] + " " + secret[8:], "whitespace (character 9)"},
		{secret[:8] + "\u00a0" + secret[8:], "whitespace (character 9)"},
		{secret[:8] + "é" + secret[8:], "not printable ASCII (character 9)"},
	}
	for _, key := range []string{"api_key", "ngrok_authtoken"} {
		for _, c := range cases {
			path := filepath.Join(t.TempDir(), "config.yaml")
			f, _ := Load(path)
			err := f.Set(key, c.value)
			if err == nil {
				t.Fatalf("%s %q accepted", key, c.value)
			}
			msg := err.Error()
			if strings.Contains(msg, secret[:8]) || strings.Contains(msg, secret[8:]) {
				t.Fatalf("error quotes the secret: %s", msg)
			}
			if clierr.Code(err) != 2 || !strings.HasPrefix(msg, key+" ") || !strings.Contains(msg, c.want) {
				t.Fatalf("want exit 2 naming %s and %q, got %d: %s", key, c.want, clierr.Code(err), msg)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatal("the rejected value was written")
			}
		}
	}
}

// hasExample reports whether a refusal to save has an example of a good value for its fix to show.
func hasExample(err error) bool {
	var se *SettingError
	return errors.As(err, &se) && se.Saving() && (se.Key.Example != "" || strings.Contains(se.Problem, "e.g. "))
}
