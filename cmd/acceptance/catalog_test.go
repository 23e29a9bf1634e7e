package acceptance

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novita-cli/novita/cmd/internal/example"

	"github.com/novita-cli/novita/pkg/catalog"
)

func TestCatalogListsEveryTask(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("catalog")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	lines := r.lines()
	if len(lines) == 0 || strings.Join(strings.Fields(lines[0]), " ") != "NAME KIND MODE SUMMARY" {
		t.Fatalf("no table header:\n%s", r.stdout)
	}
	rows := map[string][]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		rows[f[0]] = f
	}
	names := catalog.Names()
	if len(rows) != len(names)+len(trainingHeaders(t)) || len(names) < 70 {
		t.Errorf("%d rows for %d tasks and the training endpoints", len(rows), len(names))
	}
	for _, want := range [][]string{{"txt2img", "image", "async"}, {"remove-background", "image", "sync"},
		{"wan-t2v", "video", "async"}, {"minimax-speech-02-hd-sync", "audio", "sync"}, {"img2prompt", "text", "sync"}} {
		if f := rows[want[0]]; len(f) < 4 || f[1] != want[1] || f[2] != want[2] {
			t.Errorf("row of %s: %v, want kind %s and mode %s", want[0], f, want[1], want[2])
		}
	}

	r = c.run("catalog", "--kind", "video")
	if r.code != 0 || !strings.Contains(r.stdout, "wan-t2v") || strings.Contains(r.stdout, "txt2img") {
		t.Errorf("--kind video: exit %d\n%s", r.code, r.stdout)
	}
	for _, l := range r.lines()[1:] {
		if f := strings.Fields(l); f[1] != "video" {
			t.Errorf("--kind video lists %s", l)
		}
	}
	if r := c.run("catalog", "--kind", "smell"); r.code != 2 {
		t.Errorf("--kind smell: exit %d, want 2", r.code)
	}
	if r := c.run("catalog", "txt2img", "--kind", "video"); r.code != 2 {
		t.Errorf("a task with --kind: exit %d, want 2", r.code)
	}
}

// trainingHeaders are the LoRA training endpoints, which the list shows after the tasks (issue 20).
func trainingHeaders(t *testing.T) []catalog.Header {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat.TrainingHeaders()
}

