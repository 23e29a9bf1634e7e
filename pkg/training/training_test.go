package training

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

var (
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	jpegBytes = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")
)

func spec(t *testing.T, name string) catalog.Task {
	t.Helper()
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	task, ok := c.Training(name)
	if !ok {
		t.Fatalf("no training spec %s", name)
	}
	return task
}

// fakeAPI records what the engine sends and answers statuses from a script.
type fakeAPI struct {
	assets   []string // what TrainingUploadURL answers, in turn (raw JSON)
	uploads  []string // content types PUT
	created  map[string]any
	kind     string
	statuses []novita.TrainingTask // answered in turn; the last one repeats
	reads    int
	notFound map[string]bool // kinds whose status endpoint answers 404
	pages    []novita.TrainingPage
	cursors  []string
}

func (f *fakeAPI) TrainingUploadURL(_ context.Context, ext string) (*novita.UploadTarget, error) {
	raw := f.assets[len(f.uploads)]
	return &novita.UploadTarget{AssetsID: strings.Trim(raw, `"`), AssetsJSON: json.RawMessage(raw),
		UploadURL: "https://storage.example/" + ext, Method: "PUT"}, nil
}

func (f *fakeAPI) UploadTrainingImage(_ context.Context, _ *novita.UploadTarget, _ []byte, ct string) error {
	f.uploads = append(f.uploads, ct)
	return nil
}

func (f *fakeAPI) CreateTraining(_ context.Context, kind string, body []byte) (string, error) {
	f.kind = kind
	return "task-1", json.Unmarshal(body, &f.created)
}

func (f *fakeAPI) TrainingStatus(_ context.Context, kind, id string) (*novita.TrainingTask, error) {
	if f.notFound[kind] {
		return nil, &novita.APIError{HTTPStatus: 404, Reason: "TASK_NOT_FOUND"}
	}
	t := f.statuses[min(f.reads, len(f.statuses)-1)]
	f.reads++
	t.TaskID = id
	return &t, nil
}

func (f *fakeAPI) ListTrainings(_ context.Context, limit int, cursor string) (*novita.TrainingPage, error) {
	f.cursors = append(f.cursors, fmt.Sprintf("%d@%s", limit, cursor))
	p := f.pages[0]
	f.pages = f.pages[1:]
	return &p, nil
}

func TestPrepareFillsThePageBodyAndSubmitSendsTheUploadsAssets(t *testing.T) {
	task := spec(t, "subject-training")
	p, err := Prepare(task, Request{
		Images: []Image{{Path: "a.png", Data: pngBytes}, {Path: "b.jpg", Data: jpegBytes}},
		Fields: map[string]any{"name": "me", "width": int64(768), "expert_setting.lora_r": int64(32)},
	})
	if err != nil {
		t.Fatal(err)
	}
	api := &fakeAPI{assets: []string{`"34558688e2f42a0137ca2d5274a8cf43"`, `100024`}}
	id, err := Submit(context.Background(), api, p, nil)
	if err != nil || id != "task-1" || api.kind != "subject" {
		t.Fatalf("Submit = %q, %v (kind %q)", id, err, api.kind)
	}
	if strings.Join(api.uploads, ",") != "image/png,image/jpeg" {
		t.Errorf("uploads were sent as %v; want the sniffed types", api.uploads)
	}
	b := api.created
	items := b["image_dataset_items"].([]any)
	if items[0].(map[string]any)["assets_id"] != "34558688e2f42a0137ca2d5274a8cf43" || items[1].(map[string]any)["assets_id"] != float64(100024) {
		t.Errorf("assets ids not sent back as the upload gave them: %v", items)
	}
	es := b["expert_setting"].(map[string]any)
	if b["name"] != "me" || b["base_model"] != "v1-5-pruned-emaonly" || b["width"] != float64(768) || b["height"] != float64(512) ||
		es["class_prompt"] != "person" || es["instance_prompt"] == nil || es["lora_r"] != float64(32) {
		t.Errorf("body %v", b)
	}
	resize := b["components"].([]any)[1].(map[string]any)
	if fmt.Sprint(resize["args"]) != "[map[name:width value:768] map[name:height value:512]]" {
		t.Errorf("resize does not follow the training size: %v", resize)
	}
}

