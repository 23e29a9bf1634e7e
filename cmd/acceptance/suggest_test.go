package acceptance

import (
	"strings"
	"testing"
)

// A mistyped flag gets the one flag it most likely meant, not the list of every flag.
func TestMistypedFlagGetsOneSuggestion(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"submit", "txt2img", "--promt", "a cat"}, "did you mean --prompt?"},
		{[]string{"tasks", "--pendng"}, "did you mean --pending?"},
		{[]string{"--jsn", "tasks"}, "did you mean --json?"},
		{[]string{"result", "x", "--downlod"}, "did you mean --download?"},
	} {
		r := c.run(tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr:\n%s", tc.args, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "--negative-prompt") || strings.Contains(r.stderr, "--guidance-scale") {
			t.Errorf("%v: lists every flag:\n%s", tc.args, r.stderr)
		}
	}
	r := c.run("tasks", "--zzzzzz")
	if r.code != 2 || strings.Contains(r.stderr, "did you mean") || !strings.Contains(r.stderr, "novita tasks --help") {
		t.Errorf("nothing close: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// `result` without an id says what to pass, not cobra's "accepts 1 arg(s), received 0".
func TestResultWithoutIDSaysWhatToPass(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{{"result"}, {"tasks", "show"}, {"rerun"}} {
		r := c.run(args...)
		if r.code != 2 || !strings.Contains(r.stderr, "needs a task id") || !strings.Contains(r.stderr, "<task-id>") ||
			!strings.Contains(r.stderr, "novita tasks") || strings.Contains(r.stderr, "accepts 1 arg") {
			t.Errorf("%v: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
}

// A command given the wrong number of arguments says what to pass (its usage line, and the values it
// takes), not only cobra's "accepts 1 arg(s), received 0".
func TestMissingArgumentsNameWhatToPass(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"config", "get"}, "novita config get <key>"},
		{[]string{"config", "unset"}, "novita config unset <key>"},
		{[]string{"tasks", "rm"}, "novita tasks rm <task-id|prefix|file>..."},
		{[]string{"completion"}, "novita completion bash|zsh|fish|powershell"},
		{[]string{"completion", "tcsh"}, "novita completion bash|zsh|fish|powershell"},
	} {
		r := c.run(tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q in:\n%s", tc.args, r.code, tc.want, r.stderr)
		}
	}
}
