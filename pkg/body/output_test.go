package body

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestElideHidesBase64(t *testing.T) {
	payload := make([]byte, 3000)
	for i := range payload {
		payload[i] = byte(i)
	}
	b64 := base64.StdEncoding.EncodeToString(payload)
	body := map[string]any{
		"request": map[string]any{
			"image_base64":      b64,
			"mask_image_base64": "AAAA",
			"prompt":            "a short prompt",
			"controlnet": map[string]any{"units": []any{
				map[string]any{"image_base64": b64, "model_name": "canny"},
			}},
			"other": b64, // an unknown field: elided because it is long and decodes as base64
		},
		"image":     "data:image/png;base64," + b64,
		"end_image": "https://example.com/last.png",
		"long_text": strings.Repeat("words and spaces ", 100),
	}
	out := Elide(body)
	raw, _ := json.Marshal(out)
	if strings.Contains(string(raw), b64[:64]) {
		t.Fatalf("base64 left in elided body: %.300s", raw)
	}
	want := map[string]any{
		"request": map[string]any{
			"image_base64":      "<base64: 3000 bytes>",
			"mask_image_base64": "<base64: 3 bytes>",
			"prompt":            "a short prompt",
			"controlnet": map[string]any{"units": []any{
				map[string]any{"image_base64": "<base64: 3000 bytes>", "model_name": "canny"},
			}},
			"other": "<base64: 3000 bytes>",
		},
		"image":     "data:image/png;base64,<base64: 3000 bytes>",
		"end_image": "https://example.com/last.png",
		"long_text": strings.Repeat("words and spaces ", 100),
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("Elide:\n got %v\nwant %v", out, want)
	}
	if body["request"].(map[string]any)["image_base64"] != b64 {
		t.Fatal("Elide modified its input")
	}
}

func TestWebhookAndTestMode(t *testing.T) {
	for _, name := range []string{"txt2img", "wan-t2v"} {
		b := build(t, name, Input{Flags: map[string]string{"prompt": "p"}})
		SetWebhook(b, "", "https://hook.example/abc")
		SetTestMode(b, "failed")
		got := get(t, b, "extra.webhook")
		want := map[string]any{
			"url":       "https://hook.example/abc",
			"test_mode": map[string]any{"enabled": true, "return_task_status": "TASK_STATUS_FAILED"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: extra.webhook = %v", name, got)
		}
	}
	b := map[string]any{"extra": map[string]any{"response_image_type": "png"}}
	SetTestMode(b, "TASK_STATUS_SUCCEED")
	if get(t, b, "extra.response_image_type") != "png" ||
		get(t, b, "extra.webhook.test_mode.return_task_status") != "TASK_STATUS_SUCCEED" {
		t.Fatalf("got %v", b)
	}
}

func TestMarshalIsStableAndKeepsText(t *testing.T) {
	b := build(t, "txt2img", Input{Flags: map[string]string{"prompt": "cats & dogs <3"}, Sets: []string{"request.seed=7"}})
	one, err := Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	two, _ := Marshal(b)
	if string(one) != string(two) {
		t.Fatal("Marshal is not stable")
	}
	if !strings.Contains(string(one), `"prompt":"cats & dogs <3"`) || !strings.Contains(string(one), `"seed":7`) {
		t.Fatalf("got %s", one)
	}
	if strings.HasSuffix(string(one), "\n") {
		t.Fatal("trailing newline")
	}
}

func TestApplySetsEditsAnyDocumentFromItsRoot(t *testing.T) {
	event := map[string]any{"event_type": "ASYNC_TASK_RESULT", "payload": map[string]any{"task": map[string]any{}}}
	err := ApplySets(event, []string{"payload.task.status=TASK_STATUS_FAILED", "payload.images[0].image_url=https://x/y.png"})
	if err != nil {
		t.Fatal(err)
	}
	if get(t, event, "payload.task.status") != "TASK_STATUS_FAILED" || get(t, event, "payload.images.0.image_url") != "https://x/y.png" {
		t.Fatalf("got %v", event)
	}
	assertUsage(t, ApplySets(event, []string{"event_type.x=1"}), "event_type")
	assertUsage(t, setPath(event, "payload.images[5]", 1), "payload.images")
	if err := setPath(event, "payload.task.reason", "boom"); err != nil || get(t, event, "payload.task.reason") != "boom" {
		t.Fatalf("setPath: %v", err)
	}
}

func TestContextCancelStopsFetch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Build(ctx, task(t, "img2img"), Input{Flags: map[string]string{"prompt": "p", "image": "http://127.0.0.1:1/x.png"}})
	if err == nil {
		t.Fatal("fetch with a cancelled context succeeded")
	}
}
