package acceptance

import (
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// A bad preview setting is found before anything is paid for, whichever way it was given.
func TestBadPreviewSettingFailsBeforeSubmitting(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	if r := c.run("submit", "txt2img", "--prompt", "x", "--wait", "--preview", "bogus"); r.code != 2 {
		t.Fatalf("--preview bogus: exit %d\n%s", r.code, r.stderr)
	}
	c.env["NOVITA_PREVIEW"] = "sixels"
	r := c.run("submit", "txt2img", "--prompt", "x", "--wait")
	if r.code != 2 || !strings.Contains(r.stderr, "NOVITA_PREVIEW") {
		t.Fatalf("NOVITA_PREVIEW=sixels: exit %d\n%s", r.code, r.stderr)
	}
	if n := len(sb.Requests()); n != 0 {
		t.Fatalf("%d requests reached the API", n)
	}
	// Off a terminal nothing is drawn, and stdout carries only the path.
	delete(c.env, "NOVITA_PREVIEW")
	r = c.run("submit", "txt2img", "--prompt", "x", "--width", "128", "--height", "128", "--wait", "--preview", "kitty")
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, "\x1b_G") || len(r.lines()) != 1 {
		t.Fatalf("exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
}
