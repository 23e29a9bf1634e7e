package acceptance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/journal/journaltest"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// batchDoc is a batch line's --json document; its error has the shape of the top-level error
// document (issue 13, item 6: it used to be a string).
type batchDoc struct {
	doc
	Line    int       `json:"line"`
	BatchID string    `json:"batch_id"`
	Error   *errorObj `json:"error"`
}

type errorObj struct {
	ExitCode   int    `json:"exit_code"`
	HTTPStatus int    `json:"http_status"`
	Reason     string `json:"reason"`
	Message    string `json:"message"`
	Hint       string `json:"hint"`
	TaskID     string `json:"task_id"`
	BatchID    string `json:"batch_id"`
}

func (e *errorObj) String() string {
	if e == nil {
		return "no error"
	}
	return e.Message
}

func writeBatchFile(t *testing.T, c *cli, name string, lines []string) string {
	t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var batchIDRe = regexp.MustCompile(`batch (b-[0-9a-f]+)`)

func batchIDOf(t *testing.T, stderr string) string {
	t.Helper()
	m := batchIDRe.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no batch id on stderr:\n%s", stderr)
	}
	return m[1]
}

func batchEntries(t *testing.T, c *cli, id string) []journal.Task {
	t.Helper()
	all, err := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	var out []journal.Task
	for _, e := range all {
		if e.BatchID == id {
			out = append(out, e)
		}
	}
	return out
}

func submitsOK(sb *sandbox.Server) (ok, limited int) {
	for _, r := range sb.Requests() {
		if r.Method == "POST" && r.Path == "/v3/async/txt2img" {
			switch r.Status {
			case 200:
				ok++
			case 429:
				limited++
			}
		}
	}
	return ok, limited
}

// TestBatch200TasksThroughOneTunnel runs a bad day: failures, 429 bursts, dropped and duplicated
// webhooks. Every line must come out exactly once, each task submitted exactly once, files byte-exact.
func TestBatch200TasksThroughOneTunnel(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{FailRate: 0.1, Seed: 42, Submit429First: 4, Submit429Rate: 0.01,
		RetryAfter: 50 * time.Millisecond, WebhookDropRate: 0.3, WebhookDuplicate: true,
		TaskDuration: 200 * time.Millisecond, WebhookRetryBackoff: 20 * time.Millisecond})
	c.useSandbox(sb)
	const n = 200
	lines := make([]string, n)
	for i := range lines {
		if i%2 == 0 {
			lines[i] = fmt.Sprintf("a lighthouse, variation %d", i+1)
		} else {
			lines[i] = fmt.Sprintf(`{"prompt": "a fox, variation %d", "seed": %d}`, i+1, i+1)
		}
	}
	file := writeBatchFile(t, c, "prompts.txt", lines)
	r := c.run("--json", "submit", "txt2img", "--width", "128", "--height", "128", "--batch", file,
		"--concurrency", "16", "--wait", "-o", "out/{line}-{index}.{ext}")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (some tasks fail)\nstderr: %s", r.code, r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	docs := map[int]batchDoc{}
	failed := 0
	for _, l := range r.lines() {
		var d batchDoc
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("stdout line is not JSON: %v\n%s", err, l)
		}
		if _, dup := docs[d.Line]; dup {
			t.Fatalf("line %d reported twice", d.Line)
		}
		docs[d.Line] = d
		switch d.Status {
		case "TASK_STATUS_FAILED":
			failed++
		case "TASK_STATUS_SUCCEED":
			if len(d.Files) != 1 {
				t.Errorf("line %d: %d files", d.Line, len(d.Files))
			}
			for _, f := range d.Files {
				want, err := sb.OutputSHA256(f.URL)
				sum := sha256.Sum256(c.mustExist(f.Path))
				if err != nil || want != f.SHA256 || hex.EncodeToString(sum[:]) != want {
					t.Errorf("line %d: %s is not byte-exact (%v)", d.Line, f.Path, err)
				}
				if cfg, _, err := image.DecodeConfig(bytes.NewReader(c.mustExist(f.Path))); err != nil || cfg.Width != 128 || cfg.Height != 128 {
					t.Errorf("line %d: %s is not a 128x128 image (%v): the flags must reach every line", d.Line, f.Path, err)
				}
				if f.Path != c.abs(filepath.Join("out", fmt.Sprintf("%d-1.png", d.Line))) {
					t.Errorf("line %d saved as %s", d.Line, f.Path)
				}
			}
		default:
			t.Errorf("line %d: status %q (%s)", d.Line, d.Status, d.Error)
		}
	}
	for i := 1; i <= n; i++ {
		if _, ok := docs[i]; !ok {
			t.Errorf("line %d missing from the NDJSON", i)
		}
	}
	if len(docs) != n || failed == 0 || failed > n/4 {
		t.Fatalf("%d documents, %d failed", len(docs), failed)
	}
	entries := batchEntries(t, c, id)
	if len(entries) != n {
		t.Fatalf("journal has %d entries for %s, want %d", len(entries), id, n)
	}
	seen := map[int]bool{}
	for _, e := range entries {
		d := docs[e.Line]
		if seen[e.Line] || d.TaskID != e.ID || d.Status != e.Status {
			t.Errorf("journal line %d (%s %s) disagrees with stdout (%s %s)", e.Line, e.ID, e.Status, d.TaskID, d.Status)
		}
		seen[e.Line] = true
	}
	ok, limited := submitsOK(sb)
	if ok != n || limited == 0 {
		t.Errorf("%d submits answered 200 (want %d: none lost, none twice), %d answered 429", ok, n, limited)
	}
	reads := 0
	for _, req := range sb.Requests() {
		if req.Path == "/v3/async/task-result" {
			reads++
		}
	}
	if per := float64(reads) / n; per > 3 {
		t.Errorf("%.2f task-result reads per task; the shared poller should need far fewer", per)
	}
	if !strings.Contains(r.stderr, "rate limited (429): pausing all submits and reads") {
		t.Errorf("the shared back-off should say so once per burst:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "LINE  TASK ID") || !strings.Contains(r.stderr, "succeeded") {
		t.Errorf("no summary table on stderr:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "succeeded lines not listed") || strings.Count(r.stderr, " SUCCEED ") > 0 {
		t.Errorf("a 200-line summary should list only the lines that need attention:\n%s", r.stderr)
	}
}

// tilesFile writes a batch file of n prompts, "tile 1" to "tile n".
func tilesFile(t *testing.T, c *cli, n int) string {
	t.Helper()
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("tile %d", i+1)
	}
	return writeBatchFile(t, c, "tiles.txt", lines)
}