func TestPrepareRefusesBeforeAnyUploadNamingTheFlag(t *testing.T) {
	subject, style := spec(t, "subject-training"), spec(t, "style-training")
	img := []Image{{Path: "a.png", Data: pngBytes}, {Path: "b.png", Data: pngBytes}}
	many := make([]Image, MaxImages+1)
	for i := range many {
		many[i] = Image{Path: "x.png", Data: pngBytes}
	}
	cases := []struct {
		name string
		task catalog.Task
		req  Request
		want string
	}{
		{"no name", subject, Request{Images: img}, "--name"},
		{"no images", subject, Request{Fields: map[string]any{"name": "me"}}, "--images"},
		{"too many", subject, Request{Images: many, Fields: map[string]any{"name": "me"}}, "at most 50"},
		{"gif", subject, Request{Images: []Image{{Path: "dir/anim.gif", Data: []byte("GIF89a....")}}, Fields: map[string]any{"name": "me"}}, "anim.gif is not a PNG"},
		{"lora_r", subject, Request{Images: img, Fields: map[string]any{"name": "me", "expert_setting.lora_r": int64(256)}}, "--lora-r"},
		{"learning rate", subject, Request{Images: img, Fields: map[string]any{"name": "me", "expert_setting.learning_rate": 0.5}}, "--learning-rate"},
		{"base model", subject, Request{Images: img, Fields: map[string]any{"name": "me", "base_model": "sd3"}}, "--base-model"},
		{"captions", subject, Request{Images: img, Captions: []string{"a", "b", "c"}, Fields: map[string]any{"name": "me"}}, "--caption"},
		{"style captions", style, Request{Images: img, Fields: map[string]any{"name": "ink"}}, "--caption"},
	}
	for _, c := range cases {
		_, err := Prepare(c.task, c.req)
		if clierr.KindOf(err) != clierr.KindUsage || !strings.Contains(named(err), c.want) {
			t.Errorf("%s: %v; want a usage error naming %s", c.name, err, c.want)
		}
	}
	_, err := Prepare(style, Request{Images: append(img, img...), Fields: map[string]any{"name": "ink"}})
	if err == nil || strings.Count(err.Error(), "missing") != 1 || !strings.Contains(err.Error(), "image_dataset_items[].caption") {
		t.Errorf("captions missing from 4 images: %v; want one line for the field", err)
	}
	p, err := Prepare(style, Request{Images: img, Captions: []string{"an ink drawing"}, Fields: map[string]any{"name": "ink"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Body["expert_setting"]; ok {
		t.Errorf("style sends subject-only expert settings: %v", p.Body["expert_setting"])
	}
	for _, it := range p.Body["image_dataset_items"].([]any) {
		if it.(map[string]any)["caption"] != "an ink drawing" {
			t.Errorf("one caption is not given to every image: %v", it)
		}
	}
}

// autoClock sleeps instantly: each timer moves the time to its instant and fires at once.
type autoClock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *autoClock) Now() time.Time { return c.now }
func (c *autoClock) NewTimer(d time.Duration) clock.Timer {
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return firedTimer(ch)
}

type firedTimer chan time.Time

func (t firedTimer) C() <-chan time.Time      { return t }
func (t firedTimer) Stop() bool               { return false }
func (t firedTimer) Reset(time.Duration) bool { return false }

func status(s string, models ...novita.TrainingModel) novita.TrainingTask {
	return novita.TrainingTask{TaskStatus: s, Models: models}
}

func TestWaitFollowsTheTaskUntilItsModelServes(t *testing.T) {
	deploying := novita.TrainingModel{ModelName: "model_1_A.safetensors", ModelStatus: "DEPLOYING"}
	serving := novita.TrainingModel{ModelName: "model_1_A.safetensors", ModelStatus: "SERVING"}
	api := &fakeAPI{statuses: []novita.TrainingTask{status("QUEUING"), status("TRAINING"), status("TRAINING"),
		status("SUCCESS", deploying), status("SUCCESS", serving)}}
	clk := &autoClock{now: time.Unix(1_700_000_000, 0)}
	s := waiter.Schedule{First: time.Second, Min: time.Second, Max: 10 * time.Second, Growth: 2}
	var seen []string
	got, err := Wait(context.Background(), api, clk, s, KindSubject, "t1", time.Hour, func(t *novita.TrainingTask) { seen = append(seen, t.TaskStatus) })
	if err != nil || Result(got) != nil || got.Models[0].ModelStatus != "SERVING" {
		t.Fatalf("Wait = %+v, %v", got, err)
	}
	if api.reads != 5 || fmt.Sprint(clk.sleeps) != "[1s 2s 4s 8s]" {
		t.Errorf("%d reads, sleeps %v; want 5 reads on the growing schedule", api.reads, clk.sleeps)
	}
	if strings.Join(seen, " ") != "QUEUING TRAINING TRAINING SUCCESS SUCCESS" {
		t.Errorf("observer saw %v", seen)
	}
}

func TestWaitEndsOnFailureAndTimesOut(t *testing.T) {
	s := waiter.Schedule{First: time.Second, Min: time.Second, Max: 10 * time.Second, Growth: 2}
	api := &fakeAPI{statuses: []novita.TrainingTask{status("TRAINING"), status("FAILED")}}
	got, err := Wait(context.Background(), api, &autoClock{}, s, KindStyle, "t2", 0, nil)
	if err != nil || clierr.KindOf(Result(got)) != clierr.KindTaskFailed || !errors.Is(Result(got), ErrFailed) {
		t.Errorf("a failed training: %+v, %v, %v", got, err, Result(got))
	}
	api = &fakeAPI{statuses: []novita.TrainingTask{status("TRAINING")}}
	clk := &autoClock{}
	_, err = Wait(context.Background(), api, clk, s, KindSubject, "t3", 5*time.Second, nil)
	if clierr.KindOf(err) != clierr.KindTimeout || !strings.Contains(err.Error(), "t3 is still TRAINING after 5s") {
		t.Errorf("timeout: %v", err)
	}
	if fmt.Sprint(clk.sleeps) != "[1s 2s 2s]" {
		t.Errorf("sleeps %v: the last one must end at the deadline", clk.sleeps)
	}
}

func TestStatusTriesStyleWhenSubjectDoesNotKnowTheTask(t *testing.T) {
	api := &fakeAPI{notFound: map[string]bool{KindSubject: true}, statuses: []novita.TrainingTask{status("SUCCESS")}}
	got, kind, err := Status(context.Background(), api, "", "t4")
	if err != nil || kind != KindStyle || got.TaskStatus != "SUCCESS" {
		t.Errorf("Status = %+v, %q, %v", got, kind, err)
	}
	api = &fakeAPI{notFound: map[string]bool{KindSubject: true, KindStyle: true}}
	if _, _, err := Status(context.Background(), api, "", "t5"); err == nil {
		t.Error("an unknown task is no error")
	}
}

func TestListFollowsOpaqueCursorsUpToTheLimit(t *testing.T) {
	page := func(next string, ids ...string) novita.TrainingPage {
		p := novita.TrainingPage{NextCursor: next}
		for _, id := range ids {
			p.Tasks = append(p.Tasks, novita.TrainingTask{TaskID: id})
		}
		return p
	}
	api := &fakeAPI{pages: []novita.TrainingPage{page("c_Wzk5XQ==", "a", "b"), page("", "c")}}
	tasks, next, err := List(context.Background(), api, 150, "")
	if err != nil || len(tasks) != 3 || next != "" {
		t.Fatalf("List = %v, %q, %v", tasks, next, err)
	}
	if strings.Join(api.cursors, " ") != "100@ 100@c_Wzk5XQ==" {
		t.Errorf("pages asked: %v; want at most 100 a page, the cursor passed back unparsed", api.cursors)
	}
	api = &fakeAPI{pages: []novita.TrainingPage{page("c_2", "a", "b")}}
	if tasks, next, _ := List(context.Background(), api, 2, ""); len(tasks) != 2 || next != "c_2" {
		t.Errorf("at the limit: %d tasks, next %q; want the cursor to go on from", len(tasks), next)
	}
}

// named is err's message followed by the flags the command line words it with (cmd/internal/words):
// the spec flag of each field at fault, and --images or --caption for the images' problems.
func named(err error) string {
	msg := err.Error()
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		for _, e := range j.Unwrap() {
			var fe *FieldError
			if errors.As(e, &fe) && fe.Flag != "" {
				msg += " [--" + fe.Flag + "]"
			}
		}
	}
	var ie *ImagesError
	if errors.As(err, &ie) {
		msg += map[ImagesProblem]string{NoImages: " [--images]", TooManyImages: " [--images]", CaptionCount: " [--caption]"}[ie.Problem]
	}
	return msg
}
