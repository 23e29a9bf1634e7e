package acceptance

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// One task id for two batch lines: the second line is reported as such, the first keeps its task,
// and no later resume tells the user to submit line 2 again (paying twice).
func TestBatchSharedTaskIDNeverAdvisesResubmit(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t)
	api.taskIDs = []string{"same-task"}
	c := newCLI(t)
	api.use(c)
	os.WriteFile(filepath.Join(c.dir, "p.txt"), []byte("a cat\na dog\n"), 0o644)
	r := c.run("submit", "txt2img", "--batch", "p.txt", "--concurrency", "1", "--tunnel", "none")
	if r.code == 0 || !strings.Contains(r.stderr, "one task for two lines") {
		t.Fatalf("exit %d; want a failure naming the shared task id\n%s", r.code, r.stderr)
	}
	m := regexp.MustCompile(`batch (b-[0-9a-f]+)`).FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no batch id in:\n%s", r.stderr)
	}
	w := c.run("wait", "--batch", m[1], "--no-download")
	if strings.Contains(w.stderr, "submit them again") || strings.Contains(w.stderr, "never submitted") {
		t.Fatalf("wait --batch advises submitting a line that was answered:\n%s", w.stderr)
	}
	if w.code != 0 {
		t.Fatalf("wait --batch: exit %d\n%s", w.code, w.stderr)
	}
	tasks := c.run("tasks", "--batch", m[1], "--json")
	if !strings.Contains(tasks.stdout, `"line":1`) && !strings.Contains(tasks.stdout, `"line": 1`) {
		t.Errorf("the first line lost its task: %s", tasks.stdout)
	}
}

// A multi-line error (the invalid lines of a batch) prints as lines, not as one line with literal \n.
func TestMultiLineErrorsKeepTheirLines(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	os.WriteFile(filepath.Join(c.dir, "bad.txt"), []byte("{\"steps\": \"many\"}\n{\"width\": -5}\n"), 0o644)
	r := c.run("--sandbox", "submit", "txt2img", "--batch", "bad.txt")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	onOwnLine := func(n string) bool {
		return regexp.MustCompile(`(?m)^(error: )?\s+line ` + n + `:`).MatchString(r.stderr)
	}
	if strings.Contains(r.stderr, `\n`) || !onOwnLine("1") || !onOwnLine("2") {
		t.Fatalf("the invalid lines should each be on a line of their own:\n%s", r.stderr)
	}
}