// interruptAtFirst429 is a context that a Ctrl-C ends as soon as the sandbox answers a submit with 429
// (its rate limit holds the rest of a batch back).
func interruptAtFirst429(sb *sandbox.Server) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			if _, limited := submitsOK(sb); limited > 0 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	return ctx
}

// TestBatchInterruptThenWaitBatchResumes stops a batch while the rate limit holds the second half back,
// then resumes the submitted half with wait --batch.
func TestBatchInterruptThenWaitBatchResumes(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	const n, limit = 40, 20
	sb := startSandbox(t, sandbox.Options{RateLimitPerMinute: limit, TaskDuration: time.Second})
	c.useSandbox(sb)
	file := tilesFile(t, c, n)
	ctx := interruptAtFirst429(sb)
	r := c.runCtx(ctx, "submit", "txt2img", "--width", "128", "--height", "128", "--batch", file, "--wait")
	if r.code != 130 {
		t.Fatalf("exit %d, want 130\nstderr: %s", r.code, r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	if !strings.Contains(r.stderr, "novita wait --batch "+id) || !strings.Contains(r.stderr, "were not submitted") {
		t.Fatalf("stderr should give the resume command and the lines never sent:\n%s", r.stderr)
	}
	entries := batchEntries(t, c, id)
	ok, _ := submitsOK(sb)
	if len(entries) != ok || ok != limit {
		t.Fatalf("%d tasks created, %d journalled; want %d", ok, len(entries), limit)
	}
	w := c.run("wait", "--batch", id, "-o", "tiles/{line}.{ext}")
	if w.code != 0 {
		t.Fatalf("wait --batch: exit %d\n%s", w.code, w.stderr)
	}
	// On a busy machine the first tasks may finish and be saved before the interrupt: between them,
	// the two commands print every path once.
	if got := len(r.lines()) + len(w.lines()); got != limit {
		t.Errorf("the batch and wait --batch printed %d paths, want %d:\n%s%s", got, limit, r.stdout, w.stdout)
	}
	lineSeen := map[int]bool{}
	for _, e := range batchEntries(t, c, id) {
		if lineSeen[e.Line] {
			t.Errorf("line %d submitted twice", e.Line)
		}
		lineSeen[e.Line] = true
		if e.Status != "TASK_STATUS_SUCCEED" || len(e.Files) != 1 {
			t.Errorf("line %d not final with its file after the resume: %+v", e.Line, e)
			continue
		}
		c.mustExist(e.Files[0].Path)
	}
	if ok2, _ := submitsOK(sb); ok2 != ok {
		t.Errorf("wait --batch submitted %d new tasks", ok2-ok)
	}
	again := c.run("wait", "--batch", id)
	if again.code != 0 || again.stdout != "" {
		t.Errorf("a finished batch has nothing left to do: exit %d stdout %q", again.code, again.stdout)
	}
}

func TestBatchInvalidLinesAbortBeforeAnySubmit(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	file := writeBatchFile(t, c, "mixed.txt", []string{
		"# prompts", "a cat", "{not json", "", `{"prompt": "a dog"}`, `{"width": 99999, "prompt": "huge"}`, "a bird",
	})
	r := c.run("submit", "txt2img", "--batch", file, "--wait")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"line 3:", "line 6:", "2 invalid lines", "--skip-invalid"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr should name %q:\n%s", want, r.stderr)
		}
	}
	if n := len(sb.Requests()); n != 0 {
		t.Fatalf("%d requests reached the API before the batch was rejected", n)
	}

	// --skip-invalid: the valid lines run; the invalid ones are warnings and do not change the exit code.
	r = c.run("--json", "submit", "txt2img", "--width", "128", "--height", "128", "--batch", file, "--skip-invalid", "--wait")
	if r.code != 0 {
		t.Fatalf("--skip-invalid: exit %d\n%s", r.code, r.stderr)
	}
	got := map[int]bool{}
	for _, l := range r.lines() {
		var d batchDoc
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.Status != "TASK_STATUS_SUCCEED" {
			t.Fatalf("bad document %q: %v", l, err)
		}
		got[d.Line] = true
	}
	if len(got) != 3 || !got[2] || !got[5] || !got[7] {
		t.Errorf("lines run: %v, want 2, 5 and 7", got)
	}
	if !strings.Contains(r.stderr, "warning: "+file+" line 3 skipped") || !strings.Contains(r.stderr, "line 6 skipped") {
		t.Errorf("skipped lines should be warned about:\n%s", r.stderr)
	}
}

