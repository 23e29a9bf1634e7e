package download

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

func mustParse(t *testing.T, s string) *Template {
	t.Helper()
	tm, err := ParseTemplate(s)
	if err != nil {
		t.Fatalf("ParseTemplate(%q): %v", s, err)
	}
	return tm
}

// wantUsage asserts a usage error (exit 2) that mentions every string given.
func wantUsage(t *testing.T, what string, err error, mentions ...string) {
	t.Helper()
	if clierr.Code(err) != clierr.ExitUsage {
		t.Errorf("%s: %v (exit %d); want a usage error", what, err, clierr.Code(err))
		return
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("%s: error %q does not mention %q", what, err, m)
		}
	}
}

// wantExists is wantUsage for a file in the way: an early *ExistsError, worded by the caller.
func wantExists(t *testing.T, what string, err error, mentions ...string) {
	t.Helper()
	wantUsage(t, what, err, mentions...)
	if !isExists(err) {
		t.Errorf("%s: %v (%T), want an *ExistsError", what, err, err)
	}
}

func isExists(err error) bool {
	var ee *ExistsError
	return errors.As(err, &ee)
}

// Issue 13 item 3: output problems were found only after paying. Preflight finds them first.
func TestPreflightFindsOutputProblemsBeforePaying(t *testing.T) {
	dir := chdirTemp(t)
	os.WriteFile("taken.png", []byte("mine"), 0o644)
	os.WriteFile("notes.txt", []byte("a file"), 0o644)
	os.Mkdir("adir.png", 0o755)
	long := strings.Repeat("n", 300)

	wantExists(t, "existing target", mustParse(t, "taken.png").Preflight(Check{}), "taken.png already exists")
	if err := mustParse(t, "taken.png").Preflight(Check{Overwrite: true}); err != nil {
		t.Errorf("--overwrite: %v", err)
	}
	wantUsage(t, "component is a file", mustParse(t, "notes.txt/out.png").Preflight(Check{}), "notes.txt is a file, not a directory", "-o")
	wantUsage(t, "deeper component is a file", mustParse(t, "notes.txt/a/{task_id}/{index}.{ext}").Preflight(Check{}), "notes.txt is a file")
	wantUsage(t, "target is a directory", mustParse(t, "adir.png").Preflight(Check{}), "adir.png is a directory")
	wantUsage(t, "long literal name", mustParse(t, long+".png").Preflight(Check{}), "304 bytes", "255")
	wantUsage(t, "long name around a placeholder", mustParse(t, "out/"+long+"-{index}.{ext}").Preflight(Check{}), "more than the 255")
	wantUsage(t, "long directory", mustParse(t, long+"/{task_id}.{ext}").Preflight(Check{}), "300 bytes")

	// The task's own values are known after a submit: {task_id}.png is then a whole path.
	os.WriteFile("t-9.png", nil, 0o644)
	wantUsage(t, "existing target once the id is known", mustParse(t, "{task_id}.png").Preflight(Check{Vars: Vars{TaskID: "t-9"}}), "t-9.png already exists")
	if err := mustParse(t, "{task_id}.png").Preflight(Check{}); err != nil {
		t.Errorf("before a submit the id is unknown, nothing exists yet: %v", err)
	}
	// Missing directories are fine (they are created on download) and nothing is created now.
	for _, tmpl := range []string{"new/deeper/{task_id}/{kind}-{index}.{ext}", "", "cat.png", "../" + filepath.Base(dir) + "/x/{index}.{ext}"} {
		if err := mustParse(t, tmpl).Preflight(Check{Vars: Vars{TaskID: "abc", Task: "txt2img"}}); err != nil {
			t.Errorf("Preflight(%q): %v", tmpl, err)
		}
	}
	if l := listFiles(t, dir); len(l) != 3 {
		t.Errorf("Preflight left files behind: %v", l)
	}
	if _, err := os.Stat("new"); err == nil {
		t.Error("Preflight created a directory")
	}
}

