package acceptance

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/sandbox"
)

func TestConfigSetGetListPathAndPrecedence(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	path := filepath.Join(c.dir, "config", "novita", "config.yaml")
	if r := c.run("config", "path"); strings.TrimSpace(r.stdout) != path {
		t.Fatalf("config path: %q", r.stdout)
	}
	// Piped value (not a terminal): read from stdin.
	ios, in, _, errOut := iostreams.Test()
	in.WriteString(sb.APIKey() + "\n")
	d := c.deps
	d.IO = ios
	d.Getenv = func(k string) string { return c.env[k] }
	if code := cmd.Run(context.Background(), []string{"config", "set", "api_key"}, &d); code != 0 {
		t.Fatalf("config set api_key from stdin: exit %d %s", code, errOut)
	}
	if r := c.run("config", "set", "base_url", sb.URL()); r.code != 0 {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode: %v %v", err, info)
	}
	r := c.run("config", "list")
	if !regexp.MustCompile(`(?m)^base_url +`+regexp.QuoteMeta(sb.URL())+` +file`).MatchString(r.stdout) || strings.Contains(r.stdout, sb.APIKey()) ||
		!regexp.MustCompile(`(?m)^api_key +\*+ \(set\) +file`).MatchString(r.stdout) {
		t.Fatalf("list must show settings with secrets redacted:\n%s", r.stdout)
	}
	// The configured key and URL are used: a submit works with no env at all.
	if r := c.run("submit", "txt2img", "--prompt", "from config"); r.code != 0 || len(r.lines()) != 1 {
		t.Fatalf("submit with config: %d %s", r.code, r.stderr)
	}
	// env beats the file, a flag beats env.
	c.env["NOVITA_API_KEY"] = "sk_env_wrong"
	if r := c.run("submit", "txt2img", "--prompt", "x"); r.code != 4 {
		t.Fatalf("env key should win over the file: exit %d", r.code)
	}
	if r := c.run("--api-key", sb.APIKey(), "submit", "txt2img", "--prompt", "x"); r.code != 0 {
		t.Fatalf("flag key should win over env: exit %d %s", r.code, r.stderr)
	}
	if r := c.run("config", "unset", "base_url"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := c.run("config", "get", "base_url"); r.code != 1 {
		t.Fatalf("get of an unset key: exit %d", r.code)
	}
	if r := c.run("config", "set", "colour", "blue"); r.code != 2 || !strings.Contains(r.stderr, "api_key") {
		t.Fatalf("unknown key: %d %s", r.code, r.stderr)
	}
}

func TestConfigSetPromptsWithoutEchoOnATerminal(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	ios, _, out, errOut := iostreams.Test()
	ios.InTTY = true
	prompted := false
	ios.ReadSecret = func() (string, error) { prompted = true; return "sk_typed_secret", nil }
	d := c.deps
	d.IO = ios
	d.Getenv = func(k string) string { return c.env[k] }
	if code := cmd.Run(context.Background(), []string{"config", "set", "api_key"}, &d); code != 0 || !prompted {
		t.Fatalf("exit %d prompted %v: %s", code, prompted, errOut)
	}
	if strings.Contains(out.String()+errOut.String(), "sk_typed_secret") {
		t.Fatal("the typed secret was echoed")
	}
	b, _ := os.ReadFile(filepath.Join(c.dir, "config", "novita", "config.yaml"))
	if !strings.Contains(string(b), "sk_typed_secret") {
		t.Fatal("the typed key was not saved")
	}
}

func TestTasksListsTheJournalNewestFirst(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	var ids []string
	for i := 0; i < 3; i++ {
		r := c.run("submit", "txt2img", "--prompt", "x")
		ids = append(ids, strings.TrimSpace(r.stdout))
	}
	r := c.run("tasks", "--limit", "2")
	lines := r.lines()
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], ids[2]) || !strings.HasPrefix(lines[2], ids[1]) {
		t.Fatalf("tasks:\n%s", r.stdout)
	}
	r = c.run("--json", "tasks")
	if r.code != 0 || strings.Count(r.stdout, `"task_id"`) != 3 {
		t.Fatalf("tasks --json:\n%s", r.stdout)
	}
}

// Issue 13, items 9 and 12: secrets stay hidden unless asked for, and unset says what it did.
func TestConfigGetRedactsSecretsUnlessRevealAndUnsetSaysWhatItDid(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if r := c.run("config", "set", "api_key", "sk_test_1234567890"); r.code != 0 {
		t.Fatalf("set: exit %d\n%s", r.code, r.stderr)
	}
	r := c.run("config", "get", "api_key") // stdout is not a terminal here, as in a pipe
	if r.code != 0 || strings.Contains(r.stdout, "sk_test_1234567890") {
		t.Fatalf("get without --reveal must not print the key: exit %d %q", r.code, r.stdout)
	}
	if r := c.run("config", "get", "api_key", "--reveal"); strings.TrimSpace(r.stdout) != "sk_test_1234567890" {
		t.Fatalf("get --reveal: %q", r.stdout)
	}
	if r := c.run("config", "unset", "ngrok_authtoken"); r.code != 0 || !strings.Contains(r.stderr, "was not set") || strings.Contains(r.stderr, "removed") {
		t.Fatalf("unset of an unset key: exit %d\n%s", r.code, r.stderr)
	}
	if r := c.run("config", "unset", "api_key"); r.code != 0 || !strings.Contains(r.stderr, "removed api_key") {
		t.Fatalf("unset: exit %d\n%s", r.code, r.stderr)
	}
	for _, kv := range [][]string{{"tunnel", "bogus"}, {"base_url", "notaurl"}, {"output", "{nope}"}} {
		if r := c.run("config", "set", kv[0], kv[1]); r.code != 2 || !strings.Contains(r.stderr, kv[0]) {
			t.Fatalf("set %s %s: exit %d\n%s", kv[0], kv[1], r.code, r.stderr)
		}
	}
}

// Issue 13, item 9: a bad value written into the file by hand is named, with the file, when used.
func TestBadConfigValueNamesTheFile(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := filepath.Join(c.dir, "config", "novita", "config.yaml")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("# mine\ntunnel: bogus\n"), 0o600)
	r := c.run("--sandbox", "submit", "txt2img", "--prompt", "x", "--wait")
	if r.code != 2 || !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, "tunnel") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

// Issue 13, item 6: every config action writes one JSON document with --json.
func TestConfigActionsWriteOneJSONDocument(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{
		{"--json", "config", "set", "tunnel", "local"},
		{"--json", "config", "get", "tunnel"},
		{"--json", "config", "path"},
		{"--json", "config", "list"},
		{"--json", "config", "unset", "tunnel"},
		{"--json", "config", "unset", "tunnel"},
	} {
		r := c.run(args...)
		var doc map[string]any
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil {
			t.Fatalf("%v: exit %d, stdout is not one JSON document: %q", args, r.code, r.stdout)
		}
	}
	r := c.run("--json", "config", "get", "tunnel")
	if r.code != 1 || !strings.Contains(r.stdout, `"exit_code": 1`) {
		t.Fatalf("get of an unset key: exit %d %q", r.code, r.stdout)
	}
}
