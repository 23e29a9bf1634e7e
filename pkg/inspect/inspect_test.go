package inspect

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/testevent"
	"github.com/novita-cli/novita/pkg/ui"
	"github.com/novita-cli/novita/pkg/webhook"
)

func TestMain(m *testing.M) { testmain.Main(m) }

func openJournal(t *testing.T) (*journal.Journal, string) {
	t.Helper()
	dir := t.TempDir()
	j := journal.Open(dir)
	t.Cleanup(func() { _ = j.Close() })
	return j, dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func fixture(t *testing.T, task string, st novita.Status, id string) []byte {
	t.Helper()
	b, err := testevent.Fixture(task, st, id)
	must(t, err)
	return b
}

// The gallery shows what the journal knows of a task, whether each file is still on disk, and
// whether its URL can still be downloaded (the recorded expiry, else an hour after the task ended).
func TestStoreShowsTasksWithTheirFiles(t *testing.T) {
	j, dir := openJournal(t)
	ctx := context.Background()
	ended := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	must(t, j.RecordSubmitted(ctx, journal.Submitted{TaskID: "t1", Task: "txt2img", SubmittedAt: ended.Add(-10 * time.Second),
		Request: []byte(`{"request":{"prompt":"a lighthouse at dusk","seed":42}}`)}))
	must(t, j.RecordStatus(ctx, journal.StatusUpdate{TaskID: "t1", At: ended, Status: "TASK_STATUS_SUCCEED", TaskType: "TXT_TO_IMG"}))
	kept := filepath.Join(dir, "image-1.png")
	must(t, os.WriteFile(kept, []byte("png"), 0o600))
	must(t, j.RecordFiles(ctx, "t1", []journal.FileRecord{
		{Kind: "image", Index: 1, Path: kept, Bytes: 3},
		{Kind: "image", Index: 2, Path: filepath.Join(dir, "deleted.png"), URLExpiresAt: ended.Add(3 * time.Hour)},
	}))
	must(t, j.RecordSubmitted(ctx, journal.Submitted{TaskID: "t2", Task: "img2video", Request: []byte(`{"prompt":"waves"}`)}))
	must(t, j.RecordStatus(ctx, journal.StatusUpdate{TaskID: "t2", At: ended, Status: "TASK_STATUS_FAILED", Reason: "Out Of Memory"}))

	at := ended.Add(2 * time.Hour) // past the assumed TTL, before the recorded expiry
	s := &Store{Journal: j, Now: func() time.Time { return at }}
	tasks, err := s.ListTasks(ctx, ui.TaskFilter{Limit: 10})
	must(t, err)
	if len(tasks) != 2 || tasks[0].ID != "t2" || tasks[1].ID != "t1" {
		t.Fatalf("tasks %+v, want t2 then t1", tasks)
	}
	t1 := tasks[1]
	if t1.Prompt != "a lighthouse at dusk" || t1.Seed == nil || *t1.Seed != 42 || t1.TaskType != "TXT_TO_IMG" || len(t1.Files) != 2 {
		t.Fatalf("t1 %+v", t1)
	}
	if f := t1.Files[0]; !f.Exists || !f.URLExpired {
		t.Errorf("file 1 (on disk, no recorded expiry, ended 2 h ago): %+v", f)
	}
	if f := t1.Files[1]; f.Exists || f.URLExpired {
		t.Errorf("file 2 (deleted, URL valid for another hour): %+v", f)
	}
	failed, err := s.ListTasks(ctx, ui.TaskFilter{Status: "TASK_STATUS_FAILED", Limit: 10})
	must(t, err)
	if len(failed) != 1 || failed[0].ID != "t2" || failed[0].Reason != "Out Of Memory" {
		t.Fatalf("status filter: %+v", failed)
	}
	found, err := s.ListTasks(ctx, ui.TaskFilter{Query: "lighthouse", Limit: 10})
	must(t, err)
	if len(found) != 1 || found[0].ID != "t1" {
		t.Fatalf("prompt search: %+v", found)
	}
	one, err := s.Task(ctx, "t1")
	must(t, err)
	if string(one.Request) != `{"request":{"prompt":"a lighthouse at dusk","seed":42}}` {
		t.Fatalf("request %s", one.Request)
	}
	if _, err := s.Task(ctx, "nope"); !errors.Is(err, ui.ErrNotFound) {
		t.Fatalf("unknown task: %v", err)
	}
}

// A delivery is published under its journal id, and the Store reads it back under the same id
// after a restart, with its answer.
func TestRecorderPersistsUnderTheLiveID(t *testing.T) {
	j, dir := openJournal(t)
	ctx := context.Background()
	hub := ui.NewHub(0, 0)
	rec := &Recorder{Journal: j, Hub: hub, Target: "http://127.0.0.1:3000/hook"}
	body := fixture(t, "txt2video", novita.StatusSucceed, "vid-1")
	d := webhook.NewDelivery(time.Now(), "POST", http.Header{"Content-Type": {"application/json"}}, body)
	d.Response = &webhook.Response{Status: 500, Header: http.Header{"X-Novita-Listen-Injected": {"--respond-status 500"}},
		Body: []byte("no"), Latency: 12 * time.Millisecond}
	live := rec.Record(d)
	if _, ok := rowID(live.ID); !ok {
		t.Fatalf("published id %q is not the journal's", live.ID)
	}
	if got := hub.Recent(1); len(got) != 1 || got[0].ID != live.ID {
		t.Fatalf("hub %+v", got)
	}
	must(t, j.Close())

	s := &Store{Journal: journal.Open(dir)}
	defer s.Journal.Close()
	evs, err := s.ListEvents(ctx, ui.EventFilter{Status: "TASK_STATUS_SUCCEED", TaskType: "txt_to_video", Query: "VID-1", Limit: 10})
	must(t, err)
	if len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
	ev := evs[0]
	if ev.ID != live.ID || ev.TaskID != "vid-1" || ev.Outputs != 1 || string(ev.Body) != string(body) || ev.Forward == nil ||
		ev.Forward.Status != 500 || ev.Forward.Header.Get("X-Novita-Listen-Injected") == "" || ev.Forward.Latency != 12*time.Millisecond {
		t.Fatalf("stored event %+v (forward %+v)", ev, ev.Forward)
	}
	if got, err := s.Event(ctx, live.ID); err != nil || got.TaskID != "vid-1" {
		t.Fatalf("Event(%s): %+v %v", live.ID, got, err)
	}
	for _, bad := range []string{"0", "-1", "01", "abc", "99999"} {
		if _, err := s.Event(ctx, bad); !errors.Is(err, ui.ErrNotFound) {
			t.Errorf("Event(%q): %v", bad, err)
		}
	}
}

func TestRecorderWithoutAJournalStillPublishes(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	must(t, os.WriteFile(blocker, nil, 0o600))
	j := journal.Open(filepath.Join(blocker, "state")) // a directory under a file: cannot be created
	defer j.Close()
	var errs []error
	rec := &Recorder{Journal: j, Hub: ui.NewHub(0, 0), OnError: func(err error) { errs = append(errs, err) }}
	for i := range 2 {
		ev := rec.Record(webhook.NewDelivery(time.Now(), "POST", nil, fixture(t, "txt2img", novita.StatusFailed, strconv.Itoa(i))))
		if ev.ID == "" {
			t.Fatal("no id")
		}
	}
	if len(errs) != 1 || len(rec.Hub.Recent(0)) != 2 {
		t.Fatalf("want both events live and one warning: %d warnings, %d events", len(errs), len(rec.Hub.Recent(0)))
	}
}
