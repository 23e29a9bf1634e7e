package sandbox

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/novita"
)

// The unified video API answers a task id at /v3/video/create (not under /v3/async/), takes its
// webhook in callback_url, and its task is read like any other.
func TestUnifiedVideoCreate(t *testing.T) {
	t.Parallel()
	task, ok := catalog.Lookup("/v3/video/create")
	if !ok {
		t.Skip("no spec for /v3/video/create yet")
	}
	s := start(t, Options{})
	rc := newReceiver(t, http.StatusOK)
	body := `{"model":"hailuo-02","prompt":"waves","callback_url":"` + rc.URL + `/hook"}`
	r := call(t, http.MethodPost, s.URL()+task.Path, bearer(s), []byte(body))
	if r.status != http.StatusOK {
		t.Fatalf("POST %s: %d %s", task.Path, r.status, r.body)
	}
	var out struct {
		TaskID string `json:"task_id"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.TaskID == "" {
		t.Fatalf("answer %s: %v", r.body, err)
	}
	id := out.TaskID
	res := waitFinal(t, s, id)
	if res.Task.Status != novita.StatusSucceed || len(res.Outputs()) == 0 {
		t.Fatalf("result %+v", res)
	}
	if _, ev, err := novita.DecodeEvent(rc.next(t)); err != nil || ev == nil || ev.Task.TaskID != id {
		t.Fatalf("webhook to callback_url: %+v %v", ev, err)
	}
	bad := call(t, http.MethodPost, s.URL()+task.Path, bearer(s), []byte(`{"model":"m","callback_url":"ftp://x"}`))
	if bad.status != http.StatusBadRequest || bad.apiError(t).Message != "callback_url: must be an http(s) URL" {
		t.Errorf("bad callback_url: %d %s", bad.status, bad.body)
	}
}

// RejectExtra makes an endpoint refuse the extra field, as an API whose page lists none might.
func TestRejectExtraKnob(t *testing.T) {
	t.Parallel()
	s := start(t, Options{RejectExtra: []string{"txt2img"}})
	r := submit(t, s, "txt2img", txt2img("cat", webhookExtra("https://h.example/x"), 512, 512, 1))
	if e := r.apiError(t); r.status != http.StatusBadRequest || e.Reason != "INVALID_REQUEST_BODY" || e.Message[:6] != "extra:" {
		t.Fatalf("with extra: %d %s", r.status, r.body)
	}
	mustSubmit(t, s, "txt2img", `{"request":{"model_name":"m.safetensors","prompt":"cat","width":512,"height":512,"image_num":1,"steps":20,"guidance_scale":7.5,"sampler_name":"Euler a"}}`)
}
