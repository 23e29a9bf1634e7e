package ui

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox/media"
	"github.com/novita-cli/novita/pkg/testevent"
)

// TestBrowserDemoScreenshots renders both views with realistic demo data and saves ui-events.png
// and ui-tasks.png (scripts/ui-screenshots points NOVITA_UI_SCREENSHOTS at docs/img).
func TestBrowserDemoScreenshots(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	b := newBrowser(t)
	dir := os.Getenv("NOVITA_UI_SCREENSHOTS")
	if dir == "" {
		dir = artifactDir(t)
	}
	now := time.Now().Truncate(time.Second)
	events := demoEvents(t, now, "http://localhost:3000") // shown only, as a developer's app would be
	f.store.addEvents(events[:len(events)-1]...)
	for _, tk := range demoTasks(t, t.TempDir(), now) {
		f.store.addTask(tk)
	}

	b.do(t, chromedp.EmulateViewport(1280, 800))
	b.open(t, f.pageURL("#/events"))
	b.waitJS(t, "the live badge", `document.getElementById('live').textContent === 'live'`, pageWait)
	f.hub.Publish(events[len(events)-1]) // the newest arrives live
	b.waitJS(t, "the live event", `document.querySelector('`+rowSelector(events[len(events)-1].ID)+`')`, pageWait)
	b.do(t, chromedp.Click(chromedp.CSS(rowSelector(events[2].ID)))) // a delivery the app answered 500
	b.waitJS(t, "the detail pane", `document.querySelector('#ev-detail .j-key')`, pageWait)
	b.screenshot(t, dir, "ui-events.png")

	b.eval(t, `location.hash = '#/tasks'; ''`)
	b.do(t, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1270, 790)) // no hover highlight in the picture
	b.waitJS(t, "the thumbnails", `[...document.querySelectorAll('img.thumb')].length >= 6 && [...document.querySelectorAll('img.thumb')].every(i => i.complete && i.naturalWidth > 0)`, pageWait)
	b.screenshot(t, dir, "ui-tasks.png")
	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

