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

// Writes merge per task, List is newest submission first with the files, Get finds one task, and a
// relative file path is stored absolute.
func TestListAndGetMergeWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	j := Open(dir)
	t.Cleanup(func() { must(t, j.Close()) })
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("Open touched the disk: %v", err)
	}
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	now := t0
	j.Now = func() time.Time { return now }
	must(t, j.RecordSubmitted(ctx, Submitted{SubmittedAt: t0, TaskID: "old", Task: "txt2img", Status: "TASK_STATUS_QUEUED", Output: "o/{index}.{ext}"}))
	must(t, j.RecordSubmitted(ctx, Submitted{SubmittedAt: t0.Add(time.Minute), TaskID: "new", Task: "wan-t2v", BatchID: "b-1", Line: 7}))
	must(t, j.RecordStatus(ctx, StatusUpdate{At: t0.Add(2 * time.Minute), TaskID: "old", Status: "TASK_STATUS_FAILED", Reason: "boom"}))
	now = t0.Add(3 * time.Minute)
	must(t, j.RecordFiles(ctx, "new", []FileRecord{{Kind: "video", Index: 1, Path: "a.mp4", Bytes: 3}}))
	must(t, j.RecordStatus(ctx, StatusUpdate{At: t0.Add(4 * time.Minute), TaskID: "orphan", Status: "TASK_STATUS_SUCCEED"}))
	if err := j.RecordStatus(ctx, StatusUpdate{Status: "TASK_STATUS_SUCCEED"}); err == nil {
		t.Error("a status without a task id was accepted")
	}

	es, err := j.List(ctx, Query{})
	must(t, err)
	if len(es) != 3 {
		t.Fatalf("tasks %+v", es)
	}
	if es[0].ID != "orphan" || !es[0].SubmittedAt.Equal(t0.Add(4*time.Minute)) || es[0].Status != "TASK_STATUS_SUCCEED" {
		t.Errorf("a task known by its status alone: %+v", es[0])
	}
	wd, _ := os.Getwd()
	n := es[1]
	if n.ID != "new" || n.BatchID != "b-1" || n.Line != 7 || len(n.Files) != 1 || n.Files[0].Path != filepath.Join(wd, "a.mp4") ||
		!n.UpdatedAt.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("merged, newest first, file path absolute: %+v", n)
	}
	o := es[2]
	if o.Status != "TASK_STATUS_FAILED" || o.Reason != "boom" || o.Output != "o/{index}.{ext}" || o.Name != "txt2img" {
		t.Errorf("status merged: %+v", o)
	}
	if e, ok, err := j.Get(ctx, "old"); err != nil || !ok || e.Name != "txt2img" || e.Reason != "boom" {
		t.Errorf("Get: %+v %v %v", e, ok, err)
	}
	if _, ok, err := j.Get(ctx, "nope"); ok || err != nil {
		t.Errorf("Get of an unknown id: %v %v", ok, err)
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

// Close leaves nothing open behind it, and the Journal stays usable: the next call opens it again.
func TestCloseReleasesTheDatabase(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "t"}))
	must(t, j.Close())
	if j.db != nil {
		t.Error("the database stayed open after Close")
	}
	if _, ok, err := j.Get(ctx, "t"); !ok || err != nil {
		t.Errorf("Get after Close: %v %v", ok, err)
	}
}

// OnImport hears about the broken lines of a tasks.jsonl the first read imported.
func TestImportReportsBrokenLines(t *testing.T) {
	j, dir := openTest(t)
	writeFixture(t, dir)
	var lines []int
	j.OnImport = func(r ImportResult) {
		for _, s := range r.Skipped {
			lines = append(lines, s.Line)
		}
	}
	es, err := j.List(context.Background(), Query{})
	must(t, err)
	if len(es) != 7 || len(lines) != 3 {
		t.Errorf("%d tasks, warnings for lines %v", len(es), lines)
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
	j, _ := openTestIn(t, dir)
	ctx := context.Background()
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "t"}))
	if _, ok, err := j.Get(ctx, "t"); !ok || err != nil {
		t.Fatalf("Get: %v %v", ok, err)
	}
	if _, err := os.Stat(filepath.Join(dir, DBName)); err != nil {
		t.Errorf("the database is not where it was asked to be: %v", err)
	}
}

// Goroutines of one process writing and reading, with Closes in between (the next call opens the
// database again), share one handle safely and lose nothing.
func TestConcurrentGoroutinesShareTheHandle(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				id := fmt.Sprintf("g%d-%d", g, i)
				if g%2 == 0 {
					errs <- j.RecordSubmitted(ctx, Submitted{TaskID: id})
					_, _, err := j.Get(ctx, id)
					errs <- err
					errs <- j.Close() // a Close during other goroutines' calls leaves closing to the last of them
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
	if es, err := j.List(ctx, Query{}); err != nil || len(es) != 80 {
		t.Errorf("%d tasks, want 80 (%v)", len(es), err)
	}
}
