package body

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/jsonpath"
	"github.com/novita-cli/novita/pkg/novita"
)

// --set is typed from the spec where the path is known; other paths keep JSON-when-valid.
func TestSetIsTypedFromTheSpec(t *testing.T) {
	body := build(t, "txt2img", Input{Sets: []string{
		"prompt=42", // a string field: stays the string "42"
		"request.width=512",
		"guidance_scale=8.5",
		"restore_faces=TRUE",
		"request.negative_prompt=null", // a string field: the text "null"
		"extra.custom=42",              // unknown: JSON
		"extra.note=hello",             // unknown, not JSON: a string
	}})
	checks := map[string]any{
		"request.prompt": "42", "request.width": json.Number("512"), "request.guidance_scale": json.Number("8.5"),
		"request.restore_faces": true, "request.negative_prompt": "null", "extra.custom": json.Number("42"), "extra.note": "hello",
	}
	for p, want := range checks {
		if got := get(t, body, p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", p, got, want)
		}
	}
	speech := build(t, "txt2speech", Input{Sets: []string{"texts=Hello there"}})
	if got := get(t, speech, "request.texts"); !reflect.DeepEqual(got, []any{"Hello there"}) {
		t.Errorf("texts = %#v", got)
	}
	kling := build(t, "kling-v2.1-t2v-master", Input{Sets: []string{"prompt=p", "duration=10"}})
	if get(t, kling, "duration") != "10" { // a string field of this endpoint
		t.Errorf("kling duration = %#v", kling["duration"])
	}
	hailuo := build(t, "hailuo-02", Input{Sets: []string{"prompt=p", "duration=10"}})
	if get(t, hailuo, "duration") != json.Number("10") {
		t.Errorf("hailuo duration = %#v", hailuo["duration"])
	}
	for _, c := range []struct {
		task, set string
		want      []string
	}{
		{"txt2img", "width=wide", []string{"--set width=wide", "request.width", "integer", "width:=JSON"}},
		{"txt2img", "steps=2.5", []string{"request.steps", "integer"}},
		{"txt2img", "restore_faces=yes", []string{"request.restore_faces", "true or false"}},
		{"txt2img", "hires_fix=on", []string{"request.hires_fix", "JSON object"}},
		{"txt2img", "prompt:=not json", []string{"prompt:=", "not valid JSON"}},
		{"txt2img", ":=1", []string{"path=value"}},
	} {
		_, err := Build(context.Background(), task(t, c.task), Input{Flags: map[string]string{"prompt": "p"}, Sets: []string{c.set}})
		assertUsage(t, err, c.want...)
	}
}

// path:=JSON sets raw JSON on any path, bypassing the spec's typing (validation still applies).
func TestRawSet(t *testing.T) {
	body := build(t, "txt2img", Input{Sets: []string{
		`prompt:="from raw"`,
		`request.loras:=[{"model_name":"a","strength":0.5}]`,
		`extra.meta:={"k":[1,2]}`,
	}})
	if get(t, body, "request.prompt") != "from raw" || len(get(t, body, "request.loras").([]any)) != 1 ||
		!reflect.DeepEqual(get(t, body, "extra.meta.k"), []any{json.Number("1"), json.Number("2")}) {
		t.Fatalf("got %v", body)
	}
	_, err := Build(context.Background(), task(t, "txt2img"), Input{Sets: []string{"prompt:=42"}})
	assertUsage(t, err, "request.prompt", "must be a string") // raw JSON, then the spec's rule
	doc := map[string]any{}
	if err := ApplySets(doc, []string{`a.b:="42"`, "a.c=42", "a.d:=true"}); err != nil || doc["a"].(map[string]any)["b"] != "42" ||
		doc["a"].(map[string]any)["c"] != json.Number("42") || doc["a"].(map[string]any)["d"] != true {
		t.Fatalf("ApplySets: %v %v", err, doc)
	}
}

