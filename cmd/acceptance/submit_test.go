package acceptance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/journal/journaltest"
	"github.com/novita-cli/novita/pkg/sandbox"
)

type doc struct {
	TaskID      string          `json:"task_id"`
	TaskType    string          `json:"task_type"`
	Status      string          `json:"status"`
	Reason      string          `json:"reason"`
	DeliveredBy string          `json:"delivered_by"`
	Result      json.RawMessage `json:"result"`
	Files       []struct {
		Kind   string `json:"kind"`
		Index  int    `json:"index"`
		URL    string `json:"url"`
		Path   string `json:"path"`
		Bytes  int64  `json:"bytes"`
		SHA256 string `json:"sha256"`
	} `json:"files"`
}

func decodeDoc(t *testing.T, s string) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, s)
	}
	return d
}

func TestSandboxSubmitWaitWritesARealPNG(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.webhookOnly()
	r := c.run("--sandbox", "submit", "txt2img", "--prompt", "a lighthouse at dusk", "--width", "256", "--height", "192", "--wait")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
	}
	lines := r.lines()
	if len(lines) != 1 || !strings.HasSuffix(lines[0], ".png") {
		t.Fatalf("stdout should be the one downloaded path, got %q", r.stdout)
	}
	img, format, err := image.Decode(bytes.NewReader(c.mustExist(lines[0])))
	if err != nil || format != "png" {
		t.Fatalf("downloaded file is not a PNG: %v %s", err, format)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 192 {
		t.Fatalf("image is %dx%d, asked for 256x192", b.Dx(), b.Dy())
	}
	if !strings.Contains(r.stderr, "via webhook") {
		t.Errorf("the sandbox is on loopback, so the result should come via webhook; stderr:\n%s", r.stderr)
	}
	if got := leftovers(t, c.dir); len(got) > 0 {
		t.Errorf("temporary files left: %v", got)
	}
}

func TestSubmitWaitJSONIsByteExactAndJournaled(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	c.webhookOnly()
	r := c.run("--json", "submit", "txt2img", "--prompt", "a fox", "-n", "2", "--width", "128", "--height", "128", "--image-type", "jpeg", "--wait")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
	}
	d := decodeDoc(t, r.stdout)
	if d.DeliveredBy != "webhook" || d.Status != "TASK_STATUS_SUCCEED" || d.TaskType != "TXT_TO_IMG" || len(d.Files) != 2 {
		t.Fatalf("unexpected document: %+v", d)
	}
	for _, f := range d.Files {
		b := c.mustExist(f.Path)
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
			t.Errorf("%s: recorded sha256/bytes do not match the file", f.Path)
		}
		want, err := sb.OutputSHA256(f.URL)
		if err != nil || want != f.SHA256 {
			t.Errorf("%s: not byte-exact with what the sandbox served (%v)", f.Path, err)
		}
		if !strings.HasSuffix(f.Path, ".jpg") && !strings.HasSuffix(f.Path, ".jpeg") {
			t.Errorf("jpeg output saved as %s", f.Path)
		}
	}
	if !json.Valid(d.Result) || !bytes.Contains(d.Result, []byte(d.TaskID)) {
		t.Errorf("result should be the task result as received")
	}
	entries, err := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	if err != nil || len(entries) != 1 {
		t.Fatalf("journal: %v %+v", err, entries)
	}
	if e := entries[0]; e.ID != d.TaskID || e.Status != "TASK_STATUS_SUCCEED" || len(e.Files) != 2 || e.Name != "txt2img" {
		t.Errorf("journal entry incomplete: %+v", e)
	}
}

func TestDroppedWebhookFallsBackToPolling(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.deps.SandboxOptions.WebhookDrop = true
	r := c.run("--sandbox", "--json", "submit", "txt2img", "--prompt", "a fox", "--width", "128", "--height", "128", "--wait")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
	}
	if d := decodeDoc(t, r.stdout); d.DeliveredBy != "poll" {
		t.Fatalf("delivered_by = %q, want poll", d.DeliveredBy)
	}
}

func TestFailedTaskExits3WithReason(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("--sandbox", "submit", "txt2img", "--prompt", "please [fail]", "--wait")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\nstderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "failure requested by prompt") {
		t.Errorf("reason not printed: %s", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("nothing should be on stdout: %q", r.stdout)
	}
}

