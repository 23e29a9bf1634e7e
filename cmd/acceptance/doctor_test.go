package acceptance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

type doctorDoc struct {
	OK     bool `json:"ok"`
	Failed int  `json:"failed"`
	Checks []struct {
		Name, Status, Detail, Fix string
	} `json:"checks"`
}

func (d doctorDoc) check(t *testing.T, name string) (status, detail, fix string) {
	t.Helper()
	for _, c := range d.Checks {
		if c.Name == name {
			return c.Status, c.Detail, c.Fix
		}
	}
	t.Fatalf("no %q check in %+v", name, d.Checks)
	return
}

func runDoctor(t *testing.T, c *cli) (doctorDoc, result) {
	t.Helper()
	r := c.run("--json", "doctor")
	var d doctorDoc
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("doctor --json is not one document: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return d, r
}

// A healthy setup: every check passes against the sandbox and the fake ngrok edge, with the
// completion installed where bash loads it.
func TestDoctorPassesOnAHealthySetup(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{})
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	c.useEdge(edge)
	c.env["SHELL"] = "/bin/bash"
	comp := filepath.Join(c.dir, ".local", "share", "bash-completion", "completions", "novita")
	if err := os.MkdirAll(filepath.Dir(comp), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(comp, []byte("# completion"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := c.run("submit", "txt2img", "--prompt", "a journal entry"); r.code != 0 { // a journal to check
		t.Fatalf("submit: %d %s", r.code, r.stderr)
	}
	d, r := runDoctor(t, c)
	if r.code != 0 || !d.OK || d.Failed != 0 {
		t.Fatalf("exit %d: %+v\n%s", r.code, d, r.stderr)
	}
	for name, want := range map[string]string{"base URL": "answers", "API key": "accepted", "ngrok tunnel": "a tunnel opened at",
		"state directory": "writable", "journal": "1 task", "output directory": "writable", "completion": comp} {
		if status, detail, _ := d.check(t, name); status != "pass" || !strings.Contains(detail, want) {
			t.Errorf("%s: %s %q, want pass with %q", name, status, detail, want)
		}
	}
	if interval, _ := edge.LastHeartbeat(); interval != testHeartbeat {
		t.Errorf("doctor's tunnel beats every %s, not the %s the command line was given", interval, testHeartbeat)
	}
	if status, _, _ := d.check(t, "terminal preview"); status != "skip" {
		t.Errorf("terminal preview off a terminal: %s", status)
	}
	text := c.run("doctor")
	if text.code != 0 || !strings.Contains(text.stdout, "pass  API key") || strings.Contains(text.stdout+text.stderr, ngrokToken) {
		t.Errorf("text: exit %d\n%s", text.code, text.stdout)
	}
}

// Each broken piece fails its own line with the fix, and doctor exits 1; secrets never show.
func TestDoctorNamesWhatIsBrokenAndTheFix(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{RejectAuth: true})
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.env["NOVITA_BASE_URL"], c.env["NOVITA_API_KEY"] = sb.URL(), "sk_wrong_key_123456"
	c.useEdge(edge)
	c.env["SHELL"] = "/bin/bash"
	state := filepath.Join(c.dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "novita.db"), []byte("this is not a database, it is a text file of 64 bytes....."), 0o600); err != nil {
		t.Fatal(err)
	}
	d, r := runDoctor(t, c)
	if r.code != 1 || d.OK {
		t.Fatalf("exit %d: %+v", r.code, d)
	}
	for name, want := range map[string]string{"API key": "config set api_key", "ngrok tunnel": "config set ngrok_authtoken",
		"journal": "mv "} {
		status, detail, fix := d.check(t, name)
		if status != "fail" || !strings.Contains(fix, want) {
			t.Errorf("%s: %s %q fix %q, want a failure whose fix says %q", name, status, detail, fix, want)
		}
	}
	// completion is optional: said with its fix, never a failure
	if status, _, fix := d.check(t, "completion"); status != "skip" || !strings.Contains(fix, "novita completion bash") {
		t.Errorf("completion: %s fix %q, want a skip whose fix says how to install it", status, fix)
	}
	if status, _, _ := d.check(t, "base URL"); status != "pass" {
		t.Errorf("base URL: %s", status)
	}
	if strings.Contains(r.stdout+r.stderr, ngrokToken) || strings.Contains(r.stdout+r.stderr, "sk_wrong_key_123456") {
		t.Errorf("a secret reached the output:\n%s\n%s", r.stdout, r.stderr)
	}
	delete(c.env, "NOVITA_API_KEY")
	d, _ = runDoctor(t, c)
	if status, detail, _ := d.check(t, "API key"); status != "fail" || !strings.Contains(detail, "no API key") {
		t.Errorf("no key: %s %q", status, detail)
	}
}
