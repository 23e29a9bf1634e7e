package journal

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHelperAppend(t *testing.T) {
	dir := os.Getenv("JOURNAL_HELPER_DIR")
	if dir == "" {
		return // only meaningful as a child process of TestConcurrentProcessesLoseNothing
	}
	n, _ := strconv.Atoi(os.Getenv("JOURNAL_HELPER_N"))
	j := Open(dir)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%s-%04d", os.Getenv("JOURNAL_HELPER_NAME"), i)
		// A long reason makes each line bigger than a pipe buffer's atomic-write guarantee.
		if err := j.Append(Record{Event: EventSubmitted, TaskID: id, Task: "txt2img", Reason: strings.Repeat("x", 8000)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConcurrentProcessesLoseNothing(t *testing.T) {
	dir := t.TempDir()
	const per = 200
	var cmds []*exec.Cmd
	for _, name := range []string{"a", "b", "c"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppend$", "-test.count=1")
		cmd.Env = append(os.Environ(), "JOURNAL_HELPER_DIR="+dir, "JOURNAL_HELPER_N="+strconv.Itoa(per), "JOURNAL_HELPER_NAME="+name)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	var warnings int
	recs, err := Open(dir).Read(func(int, error) { warnings++ })
	if err != nil || warnings != 0 || len(recs) != 3*per {
		t.Fatalf("%d records, %d corrupt lines, err %v; want %d intact", len(recs), warnings, err, 3*per)
	}
}

func TestEntriesMergeNewestFirstAndSkipCorruptLines(t *testing.T) {
	dir := t.TempDir()
	j := Open(dir)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	must := func(r Record) {
		if err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	must(Record{At: t0, Event: EventSubmitted, TaskID: "old", Task: "txt2img", SubmittedAt: t0, Output: "o/{index}.{ext}"})
	must(Record{At: t0.Add(time.Minute), Event: EventSubmitted, TaskID: "new", Task: "wan-t2v", SubmittedAt: t0.Add(time.Minute), BatchID: "b-1", Line: 7})
	f, _ := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("{not json\n\n")
	f.Close()
	must(Record{At: t0.Add(2 * time.Minute), Event: EventStatus, TaskID: "old", Status: "TASK_STATUS_FAILED", Reason: "boom"})
	must(Record{At: t0.Add(3 * time.Minute), Event: EventFiles, TaskID: "new", Files: []FileRecord{{Path: "a.mp4", Bytes: 3}}})
	var bad []int
	es, err := j.Entries(func(line int, err error) { bad = append(bad, line) })
	if err != nil || len(es) != 2 || len(bad) != 1 || bad[0] != 3 {
		t.Fatalf("entries %+v bad %v err %v", es, bad, err)
	}
	if es[0].TaskID != "new" || es[0].BatchID != "b-1" || es[0].Line != 7 || len(es[0].Files) != 1 {
		t.Fatalf("newest first, merged: %+v", es[0])
	}
	if es[1].Status != "TASK_STATUS_FAILED" || es[1].Reason != "boom" || es[1].Output != "o/{index}.{ext}" {
		t.Fatalf("status merged: %+v", es[1])
	}
	info, _ := os.Stat(j.Path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", info.Mode().Perm())
	}
	if e, ok, _ := j.Find("old"); !ok || e.Task != "txt2img" {
		t.Fatalf("Find: %+v %v", e, ok)
	}
}

func TestDirPrecedence(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	get := func(k string) string { return env[k] }
	if d := Dir(get); d != filepath.Join("/home/u", ".local", "state", "novita") {
		t.Fatal(d)
	}
	env["XDG_STATE_HOME"] = "/x"
	if d := Dir(get); d != "/x/novita" {
		t.Fatal(d)
	}
	env["NOVITA_STATE_DIR"] = "/n"
	if d := Dir(get); d != "/n" {
		t.Fatal(d)
	}
}
