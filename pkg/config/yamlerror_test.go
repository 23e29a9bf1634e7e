package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

// A broken config file is reported by file and line, never with its content: the broken line may
// hold an API key, and error output ends up in CI logs and bug reports.
func TestBrokenYAMLIsReportedWithoutItsContent(t *testing.T) {
	const secret = "sk_live_9f8e7d6c5b4a"
	cases := []struct {
		name, text, want string
	}{
		{"unclosed flow sequence", "tunnel: auto\napi_key: [" + secret + "\n", "line 2"},
		{"unclosed quote", "tunnel: auto\napi_key: \"" + secret + "\n", "line 2"},
		{"a key pasted alone", secret + "\n", "line 1"},
		{"a key pasted as a list item", "- " + secret + "\n", "line 1"},
		{"a key pasted mid-line", "api_key: " + secret + " tunnel: auto\n", "line 1"},
		{"alias named like a key", "tunnel: auto\nbase_url: *" + secret + "\n", "line 2"},
		{"key defined twice", "api_key: " + secret + "\nAPI_KEY: " + secret + "x\n", "line 2"},
		{"value against its tag", "tunnel: auto\napi_key: !!int " + secret + "\n", "line 2"},
		{"bad base64", "api_key: !!binary " + secret + "\n", "line 1"},
		{"a list for a setting", "api_key:\n  - " + secret + "\n", "line 2"},
		{"a second document", "tunnel: auto\n---\napi_key: " + secret + "\n", "line 2"},
		{"tab indentation", "extra:\n\t" + secret + ": 1\n", "line 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			mustWrite(t, path, c.text, 0o600)
			_, err := Load(path)
			if err == nil {
				t.Fatal("loaded a broken file")
			}
			msg := err.Error()
			if strings.Contains(msg, "sk_") || strings.Contains(msg, secret[3:9]) {
				t.Fatalf("error quotes the file's content: %s", msg)
			}
			if clierr.Code(err) != 2 || !strings.Contains(msg, "config file "+path) ||
				!strings.Contains(msg, c.want) || !strings.Contains(msg, "fix it or remove it") {
				t.Fatalf("want exit 2 naming %s at %s with the fix, got %d: %s", path, c.want, clierr.Code(err), msg)
			}
		})
	}
}

func TestYAMLSyntaxMessageKeepsTheLibrarysFixedWording(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	mustWrite(t, path, "tunnel: auto\nbase_url: [https://x\n", 0o600)
	_, err := Load(path)
	want := "config file " + path + " is not valid YAML at line 2: did not find expected ',' or ']'; fix it or remove it"
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}