func TestTimeoutExits5WithResumeHint(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	// A sandbox that outlives the command, as the real API does (an in-process --sandbox is gone
	// after the command, so no resume advice is given then: see hardening_test.go).
	c.useSandbox(startSandbox(t, sandbox.Options{TaskDuration: time.Minute}))
	r := c.run("submit", "txt2img", "--prompt", "slow", "--wait", "--timeout", "300ms")
	if r.code != 5 {
		t.Fatalf("exit %d, want 5\nstderr: %s", r.code, r.stderr)
	}
	entries, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	if len(entries) != 1 || !strings.Contains(r.stderr, "novita wait "+entries[0].ID) {
		t.Fatalf("stderr should name the task and the resume command:\n%s", r.stderr)
	}
}

func TestInterruptExits130WithResumeHint(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: time.Minute})
	c.useSandbox(sb)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // interrupt the wait once the task exists, however slow the submit was
		defer cancel()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if es, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"]); len(es) > 0 {
				return
			}
		}
	}()
	r := c.runCtx(ctx, "submit", "txt2img", "--prompt", "slow", "--wait")
	if r.code != 130 {
		t.Fatalf("exit %d, want 130\nstderr: %s", r.code, r.stderr)
	}
	entries, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	if len(entries) != 1 || !strings.Contains(r.stderr, "novita wait "+entries[0].ID) {
		t.Fatalf("the paid task must be journaled and the resume command printed:\n%s", r.stderr)
	}
}