func demoEvents(t *testing.T, now time.Time, target string) []Event {
	t.Helper()
	type spec struct {
		task, status, id string
		ago              time.Duration
		dup              bool
		fwd              int
	}
	// Confirmed task types only (novita-api.md): TXT_TO_IMG, IMG_TO_IMG, UPSCALE, TXT_TO_VIDEO, IMG_TO_VIDEO.
	specs := []spec{
		{"txt2img", "TASK_STATUS_SUCCEED", "3f9c2a71-5b8e-4d0a-9c1e-2b7f6a8d4e10", 9 * time.Minute, false, 200},
		{"txt2img", "TASK_STATUS_SUCCEED", "3f9c2a71-5b8e-4d0a-9c1e-2b7f6a8d4e10", 9*time.Minute - 5*time.Second, true, 200},
		{"img2video", "TASK_STATUS_FAILED", "8a1d4c02-7e3b-4f9a-b6d2-0c5e9f1a7b33", 7 * time.Minute, false, 500},
		{"img2video", "TASK_STATUS_FAILED", "8a1d4c02-7e3b-4f9a-b6d2-0c5e9f1a7b33", 7*time.Minute - 10*time.Second, true, 200},
		{"upscale", "TASK_STATUS_SUCCEED", "c47e0b9d-2a6f-4e13-8d5c-91b3f07a2e64", 5 * time.Minute, false, 200},
		{"img2img", "TASK_STATUS_SUCCEED", "e2b58f3c-9d14-4a7e-a0c6-5f8d2b1e9c07", 3 * time.Minute, false, 0},
		{"txt2img", "TASK_STATUS_SUCCEED", "71d0e6a4-3c9b-4f28-be15-a6c4d9f03b52", 90 * time.Second, false, 200},
		{"txt2video", "TASK_STATUS_SUCCEED", "9b3e7f15-6a2d-4c80-93fe-d1a05c8b7e26", 20 * time.Second, false, 201},
	}
	var out []Event
	for i, s := range specs {
		body, err := testevent.Fixture(s.task, novita.Status(s.status), s.id)
		if err == nil && s.status == "TASK_STATUS_FAILED" {
			body, err = testevent.Edit(body, []string{"payload.task.reason=Out Of Memory"})
		}
		if err != nil {
			t.Fatal(err)
		}
		ev := Event{ID: fmt.Sprintf("demo-%02d", i), Received: now.Add(-s.ago), Method: "POST", Body: body,
			Header: http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/2.0"},
				"Accept-Encoding": {"gzip"}, "Content-Length": {fmt.Sprint(len(body))}},
			EventType: "ASYNC_TASK_RESULT", Status: s.status, TaskType: testevent.TaskType(s.task), TaskID: s.id, Duplicate: s.dup}
		if s.status == "TASK_STATUS_SUCCEED" {
			ev.Outputs = 1
		}
		if s.fwd != 0 {
			fr := &ForwardResult{Target: target + "/hooks/novita", Status: s.fwd, Latency: time.Duration(8+i*3) * time.Millisecond,
				Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"ok":true,"queued":"thumbnail"}`)}
			if s.fwd >= 500 {
				fr.Body = []byte(`{"error":"database is locked"}`)
			}
			ev.Forward = fr
		}
		out = append(out, ev)
	}
	return out
}

func demoTasks(t *testing.T, dir string, now time.Time) []Task {
	t.Helper()
	type spec struct {
		prompt string
		seed   int64
	}
	specs := []spec{
		{"a lighthouse at dusk, long exposure, calm sea", 42},
		{"layered mountains at dawn, soft pastel light", 1234},
		{"desert dunes at sunset, warm haze", 7},
		{"northern lights over a quiet fjord", 2024},
		{"misty pine forest, early morning", 99},
		{"volcanic island under a violet sky", 31337},
	}
	var tasks []Task
	for i, s := range specs {
		id := fmt.Sprintf("%08x-6d1e-4b2a-9f3c-%012x", 0x5ea1c0de+i, 0x2b7f6a8d4e10+i)
		path := filepath.Join(dir, id, "image-1.png")
		// the sandbox's own picture for this seed: what `novita --sandbox submit txt2img` saves
		png, err := media.EncodeImage(media.Picture(384, 384, uint64(s.seed), 1), "png")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, png)
		seed := s.seed
		at := now.Add(-time.Duration(len(specs)-i) * 7 * time.Minute)
		tasks = append(tasks, Task{ID: id, Task: "txt2img", TaskType: "TXT_TO_IMG", Status: "TASK_STATUS_SUCCEED", Prompt: s.prompt,
			Seed: &seed, SubmittedAt: at, EndedAt: at.Add(4 * time.Second),
			Request: fmt.Appendf(nil, `{"extra":{"response_image_type":"png"},"request":{"model_name":"sd_xl_base_1.0.safetensors","prompt":%q,"width":1024,"height":1024,"image_num":1,"steps":30,"seed":%d,"guidance_scale":7.5,"sampler_name":"DPM++ 2M Karras"}}`, s.prompt, s.seed),
			Files:   []TaskFile{{Kind: "image", Index: 1, Path: path, Bytes: int64(len(png)), Exists: true, URLExpired: i < 4}}})
	}
	gif, err := media.GIF(320, 320, 16, 8, 5) // the sandbox's txt2video answer with video_type gif
	if err != nil {
		t.Fatal(err)
	}
	gifPath := filepath.Join(dir, "9b3e7f15-6a2d-4c80-93fe-d1a05c8b7e26", "video-1.gif")
	if err := os.MkdirAll(filepath.Dir(gifPath), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, gifPath, gif)
	at := now.Add(-2 * time.Minute)
	tasks = append(tasks,
		Task{ID: "9b3e7f15-6a2d-4c80-93fe-d1a05c8b7e26", Task: "txt2video", TaskType: "TXT_TO_VIDEO", Status: "TASK_STATUS_SUCCEED",
			Prompt: "timelapse of dusk falling over rolling hills", SubmittedAt: at, EndedAt: at.Add(40 * time.Second),
			Request: []byte(`{"model_name":"dreamshaper_8_93211.safetensors","width":512,"height":512,"steps":20,"prompts":[{"frames":32,"prompt":"timelapse of dusk falling over rolling hills"}],"extra":{"response_video_type":"gif"}}`),
			Files:   []TaskFile{{Kind: "video", Index: 1, Path: gifPath, Bytes: int64(len(gif)), Exists: true}}},
		Task{ID: "8a1d4c02-7e3b-4f9a-b6d2-0c5e9f1a7b33", Task: "img2video", TaskType: "IMG_TO_VIDEO", Status: "TASK_STATUS_FAILED",
			Reason: "Out Of Memory", Prompt: "", SubmittedAt: at.Add(30 * time.Second)})
	return tasks
}
