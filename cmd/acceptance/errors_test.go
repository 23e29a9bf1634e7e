package acceptance

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/sandbox"
)

func TestUnknownTaskSaysHowToFindTheRightID(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	r := c.run("result", "0b6e3f2a-0000-0000-0000-000000000000")
	if r.code != 1 || !strings.Contains(r.stderr, "TASK_NOT_FOUND") || !strings.Contains(r.stderr, "novita tasks") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestUnknownCommandIsAUsageErrorWithSuggestion(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("sumbit", "txt2img")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown command "sumbit"`) || !strings.Contains(r.stderr, "submit") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = c.run("config", "bogus")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown command "bogus"`) {
		t.Fatalf("config bogus: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestJSONErrorDocumentEvenBeforeFlagsAreParsed(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"--json", "bogus"}, {"bogus", "--json"}, {"--json", "submit", "txt2img", "--bogus"}, {"submit", "txt2img", "--bogus", "--json"}} {
		r := c.run(args...)
		var doc struct {
			Error struct {
				ExitCode int    `json:"exit_code"`
				Reason   string `json:"reason"`
				Message  string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%v: stdout is not one JSON document: %v\n%q", args, err, r.stdout)
		}
		if r.code != 2 || doc.Error.ExitCode != 2 || doc.Error.Reason != "USAGE" || doc.Error.Message == "" {
			t.Fatalf("%v: exit %d, doc %+v", args, r.code, doc.Error)
		}
	}
}
