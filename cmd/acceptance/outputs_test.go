package acceptance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/journal/journaltest"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// End-to-end checks of where outputs go (issue 13, items 2, 3, 4, 8 and the interrupted download of
// item 12), for the commands that save outputs of tasks submitted earlier: wait and result.

// submitOnly submits a task without waiting and returns its id.
func submitOnly(t *testing.T, c *cli, args ...string) string {
	t.Helper()
	r := c.run(append([]string{"submit"}, args...)...)
	if r.code != 0 || len(r.lines()) != 1 {
		t.Fatalf("submit: exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	return r.lines()[0]
}

// requestsTo counts the requests the sandbox answered whose path starts with prefix.
func requestsTo(sb *sandbox.Server, prefix string) int {
	n := 0
	for _, r := range sb.Requests() {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

const resultPath, outputsPath = "/v3/async/task-result", "/outputs/"

// Item 4: after submit --wait -o t0.png, wait --last exited 1 "already exists" though t0.png had the
// recorded sha256. Every way back to that task reports it as already downloaded, fetching nothing.
func TestWaitAndResultOfWhatIsAlreadyOnDisk(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a fox", "--width", "128", "--height", "128", "--wait", "-o", "t0.png")
	if r.code != 0 || strings.TrimSpace(r.stdout) != c.abs("t0.png") {
		t.Fatalf("submit --wait: exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	orig := c.mustExist("t0.png")
	entries, _ := journaltest.Tasks(c.env["NOVITA_STATE_DIR"])
	id := entries[0].ID
	fetched := requestsTo(sb, outputsPath)
	for _, args := range [][]string{{"wait", "--last"}, {"wait", id}, {"result", id, "--download"}, {"get", id, "--download", "-o", "t0.png"}} {
		w := c.run(args...)
		if w.code != 0 || strings.TrimSpace(w.stdout) != c.abs("t0.png") || !strings.Contains(w.stderr, "already downloaded "+c.abs("t0.png")) {
			t.Errorf("%v: exit %d stdout %q\n%s", args, w.code, w.stdout, w.stderr)
		}
	}
	if n := requestsTo(sb, outputsPath); n != fetched {
		t.Errorf("%d output downloads for files already on disk", n-fetched)
	}
	// A file changed since still needs --overwrite, found before waiting (exit 2), and then restored.
	os.WriteFile(filepath.Join(c.dir, "t0.png"), []byte("edited"), 0o644)
	w := c.run("wait", "--last")
	if w.code != 2 || !strings.Contains(w.stderr, "t0.png already exists") || !strings.Contains(w.stderr, "--overwrite") {
		t.Errorf("changed file: exit %d\n%s", w.code, w.stderr)
	}
	if w := c.run("wait", "--last", "--overwrite"); w.code != 0 || !bytes.Equal(c.mustExist("t0.png"), orig) {
		t.Errorf("--overwrite: exit %d\n%s", w.code, w.stderr)
	}
}

// Item 2: a fixed -o for several tasks kept one file. wait A B and wait --batch refuse it (exit 2)
// before waiting, naming the fix.
func TestSeveralTasksUnderOneNameAreRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: 100 * time.Millisecond})
	c.useSandbox(sb)
	a := submitOnly(t, c, "txt2img", "--prompt", "one", "--width", "128", "--height", "128")
	b := submitOnly(t, c, "txt2img", "--prompt", "two", "--width", "128", "--height", "128")
	file := writeBatchFile(t, c, "b.txt", []string{"red", "green", "blue"})
	r := c.run("submit", "txt2img", "--width", "128", "--height", "128", "--batch", file)
	if r.code != 0 {
		t.Fatalf("submit --batch: exit %d\n%s", r.code, r.stderr)
	}
	batch := batchIDOf(t, r.stderr)
	reads := requestsTo(sb, resultPath)

	w := c.run("wait", a, b, "-o", "out.png", "--overwrite")
	if w.code != 2 || !strings.Contains(w.stderr, c.abs("out.png")+`"`) || !strings.Contains(w.stderr, "{task_id}") {
		t.Errorf("wait A B -o out.png: exit %d\n%s", w.code, w.stderr)
	}
	w = c.run("wait", "--batch", batch, "-o", "out.png", "--overwrite")
	if w.code != 2 || !strings.Contains(w.stderr, c.abs("out.png")+`"`) || !strings.Contains(w.stderr, "{line}") {
		t.Errorf("wait --batch -o out.png: exit %d\n%s", w.code, w.stderr)
	}
	if n := requestsTo(sb, resultPath); n != reads {
		t.Errorf("%d task-result reads before the refusal", n-reads)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "out.png")); err == nil {
		t.Error("out.png was written")
	}
	if w := c.run("wait", "--batch", batch, "-o", "tiles/{line}.{ext}"); w.code != 0 || len(w.lines()) != 3 {
		t.Errorf("wait --batch -o tiles/{line}.{ext}: exit %d stdout %q\n%s", w.code, w.stdout, w.stderr)
	}
	if w := c.run("wait", a, b, "-o", "{task_id}.png"); w.code != 0 || len(w.lines()) != 2 {
		t.Errorf("wait A B -o {task_id}.png: exit %d stdout %q\n%s", w.code, w.stdout, w.stderr)
	}
}

// Item 3: output problems are found before any waiting or result read (exit 2, naming path and fix).
func TestOutputProblemsAreFoundBeforeWaiting(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: 100 * time.Millisecond})
	c.useSandbox(sb)
	id := submitOnly(t, c, "txt2img", "--prompt", "p", "--width", "128", "--height", "128")
	os.WriteFile(filepath.Join(c.dir, "notes.txt"), []byte("a file"), 0o644)
	os.WriteFile(filepath.Join(c.dir, "taken.png"), []byte("mine"), 0o644)
	cases := []struct {
		args     []string
		mentions []string
	}{
		{[]string{"wait", id, "-o", "notes.txt/out.png"}, []string{"notes.txt is a file", "-o"}},
		{[]string{"result", id, "--download", "-o", "taken.png"}, []string{"taken.png already exists", "--overwrite"}},
		{[]string{"wait", id, "-o", strings.Repeat("x", 300) + "/{index}.{ext}"}, []string{"more than the 255", "shorter -o"}},
	}
	if runtime.GOOS == "linux" {
		cases = append(cases, struct {
			args     []string
			mentions []string
		}{[]string{"result", id, "--download", "-o", "/sys/novita-out/{index}.{ext}"}, []string{"cannot write in /sys", "-o"}})
	}
	reads := requestsTo(sb, resultPath)
	for _, tc := range cases {
		r := c.run(tc.args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", tc.args, r.code, r.stderr)
		}
		for _, m := range tc.mentions {
			if !strings.Contains(r.stderr, m) {
				t.Errorf("%v: stderr does not mention %q:\n%s", tc.args, m, r.stderr)
			}
		}
	}
	if n := requestsTo(sb, resultPath); n != reads {
		t.Errorf("%d task-result reads before the refusals", n-reads)
	}
	if b, _ := os.ReadFile(filepath.Join(c.dir, "taken.png")); string(b) != "mine" {
		t.Error("taken.png was replaced")
	}
}

