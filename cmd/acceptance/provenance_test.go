package acceptance

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/provenance"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// submitOne submits a txt2img task that waits and saves to name, returning its id.
func submitOne(t *testing.T, c *cli, prompt, name string, extra ...string) string {
	t.Helper()
	args := append([]string{"submit", "txt2img", "--prompt", prompt, "--width", "128", "--height", "128", "--seed", "7",
		"--wait", "-o", name, "--json"}, extra...)
	r := c.run(args...)
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	var doc struct {
		TaskID string `json:"task_id"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return doc.TaskID
}

func showID(t *testing.T, c *cli, ref string) (string, string, result) {
	t.Helper()
	r := c.run("tasks", "show", ref, "--json")
	var doc struct {
		TaskID  string `json:"task_id"`
		FoundBy string `json:"found_by"`
	}
	_ = json.Unmarshal([]byte(r.stdout), &doc)
	return doc.TaskID, doc.FoundBy, r
}

func TestMetadataEmbedAndEveryReferenceForm(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	id := submitOne(t, c, "a heron in the reeds", "heron.png", "--metadata", "embed")

	// The file carries its provenance and is still a PNG.
	f, err := os.Open(filepath.Join(c.dir, "heron.png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("not a PNG after embedding: %v", err)
	}
	f.Close()
	rec, ok, err := provenance.Read(filepath.Join(c.dir, "heron.png"))
	if err != nil || !ok || rec.TaskID != id || rec.Prompt != "a heron in the reeds" || rec.Seed == nil || *rec.Seed != 7 || rec.Tool != "novita-cli/1.2.3-test" {
		t.Fatalf("embedded record %+v ok=%v err=%v", rec, ok, err)
	}
	// submit --wait sent a webhook URL whose secret path is a credential: it is not in the file.
	if strings.Contains(string(rec.Request), "webhook") || !strings.Contains(string(rec.Request), "a heron in the reeds") {
		t.Fatalf("embedded request %s", rec.Request)
	}
	// The journal keeps both sums: delivered and final.
	jr := journal.Open(c.env["NOVITA_STATE_DIR"])
	d, _, _ := jr.Get(t.Context(), id)
	jr.Close()
	if len(d.Files) != 1 || d.Files[0].DeliveredSHA256 == "" || d.Files[0].DeliveredSHA256 == d.Files[0].SHA256 {
		t.Fatalf("files %+v", d.Files)
	}

	// A second task shares no prefix past the first characters, mostly; make an ambiguous pair by hand.
	j := journal.Open(c.env["NOVITA_STATE_DIR"])
	for _, x := range []string{"feedbeef-0001", "feedbeef-0002"} {
		if err := j.RecordSubmitted(t.Context(), journal.Submitted{TaskID: x, Task: "txt2img"}); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	copyFile(t, filepath.Join(c.dir, "heron.png"), filepath.Join(c.dir, "renamed copy.png"))
	for _, tc := range []struct{ ref, id, via string }{
		{id, id, "id"},
		{id[:8], id, "prefix"},
		{"heron.png", id, "sha256"},
		{"renamed copy.png", id, "sha256"},
		{"feedbeef-0002", "feedbeef-0002", "id"},
	} {
		got, via, r := showID(t, c, tc.ref)
		if r.code != 0 || got != tc.id || via != tc.via {
			t.Errorf("tasks show %s: exit %d id %q via %q\n%s", tc.ref, r.code, got, via, r.stderr)
		}
	}
	r := c.run("tasks", "show", "feedbeef")
	if r.code != 2 || !strings.Contains(r.stderr, "feedbeef-0001, feedbeef-0002") {
		t.Fatalf("ambiguous prefix: exit %d\n%s", r.code, r.stderr)
	}
	// The same forms everywhere a task is named.
	for _, args := range [][]string{
		{"result", id[:8]}, {"result", "renamed copy.png"}, {"wait", "heron.png", "--no-download"},
		{"rerun", "renamed copy.png", "--dry-run"}, {"rerun", id[:8], "--dry-run"},
	} {
		if r := c.run(args...); r.code != 0 || !strings.Contains(r.stdout+r.stderr, id) && args[0] != "rerun" {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	for _, args := range [][]string{{"result", "feedbeef"}, {"wait", "feedbeef"}, {"rerun", "feedbeef", "--dry-run"}, {"tasks", "rm", "feedbeef"}} {
		if r := c.run(args...); r.code != 2 || !strings.Contains(r.stderr, "matches several tasks") || !strings.Contains(r.stderr, "give more characters of the id (see: novita tasks)") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}

	// A colleague with an empty journal: the file's own metadata names the task and rebuilds the request.
	other := newCLI(t)
	copyFile(t, filepath.Join(c.dir, "heron.png"), filepath.Join(other.dir, "from-a-friend.png"))
	got, via, r := showID(t, other, "from-a-friend.png")
	if r.code != 0 || got != id || via != "metadata" || !strings.Contains(r.stdout, `"provenance"`) {
		t.Fatalf("show from metadata: exit %d id %q via %q\n%s%s", r.code, got, via, r.stdout, r.stderr)
	}
	r = other.run("tasks", "show", "from-a-friend.png")
	if r.code != 0 || !strings.Contains(r.stdout, "a heron in the reeds") || !strings.Contains(r.stderr, "never seen") {
		t.Fatalf("show from metadata (text): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = other.run("rerun", "from-a-friend.png", "--seed", "99", "--dry-run")
	var body struct {
		Request struct {
			Prompt string `json:"prompt"`
			Seed   int64  `json:"seed"`
		} `json:"request"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &body) != nil || body.Request.Prompt != "a heron in the reeds" || body.Request.Seed != 99 {
		t.Fatalf("rerun FILE --seed 99 --dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The same API, an empty journal: result and wait find the task by the file's metadata.
	other.useSandbox(sb)
	for _, args := range [][]string{{"result", "from-a-friend.png"}, {"wait", "from-a-friend.png", "--no-download"}} {
		if r := other.run(args...); r.code != 0 || !strings.Contains(r.stdout+r.stderr, id) {
			t.Errorf("%v with an empty journal: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	// A file with neither journal record nor metadata is a usage error naming it.
	copyFile(t, filepath.Join(c.dir, "heron.png"), filepath.Join(other.dir, "x.bin"))
	if err := os.WriteFile(filepath.Join(other.dir, "plain.png"), []byte("\x89PNG\r\n\x1a\nnothing"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := other.run("tasks", "show", "plain.png"); r.code != 2 || !strings.Contains(r.stderr, "carries no novita metadata") {
		t.Fatalf("plain file: exit %d\n%s", r.code, r.stderr)
	}
	// tasks rm forgets only what the journal has (newCLI moves into its own directory: last).
	fresh := newCLI(t)
	copyFile(t, filepath.Join(c.dir, "heron.png"), filepath.Join(fresh.dir, "heron.png"))
	if r := fresh.run("tasks", "rm", "heron.png"); r.code != 2 || !strings.Contains(r.stderr, "not in the journal") {
		t.Errorf("tasks rm of a file from elsewhere: exit %d\n%s", r.code, r.stderr)
	}
}

func TestMetadataSidecarAndConfig(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.useSandbox(startSandbox(t, sandbox.Options{}))
	if r := c.run("config", "set", "metadata", "sidecar"); r.code != 0 {
		t.Fatalf("config set: %s", r.stderr)
	}
	id := submitOne(t, c, "a lark", "lark.png")
	b := c.mustExist("lark.png.json")
	var rec provenance.Record
	if err := json.Unmarshal(b, &rec); err != nil || rec.TaskID != id || rec.Prompt != "a lark" {
		t.Fatalf("sidecar %s", b)
	}
	if _, ok, _ := provenance.Read(filepath.Join(c.dir, "lark.png")); !ok {
		t.Fatal("the sidecar is not found from the file")
	}
	// The default is none: files stay byte-exact.
	if r := c.run("config", "unset", "metadata"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	submitOne(t, c, "a wren", "wren.png")
	if _, err := os.Stat(filepath.Join(c.dir, "wren.png.json")); err == nil {
		t.Fatal("a sidecar without --metadata")
	}
	if _, ok, _ := provenance.Read(filepath.Join(c.dir, "wren.png")); ok {
		t.Fatal("metadata without --metadata")
	}
	// Seed -1: the sandbox draws one and reports it; the metadata keeps the seed used, not -1.
	r := c.run("submit", "txt2img", "--prompt", "a random one", "--seed", "-1", "--wait", "-o", "random.png", "--metadata", "embed")
	if r.code != 0 {
		t.Fatalf("submit --seed -1: %s", r.stderr)
	}
	if rec, ok, _ := provenance.Read(filepath.Join(c.dir, "random.png")); !ok || rec.Seed == nil || *rec.Seed < 0 {
		t.Fatalf("seed in the metadata: %+v", rec)
	}
	if r := c.run("submit", "txt2img", "--prompt", "x", "--metadata", "exif"); r.code != 2 {
		t.Fatalf("bad --metadata: exit %d", r.code)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A task that is not in the journal is worded once for every command that names one, and a reference
// shorter than a prefix may be says how long a prefix must be.
func TestNotInJournalSaysHowLongAPrefixMustBe(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	r := c.run("submit", "txt2img", "--prompt", "a cat", "--width", "128", "--height", "128")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	short := strings.TrimSpace(r.stdout)[:3]
	for _, args := range [][]string{{"tasks", "show", short}, {"tasks", "rm", short}, {"rerun", short, "--dry-run"}} {
		r := c.run(args...)
		if r.code != 2 || !strings.Contains(r.stderr, "task "+short+" is not in the journal") || !strings.Contains(r.stderr, "at least 6 characters") {
			t.Errorf("%v: exit %d, want 2 naming the 6-character minimum:\n%s", args, r.code, r.stderr)
		}
	}
}

// A hostile task name in a file's metadata is escaped once: "\x1b" on the terminal, not "\\x1b".
func TestRerunOfAHostileFileEscapesItsTaskOnce(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	os.WriteFile(filepath.Join(c.dir, "a.png"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(c.dir, "a.png.json"), []byte(`{"task_id":"abcdef-1","task":"txt2img\u001b[2J","request":{"prompt":"p"}}`), 0o644)
	r := c.run("rerun", "a.png", "--dry-run")
	if r.code != 2 || strings.Contains(r.stderr, "\x1b") || !strings.Contains(r.stderr, `txt2img\x1b[2J`) {
		t.Errorf("exit %d, want 2 with the task name escaped once:\n%s", r.code, r.stderr)
	}
}

// Seed -1 is random across simulators too: two in-process --sandbox runs of the same request draw
// different seeds, so they make different files (and a file's sha256 names one task, not two).
func TestFreshSandboxesDrawDifferentSeeds(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	seed := func(out string) string {
		r := c.run("--sandbox", "--json", "submit", "txt2img", "--prompt", "a cat", "--width", "128", "--height", "128", "--wait", "-o", out)
		var d struct {
			Result struct {
				Extra struct {
					Seed string `json:"seed"`
				} `json:"extra"`
			} `json:"result"`
		}
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &d) != nil || d.Result.Extra.Seed == "" {
			t.Fatalf("exit %d: %s\n%s", r.code, r.stdout, r.stderr)
		}
		return d.Result.Extra.Seed
	}
	a, b := seed("a.png"), seed("b.png")
	if a == b {
		t.Errorf("two fresh sandboxes drew the same seed %s for seed -1", a)
	}
}

// --metadata on standard output (or a device) cannot be honoured: it is said once, not silently dropped.
func TestMetadataOnStandardOutputIsSaid(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, mode := range []string{"embed", "sidecar"} {
		r := c.run("--sandbox", "submit", "txt2img", "--prompt", "a cat", "--width", "128", "--height", "128", "--wait", "-o", "-", "--metadata", mode)
		if r.code != 0 || !strings.Contains(r.stderr, "standard output") || !strings.Contains(r.stderr, "--metadata "+mode) {
			t.Errorf("--metadata %s with -o -: exit %d, want a warning naming both:\n%s", mode, r.code, r.stderr)
		}
	}
}
