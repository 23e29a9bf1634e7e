package catalog

import (
	"errors"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// testSpec is an endpoint using every key the embedded specs may not all show yet.
const testSpec = `name: demo
path: /v3/video/create
mode: async
shape: B
kind: video
summary: A demo endpoint
source: https://novita.ai/docs/api-reference/demo
checked: 2026-12-06 against the page
webhook: {path: callback_url, documented: true}
groups:
  - {paths: [image_url, image_base64], required: true, exclusive: true, message: the first frame}
params:
  - {path: model, type: enum, enum: [SVD, SVD-XT], default: SVD-XT, flag: model, description: Model.}
  - {path: frames, type: integer, enum: [14, 25], default: 25, default_by: {path: model, values: {SVD: 14, SVD-XT: 25}}, flag: frames, description: Frames.}
  - {path: steps, type: integer, min: 1, max: 50, flag: steps, description: Steps.}
  - {path: width, type: integer, min: 128, max: 2048, flag: width, description: Width.}
  - {path: sampler, type: enum, enum: [Euler a, DDIM, DPM++ 2M Karras], flag: sampler, description: Sampler.}
  - {path: image_url, type: file, encoding: url, flag: image-url, description: Image URL.}
  - {path: image_base64, type: file, encoding: base64, flag: image, description: Image.}
rules:
  - {if: {path: model, in: [SVD]}, then: {path: frames, in: [14]}, message: with model SVD}
`

func demoTask(t *testing.T) Task {
	t.Helper()
	task, err := ParseSpec("demo", []byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	return task
}

const onePixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

func TestNewKeysReachTheTask(t *testing.T) {
	task := demoTask(t)
	if task.Source != "https://novita.ai/docs/api-reference/demo" || task.Checked == "" || len(task.Groups) != 1 {
		t.Errorf("source %q checked %q groups %v", task.Source, task.Checked, task.Groups)
	}
	if task.WebhookPath() != "callback_url" || !task.Webhook.Documented {
		t.Errorf("webhook %+v", task.Webhook)
	}
	if task.Mode != ModeAsync || task.Endpoint != "/v3/video/create" {
		t.Errorf("an async endpoint outside /v3/async/: mode %s endpoint %s", task.Mode, task.Endpoint)
	}
	if _, ok := task.Defaults["frames"]; ok {
		t.Error("a followed default is set before the user's values are known")
	}
	plain, err := ParseSpec("plain", []byte(strings.NewReplacer("name: demo", "name: plain", "webhook: {path: callback_url, documented: true}\n", "").Replace(testSpec)))
	if err != nil || plain.WebhookPath() != DefaultWebhookPath {
		t.Errorf("default webhook path %q (%v)", plain.WebhookPath(), err)
	}
}

func TestSpecLinksAreChecked(t *testing.T) {
	for _, c := range []struct{ old, new, want string }{
		{"mode: async", "mode: sync", "sync"},
		{"paths: [image_url, image_base64]", "paths: [image_url, nope]", "nope is not a param"},
		{"required: true, exclusive: true", "required: false, exclusive: false", "required or exclusive"},
		{"default_by: {path: model,", "default_by: {path: modle,", "default_by.path"},
		{"values: {SVD: 14,", "values: {SVD: 15,", "default_by SVD=15"},
		{"webhook: {path: callback_url,", "webhook: {path: 'a..b',", "webhook.path"},
		{"then: {path: frames,", "then: {path: steps,", "default_by needs a rules entry"},
		{"path: /v3/video/create", "path: /v4beta/video", "an async endpoint must post under /v3/"},
		{"path: /v3/video/create", "path: /api/video", "must start with an API version"},
		{"path: /v3/video/create", "path: /v3/", "must start with an API version"},
	} {
		_, err := ParseSpec("demo", []byte(strings.Replace(testSpec, c.old, c.new, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s -> %s: %v, want %q", c.old, c.new, err, c.want)
		}
	}
}

// Fish Audio is documented under /v4beta/: a sync endpoint may post under any documented version.
func TestSyncEndpointsMayPostUnderOtherVersions(t *testing.T) {
	for _, path := range []string{"/v4beta/txt2speech", "/v3beta/flux-1-schnell", "/v3/remove-background",
		"/openai/v1/images/generations", "/openai/v1/images/edits"} { // Novita's OpenAI-compatible images API
		src := strings.NewReplacer("path: /v3/video/create", "path: "+path, "mode: async", "mode: sync",
			"webhook: {path: callback_url, documented: true}\n", "response:\n  outputs:\n    - {encoding: binary}\n").Replace(testSpec)
		task, err := ParseSpec("demo", []byte(src))
		if err != nil || task.Path != path || task.Endpoint != path || !task.Sync() {
			t.Errorf("%s: %+v %v", path, task.Path, err)
		}
	}
}

// The /openai/ prefix names a version like /v1/, not a path of its own: /openai/images or an async
// endpoint under /openai/v1/ is refused.
func TestOpenAIPathsNeedAVersionAndSync(t *testing.T) {
	for _, c := range []struct{ path, mode, want string }{
		{"/openai/images/generations", "sync", "must start with an API version"},
		{"/openai/v1/images/generations", "async", "must post under /v3/"},
	} {
		src := strings.NewReplacer("path: /v3/video/create", "path: "+c.path, "mode: async", "mode: "+c.mode).Replace(testSpec)
		if c.mode == "sync" {
			src = strings.NewReplacer("webhook: {path: callback_url, documented: true}\n", "response:\n  outputs:\n    - {encoding: binary}\n").Replace(src)
		}
		if _, err := ParseSpec("demo", []byte(src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s (%s): %v", c.path, c.mode, err)
		}
	}
}

func TestGroupsNeedOneAndAtMostOne(t *testing.T) {
	task := demoTask(t)
	err := task.Validate(map[string]any{"model": "SVD-XT"})
	if msg := withFlags(err); !strings.Contains(msg, "give one of image_url or image_base64") || !strings.Contains(msg, "the first frame") ||
		!strings.Contains(msg, "[--image --image-url]") {
		t.Errorf("none given: %v", err)
	}
	err = task.Validate(map[string]any{"image_url": "https://x/a.png", "image_base64": onePixel})
	if err == nil || !strings.Contains(withFlags(err), "give only one of image_url or image_base64 (the first frame) [--image --image-url]") || clierr.Code(err) != 2 {
		t.Errorf("both given: %v", err)
	}
	if err := task.Validate(map[string]any{"image_base64": onePixel}); err != nil {
		t.Errorf("one given: %v", err)
	}
}

func TestDefaultFollowsAnotherField(t *testing.T) {
	task := demoTask(t)
	for _, c := range []struct {
		body map[string]any
		want any
	}{
		{map[string]any{"model": "SVD"}, int64(14)},
		{map[string]any{"model": "SVD-XT"}, int64(25)},
		{map[string]any{}, int64(25)},                                    // the model's own default, SVD-XT
		{map[string]any{"model": "SVD", "frames": int64(25)}, int64(25)}, // explicit: kept (and refused below)
	} {
		if err := task.FillFollowedDefaults(c.body); err != nil {
			t.Fatal(err)
		}
		if got, _ := jsonpath.Get(c.body, "frames"); got != c.want {
			t.Errorf("%v: frames %v, want %v", c.body, got, c.want)
		}
	}
	err := task.Validate(map[string]any{"model": "SVD", "frames": int64(25), "image_base64": onePixel})
	if err == nil || !strings.Contains(withFlags(err), "frames must be 14 with model SVD, got 25 [--frames]") {
		t.Errorf("explicit conflicting value: %v", err)
	}
	// A rule reads the followed default of an absent field, not the plain one.
	if err := task.Validate(map[string]any{"model": "SVD", "image_base64": onePixel}); err != nil {
		t.Errorf("absent frames with SVD: %v", err)
	}
}

// Every local problem is reported at once, one per line, each naming its flag.
func TestEveryViolationAtOnce(t *testing.T) {
	task := demoTask(t)
	err := task.Validate(map[string]any{"steps": int64(500), "width": int64(5), "sampler": "eulr a"})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(withFlags(err), "\n")
	want := []string{"steps must be between 1 and 50, got 500 [--steps]",
		"width must be between 128 and 2048, got 5 [--width]",
		`got "eulr a" (did you mean "Euler a"?)`, "give one of image_url or image_base64 (the first frame) [--image --image-url]"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) || !strings.HasPrefix(lines[i], "demo: ") {
			t.Errorf("line %d %q lacks %q", i, lines[i], w)
		}
	}
	var j interface{ Unwrap() []error }
	if !errors.As(err, &j) || len(j.Unwrap()) != 4 || clierr.Code(err) != 2 {
		t.Errorf("not a usage error joining each problem: %T", err)
	}
}

func TestEnumsMatchInAnyCase(t *testing.T) {
	task := demoTask(t)
	body := map[string]any{"sampler": "euler A", "model": "svd-xt"}
	task.CanonicalEnums(body)
	if body["sampler"] != "Euler a" || body["model"] != "SVD-XT" {
		t.Errorf("canonical: %v", body)
	}
	for _, c := range []struct{ in, want string }{{"DDMI", "DDIM"}, {"dpm++ 2m karas", "DPM++ 2M Karras"}, {"zzz", ""}} {
		if got := closeTo(c.in, task.Params[4].Enum); got != c.want {
			t.Errorf("closeTo(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
