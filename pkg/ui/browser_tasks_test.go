package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/novita-cli/novita/pkg/sandbox/media"
)

func TestBrowserTasksGallery(t *testing.T) {
	f, _ := galleryFixture(t)
	wav := filepath.Join(t.TempDir(), "speech-1.wav")
	writeFile(t, wav, media.Speech("hello there", 1))
	f.store.addTask(Task{ID: "t5", Task: "txt2speech", Status: "TASK_STATUS_SUCCEED", Prompt: "hello there", SubmittedAt: time.Unix(0, 0),
		Files: []TaskFile{{Kind: "audio", Index: 1, Path: wav, Exists: true}}})
	b := newBrowser(t)
	b.open(t, f.pageURL("#/tasks"))

	// The downloaded PNG is shown as a decoded thumbnail, fetched from /files with the cookie.
	thumb := `document.querySelector('.card[data-id="t1"] img.thumb')`
	b.waitJS(t, "the thumbnail of t1", thumb+` && `+thumb+`.complete && `+thumb+`.naturalWidth === 64`, 10*time.Second)
	if src := b.eval(t, thumb+`.getAttribute('src')`); src != "/files/t1/0" {
		t.Errorf("thumbnail src %q", src)
	}
	cards := b.eval(t, `document.getElementById('task-grid').innerText`)
	for _, want := range []string{"a lighthouse at dusk", "seed 9007199254740993", "FAILED", "file missing"} {
		if !strings.Contains(cards, want) {
			t.Errorf("gallery lacks %q:\n%s", want, cards)
		}
	}
	b.screenshot(t, artifactDir(t), "tasks-view.png")

	// Search narrows the gallery.
	b.do(t, chromedp.SendKeys(chromedp.ID("tk-q"), "lighthouse"))
	b.waitJS(t, "the search", `document.querySelectorAll('#task-grid .card').length === 1`, 5*time.Second)

	// The task page shows the request and offers "Download again" while the URL is valid.
	b.do(t, chromedp.Click(chromedp.CSS(`.card[data-id="t1"] .card-body`)))
	b.waitJS(t, "the task page", `!document.getElementById('task-page').hidden && document.getElementById('tk-download')`, 5*time.Second)
	page := b.eval(t, `document.getElementById('task-page').innerText`)
	for _, want := range []string{`"seed": 9007199254740993`, "image-1.png", "on disk", "URL valid"} {
		if !strings.Contains(page, want) {
			t.Errorf("task page lacks %q:\n%s", want, page)
		}
	}
	b.screenshot(t, artifactDir(t), "task-page.png")
	b.do(t, chromedp.Click(chromedp.ID("tk-download")))
	b.waitJS(t, "the download", `document.getElementById('toast').textContent.includes('Downloaded')`, 5*time.Second)
	if _, dl := f.actions.calls(); strings.Join(dl, ",") != "t1" {
		t.Errorf("downloads asked: %v", dl)
	}

	// An expired task offers no download.
	b.eval(t, `location.hash = '#/tasks/t3'; ''`)
	b.waitJS(t, "the t3 page", `document.getElementById('task-page').innerText.includes('URL expired')`, 5*time.Second)
	if b.eval(t, `String(document.getElementById('tk-download').hidden)`) != "true" {
		t.Error("Download again is offered for expired URLs")
	}
	// Audio plays: the browser loads it through /files (token cookie, Range) and reads its duration.
	b.eval(t, `location.hash = '#/tasks/t5'; ''`)
	b.waitJS(t, "the audio player", `document.querySelector('#task-page audio')`, 5*time.Second)
	b.eval(t, `document.querySelector('#task-page audio').load(); ''`)
	b.waitJS(t, "the audio to load", `document.querySelector('#task-page audio').readyState >= 1 && document.querySelector('#task-page audio').duration > 0`, 10*time.Second)

	if errs := b.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