// issue 13 item 12: --dry-run --image https://... must not fetch.
func TestNoFetchLeavesURLsUnfetched(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	url := srv.URL + "/cat.png"
	body := build(t, "img2img", Input{Flags: map[string]string{"prompt": "p", "image": url}, HTTPClient: srv.Client(), NoFetch: true})
	if hits.Load() != 0 {
		t.Fatalf("%d fetches during a dry run", hits.Load())
	}
	if got := get(t, body, "request.image_base64"); got != "<fetched at submit: "+url+">" {
		t.Errorf("image_base64 = %v", got)
	}
	if got := get(t, Elide(body), "request.image_base64"); got != "<fetched at submit: "+url+">" {
		t.Errorf("elided image_base64 = %v", got)
	}
	// URL fields pass URLs through either way; local files are still read.
	kontext := build(t, "flux-1-kontext-pro", Input{Flags: map[string]string{"prompt": "p"}, NoFetch: true,
		Lists: map[string][]string{"image": {url, "testdata/pixel.png"}}})
	png, _ := os.ReadFile("testdata/pixel.png")
	want := []any{url, "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)}
	if got := get(t, kontext, "images"); !reflect.DeepEqual(got, want) || hits.Load() != 0 {
		t.Errorf("images = %.80v, %d fetches", got, hits.Load())
	}
}

// An unknown name with no body is refused asking for the body (with a suggestion when a name is close),
// instead of posting {}.
func TestUnknownNameWithoutBody(t *testing.T) {
	_, err := Build(context.Background(), task(t, "txt2imh"), Input{})
	assertUsage(t, err, "txt2imh", "did you mean txt2img", "whole body as JSON")
	_, err = Build(context.Background(), task(t, "my-private-model"), Input{})
	assertUsage(t, err, "my-private-model", "whole body as JSON")
	body := build(t, "my-private-model", Input{Sets: []string{"prompt=x"}})
	if body["prompt"] != "x" {
		t.Fatalf("got %v", body)
	}
	// aliases and any case resolve to the canonical task
	body = build(t, "Txt2Image", Input{Flags: map[string]string{"prompt": "x"}})
	if get(t, body, "request.model_name") != "sd_xl_base_1.0.safetensors" {
		t.Fatalf("alias did not build txt2img: %v", body)
	}
}

// The known-wrong items, as a user types them.
func TestKnownWrongThroughFlags(t *testing.T) {
	cases := []struct {
		name, task string
		in         Input
		want       []string
	}{
		{"empty --text", "txt2speech", Input{Lists: map[string][]string{"text": {""}}}, []string{"request.texts[0]", "--text"}},
		{"--text over 512", "txt2speech", Input{Lists: map[string][]string{"text": {strings.Repeat("a", 513)}}}, []string{"request.texts[0]", "1-512"}},
		{"inpainting --width", "inpainting", Input{Flags: map[string]string{"prompt": "p", "width": "512"}}, []string{"--width", "does not take"}},
		{"wan-t2v --video-type", "wan-t2v", Input{Flags: map[string]string{"prompt": "p", "video-type": "gif"}}, []string{"--video-type", "does not take"}},
		{"kling --mask", "kling-v2.1-t2v-master", Input{Flags: map[string]string{"prompt": "p", "mask": "m.png"}}, []string{"--mask", "does not take"}},
		{"upscale 1x", "upscale", Input{Flags: map[string]string{"image": "testdata/pixel.png", "scale-factor": "1"}}, []string{"request.scale_factor", "greater than 1"}},
		{"txt2video 100 frames", "txt2video", Input{Flags: map[string]string{"prompt": "p", "frames": "100"}}, []string{"prompts[0].frames", "between 8 and 64", "--frames"}},
		{"hailuo 1080P 10 s", "minimax-hailuo-02", Input{Flags: map[string]string{"prompt": "p", "resolution": "1080P", "duration": "10"}}, []string{"duration", "must be 6 with 1080P", "--duration"}},
		{"local file to a URL field", "image-upscaler", Input{Flags: map[string]string{"image": "testdata/pixel.png"}}, []string{"--image", "URL"}},
		{"bad bool flag", "minimax-hailuo-02", Input{Flags: map[string]string{"prompt": "p", "prompt-expansion": "maybe"}}, []string{"--prompt-expansion", "true or false"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(context.Background(), task(t, c.task), c.in)
			assertUsage(t, err, c.want...)
		})
	}
	up := build(t, "upscale", Input{Flags: map[string]string{"image": "testdata/pixel.png", "scale-factor": "2.5"}})
	if get(t, up, "request.scale_factor") != 2.5 {
		t.Errorf("scale_factor = %v", up["request"])
	}
	hy := build(t, "hunyuan-video-fast", Input{Flags: map[string]string{"prompt": "p"}, Sets: []string{"frames:=null"}})
	if v, _ := jsonpath.Get(hy, "frames"); v != nil {
		t.Errorf("frames = %v", v)
	}
	speech := build(t, "txt2speech", Input{Lists: map[string][]string{"text": {"one", "two"}}, Flags: map[string]string{"audio-type": "mp3"}})
	if !reflect.DeepEqual(get(t, speech, "request.texts"), []any{"one", "two"}) || get(t, speech, "extra.response_audio_type") != "mp3" {
		t.Errorf("speech = %v", speech)
	}
}

// Every catalog endpoint builds from its defaults plus the minimum required input, to the right shape.
func TestEveryEndpointBuildsToItsShape(t *testing.T) {
	for _, task := range catalog.All() {
		in := MinimalInput(task, "testdata/pixel.png")
		in.NoFetch = true
		body, err := Build(context.Background(), task, in)
		if err != nil {
			t.Errorf("%s: %v", task.Name, err)
			continue
		}
		allowed := map[catalog.Shape][]string{catalog.ShapeA: {"extra", "request"}, catalog.ShapeC: {"extra", "input", "parameters"}}[task.Shape]
		for k := range body {
			if allowed != nil && !contains(allowed, k) {
				t.Errorf("%s (shape %s): top-level key %q", task.Name, task.Shape, k)
			}
			if _, obj := body[k].(map[string]any); task.Shape == catalog.ShapeB && obj && (k == "request" || k == "input") {
				t.Errorf("%s (shape B): key %q", task.Name, k)
			}
		}
		if task.Sync() && strings.HasPrefix(task.Path, "/v3/async/") || (!task.Sync() && novita.EndpointPath(task.Endpoint) != task.Path) {
			t.Errorf("%s: %s posts to %s", task.Name, task.Mode, task.Path)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
