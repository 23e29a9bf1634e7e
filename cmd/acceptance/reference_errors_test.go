package acceptance

import (
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

// The reasons of the reference's error page come with a hint that says what to do.
func TestDocumentedErrorReasonsHaveHints(t *testing.T) {
	t.Parallel()
	for reason, hint := range map[string]string{
		"INVALID_IMAGE_SIZE":    "resize it",
		"BILLING_FAILED":        "on Novita's side; try again in a few minutes",
		"NEED_REAL_NAME_VERIFY": "complete the enterprise verification in the Novita console",
	} {
		sb := startSandbox(t, sandbox.Options{SubmitError: reason})
		c := newCLI(t)
		c.useSandbox(sb)
		r := c.run("submit", "txt2img", "--prompt", "a fox")
		if r.code != 1 || !strings.Contains(r.stderr, reason) || !strings.Contains(r.stderr, hint) {
			t.Errorf("%s: exit %d\n%s", reason, r.code, r.stderr)
		}
	}
}