// --json is NDJSON: one object per task, the same tasks as the table.
func TestCatalogJSONIsOneObjectPerTask(t *testing.T) {
	t.Parallel()
	r := newCLI(t).run("--json", "catalog")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	seen := map[string]bool{}
	for _, l := range r.lines() {
		var e struct {
			Name, Path, Mode, Kind, Summary string
			Aliases                         []string
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Name == "" || e.Path == "" || e.Summary == "" || e.Aliases == nil {
			t.Fatalf("bad line %q: %v", l, err)
		}
		if e.Name == "remove-background" && (e.Mode != "sync" || e.Path != "/v3/remove-background") {
			t.Errorf("remove-background: %+v", e)
		}
		if e.Name == "txt2img" && (e.Mode != "async" || e.Path != "/v3/async/txt2img" || !strings.Contains(strings.Join(e.Aliases, ","), "txt2image")) {
			t.Errorf("txt2img: %+v", e)
		}
		seen[e.Name] = true
	}
	if want := len(catalog.Names()) + len(trainingHeaders(t)); len(seen) != want {
		t.Errorf("%d tasks in --json, %d in the catalog (training endpoints included)", len(seen), want)
	}
}

func TestCatalogShowsATasksParametersAndExample(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.run("catalog", "txt2img")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var width string
	for _, l := range r.lines() {
		if strings.Contains(l, "request.width") {
			width = strings.Join(strings.Fields(l), " ")
		}
	}
	if width != "--width request.width integer yes 1024 128 to 2048 Image width in pixels." {
		t.Errorf("the width row reads %q", width)
	}
	for _, want := range []string{"POST /v3/async/txt2img", "task_type  TXT_TO_IMG", "txt2image, text2img",
		"request.loras[].strength", "FLAG", "DEFAULT", "ALLOWED", "Example:\n  $ novita submit txt2img --prompt"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("catalog txt2img does not show %q:\n%s", want, r.stdout)
		}
	}
	// An alias in another case shows the same task; a near miss is refused with suggestions (exit 2),
	// never another task's page.
	if a := c.run("catalog", "T2I"); a.code != 0 || a.stdout != r.stdout {
		t.Errorf("catalog T2I: exit %d, not txt2img's page", a.code)
	}
	near := c.run("catalog", "txt2imgg")
	if near.code != 2 || near.stdout != "" || !strings.Contains(near.stderr, "txt2imgg is not in the catalog: did you mean txt2img") {
		t.Errorf("catalog txt2imgg: exit %d\n%s%s", near.code, near.stdout, near.stderr)
	}
	if near := c.run("--json", "catalog", "txt2imgg"); near.code != 2 || !strings.Contains(near.stdout, "did you mean txt2img") {
		t.Errorf("catalog txt2imgg --json: exit %d\n%s", near.code, near.stdout)
	}
	// Where a spec was checked, where a webhook goes when not in extra, defaults that follow a field.
	if v := c.run("catalog", "img2video"); v.code != 0 || !strings.Contains(v.stdout, "source     https://novita.ai/docs/") ||
		!strings.Contains(v.stdout, "(by model_name: SVD 14, SVD-XT 25)") {
		t.Errorf("catalog img2video:\n%s", v.stdout)
	}
	if v := c.run("--json", "catalog", "/v3/video/create"); v.code == 0 && !strings.Contains(v.stdout, `"path": "callback_url"`) {
		t.Errorf("catalog /v3/video/create --json: no webhook path\n%s", v.stdout)
	}
	if far := c.run("catalog", "qqqqqqqqqqqq"); far.code != 2 || !strings.Contains(far.stderr, "not in the catalog") {
		t.Errorf("a name with nothing close: exit %d\n%s", far.code, far.stderr)
	}

	r = c.run("--json", "catalog", "remove-background")
	var d struct {
		Name, Path, Mode, Example string
		Params                    []struct {
			Path, Flag, Type, Encoding string
			Required                   bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || d.Mode != "sync" || d.Path != "/v3/remove-background" || len(d.Params) == 0 {
		t.Fatalf("--json: %v %+v", err, d)
	}
	found := false
	for _, p := range d.Params {
		found = found || (p.Path == "image_file" && p.Flag == "image" && p.Type == "file" && p.Encoding == "base64" && p.Required)
	}
	if !found || d.Example != "novita submit remove-background --image photo.png" {
		t.Errorf("--json document: %+v", d)
	}
}

// The example `novita catalog <task>` shows is ready to run: with its placeholder file made real, it
// is a valid request for every task.
func TestCatalogExamplesAreValidRequests(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	img := filepath.Join(repoRoot, "pkg", "body", "testdata", "pixel.png")
	for _, task := range catalog.All() {
		t.Run(task.Name, func(t *testing.T) {
			t.Parallel()
			args := shellWords(t, strings.TrimPrefix(example.Command(task), "novita "))
			for i, a := range args {
				if a == "photo.png" {
					args[i] = img
				} else if field, ok := strings.CutSuffix(a, "=photo.png"); ok { // --set-file field=photo.png
					args[i] = field + "=" + img
				}
			}
			if r := c.run(append(args, "--dry-run")...); r.code != 0 {
				t.Errorf("%s: the example %q is refused: exit %d\n%s", task.Name, example.Command(task), r.code, r.stderr)
			}
		})
	}
}

// shellWords splits a command line of plain and single-quoted words.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '\'' {
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				t.Fatalf("unbalanced quote in %q", s)
			}
			out, s = append(out, s[1:end+1]), s[end+2:]
			continue
		}
		word, rest, _ := strings.Cut(s, " ")
		out, s = append(out, word), rest
	}
	return out
}
