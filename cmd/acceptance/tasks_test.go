package acceptance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/novita-cli/novita/cmd/tasks"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// ndjson decodes `novita tasks --json`: one task per line.
func ndjson(t *testing.T, r result) []journal.Task {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("tasks --json: exit %d\n%s", r.code, r.stderr)
	}
	var out []journal.Task
	for _, line := range r.lines() {
		var task journal.Task
		if err := json.Unmarshal([]byte(line), &task); err != nil {
			t.Fatalf("line %q is not one JSON task: %v", line, err)
		}
		out = append(out, task)
	}
	return out
}

func ids(ts []journal.Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// submit submits one task (no wait) and returns its id.
func (c *cli) submit(args ...string) string {
	c.t.Helper()
	r := c.run(append([]string{"submit"}, args...)...)
	if r.code != 0 || len(r.lines()) != 1 {
		c.t.Fatalf("submit %v: exit %d stdout %q\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r.lines()[0]
}

// A journal with tasks of every kind, from the CLI against one sandbox: filters, search and the
// table all read it without loading it whole.
func TestTasksFiltersAndSearch(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	fox := c.submit("txt2img", "--prompt", "a red fox in the snow", "--width", "128", "--height", "128")
	glove := c.submit("txt2img", "--prompt", "foxglove flowers at dusk")
	speech := c.submit("txt2speech", "--text", "hello from the lighthouse")
	if r := c.run("submit", "txt2img", "--prompt", "doomed [fail]", "--wait"); r.code != 3 {
		t.Fatalf("a [fail] task: exit %d\n%s", r.code, r.stderr)
	}
	failed := ndjson(t, c.run("tasks", "--limit", "1", "--json"))[0].ID
	done := c.run("submit", "txt2img", "--prompt", "a calm sea", "--width", "128", "--height", "128", "--wait")
	if done.code != 0 {
		t.Fatalf("submit --wait: exit %d\n%s", done.code, done.stderr)
	}
	sea := ndjson(t, c.run("tasks", "--limit", "1", "--json"))[0].ID

	for _, tc := range []struct {
		args []string
		want []string // newest first
	}{
		{[]string{"--limit", "0"}, []string{sea, failed, speech, glove, fox}},
		{[]string{"fox"}, []string{fox}}, // a word, not a substring: foxglove is another word
		{[]string{"fox*"}, []string{glove, fox}},
		{[]string{"red", "snow"}, []string{fox}},
		{[]string{"lighthouse"}, []string{speech}},
		{[]string{"--status", "failed"}, []string{failed}},
		{[]string{"--status", "SUCCEED,TASK_STATUS_FAILED"}, []string{sea, failed}},
		{[]string{"--status", "queued", "--status", "Processing"}, []string{speech, glove, fox}},
		{[]string{"--pending"}, []string{speech, glove, fox}},
		{[]string{"--task", "txt2speech"}, []string{speech}},
		{[]string{"--task", "txt2image", "fox"}, []string{fox}}, // an alias means its catalog task
		{[]string{"--since", "1h"}, []string{sea, failed, speech, glove, fox}},
		{[]string{"--since", time.Now().Add(48 * time.Hour).Format("2006-01-02")}, nil},
		{[]string{"--limit", "2"}, []string{sea, failed}},
		{[]string{"nothing-like-this"}, nil},
	} {
		got := ids(ndjson(t, c.run(append([]string{"tasks", "--json"}, tc.args...)...)))
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("tasks %v: %v, want %v", tc.args, got, tc.want)
		}
	}

	// The clock moved on: --since counts back from now.
	later := *c
	later.deps.Clock = clock.NewFake(time.Now().Add(3 * time.Hour)) // no timer runs in tasks
	if got := ids(ndjson(t, later.run("tasks", "--json", "--since", "2h"))); len(got) != 0 {
		t.Errorf("--since 2h three hours later: %v", got)
	}

	// The table: newest first, short statuses, files saved and the prompt; more available is said.
	r := c.run("tasks", "--limit", "3")
	lines := r.lines()
	if r.code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "TASK ID") || !strings.Contains(lines[0], "PROMPT") {
		t.Fatalf("table: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for i, want := range [][]string{{sea, "txt2img", "SUCCEED", " 1 ", "a calm sea"}, {failed, "FAILED", "doomed [fail]"},
		{speech, "txt2speech", "QUEUED", "hello from the lighthouse"}} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("row %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
	if !strings.Contains(r.stderr, "--limit 0 shows all") {
		t.Errorf("no hint that more tasks exist: %q", r.stderr)
	}

	// Bad filters fail before reading anything, naming the fix.
	for _, bad := range [][]string{{"--status", "done"}, {"--since", "yesterday"}, {"--since", "-2d"}, {"--limit", "-1"},
		{"--db-path", "fox"}} {
		if r := c.run(append([]string{"tasks"}, bad...)...); r.code != 2 || !strings.Contains(r.stderr, bad[0]) {
			t.Errorf("tasks %v: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
}

// Text that came from the network or a user's prompt never reaches the terminal raw.
func TestTasksEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	id := c.submit("txt2img", "--prompt", "evil \x1b]0;pwned\x07\x1b[2J prompt")
	for _, args := range [][]string{{"tasks"}, {"tasks", "show", id}} {
		r := c.run(args...)
		if r.code != 0 || strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, "pwned") {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	if r := c.run("tasks"); !strings.Contains(r.stdout, `evil \x1b]0;pwned\x07\x1b[2J prompt`) {
		t.Errorf("the table does not show the escapes visibly: %q", r.stdout)
	}
	if got := ndjson(t, c.run("tasks", "--json")); got[0].Prompt != "evil \x1b]0;pwned\x07\x1b[2J prompt" {
		t.Errorf("JSON keeps the prompt as given (escaped by JSON itself): %q", got[0].Prompt)
	}
}

// tasks show: the request as sent with its large input elided, the status history with who said
// what, the seed the result reported, and files with whether they are on disk and their URLs valid.
func TestTasksShow(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	photo := filepath.Join(c.dir, "photo.png")
	if r := c.run("submit", "txt2img", "--prompt", "a source photo", "--width", "256", "--height", "256", "--wait", "-o", photo); r.code != 0 {
		t.Fatalf("submit: %d\n%s", r.code, r.stderr)
	}
	r := c.run("submit", "img2img", "--image", photo, "--prompt", "as a watercolour", "--width", "128", "--height", "128",
		"--wait", "-o", "out/{index}.{ext}")
	if r.code != 0 {
		t.Fatalf("img2img --wait: exit %d\n%s", r.code, r.stderr)
	}
	id := ndjson(t, c.run("tasks", "--limit", "1", "--json"))[0].ID

	var doc tasks.Document
	sr := c.run("tasks", "show", id, "--json")
	if sr.code != 0 || json.Unmarshal([]byte(sr.stdout), &doc) != nil {
		t.Fatalf("show --json: exit %d %q\n%s", sr.code, sr.stdout, sr.stderr)
	}
	if doc.ID != id || doc.Name != "img2img" || doc.Status != "TASK_STATUS_SUCCEED" || doc.TaskType == "" ||
		doc.Prompt != "as a watercolour" || doc.Seed == nil || *doc.Seed == -1 || doc.DeliveredBy == "" || doc.EndedAt.IsZero() {
		t.Errorf("task: %+v (the seed must be the one the result reported, not the request's -1)", doc.Task)
	}
	if len(doc.ElidedInputs) != 1 || doc.ElidedInputs[0].Path != "request.image_base64" || doc.ElidedInputs[0].Bytes == 0 {
		t.Errorf("elided inputs %+v, want the image", doc.ElidedInputs)
	}
	if strings.Contains(string(doc.Request), "iVBOR") || !strings.Contains(string(doc.Request), "as a watercolour") {
		t.Errorf("stored request %s: want the prompt kept and the base64 image out", doc.Request)
	}
	var sources []string
	for _, h := range doc.History {
		sources = append(sources, strings.TrimPrefix(h.Status, "TASK_STATUS_")+"/"+h.Source)
	}
	if len(sources) < 2 || sources[0] != "QUEUED/submit" || !strings.HasPrefix(sources[len(sources)-1], "SUCCEED/") ||
		strings.HasSuffix(sources[len(sources)-1], "/") {
		t.Errorf("history %v: want QUEUED from the submit first and SUCCEED with its source last", sources)
	}
	if len(doc.Files) != 1 || !doc.Files[0].Exists || doc.Files[0].URLExpired || doc.Files[0].URLExpiresAt.IsZero() ||
		doc.Files[0].Path != filepath.Join(c.dir, "out", "1.png") {
		t.Fatalf("files %+v: want the absolute path, on disk, URL valid", doc.Files)
	}

	human := c.run("tasks", "show", id)
	for _, want := range []string{"task id     " + id, "SUCCEED via", `"prompt": "as a watercolour"`, "$novita_elided",
		"not kept: request.image_base64", "QUEUED", "submit", filepath.Join(c.dir, "out", "1.png"), "(on disk", "URL expires in"} {
		if !strings.Contains(human.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, human.stdout)
		}
	}

	// Later: the file was deleted and the URL expired. Both are said.
	if err := os.Remove(filepath.Join(c.dir, "out", "1.png")); err != nil {
		t.Fatal(err)
	}
	later := *c
	later.deps.Clock = clock.NewFake(time.Now().Add(2 * time.Hour))
	sr = later.run("tasks", "show", id, "--json")
	doc = tasks.Document{}
	if json.Unmarshal([]byte(sr.stdout), &doc) != nil || len(doc.Files) != 1 || doc.Files[0].Exists || !doc.Files[0].URLExpired {
		t.Errorf("two hours later, file deleted: %s", sr.stdout)
	}
	human = later.run("tasks", "show", id)
	if !strings.Contains(human.stdout, "missing") || !strings.Contains(human.stdout, "URL expired") {
		t.Errorf("show after deletion and expiry:\n%s", human.stdout)
	}

	// Outputs not downloaded are listed as such, with their URL's expiry.
	nd := c.run("submit", "txt2img", "--prompt", "kept at the API", "--width", "128", "--height", "128", "--wait", "--no-download")
	if nd.code != 0 {
		t.Fatalf("--no-download: %d\n%s", nd.code, nd.stderr)
	}
	ndID := ndjson(t, c.run("tasks", "--limit", "1", "--json"))[0].ID
	if show := c.run("tasks", "show", ndID); !strings.Contains(show.stdout, "image 1  not downloaded  URL expires in") {
		t.Errorf("show of an undownloaded task:\n%s", show.stdout)
	}
	if table := c.run("tasks", "--limit", "1"); !strings.Contains(table.stdout, " 0/1 ") {
		t.Errorf("the table does not say 0 of 1 outputs saved:\n%s", table.stdout)
	}

	if r := c.run("tasks", "show", "no-such-task"); r.code != 2 || !strings.Contains(r.stderr, "not in the journal") {
		t.Errorf("show of an unknown id: exit %d %q", r.code, r.stderr)
	}
}

// tasks --db-path prints the database, created and migrated, so sqlite3 opens the journal itself.
func TestTasksDBPath(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("tasks", "--db-path")
	want := filepath.Join(c.env["NOVITA_STATE_DIR"], journal.DBName)
	if r.code != 0 || strings.TrimSpace(r.stdout) != want {
		t.Fatalf("--db-path: exit %d %q, want %q\n%s", r.code, r.stdout, want, r.stderr)
	}
	if info, err := os.Stat(want); err != nil || info.Size() == 0 {
		t.Fatalf("the database does not exist after --db-path: %v", err)
	}
	var doc map[string]string
	if r := c.run("tasks", "--db-path", "--json"); json.Unmarshal([]byte(r.stdout), &doc) != nil || doc["db_path"] != want {
		t.Errorf("--db-path --json: %q", r.stdout)
	}
	if r := c.run("tasks"); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "no tasks yet") {
		t.Errorf("an empty journal: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// writeV1Journal puts the first release's tasks.jsonl (the committed fixture) in the state directory.
func (c *cli) writeV1Journal(extra string) string {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "pkg", "journal", "testdata", "tasks-v1.jsonl"))
	if err != nil {
		c.t.Fatal(err)
	}
	dir := c.env["NOVITA_STATE_DIR"]
	if err := os.MkdirAll(dir, 0o700); err != nil {
		c.t.Fatal(err)
	}
	path := filepath.Join(dir, journal.JSONLName)
	if err := os.WriteFile(path, append(data, extra...), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path
}

// The tasks the previous release recorded are imported on first use, once, with their statuses,
// batches and files; the user is told once; the old file is kept beside the database.
func TestTasksImportsTheFirstReleasesJournal(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	old := c.writeV1Journal("")
	r := c.run("tasks", "--limit", "0", "--json")
	all := ndjson(t, r)
	if len(all) != 7 {
		t.Fatalf("%d tasks imported, want the fixture's 7: %v", len(all), ids(all))
	}
	if strings.Count(r.stderr, "imported 7 tasks") != 1 || !strings.Contains(r.stderr, "broken lines") {
		t.Errorf("the import is not told once, with its broken lines: %q", r.stderr)
	}
	if _, err := os.Stat(old + ".imported"); err != nil {
		t.Errorf("tasks.jsonl not kept as tasks.jsonl.imported: %v", err)
	}
	again := c.run("tasks", "--limit", "0", "--json")
	if len(ndjson(t, again)) != 7 || strings.Contains(again.stderr, "imported") {
		t.Errorf("second run: %d tasks, stderr %q", len(again.lines()), again.stderr)
	}
	batch := ids(ndjson(t, c.run("tasks", "--json", "--batch", "batch-20261120-093000")))
	if len(batch) != 3 {
		t.Errorf("batch members %v, want 3", batch)
	}
	failed := ndjson(t, c.run("tasks", "--json", "--status", "failed"))
	if len(failed) != 1 || failed[0].Reason != "NSFW content detected" {
		t.Errorf("failed tasks %+v", failed)
	}
	show := c.run("tasks", "show", "a1f0c6de-0001-4c1e-9b57-6d1c1e2f0001")
	for _, want := range []string{"SUCCEED", "shots/a1f0c6de-0001-4c1e-9b57-6d1c1e2f0001-2.png", "not recorded"} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("show of an imported task lacks %q:\n%s", want, show.stdout)
		}
	}
}

// Issue 13 item 5: a torn last line in the old tasks.jsonl, then a submit. Nothing is lost: the
// imported tasks and the new one are all listed, and wait --last finds the new one.
func TestTornJSONLThenSubmitLosesNothing(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	c.writeV1Journal(`{"task_id":"trunc`) // printf '{"task_id":"trunc' >> tasks.jsonl
	id := c.submit("txt2img", "--prompt", "after the crash", "--width", "128", "--height", "128")
	all := ndjson(t, c.run("tasks", "--limit", "0", "--json"))
	if len(all) != 8 || all[0].ID != id || all[0].Prompt != "after the crash" {
		t.Fatalf("after the import and a submit: %v, want the new task first and the 7 imported", ids(all))
	}
	r := c.run("wait", "--last", "-o", "last.{ext}")
	if r.code != 0 || strings.TrimSpace(r.stdout) != c.abs("last.png") || !strings.Contains(r.stderr, id) {
		t.Fatalf("wait --last: exit %d %q\n%s", r.code, r.stdout, r.stderr)
	}
	c.mustExist("last.png")
}

// Several CLI processes submitting at once against one API, on a state directory that still holds
// the old tasks.jsonl: every task is journalled, and exactly one process imports the old file.
func TestConcurrentSubmitProcessesAllJournalled(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	c.writeV1Journal("")
	const n = 6
	type proc struct {
		wait func() error
		out  fmt.Stringer
		err  fmt.Stringer
	}
	var procs []proc
	for i := range n {
		cmd, out, errOut := c.startCLIProcess(t, "submit", "txt2img", "--prompt", fmt.Sprintf("writer number %d", i))
		procs = append(procs, proc{cmd.Wait, out, errOut})
	}
	want := map[string]bool{}
	imports := 0
	for i, p := range procs {
		if err := p.wait(); err != nil {
			t.Fatalf("writer %d: %v\n%s", i, err, p.err)
		}
		want[strings.TrimSpace(p.out.String())] = true
		imports += strings.Count(p.err.String(), "imported 7 tasks")
	}
	if imports != 1 {
		t.Errorf("%d processes said they imported tasks.jsonl, want exactly 1", imports)
	}
	all := ndjson(t, c.run("tasks", "--limit", "0", "--json"))
	if len(all) != n+7 {
		t.Errorf("%d tasks in the journal, want %d new + 7 imported", len(all), n)
	}
	found := ndjson(t, c.run("tasks", "--limit", "0", "--json", "writer"))
	for _, task := range found {
		delete(want, task.ID)
	}
	if len(found) != n || len(want) != 0 {
		t.Errorf("search found %d writers; ids missing from the journal: %v", len(found), want)
	}
}

// kill -9 between submit and wait: the paid task is pending in the journal, wait --last finishes it,
// and then nothing is pending any more.
func TestKilledAfterSubmitIsPendingUntilWaitLast(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{TaskDuration: 2 * time.Second}))
	proc, _, _ := c.startCLIProcess(t, "submit", "txt2img", "--prompt", "paid, then killed", "--width", "128", "--height", "128", "--wait")
	e := c.waitForJournal(t)
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = proc.Wait()
	pending := ndjson(t, c.run("tasks", "--pending", "--json"))
	if len(pending) != 1 || pending[0].ID != e.ID || pending[0].Prompt != "paid, then killed" {
		t.Fatalf("pending after kill -9: %v", ids(pending))
	}
	table := c.run("tasks", "--pending")
	if !strings.Contains(table.stdout, e.ID) || !strings.Contains(table.stderr, "novita wait") {
		t.Errorf("tasks --pending:\n%s\n%s", table.stdout, table.stderr)
	}
	if r := c.run("wait", "--last"); r.code != 0 || len(r.lines()) != 1 {
		t.Fatalf("wait --last: exit %d %q\n%s", r.code, r.stdout, r.stderr)
	}
	if left := ndjson(t, c.run("tasks", "--pending", "--json")); len(left) != 0 {
		t.Errorf("still pending after wait --last: %v", ids(left))
	}
	if r := c.run("tasks", "--pending"); !strings.Contains(r.stderr, "no pending tasks") {
		t.Errorf("empty --pending says %q", r.stderr)
	}
}

// The webhook deliveries a receiver recorded for a task are part of its story, escaped.
func TestTasksShowListsWebhookDeliveries(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	id := c.submit("txt2img", "--prompt", "watched by listen")
	j := journal.Open(c.env["NOVITA_STATE_DIR"])
	for _, e := range []journal.Event{
		{Source: "listen", TaskID: id, EventType: "ASYNC_TASK_RESULT", Status: "TASK_STATUS_SUCCEED", Method: "POST",
			Forward: &journal.Forward{To: "http://localhost:3000/hooks", Status: 200, LatencyMS: 4}},
		{Source: "listen", TaskID: id, EventType: "ASYNC_TASK_RESULT", Status: "TASK_STATUS_SUCCEED\x1b[2J", Duplicate: true},
	} {
		if _, err := j.RecordEvent(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	r := c.run("tasks", "show", id)
	for _, want := range []string{"webhook deliveries seen", "ASYNC_TASK_RESULT  SUCCEED  seen by listen  forwarded to http://localhost:3000/hooks: 200 (4 ms)",
		`SUCCEED\x1b[2J  seen by listen  (retry)`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b") {
		t.Errorf("a forged event field reached the terminal raw")
	}
	var doc tasks.Document
	if err := json.Unmarshal([]byte(c.run("tasks", "show", id, "--json").stdout), &doc); err != nil || len(doc.Events) != 2 {
		t.Errorf("show --json events: %+v %v", doc.Events, err)
	}
}