func TestPreflightNotWritable(t *testing.T) {
	chdirTemp(t)
	var dirs []string
	if runtime.GOOS == "linux" {
		dirs = append(dirs, "/sys") // read-only for every user, root included
	}
	if os.Geteuid() != 0 { // permission bits stop everyone but root
		os.Mkdir("locked", 0o555)
		dirs = append(dirs, "locked")
	}
	if len(dirs) == 0 {
		t.Fatal("no unwritable directory to test with on this system")
	}
	for _, d := range dirs {
		err := mustParse(t, d+"/novita-out/{task_id}/{index}.{ext}").Preflight(Check{})
		wantUsage(t, d, err, "cannot write in "+d, "choose another -o")
	}
}

func TestPreflightAcceptsWhatIsAlreadyDownloaded(t *testing.T) {
	chdirTemp(t)
	os.WriteFile("t0.png", []byte("the output"), 0o644)
	same := Saved{Kind: "image", Index: 1, Path: "t0.png", Bytes: 10, SHA256: sum([]byte("the output"))}
	if err := mustParse(t, "t0.png").Preflight(Check{Saved: []Saved{same}}); err != nil {
		t.Errorf("an intact earlier download is not in the way: %v", err)
	}
	other := same
	other.SHA256 = sum([]byte("something else"))
	wantExists(t, "changed file", mustParse(t, "t0.png").Preflight(Check{Saved: []Saved{other}}), "already exists")
}

// Issue 13 item 8: -o - with --json would mix the output into the JSON document.
func TestPreflightStdout(t *testing.T) {
	if err := mustParse(t, "-").Preflight(Check{JSON: true}); !errors.Is(err, ErrStdoutTaken) || clierr.Code(err) != clierr.ExitUsage {
		t.Errorf("-o - with --json: %v, want ErrStdoutTaken (usage)", err)
	}
	if err := mustParse(t, "-").Preflight(Check{}); err != nil {
		t.Errorf("-o -: %v", err)
	}
	tm := mustParse(t, "/dev/null")
	if tm.expand(Vars{}, img(1), "png", 1, 1) != "/dev/null" || tm.IsStdout() {
		t.Errorf("/dev/null expands to %q", tm.expand(Vars{}, img(1), "png", 1, 1))
	}
	if err := tm.Preflight(Check{}); err != nil {
		t.Errorf("/dev/null: %v", err)
	}
	if mustParse(t, "./-").IsStdout() {
		t.Error("./- is a file named -, not standard output")
	}
}

// Issue 13 item 2: a batch with -o out.png printed out.png three times and kept one file.
func TestCheckTasksRefusesSharedNames(t *testing.T) {
	lines := []Vars{{Task: "txt2img", Line: 1}, {Task: "txt2img", Line: 2}, {Task: "txt2img", Line: 3}}
	wantUsage(t, "batch -o out.png", mustParse(t, "out.png").CheckTasks(lines), `"out.png"`, "line 1 and line 2", "{line}", "-o out-{line}.png")
	wantUsage(t, "batch -o {task}/x", mustParse(t, "{task}/x").CheckTasks(lines), "{line} or {task_id}")
	wantUsage(t, "batch -o -", mustParse(t, "-").CheckTasks(lines), "one task", "{line}")
	ids := []Vars{{TaskID: "A", Line: 1}, {TaskID: "B", Line: 1}}
	wantUsage(t, "wait A B -o out.png", mustParse(t, "out.png").CheckTasks(ids), "task A and task B", "-o out-{task_id}.png")
	wantUsage(t, "wait A B -o {line}.png", mustParse(t, "{line}.png").CheckTasks(ids), "{task_id}")
	for _, ok := range []string{"out-{line}.png", "{task_id}.png", "", "{task}/{line}/{index}.{ext}"} {
		if err := mustParse(t, ok).CheckTasks(lines); err != nil {
			t.Errorf("CheckTasks(%q): %v", ok, err)
		}
	}
	if err := mustParse(t, "out.png").CheckTasks(lines[:1]); err != nil {
		t.Errorf("one task: %v", err)
	}
}
