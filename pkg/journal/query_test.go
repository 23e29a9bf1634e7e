package journal

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func ids(ts []Task) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return strings.Join(out, " ")
}

func submitPrompt(t *testing.T, j *Journal, id, prompt string, at time.Time) {
	t.Helper()
	must(t, j.RecordSubmitted(context.Background(), Submitted{TaskID: id, Task: "txt2img", SubmittedAt: at,
		Status: "TASK_STATUS_QUEUED", Request: []byte(fmt.Sprintf(`{"request":{"prompt":%q}}`, prompt))}))
}

// "the fox picture from Tuesday" is found by a word of its prompt, and nothing unrelated is.
func TestFullTextSearchOverPrompts(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	submitPrompt(t, j, "fox", "The fox picture at dawn, oil painting", t0)
	submitPrompt(t, j, "glove", "Foxglove flowers in a cottage garden", t0.Add(time.Hour))
	submitPrompt(t, j, "house", "a lighthouse on a cliff at dusk", t0.Add(2*time.Hour))
	submitPrompt(t, j, "cafe", "Café au lait, résumé on the table", t0.Add(3*time.Hour))
	// A task first known by its status gets its prompt later: the update is indexed too.
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "late", Status: "TASK_STATUS_PROCESSING", At: t0.Add(4 * time.Hour)}))
	submitPrompt(t, j, "late", "a sleepy fox under a tree", t0.Add(4*time.Hour))

	for _, c := range []struct{ query, want string }{
		{"fox", "late fox"},
		{"FOX", "late fox"},
		{"picture fox", "fox"},     // every word must match
		{"fox*", "late glove fox"}, // prefix
		{"lighthouse", "house"},
		{"cafe resume", "cafe"}, // diacritics folded
		{"dusk fox", ""},
		{"unicorn", ""},
		{`fox" OR "x`, ""}, // FTS syntax is just text
		{"-fox:", "late fox"},
		{"   ", "late cafe house glove fox"}, // no words: no filter
	} {
		got, err := j.List(ctx, Query{Text: c.query})
		if err != nil || ids(got) != c.want {
			t.Errorf("search %q: %q (%v), want %q", c.query, ids(got), err, c.want)
		}
	}
	got, err := j.List(ctx, Query{Text: "fox", Status: []string{"processing"}})
	if err != nil || ids(got) != "late" {
		t.Errorf("search with a status filter: %q %v", ids(got), err)
	}
}

// List's filters each select what they say, newest first.
func TestListFilters(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	sub := func(id, task, batch string, line int, at time.Time) {
		must(t, j.RecordSubmitted(ctx, Submitted{TaskID: id, Task: task, BatchID: batch, Line: line, SubmittedAt: at, Status: "TASK_STATUS_QUEUED"}))
	}
	status := func(id, s string, at time.Time) {
		must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: id, Status: s, At: at, Source: SourceWebhook}))
	}
	sub("q", "txt2img", "", 0, t0)
	sub("ok", "txt2img", "", 0, t0.Add(time.Hour))
	sub("bad", "wan-t2v", "", 0, t0.Add(2*time.Hour))
	sub("run", "wan-t2v", "", 0, t0.Add(3*time.Hour))
	sub("b2", "txt2img", "B", 2, t0.Add(4*time.Hour))
	sub("b1", "txt2img", "B", 1, t0.Add(4*time.Hour))
	status("ok", "TASK_STATUS_SUCCEED", t0.Add(time.Hour+90*time.Second))
	status("bad", "TASK_STATUS_FAILED", t0.Add(3*time.Hour))
	status("run", "TASK_STATUS_PROCESSING", t0.Add(3*time.Hour))
	// A late poll answer after the webhook's SUCCEED does not make the task pending again.
	status("ok", "TASK_STATUS_PROCESSING", t0.Add(2*time.Hour))

	for _, c := range []struct {
		name string
		q    Query
		want string
	}{
		{"all", Query{}, "b1 b2 run bad ok q"},
		{"limit", Query{Limit: 2}, "b1 b2"},
		{"status short", Query{Status: []string{"succeed"}}, "ok"},
		{"statuses", Query{Status: []string{"TASK_STATUS_FAILED", "Processing"}}, "run bad"},
		{"task", Query{Task: "wan-t2v"}, "run bad"},
		{"since", Query{Since: t0.Add(3 * time.Hour)}, "b1 b2 run"},
		{"batch", Query{BatchID: "B"}, "b1 b2"},
		{"pending", Query{Pending: true}, "b1 b2 run q"},
		{"pending wan", Query{Pending: true, Task: "wan-t2v"}, "run"},
	} {
		got, err := j.List(ctx, c.q)
		if err != nil || ids(got) != c.want {
			t.Errorf("%s: %q (%v), want %q", c.name, ids(got), err, c.want)
		}
	}
	d, ok, err := j.Get(ctx, "ok")
	must(t, err)
	if !ok || d.Status != "TASK_STATUS_SUCCEED" || d.ElapsedMS != 90_000 || d.DeliveredBy != SourceWebhook ||
		!d.EndedAt.Equal(t0.Add(time.Hour+90*time.Second)) || len(d.History) != 3 || d.History[2].Status != "TASK_STATUS_PROCESSING" {
		t.Errorf("ended task: %+v", d)
	}
	newest, ok, err := j.Newest(ctx)
	if err != nil || !ok || newest.ID != "b1" {
		t.Errorf("newest: %v %v %v (the later of two equal times is the one recorded last)", newest.ID, ok, err)
	}
	members, err := j.BatchMembers(ctx, "B")
	if err != nil || ids(members) != "b1 b2" {
		t.Errorf("batch members in line order: %q %v", ids(members), err)
	}
	// A body that is not JSON is not kept, but the paid task is.
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "raw", Request: []byte("not json")}))
	if d, ok, err := j.Get(ctx, "raw"); !ok || err != nil || d.Request != nil {
		t.Errorf("task with a non-JSON body: %v %v %s", ok, err, d.Request)
	}
	if _, ok, err := j.Get(ctx, "nope"); ok || err != nil {
		t.Errorf("unknown task: %v %v", ok, err)
	}
}