// Item 8: -o /dev/null created /dev/null.png and -o - wrote -.png. A device is written in place (a FIFO:
// outputs_unix_test.go); -o - puts the one output, and nothing else, on stdout.
func TestSpecialOutputTargets(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{TaskDuration: 100 * time.Millisecond})
	c.useSandbox(sb)
	id := submitOnly(t, c, "txt2img", "--prompt", "p", "--width", "128", "--height", "128")
	two := submitOnly(t, c, "txt2img", "--prompt", "p", "-n", "2", "--width", "128", "--height", "128")
	if r := c.run("wait", id, two, "--no-download"); r.code != 0 {
		t.Fatalf("wait: exit %d\n%s", r.code, r.stderr)
	}
	if r := c.run("result", id, "--download", "-o", "ref.png"); r.code != 0 {
		t.Fatalf("result --download: exit %d\n%s", r.code, r.stderr)
	}
	want := c.mustExist("ref.png")

	if r := c.run("result", id, "--download", "-o", "/dev/null"); r.code != 0 || strings.TrimSpace(r.stdout) != "/dev/null" {
		t.Errorf("-o /dev/null: exit %d stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Lstat("/dev/null.png"); err == nil {
		os.Remove("/dev/null.png")
		t.Error("-o /dev/null created /dev/null.png")
	}

	r := c.run("result", id, "--download", "-o", "-")
	if r.code != 0 || r.stdout != string(want) || !strings.Contains(r.stderr, "to standard output") {
		t.Errorf("-o -: exit %d, %d bytes on stdout (want the %d of the PNG)\n%s", r.code, len(r.stdout), len(want), r.stderr)
	}
	if r := c.run("--json", "result", id, "--download", "-o", "-"); r.code != 2 || !strings.Contains(r.stdout+r.stderr, "--json") {
		t.Errorf("--json -o -: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := c.run("result", two, "--download", "-o", "-"); r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "2 outputs") {
		t.Errorf("-o - with 2 outputs: exit %d stdout %d bytes\n%s", r.code, len(r.stdout), r.stderr)
	}

	if l := leftovers(t, c.dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	for _, junk := range []string{"-.png", "-"} {
		if _, err := os.Lstat(filepath.Join(c.dir, junk)); err == nil {
			t.Errorf("%s was created", junk)
		}
	}
}

// Item 12: an interrupted download discarded its partial file and said "context canceled". It keeps
// it beside the target, says what happened, and result --download resumes it with Range.
func TestInterruptedDownloadResumesWithRange(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	const size = 2 << 20
	sb := startSandbox(t, sandbox.Options{TaskDuration: 100 * time.Millisecond, VideoPadBytes: size, DownloadBytesPerSec: 1 << 20})
	c.useSandbox(sb)
	id := submitOnly(t, c, "txt2video", "--prompt", "a long river")
	if r := c.run("wait", id, "--no-download"); r.code != 0 {
		t.Fatalf("wait: exit %d\n%s", r.code, r.stderr)
	}
	part := filepath.Join(c.dir, id, ".video-1.mp4.part")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // stop once a good part of the file has arrived
		for ctx.Err() == nil {
			if fi, err := os.Stat(part); err == nil && fi.Size() >= 256<<10 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	r := c.runCtx(ctx, "wait", id)
	if r.code != 130 {
		t.Fatalf("interrupted wait: exit %d, want 130\n%s", r.code, r.stderr)
	}
	fi, err := os.Stat(part)
	if err != nil || fi.Size() == 0 || fi.Size() >= size {
		t.Fatalf("partial file after the interruption: %v", err)
	}
	for _, want := range []string{"download of " + c.abs(filepath.Join(id, "video-1.mp4")) + " interrupted after", "of 2097152 bytes", "novita result " + id + " --download"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "context canceled") {
		t.Errorf("stderr has the raw context error:\n%s", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(c.dir, id, "video-1.mp4")); err == nil {
		t.Fatal("the partial download carries the final name")
	}

	opts := sb.Options()
	opts.DownloadBytesPerSec = 0
	sb.SetOptions(opts)
	res := c.run("result", id, "--download")
	if res.code != 0 || strings.TrimSpace(res.stdout) != c.abs(filepath.Join(id, "video-1.mp4")) {
		t.Fatalf("result --download: exit %d stdout %q\n%s", res.code, res.stdout, res.stderr)
	}
	var last sandbox.Request
	for _, q := range sb.Requests() {
		if strings.HasPrefix(q.Path, outputsPath) {
			last = q
		}
	}
	if want := "bytes=" + strconv.FormatInt(fi.Size(), 10) + "-"; last.Header.Get("Range") != want {
		t.Errorf("the resume asked Range %q, want %q", last.Header.Get("Range"), want)
	}
	b := c.mustExist(filepath.Join(id, "video-1.mp4"))
	sum := sha256.Sum256(b)
	served, err := sb.OutputSHA256(sb.URL() + last.Path + "?" + last.Query.Encode())
	if err != nil || hex.EncodeToString(sum[:]) != served || len(b) != size {
		t.Errorf("resumed file: %d bytes, sha256 %x; the sandbox served %s (%v)", len(b), sum, served, err)
	}
	if l := leftovers(t, c.dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}
