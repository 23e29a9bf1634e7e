package acceptance

import (
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// rerun finds its task id with submit's scanner: spaced global flags before it keep their values.
func TestRerunAfterSpacedGlobalFlags(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{})
	c := newCLI(t)
	c.env["NOVITA_API_KEY"] = sb.APIKey()
	r := c.run("--base-url", sb.URL(), "submit", "txt2img", "--prompt", "a cat")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	r = c.run("--base-url", sb.URL(), "--output", "x.png", "rerun", id, "--seed", "7", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, `"seed": 7`) {
		t.Fatalf("rerun after spaced global flags: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
}
