package body

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

const demoSpec = `name: demo
path: /v3/video/create
mode: async
shape: B
kind: video
summary: A demo endpoint
webhook: {path: callback_url, documented: false}
params:
  - {path: model_name, type: enum, enum: [SVD, SVD-XT], default: SVD-XT, flag: model, description: Model.}
  - {path: frames_num, type: integer, required: true, enum: [14, 25], default: 25, default_by: {path: model_name, values: {SVD: 14}}, flag: frames, description: Frames.}
  - {path: sampler, type: enum, enum: [Euler a, DDIM], flag: sampler, description: Sampler.}
  - {path: steps, type: integer, min: 1, max: 50, flag: steps, description: Steps.}
  - {path: width, type: integer, min: 128, max: 2048, flag: width, description: Width.}
rules:
  - {if: {path: model_name, in: [SVD]}, then: {path: frames_num, in: [14]}, message: with model SVD}
`

func demo(t *testing.T) catalog.Task {
	t.Helper()
	task, err := catalog.ParseSpec("demo", []byte(demoSpec))
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// `img2video --model SVD` implies 14 frames; an explicit conflicting value is refused naming --frames.
func TestDefaultFollowsTheModel(t *testing.T) {
	for model, want := range map[string]int64{"SVD": 14, "SVD-XT": 25, "": 25} {
		in := Input{Flags: map[string]string{}}
		if model != "" {
			in.Flags["model"] = model
		}
		b, err := Build(context.Background(), demo(t), in)
		if err != nil || b["frames_num"] != want {
			t.Errorf("--model %q: frames_num %v (%v), want %d", model, b["frames_num"], err, want)
		}
	}
	_, err := Build(context.Background(), demo(t), Input{Flags: map[string]string{"model": "SVD", "frames": "25"}})
	assertUsage(t, err, "frames_num must be 14 with model SVD", "--frames")
	b, err := Build(context.Background(), demo(t), Input{Flags: map[string]string{"model": "SVD", "frames": "14"}})
	if err != nil || b["frames_num"] != int64(14) {
		t.Errorf("explicit 14: %v %v", b, err)
	}
}

func TestEnumFlagsMatchInAnyCase(t *testing.T) {
	b := build(t, "txt2img", Input{Flags: map[string]string{"prompt": "p", "sampler": "euler a"}})
	if get(t, b, "request.sampler_name") != "Euler a" {
		t.Errorf("sampler %v", get(t, b, "request.sampler_name"))
	}
	_, err := Build(context.Background(), task(t, "txt2img"), Input{Flags: map[string]string{"prompt": "p", "sampler": "eulr a"}})
	assertUsage(t, err, "--sampler", `did you mean "Euler a"?`)
}

// --steps 500 --width 5 names both, on separate lines.
func TestEveryProblemAtOnce(t *testing.T) {
	_, err := Build(context.Background(), demo(t), Input{Flags: map[string]string{"steps": "500", "width": "5"}})
	assertUsage(t, err, "--steps", "--width")
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 2 {
		t.Errorf("want one line per problem: %q", err)
	}
}

func TestWebhookGoesWhereTheSpecSays(t *testing.T) {
	b := build(t, "txt2img", Input{Flags: map[string]string{"prompt": "p"}})
	got := map[string]any{"prompt": "p"}
	SetWebhook(got, demo(t).WebhookPath(), "https://hook.example/abc")
	if !reflect.DeepEqual(got, map[string]any{"prompt": "p", "callback_url": "https://hook.example/abc"}) {
		t.Errorf("callback_url: %v", got)
	}
	DropWebhook(got, "callback_url")
	if !reflect.DeepEqual(got, map[string]any{"prompt": "p"}) {
		t.Errorf("dropped: %v", got)
	}
	SetWebhook(b, "", "https://hook.example/abc")
	if get(t, b, "extra.webhook.url") != "https://hook.example/abc" {
		t.Errorf("default place: %v", b["extra"])
	}
	extra := b["extra"].(map[string]any)
	n := len(extra)
	DropWebhook(b, catalog.DefaultWebhookPath)
	if _, ok := jsonpath.Get(b, "extra.webhook"); ok || (n > 1) != (b["extra"] != nil) {
		t.Errorf("dropping extra.webhook.url leaves %v", b["extra"])
	}
	only := map[string]any{"extra": map[string]any{"webhook": map[string]any{"url": "u"}}, "prompt": "p"}
	DropWebhook(only, "")
	if !reflect.DeepEqual(only, map[string]any{"prompt": "p"}) {
		t.Errorf("an extra left empty stays: %v", only)
	}
}

// A flag value of the wrong type is named with the request's other problems, not alone.
func TestUnreadableFlagValuesJoinTheOtherProblems(t *testing.T) {
	_, err := Build(context.Background(), demo(t), Input{Flags: map[string]string{"steps": "many", "width": "5", "frames": "x"}})
	assertUsage(t, err, `input steps: "many" is not an integer [--steps]`, `input frames: "x" is not an integer [--frames]`, "width must be between 128 and 2048")
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 3 {
		t.Errorf("want one line per problem, the failed fields not repeated:\n%s", err)
	}
}
