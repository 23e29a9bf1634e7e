package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// History-only `novita ui` has no receiver: "Send test event" is disabled and its tooltip says why.
func TestBrowserTestEventDisabledWithoutAReceiver(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.Events = nil })
	f.store.addEvents(sampleEvent("old", "task-old", "TASK_STATUS_SUCCEED", time.Now().Add(-time.Hour)))
	b := newBrowser(t)
	b.open(t, f.pageURL(""))
	b.waitJS(t, "the history-only badge", `document.getElementById('live').textContent === 'history only'`, pageWait)
	if b.eval(t, `String(document.getElementById('ev-test-open').disabled)`) != "true" {
		t.Error("Send test event is enabled in a history-only inspector")
	}
	if tip := b.eval(t, `document.getElementById('ev-test-open').title`); !strings.Contains(tip, "history only") || !strings.Contains(tip, "novita listen --ui") {
		t.Errorf("tooltip %q", tip)
	}
}

// An answer --respond-status replaced reads "500 injected (app: 200)"; an ordinary one just its status.
func TestBrowserForwardColumnShowsInjectedStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	inj := sampleEvent("inj", "task-inj", "TASK_STATUS_FAILED", time.Now().Add(-time.Minute))
	inj.Forward = &ForwardResult{Target: f.target.srv.URL, Status: 500, Latency: 3 * time.Millisecond,
		Header: http.Header{"X-Novita-Listen-Injected": {"--respond-status FAILED=500; the app answered 200"}}}
	plain := sampleEvent("plain", "task-plain", "TASK_STATUS_SUCCEED", time.Now().Add(-2*time.Minute))
	plain.Forward = &ForwardResult{Target: f.target.srv.URL, Status: 200, Latency: 3 * time.Millisecond, Header: http.Header{}}
	f.store.addEvents(inj, plain)
	b := newBrowser(t)
	b.open(t, f.pageURL(""))
	b.waitJS(t, "both rows", `document.querySelector('`+rowSelector("inj")+`') && document.querySelector('`+rowSelector("plain")+`')`, pageWait)
	if got := b.eval(t, `document.querySelector('`+rowSelector("inj")+` td:last-child').innerText`); !strings.HasPrefix(got, "500 injected (app: 200)") {
		t.Errorf("injected forward cell %q", got)
	}
	if got := b.eval(t, `document.querySelector('`+rowSelector("plain")+` td:last-child').innerText`); strings.Contains(got, "injected") || !strings.HasPrefix(got, "200") {
		t.Errorf("plain forward cell %q", got)
	}
}

// "Download again" needs a valid URL and the task's server: a task of another base URL (or of an
// in-process sandbox that is gone) is not offered it.
func TestBrowserDownloadAgainNeedsAKnownServer(t *testing.T) {
	t.Parallel()
	f, _ := galleryFixture(t)
	f.store.addTask(Task{ID: "t6", Task: "txt2img", Status: "TASK_STATUS_SUCCEED", Prompt: "elsewhere", SubmittedAt: time.Now(),
		Files: []TaskFile{{Kind: "image", Index: 1, Path: "/nonexistent/image-1.png"}}, ServerKnown: false})
	b := newBrowser(t)
	b.open(t, f.pageURL("#/tasks/t6"))
	b.waitJS(t, "the t6 page", `document.getElementById('task-page').innerText.includes('URL valid')`, pageWait)
	if b.eval(t, `String(document.getElementById('tk-download').hidden)`) != "true" {
		t.Error("Download again is offered for a task whose server is not known")
	}
	b.eval(t, `location.hash = '#/tasks/t1'; ''`)
	b.waitJS(t, "the t1 page", `document.getElementById('task-page').innerText.includes('a lighthouse')`, pageWait)
	if b.eval(t, `String(document.getElementById('tk-download').hidden)`) != "false" {
		t.Error("Download again is not offered for a valid URL of a known server")
	}
}