func TestWaitLastResumesAJournaledTask(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "resume me", "--width", "128", "--height", "128")
	if r.code != 0 || len(r.lines()) != 1 {
		t.Fatalf("submit: exit %d stdout %q stderr %s", r.code, r.stdout, r.stderr)
	}
	id := r.lines()[0]
	w := c.run("wait", "--last", "-o", "out/{task}-{index}.{ext}")
	if w.code != 0 {
		t.Fatalf("wait --last: exit %d\n%s", w.code, w.stderr)
	}
	if got := strings.TrimSpace(w.stdout); got != c.abs(filepath.Join("out", "txt2img-1.png")) {
		t.Fatalf("wait --last printed %q", got)
	}
	c.mustExist("out/txt2img-1.png")
	res := c.run("result", id)
	if res.code != 0 || !strings.Contains(res.stdout, "SUCCEED") {
		t.Fatalf("result: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestBadTemplateFailsBeforeSubmitting(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "x", "--wait", "-o", "{task_id}/{colour}.{ext}")
	if r.code != 2 || !strings.Contains(r.stderr, "colour") {
		t.Fatalf("exit %d, want 2 naming the placeholder\n%s", r.code, r.stderr)
	}
	if n := len(sb.Requests()); n != 0 {
		t.Fatalf("%d requests reached the API; a bad template must fail before paying for a task", n)
	}
}

func TestMissingAndWrongKeysExit4WithoutLeakingTheKey(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.env["NOVITA_BASE_URL"] = sb.URL()
	r := c.run("submit", "txt2img", "--prompt", "x")
	if r.code != 4 || !strings.Contains(r.stderr, "set NOVITA_API_KEY or run: novita config set api_key") {
		t.Fatalf("missing key: exit %d\n%s", r.code, r.stderr)
	}
	const secret = "sk_wrong_secret_value_1234"
	c.env["NOVITA_API_KEY"] = secret
	r = c.run("--debug", "submit", "txt2img", "--prompt", "x")
	if r.code != 4 || !strings.Contains(r.stderr, "INVALID_API_KEY") {
		t.Fatalf("wrong key: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Fatalf("the API key leaked into the output")
	}
	if !strings.Contains(r.stderr, "Authorization: [REDACTED]") {
		t.Errorf("--debug should trace the request with the key redacted:\n%s", r.stderr)
	}
	r = c.run("--json", "submit", "txt2img", "--prompt", "x")
	var e struct {
		Error struct {
			Reason     string `json:"reason"`
			HTTPStatus int    `json:"http_status"`
		} `json:"error"`
	}
	if r.code != 4 || json.Unmarshal([]byte(r.stdout), &e) != nil || e.Error.Reason != "INVALID_API_KEY" || e.Error.HTTPStatus != 403 {
		t.Fatalf("--json error document: exit %d %q", r.code, r.stdout)
	}
}

func TestDryRunPrintsTheSampleBody(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("submit", "txt2img", "--prompt", "a lighthouse on a cliff at dusk, oil painting",
		"--negative-prompt", "blurry, low quality", "--image-type", "jpeg", "--dry-run", "--webhook-url", "https://your-webhook-endpoint-url")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	sample, err := os.ReadFile(filepath.Join(repoRoot, "pkg", "body", "testdata", "request-txt2img.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("dry run stdout is not JSON: %v", err)
	}
	json.Unmarshal(sample, &want)
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Fatalf("dry run body differs from the sample:\n got %s\nwant %s", g, w)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{
		{"submit"},
		{"submit", "txt2img", "--prompt", "x", "--bogus"},
		{"submit", "txt2img", "--prompt", "x", "--width", "4000", "--dry-run"},
		{"submit", "txt2speech", "--prompt", "x", "--dry-run"},
		{"submit", "txt2img", "--data", "{bad json", "--dry-run"},
		{"frobnicate"},
		{"submit", "txt2img", "--prompt", "x", "--tunnel", "carrier-pigeon", "--wait", "--sandbox"},
		{"test-event", "--status", "MAYBE", "--sandbox"},
	} {
		r := c.run(args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: stack trace in output", args)
		}
	}
}

// Issue 12: the first command of the product brief, with Novita's own name for the task.
func TestTxt2imageWaitWorksAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, name := range []string{"txt2image", "Txt2Img"} {
		r := c.run("--sandbox", "submit", name, "--prompt", "x", "--width", "128", "--height", "128", "--wait")
		if r.code != 0 || len(r.lines()) != 1 || !strings.HasSuffix(r.lines()[0], ".png") {
			t.Fatalf("submit %s --wait: exit %d, stdout %q\n%s", name, r.code, r.stdout, r.stderr)
		}
		c.mustExist(r.lines()[0])
		if !strings.Contains(r.stderr, "submitted txt2img task") {
			t.Errorf("submit %s should say it submitted txt2img:\n%s", name, r.stderr)
		}
	}
}

// A typo in the task name is answered with the close names before any key check or request: with no
// key set, the user hears the suggestion, not "no API key".
func TestTypoGetsASuggestionBeforeTheKeyCheck(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.env["NOVITA_BASE_URL"] = sb.URL() // and no key
	r := c.run("submit", "txt2imgg", "--prompt", "a cat")
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean txt2img?") || strings.Contains(r.stderr, "API key") {
		t.Errorf("typo with a typed flag: exit %d\n%s", r.code, r.stderr)
	}
	r = c.run("submit", "txt2imgg")
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean txt2img?") || !strings.Contains(r.stderr, "--data") {
		t.Errorf("typo without a body: exit %d\n%s", r.code, r.stderr)
	}
	// With a body the name is posted as given, but the suggestion still comes first.
	r = c.run("submit", "txt2imgg", "--data", `{"prompt": "a cat"}`)
	hint, key := strings.Index(r.stderr, "did you mean txt2img?"), strings.Index(r.stderr, "no API key")
	if r.code != 4 || hint < 0 || key < 0 || hint > key {
		t.Errorf("typo with --data and no key: exit %d, the suggestion should come before the key check\n%s", r.code, r.stderr)
	}
	if n := len(sb.Requests()); n != 0 {
		t.Errorf("%d requests reached the API", n)
	}
}

// A name the catalog does not know is posted under /v3/async/ with the body from --data and --set;
// without a body it is a usage error naming --data, found before anything is sent.
func TestUnknownEndpointTakesItsBodyFromData(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	r := c.run("submit", "some-new-endpoint")
	if r.code != 2 || !strings.Contains(r.stderr, "--data") {
		t.Errorf("no body: exit %d\n%s", r.code, r.stderr)
	}
	r = c.run("submit", "some-new-endpoint", "--data", `{"prompt": "a cat"}`, "--set", "seed=7", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stderr, "/v3/async/some-new-endpoint") ||
		canonical(t, json.RawMessage(r.stdout)) != `{"prompt":"a cat","seed":7}` {
		t.Errorf("dry run: exit %d, stdout %s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := len(sb.Requests()); n != 0 {
		t.Errorf("%d requests reached the API", n)
	}
	c.run("submit", "some-new-endpoint", "--data", `{"prompt": "a cat"}`)
	reqs := sb.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/v3/async/some-new-endpoint" {
		t.Errorf("requests %+v, want one POST /v3/async/some-new-endpoint", reqs)
	}
}