func TestBatchWithoutWaitPrintsIDsInLineOrder(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	lines := make([]string, 12)
	for i := range lines {
		lines[i] = fmt.Sprintf("quick %d", i+1)
	}
	file := writeBatchFile(t, c, "q.txt", lines)
	r := c.run("submit", "txt2img", "--batch", file, "--concurrency", "5")
	if r.code != 0 || len(r.lines()) != len(lines) {
		t.Fatalf("exit %d, %d ids\n%s", r.code, len(r.lines()), r.stderr)
	}
	id := batchIDOf(t, r.stderr)
	byLine := map[int]string{}
	for _, e := range batchEntries(t, c, id) {
		byLine[e.Line] = e.ID
	}
	for i, got := range r.lines() {
		if byLine[i+1] != got {
			t.Errorf("stdout line %d is %s, but line %d's task is %s", i+1, got, i+1, byLine[i+1])
		}
	}
	r = c.run("--json", "submit", "txt2img", "--batch", file)
	if r.code != 0 || len(r.lines()) != len(lines) {
		t.Fatalf("--json: exit %d\n%s", r.code, r.stderr)
	}
	for _, l := range r.lines() {
		var d struct {
			Line   int    `json:"line"`
			TaskID string `json:"task_id"`
		}
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.Line < 1 || d.TaskID == "" {
			t.Errorf("bad NDJSON line %q", l)
		}
	}
	if w := c.run("wait", "--batch", "b-nosuchbatch"); w.code != 2 {
		t.Errorf("unknown batch: exit %d, want 2", w.code)
	}
}

// TestBatchLinesMergeOntoFlagsAndData checks how a line's body is built: typed flags, then --data, then
// the line (a JSON object deep-merged, or plain text as the prompt).
func TestBatchLinesMergeOntoFlagsAndData(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := writeBatchFile(t, c, "b.txt", []string{`{"steps": 5, "request": {"seed": 7}}`, "a cat on a mat"})
	r := c.run("submit", "txt2img", "--width", "256", "--prompt", "default prompt", "--data", `{"negative_prompt": "blurry", "steps": 30}`,
		"--batch", file, "--dry-run")
	if r.code != 0 || len(r.lines()) != 2 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var got [2]struct {
		Line int `json:"line"`
		Body struct {
			Request map[string]any `json:"request"`
		} `json:"body"`
	}
	for i, l := range r.lines() {
		if err := json.Unmarshal([]byte(l), &got[i]); err != nil {
			t.Fatal(err)
		}
	}
	a, b := got[0].Body.Request, got[1].Body.Request
	if got[0].Line != 1 || a["steps"] != 5.0 || a["seed"] != 7.0 || a["prompt"] != "default prompt" || a["negative_prompt"] != "blurry" || a["width"] != 256.0 {
		t.Errorf("JSON line body: %v", a)
	}
	if got[1].Line != 2 || b["prompt"] != "a cat on a mat" || b["steps"] != 30.0 || b["negative_prompt"] != "blurry" || b["width"] != 256.0 {
		t.Errorf("plain-text line body: %v", b)
	}
}

// A skipped line with several problems names each of them, in the warning and in the summary, on
// lines of their own or joined with "; ": never the literal "\n" the escaping of a joined error gives.
func TestBatchSkippedLineWithSeveralProblemsHasNoLiteralNewline(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	file := writeBatchFile(t, c, "two.txt", []string{"a cat", `{"request": {"steps": 500, "width": 5}}`})
	r := c.run("submit", "txt2img", "--width", "128", "--height", "128", "--batch", file, "--skip-invalid", "--wait",
		"-o", filepath.Join(c.dir, "o", "{line}-{index}.{ext}"))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, `\n`) {
		t.Errorf("stderr has a literal \\n:\n%s", r.stderr)
	}
	for _, want := range []string{"request.steps", "request.width"} {
		if strings.Count(r.stderr, want) < 2 {
			t.Errorf("the warning and the summary should both name %s:\n%s", want, r.stderr)
		}
	}
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "txt2img:") {
			t.Errorf("a problem line stands alone, without the warning's prefix: %q", l)
		}
	}
}
