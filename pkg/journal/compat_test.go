package journal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The first release's API (Append, Entries, Find) behaves as it did: records merge per task, newest
// submission first, files listed; and what changed on purpose: paths are absolute.
func TestCompatAppendEntriesFind(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	j := Open(dir)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("Open touched the disk: %v", err)
	}
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	app := func(r Record) {
		t.Helper()
		must(t, j.Append(r))
	}
	app(Record{At: t0, Event: EventSubmitted, TaskID: "old", Task: "txt2img", SubmittedAt: t0, Status: "TASK_STATUS_QUEUED", Output: "o/{index}.{ext}"})
	app(Record{At: t0.Add(time.Minute), Event: EventSubmitted, TaskID: "new", Task: "wan-t2v", SubmittedAt: t0.Add(time.Minute), BatchID: "b-1", Line: 7})
	app(Record{At: t0.Add(2 * time.Minute), Event: EventStatus, TaskID: "old", Status: "TASK_STATUS_FAILED", Reason: "boom"})
	app(Record{At: t0.Add(3 * time.Minute), Event: EventFiles, TaskID: "new", Files: []FileRecord{{Kind: "video", Index: 1, Path: "a.mp4", Bytes: 3}}})
	app(Record{At: t0.Add(4 * time.Minute), Event: EventStatus, TaskID: "orphan", Status: "TASK_STATUS_SUCCEED"})
	if err := j.Append(Record{Event: EventStatus}); err == nil {
		t.Error("a record without a task id was accepted")
	}

	var warned int
	es, err := j.Entries(func(int, error) { warned++ })
	must(t, err)
	if len(es) != 3 || warned != 0 {
		t.Fatalf("entries %+v, %d warnings", es, warned)
	}
	if es[0].TaskID != "orphan" || !es[0].SubmittedAt.Equal(t0.Add(4*time.Minute)) || es[0].Status != "TASK_STATUS_SUCCEED" {
		t.Errorf("a task known by its status alone: %+v", es[0])
	}
	wd, _ := os.Getwd()
	n := es[1]
	if n.TaskID != "new" || n.BatchID != "b-1" || n.Line != 7 || len(n.Files) != 1 || n.Files[0].Path != filepath.Join(wd, "a.mp4") ||
		!n.UpdatedAt.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("merged, newest first, file path absolute: %+v", n)
	}
	o := es[2]
	if o.Status != "TASK_STATUS_FAILED" || o.Reason != "boom" || o.Output != "o/{index}.{ext}" || o.Task != "txt2img" {
		t.Errorf("status merged: %+v", o)
	}
	if e, ok, err := j.Find("old"); err != nil || !ok || e.Task != "txt2img" || e.Reason != "boom" {
		t.Errorf("Find: %+v %v %v", e, ok, err)
	}
	if _, ok, err := j.Find("nope"); ok || err != nil {
		t.Errorf("Find of an unknown id: %v %v", ok, err)
	}
	// Callers of the first release's API never call Close: nothing may stay open behind them.
	if j.db != nil {
		t.Error("the database stayed open after Append/Entries/Find")
	}
	if j.Path != filepath.Join(dir, DBName) {
		t.Errorf("Path %s, want the database file", j.Path)
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, j.Path: 0o600} {
			if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
				t.Errorf("%s: mode %v (%v), want %v", path, info.Mode().Perm(), err, want)
			}
		}
	}
}

// Entries reports the broken lines of a tasks.jsonl it imported, as the first release reported its own.
func TestCompatEntriesWarnsAboutImportedBrokenLines(t *testing.T) {
	dir := t.TempDir()
	writeFixture(t, dir)
	j := Open(dir)
	var lines []int
	es, err := j.Entries(func(line int, err error) { lines = append(lines, line) })
	must(t, err)
	if len(es) != 7 || len(lines) != 3 {
		t.Errorf("%d entries, warnings for lines %v", len(es), lines)
	}
}

func TestDirPrecedence(t *testing.T) {
	env := map[string]string{"HOME": "/home/u"}
	get := func(k string) string { return env[k] }
	if d := Dir(get); d != filepath.Join("/home/u", ".local", "state", "novita") {
		t.Fatal(d)
	}
	env["XDG_STATE_HOME"] = "/x"
	if d := Dir(get); d != filepath.Join("/x", "novita") {
		t.Fatal(d)
	}
	env["NOVITA_STATE_DIR"] = "/n"
	if d := Dir(get); d != "/n" {
		t.Fatal(d)
	}
}

// A state directory whose name has URI-special characters is still just a directory.
func TestStateDirWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "we?ird #dir %20&x=1")
	j := Open(dir)
	must(t, j.Append(Record{Event: EventSubmitted, TaskID: "t"}))
	if _, ok, err := j.Find("t"); !ok || err != nil {
		t.Fatalf("Find: %v %v", ok, err)
	}
	if _, err := os.Stat(filepath.Join(dir, DBName)); err != nil {
		t.Errorf("the database is not where it was asked to be: %v", err)
	}
}

// Goroutines of one process mixing the first release's calls (which close the database when done)
// with typed ones (which keep it open) share one handle safely and lose nothing.
func TestConcurrentGoroutinesShareTheHandle(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 160)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				id := fmt.Sprintf("g%d-%d", g, i)
				if g%2 == 0 {
					errs <- j.Append(Record{Event: EventSubmitted, TaskID: id})
					_, _, err := j.Find(id)
					errs <- err
				} else {
					errs <- j.RecordSubmitted(ctx, Submitted{TaskID: id})
					_, err := j.List(ctx, Query{Limit: 1})
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	if es, err := j.Entries(nil); err != nil || len(es) != 80 {
		t.Errorf("%d tasks, want 80 (%v)", len(es), err)
	}
}