// A synchronous endpoint runs at once: its outputs are written through -o, journalled, and --json
// prints the document with delivered_by "sync". It is never posted under /v3/async/.
func TestSyncEndpointWritesFilesThroughTheTemplateAndTheJournal(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	img := filepath.Join(repoRoot, "pkg", "body", "testdata", "pixel.png")
	r := c.run("--json", "submit", "remove-background", "--image", img, "-o", "cut/{task}-{index}.{ext}", "--wait")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	d := decodeDoc(t, r.stdout)
	if d.DeliveredBy != "sync" || d.Status != "TASK_STATUS_SUCCEED" || len(d.Files) != 1 ||
		d.Files[0].Path != c.abs(filepath.Join("cut", "remove-background-1.png")) {
		t.Fatalf("document %+v", d)
	}
	data := c.mustExist(d.Files[0].Path)
	sum := sha256.Sum256(data)
	if _, format, err := image.Decode(bytes.NewReader(data)); err != nil || format != "png" || hex.EncodeToString(sum[:]) != d.Files[0].SHA256 {
		t.Errorf("%s is not the PNG the document describes: %v", d.Files[0].Path, err)
	}
	entries, err := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	if err != nil || len(entries) != 1 {
		t.Fatalf("journal: %v %+v", err, entries)
	}
	if e := entries[0]; e.ID != d.TaskID || e.Name != "remove-background" || e.Status != "TASK_STATUS_SUCCEED" || len(e.Files) != 1 {
		t.Errorf("journal entry %+v", e)
	}
	if !strings.Contains(r.stderr, "journalled as "+d.TaskID) {
		t.Errorf("stderr should say the answer had no task id and what id was journalled:\n%s", r.stderr)
	}
	// Without --json, stdout is the path; the request went to the endpoint's own path.
	r = c.run("submit", "rembg", "--image", img, "-o", "plain.{ext}")
	if r.code != 0 || strings.TrimSpace(r.stdout) != c.abs("plain.png") {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	for _, req := range sb.Requests() {
		if req.Method == "POST" && req.Path != "/v3/remove-background" {
			t.Errorf("POST %s: a synchronous endpoint is posted at its own path only", req.Path)
		}
	}
	// --webhook-url cannot apply: nothing would call it.
	if r := c.run("submit", "remove-background", "--image", img, "--webhook-url", "https://example.com/h"); r.code != 2 {
		t.Errorf("--webhook-url on a synchronous task: exit %d\n%s", r.code, r.stderr)
	}
}

// A batch of a synchronous task makes one call per line and prints each line's document.
func TestSyncBatchRunsEveryLine(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	file := writeBatchFile(t, c, "prompts.txt", []string{"a fox", "a cat", `{"prompt": "a dog", "seed": 3}`})
	r := c.run("--json", "submit", "flux-1-schnell", "--batch", file, "-o", "out/{line}-{index}.{ext}", "--concurrency", "2")
	if r.code != 0 || len(r.lines()) != 3 {
		t.Fatalf("exit %d, %d lines\n%s%s", r.code, len(r.lines()), r.stdout, r.stderr)
	}
	lines := map[int]bool{}
	for _, l := range r.lines() {
		var d batchDoc
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.Status != "TASK_STATUS_SUCCEED" || d.DeliveredBy != "sync" || len(d.Files) != 1 {
			t.Fatalf("line document %q: %v", l, err)
		}
		c.mustExist(d.Files[0].Path)
		lines[d.Line] = true
	}
	if len(lines) != 3 {
		t.Errorf("lines %v, want 1, 2 and 3", lines)
	}
}

// Flags may come before the task name, and a common flag there still reaches the task.
func TestFlagsBeforeTheTaskName(t *testing.T) {
	t.Parallel()
	r := newCLI(t).run("submit", "--dry-run", "-o", "x.png", "txt2img", "--prompt", "a cat", "--steps", "7")
	if r.code != 0 || !strings.Contains(r.stdout, `"steps": 7`) {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