// Get returns everything about a task: the stored request, its elided inputs, seed, history, files.
func TestGetTaskDetail(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	img := strings.Repeat("iVBORw0KGgo", 200)
	req := fmt.Sprintf(`{"extra":{"response_image_type":"png"},"request":{"prompt":"a cat","seed":42,"image_base64":%q}}`, img)
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "t1", Task: "img2img", Endpoint: "/v3/async/img2img",
		BaseURL: "https://api.novita.ai", Status: "TASK_STATUS_QUEUED", Output: "{task_id}.{ext}", Request: []byte(req)}))
	seed := int64(1234)
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "t1", Status: "TASK_STATUS_SUCCEED", TaskType: "IMG_TO_IMG", Source: SourcePoll, Seed: &seed}))
	expires := time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)
	must(t, j.RecordFiles(ctx, "t1", []FileRecord{{Kind: "image", Index: 1, URLExpiresAt: expires}}))
	must(t, j.RecordFiles(ctx, "t1", []FileRecord{{Kind: "image", Index: 1, Path: "out/t1.png", Bytes: 10, SHA256: "ab"}}))

	d, ok, err := j.Get(ctx, "t1")
	must(t, err)
	if !ok || d.TaskType != "IMG_TO_IMG" || d.Prompt != "a cat" || d.Seed == nil || *d.Seed != 1234 || d.Output != "{task_id}.{ext}" {
		t.Fatalf("task: %+v", d.Task)
	}
	if len(d.Files) != 1 || !strings.HasSuffix(d.Files[0].Path, filepath.Join("out", "t1.png")) || !filepath.IsAbs(d.Files[0].Path) ||
		!d.Files[0].URLExpiresAt.Equal(expires) || d.Files[0].Bytes != 10 {
		t.Errorf("files (absolute path, expiry kept): %+v", d.Files)
	}
	if strings.Contains(string(d.Request), img) || !strings.Contains(string(d.Request), `"prompt":"a cat"`) {
		t.Errorf("stored request: %s", d.Request)
	}
	el, err := ElidedPaths(d.Request)
	if err != nil || len(el) != 1 || el[0].Path != "request.image_base64" {
		t.Errorf("elided paths of the stored request: %+v %v", el, err)
	}
	if len(d.History) != 2 || d.History[0].Source != SourceSubmit || d.History[1].Status != "TASK_STATUS_SUCCEED" {
		t.Errorf("history: %+v", d.History)
	}
}

// A webhook can be recorded before the submit that caused it (another process's listen): the submit
// then completes the task without moving it back to QUEUED, and the elapsed time follows its real start.
func TestStatusBeforeSubmit(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "x", Status: "TASK_STATUS_SUCCEED", At: t0.Add(10 * time.Minute), Source: SourceWebhook}))
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "x", Task: "txt2img", SubmittedAt: t0.Add(9 * time.Minute), Status: "TASK_STATUS_QUEUED"}))
	d, _, err := j.Get(ctx, "x")
	must(t, err)
	if d.Status != "TASK_STATUS_SUCCEED" || d.Name != "txt2img" || !d.SubmittedAt.Equal(t0.Add(9*time.Minute)) ||
		d.ElapsedMS != 60_000 || len(d.History) != 2 {
		t.Errorf("task: %+v", d)
	}
	if p, _ := j.List(ctx, Query{Pending: true}); len(p) != 0 {
		t.Errorf("an ended task is pending: %+v", p)
	}
}

// A task submitted by an AI agent through `novita mcp` says so; one from the command line says nothing.
func TestSubmittedSourceIsKept(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "agent", Task: "txt2img", Status: "TASK_STATUS_QUEUED", Source: SubmitterMCP}))
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "cli", Task: "txt2img", Status: "TASK_STATUS_QUEUED"}))
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "agent", Status: "TASK_STATUS_SUCCEED", Source: SourcePoll}))
	d, ok, err := j.Get(ctx, "agent")
	must(t, err)
	if !ok || d.Source != SubmitterMCP {
		t.Errorf("agent task source = %q, want %q", d.Source, SubmitterMCP)
	}
	ts, err := j.List(ctx, Query{})
	must(t, err)
	got := map[string]string{}
	for _, task := range ts {
		got[task.ID] = task.Source
	}
	if got["agent"] != SubmitterMCP || got["cli"] != "" {
		t.Errorf("sources in the list: %v", got)
	}
}
