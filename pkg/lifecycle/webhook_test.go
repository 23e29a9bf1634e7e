package lifecycle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/sandbox"
)

type warnings struct {
	NopObserver
	mu   sync.Mutex
	errs []error
}

func (w *warnings) Warn(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.errs = append(w.errs, err)
}

func (w *warnings) dropped() []*WebhookDropped {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*WebhookDropped
	for _, e := range w.errs {
		var d *WebhookDropped
		if errors.As(e, &d) {
			out = append(out, d)
		}
	}
	return out
}

// A submit whose webhook field the endpoint refuses (400 naming extra) is sent again once without it,
// said so, journalled as sent, and remembered: the next submit to that endpoint leaves it out at once.
func TestWebhookRefusedIsDroppedOnceAndRemembered(t *testing.T) {
	e := newSyncEnv(t)
	e.sb.SetOptions(sandbox.Options{RejectExtra: []string{"txt2img"}})
	obs := &warnings{}
	e.r.Observer = obs
	req := map[string]any{"request": map[string]any{"model_name": "m.safetensors", "prompt": "a cat", "width": 512,
		"height": 512, "image_num": 1, "steps": 20, "guidance_scale": 7.5, "sampler_name": "Euler a"}}
	body.SetWebhook(req, "", "https://hooks.example/abc")
	raw, err := body.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	sub := Submission{Task: "txt2img", Endpoint: "txt2img", Body: raw, WebhookPath: catalog.DefaultWebhookPath}
	id, err := e.r.Submit(context.Background(), sub)
	if err != nil || id == "" {
		t.Fatalf("submit: %q %v", id, err)
	}
	d := obs.dropped()
	if len(d) != 1 || d[0].Remembered || d[0].Endpoint != "txt2img" || !strings.Contains(d[0].Error(), "polling") {
		t.Fatalf("warnings %v", obs.errs)
	}
	rec, _, err := e.j.Get(context.Background(), id)
	if err != nil || strings.Contains(string(rec.Request), "webhook") {
		t.Errorf("journalled request %s (%v): want the body as sent, without the webhook", rec.Request, err)
	}
	if b, _ := os.ReadFile(filepath.Join(filepath.Dir(e.j.Path), webhookRefusedFile)); string(b) != "txt2img\n" {
		t.Errorf("remembered %q", b)
	}
	submits := func() int {
		n := 0
		for _, r := range e.sb.Requests() {
			if r.Method == "POST" && strings.HasSuffix(r.Path, "/txt2img") {
				n++
			}
		}
		return n
	}
	before := submits()
	if _, err := e.r.Submit(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	if d := obs.dropped(); len(d) != 2 || !d[1].Remembered || submits() != before+1 {
		t.Errorf("second submit: %d requests, warnings %v", submits()-before, obs.errs)
	}
	// Another 400 is the user's problem: no resubmit, no memory.
	e.sb.SetOptions(sandbox.Options{})
	bad := Submission{Task: "img2img", Endpoint: "img2img", Body: []byte(`{"extra":{"webhook":{"url":"https://h.example/x"}},"request":{}}`),
		WebhookPath: catalog.DefaultWebhookPath}
	var ae *novita.APIError
	if _, err := e.r.Submit(context.Background(), bad); !errors.As(err, &ae) || ae.HTTPStatus != 400 || len(obs.dropped()) != 2 {
		t.Errorf("unrelated 400: %v, warnings %v", err, obs.errs)
	}
}
