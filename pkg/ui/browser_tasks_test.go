package ui

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/novita-cli/novita/pkg/provenance"
	"github.com/novita-cli/novita/pkg/sandbox/media"
)

func TestBrowserTasksGallery(t *testing.T) {
	t.Parallel()
	f, _ := galleryFixture(t)
	wav := filepath.Join(t.TempDir(), "speech-1.wav")
	writeFile(t, wav, media.Speech("hello there", 1))
	f.store.addTask(Task{ID: "t5", Task: "txt2speech", Status: "TASK_STATUS_SUCCEED", Prompt: "hello there", SubmittedAt: time.Unix(0, 0),
		Files: []TaskFile{{Kind: "audio", Index: 1, Path: wav, Exists: true}}})
	b := newBrowser(t)
	b.open(t, f.pageURL("#/tasks"))

	// The downloaded PNG is shown as a decoded thumbnail, fetched from /files with the cookie.
	thumb := `document.querySelector('.card[data-id="t1"] img.thumb')`
	b.waitJS(t, "the thumbnail of t1", thumb+` && `+thumb+`.complete && `+thumb+`.naturalWidth === 64`, pageWait)
	if src := b.eval(t, thumb+`.getAttribute('src')`); src != "files/t1/0" {
		t.Errorf("thumbnail src %q", src)
	}
	cards := b.eval(t, `document.getElementById('task-grid').innerText`)
	for _, want := range []string{"a lighthouse at dusk", "seed 9007199254740993", "sd_xl_base_1.0.safetensors", "FAILED", "file missing"} {
		if !strings.Contains(cards, want) {
			t.Errorf("gallery lacks %q:\n%s", want, cards)
		}
	}
	b.screenshot(t, artifactDir(t), "tasks-view.png")

	// Search narrows the gallery.
	b.do(t, chromedp.SendKeys(chromedp.ID("tk-q"), "lighthouse"))
	b.waitJS(t, "the search", `document.querySelectorAll('#task-grid .card').length === 1`, pageWait)

	// The task page shows the request and offers "Download again" while the URL is valid.
	b.do(t, chromedp.Click(chromedp.CSS(`.card[data-id="t1"] .card-body`)))
	b.waitJS(t, "the task page", `!document.getElementById('task-page').hidden && document.getElementById('tk-download')`, pageWait)
	page := b.eval(t, `document.getElementById('task-page').innerText`)
	for _, want := range []string{`"seed": 9007199254740993`, "image-1.png", "on disk", "URL valid"} {
		if !strings.Contains(page, want) {
			t.Errorf("task page lacks %q:\n%s", want, page)
		}
	}
	b.screenshot(t, artifactDir(t), "task-page.png")
	b.do(t, chromedp.Click(chromedp.ID("tk-download")))
	b.waitJS(t, "the download", `document.getElementById('toast').textContent.includes('Downloaded')`, pageWait)
	if _, dl := f.actions.calls(); strings.Join(dl, ",") != "t1" {
		t.Errorf("downloads asked: %v", dl)
	}

	// An expired task offers no download.
	b.eval(t, `location.hash = '#/tasks/t3'; ''`)
	b.waitJS(t, "the t3 page", `document.getElementById('task-page').innerText.includes('URL expired')`, pageWait)
	if b.eval(t, `String(document.getElementById('tk-download').hidden)`) != "true" {
		t.Error("Download again is offered for expired URLs")
	}
	// Audio plays: the browser loads it through /files (token cookie, Range) and reads its duration.
	b.eval(t, `location.hash = '#/tasks/t5'; ''`)
	b.waitJS(t, "the audio player", `document.querySelector('#task-page audio')`, pageWait)
	b.eval(t, `document.querySelector('#task-page audio').load(); ''`)
	b.waitJS(t, "the audio to load", `document.querySelector('#task-page audio').readyState >= 1 && document.querySelector('#task-page audio').duration > 0`, pageWait)

	// A dropped file opens its task: hashed in the page and found by its sha256 ...
	b.eval(t, `location.hash = '#/tasks'; ''`)
	b.waitJS(t, "the gallery", `!document.getElementById('task-list').hidden`, pageWait)
	b.eval(t, `fetch('files/t1/0').then((r) => r.blob()).then((blob) => {
		const dt = new DataTransfer();
		dt.items.add(new File([blob], 'renamed.png', { type: 'image/png' }));
		document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
	}); ''`)
	b.waitJS(t, "the dropped file's task", `location.hash === '#/tasks/t1' && document.getElementById('task-page').innerText.includes('sd_xl_base_1.0.safetensors')`, pageWait)
	page = b.eval(t, `document.getElementById('task-page').innerText`)
	for _, want := range []string{"a lighthouse at dusk", "9007199254740993", "sd_xl_base_1.0.safetensors"} {
		if !strings.Contains(page, want) {
			t.Errorf("task page of the dropped file lacks %q:\n%s", want, page)
		}
	}
	// ... or, for a file from elsewhere, by the provenance embedded in it.
	foreign := embeddedPNG(t)
	b.eval(t, `(() => {
		const bin = atob('`+base64.StdEncoding.EncodeToString(foreign)+`');
		const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
		const dt = new DataTransfer();
		dt.items.add(new File([bytes], 'from-a-friend.png', { type: 'image/png' }));
		document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
		return '';
	})()`)
	b.waitJS(t, "the metadata's task", `!!document.getElementById('tk-from-file')`, pageWait)
	page = b.eval(t, `document.getElementById('task-page').innerText`)
	for _, want := range []string{"a heron in the reeds", "4242", "flux-dev", "colleague-task"} {
		if !strings.Contains(page, want) {
			t.Errorf("task page from metadata lacks %q:\n%s", want, page)
		}
	}
	b.screenshot(t, artifactDir(t), "task-from-metadata.png")

	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// embeddedPNG is a PNG from another machine: its task is in no journal here, only in its metadata.
func embeddedPNG(t *testing.T) []byte {
	t.Helper()
	png, err := media.EncodeImage(media.Picture(32, 32, 3, 1), "png")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "x.png")
	writeFile(t, p, png)
	seed := int64(4242)
	if err := provenance.Embed(p, provenance.Record{TaskID: "colleague-task", Task: "txt2img", Prompt: "a heron in the reeds",
		Seed: &seed, Model: "flux-dev"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
