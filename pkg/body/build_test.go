package body

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

func task(t *testing.T, name string) catalog.Task {
	t.Helper()
	tk, err := catalog.Resolve(name)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func build(t *testing.T, name string, in Input) map[string]any {
	t.Helper()
	b, err := Build(context.Background(), task(t, name), in)
	if err != nil {
		t.Fatalf("Build(%s): %v", name, err)
	}
	return b
}

func get(t *testing.T, body map[string]any, path string) any {
	t.Helper()
	v, ok := jsonpath.Get(body, path)
	if !ok {
		t.Fatalf("no %s in %v", path, body)
	}
	return v
}

func TestPromptAloneIsAValidTxt2img(t *testing.T) {
	body := build(t, "txt2img", Input{Flags: map[string]string{"prompt": "a cat"}})
	if get(t, body, "request.prompt") != "a cat" || get(t, body, "request.width") != int64(1024) {
		t.Fatalf("got %v", body)
	}
}

func TestPrecedenceDefaultsFlagsDataSetSetFileImageType(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "neg.txt")
	if err := os.WriteFile(f, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := build(t, "txt2img", Input{
		Flags: map[string]string{"prompt": "flag prompt", "width": "512", "steps": "10", "image-type": "jpeg"},
		Data:  `{"request": {"width": 640, "height": 700, "steps": 12}, "extra": {"response_image_type": "webp"}}`,
		Sets: []string{"request.steps=30", "extra.response_image_type=png",
			"request.negative_prompt=from set"},
		SetFiles: []string{"request.negative_prompt=" + f},
	})
	checks := map[string]any{
		"request.prompt":            "flag prompt",      // flag, untouched later
		"request.width":             json.Number("640"), // --data beats the flag
		"request.height":            json.Number("700"), // --data beats the default
		"request.steps":             json.Number("30"),  // --set beats --data
		"request.negative_prompt":   "aGVsbG8=",         // --set-file beats --set
		"extra.response_image_type": "jpeg",             // --image-type beats everything
		"request.sampler_name":      "Euler a",          // default kept
		"request.guidance_scale":    7.5,                // default kept
		"request.image_num":         int64(1),           // default kept
		"request.model_name":        "sd_xl_base_1.0.safetensors",
	}
	for p, want := range checks {
		if got := get(t, body, p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", p, got, want)
		}
	}
}

func TestSetValuesAreJSONTyped(t *testing.T) {
	body := build(t, "txt2img", Input{
		Flags: map[string]string{"prompt": "p"},
		Sets: []string{
			"restore_faces=true", // shape A: taken under request.
			`request.hires_fix={"enable":true,"target_width":2048}`,
			`request.sd_vae="42"`,
			"request.refiner.switch_at=0.5",
			"request.loras[0].model_name=add_detail",
			"request.loras.0.strength=0.7",
			"request.loras[1].model_name=second one",
			"request.loras[1].strength=1",
			"extra.enable_nsfw_detection=false",
			"request.seed=4294967295",
			"extra.custom_id=12345678901234567",
		},
	})
	raw, err := Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"restore_faces":true`,
		`"hires_fix":{"enable":true,"target_width":2048}`,
		`"sd_vae":"42"`,
		`"refiner":{"switch_at":0.5}`,
		`"loras":[{"model_name":"add_detail","strength":0.7},{"model_name":"second one","strength":1}]`,
		`"extra":{"custom_id":12345678901234567,"enable_nsfw_detection":false}`,
		`"seed":4294967295`,
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("body lacks %s:\n%s", want, raw)
		}
	}
}

func TestDataKeepsIntegersAndShapeAKeysGoUnderRequest(t *testing.T) {
	body := build(t, "txt2img", Input{Data: `{"prompt": "from data", "clip_skip": 2, "extra": {"trace_id": 9007199254740993, "response_image_type": "png"}}`})
	raw, _ := Marshal(body)
	for _, want := range []string{`"prompt":"from data"`, `"clip_skip":2`, `"trace_id":9007199254740993`, `"response_image_type":"png"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("body lacks %s:\n%s", want, raw)
		}
	}
	if _, ok := body["prompt"]; ok {
		t.Errorf("prompt left at the top level of a shape-A body: %s", raw)
	}
}

func TestDataFromFileAndStdin(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "body.json")
	if err := os.WriteFile(f, []byte(`{"prompt": "file", "duration": 10}`), 0o600); err != nil {
		t.Fatal(err)
	}
	body := build(t, "minimax-hailuo-02", Input{Data: "@" + f})
	if get(t, body, "prompt") != "file" || get(t, body, "duration") != json.Number("10") {
		t.Fatalf("@file: %v", body)
	}
	body = build(t, "minimax-hailuo-02", Input{Data: "-", Stdin: strings.NewReader(`{"prompt": "stdin"}`)})
	if get(t, body, "prompt") != "stdin" {
		t.Fatalf("stdin: %v", body)
	}
}

func TestPassThroughTaskTakesDataAndSetOnly(t *testing.T) {
	// flux-1-schnell, today's example of an unknown task, is in the catalog now (issue 12).
	body := build(t, "my-private-model", Input{Data: `{"prompt": "x"}`, Sets: []string{"width=512", "prompt=y"}})
	want := map[string]any{"prompt": "y", "width": json.Number("512")}
	if !reflect.DeepEqual(body, want) {
		t.Fatalf("got %v", body)
	}
	_, err := Build(context.Background(), task(t, "my-private-model"), Input{Flags: map[string]string{"prompt": "x"}})
	assertUsage(t, err, "--prompt", "not in the catalog", "as JSON")
}

func TestSetFileIsRawBase64(t *testing.T) {
	body := build(t, "img2img", Input{
		Flags:    map[string]string{"prompt": "p"},
		SetFiles: []string{"image_base64=testdata/pixel.png"},
	})
	png, _ := os.ReadFile("testdata/pixel.png")
	if get(t, body, "request.image_base64") != base64.StdEncoding.EncodeToString(png) {
		t.Fatal("--set-file did not store the file's base64 under request.image_base64")
	}
}

func TestImageInputs(t *testing.T) {
	png, _ := os.ReadFile("testdata/pixel.png")
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/pixel.png":
			_, _ = w.Write(png)
		case "/big.png":
			_, _ = w.Write(make([]byte, 2048))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	in := func(flags map[string]string) Input {
		return Input{Flags: flags, HTTPClient: srv.Client(), MaxFileBytes: 1024}
	}
	b64 := base64.StdEncoding.EncodeToString(png)

	t.Run("path to base64", func(t *testing.T) {
		body := build(t, "img2video", in(map[string]string{"image": "testdata/pixel.png"}))
		if get(t, body, "image_file") != b64 {
			t.Fatal("image_file is not the file's raw base64")
		}
	})
	t.Run("URL fetched to base64", func(t *testing.T) {
		body := build(t, "img2img", in(map[string]string{"prompt": "p", "image": srv.URL + "/pixel.png"}))
		if get(t, body, "request.image_base64") != b64 {
			t.Fatal("image_base64 is not the fetched image's base64")
		}
	})
	t.Run("data URI to raw base64", func(t *testing.T) {
		body := build(t, "upscale", in(map[string]string{"image": "data:image/png;base64," + b64}))
		if get(t, body, "request.image_base64") != b64 {
			t.Fatal("data: prefix not stripped")
		}
	})
	t.Run("URL passed through for minimax", func(t *testing.T) {
		before := hits.Load()
		body := build(t, "minimax-hailuo-02", in(map[string]string{"prompt": "p", "image": srv.URL + "/pixel.png"}))
		if get(t, body, "image") != srv.URL+"/pixel.png" || hits.Load() != before {
			t.Fatalf("image = %v, fetches %d", body["image"], hits.Load()-before)
		}
	})
	t.Run("path to data URI for minimax", func(t *testing.T) {
		body := build(t, "minimax-hailuo-02", in(map[string]string{"prompt": "p", "image": "testdata/pixel.png"}))
		if get(t, body, "image") != "data:image/png;base64,"+b64 {
			t.Fatalf("image = %.60v", body["image"])
		}
	})
	t.Run("URL 404", func(t *testing.T) {
		_, err := Build(context.Background(), task(t, "img2img"), in(map[string]string{"prompt": "p", "image": srv.URL + "/nope.png"}))
		assertUsage(t, err, "--image", "/nope.png", "404")
	})
	t.Run("URL too big", func(t *testing.T) {
		_, err := Build(context.Background(), task(t, "img2img"), in(map[string]string{"prompt": "p", "image": srv.URL + "/big.png"}))
		assertUsage(t, err, "--image", "/big.png", "limit")
	})
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.png")
	if err := os.WriteFile(big, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.png")
	cases := []struct {
		name string
		task string
		in   Input
		want []string
	}{
		{"bad JSON names the position", "txt2img", Input{Data: "{\n  \"request\": {\"prompt\": \"x\",}\n}"},
			[]string{"--data", "line 2, column"}},
		{"truncated JSON", "txt2img", Input{Data: `{"request": {`}, []string{"--data", "unexpected end"}},
		{"JSON not an object", "txt2img", Input{Data: `[1,2]`}, []string{"--data", "JSON object", "array"}},
		{"trailing data", "txt2img", Input{Data: `{"prompt":"x"} {}`}, []string{"--data", "after the object"}},
		{"bad JSON in a file", "txt2img", Input{Data: "@testdata/pixel.png"}, []string{"--data @testdata/pixel.png", "invalid JSON"}},
		{"flag the task does not take", "txt2video", Input{Flags: map[string]string{"prompt": "p", "image": "x.png"}},
			[]string{"--image", "txt2video", "does not take", "set the field by its path"}},
		{"missing required", "txt2img", Input{}, []string{"request.prompt", "--prompt"}},
		{"missing required shape B", "wan-t2v", Input{Flags: map[string]string{"seed": "1"}}, []string{"prompt", "--prompt"}},
		{"missing image", "img2img", Input{Flags: map[string]string{"prompt": "p"}}, []string{"request.image_base64", "--image"}},
		{"out of range", "txt2img", Input{Flags: map[string]string{"prompt": "p", "width": "4000"}},
			[]string{"request.width must be between 128 and 2048, got 4000", "--width"}},
		{"out of range via --set", "txt2img", Input{Flags: map[string]string{"prompt": "p"}, Sets: []string{"image_num=9"}},
			[]string{"request.image_num", "got 9"}},
		{"not an integer", "txt2img", Input{Flags: map[string]string{"prompt": "p", "steps": "many"}}, []string{"--steps", "many"}},
		{"bad voice", "txt2speech", Input{Flags: map[string]string{"text": "hi", "voice": "Bob"}}, []string{"request.voice_id", "Emily"}},
		{"bad image type", "txt2img", Input{Flags: map[string]string{"prompt": "p", "image-type": "gif"}},
			[]string{"extra.response_image_type", "--image-type"}},
		{"unreadable image", "img2img", Input{Flags: map[string]string{"prompt": "p", "image": missing}},
			[]string{"--image", missing, "no such file"}},
		{"oversized image", "img2img", Input{Flags: map[string]string{"prompt": "p", "image": big}, MaxFileBytes: 1024},
			[]string{"--image", big, "limit"}},
		{"unreadable --set-file", "txt2img", Input{Flags: map[string]string{"prompt": "p"}, SetFiles: []string{"x=" + missing}},
			[]string{"--set-file", missing, "no such file"}},
		{"unreadable --data file", "txt2img", Input{Data: "@" + missing}, []string{"--data", missing, "no such file"}},
		{"bad --set", "txt2img", Input{Flags: map[string]string{"prompt": "p"}, Sets: []string{"no-equals-sign"}},
			[]string{"--set no-equals-sign", "path=value"}},
		{"--set through a string", "txt2img", Input{Flags: map[string]string{"prompt": "p"}, Sets: []string{"prompt.x=1"}},
			[]string{"--set prompt.x=1", "request.prompt", "string", "request."}},
		{"--set index past the end", "txt2img", Input{Flags: map[string]string{"prompt": "p"}, Sets: []string{"loras[1].model_name=x"}},
			[]string{"loras", "next index is 0"}},
		{"directory as image", "img2img", Input{Flags: map[string]string{"prompt": "p", "image": dir}}, []string{"--image", dir, "directory"}},
		{"stdin absent", "txt2img", Input{Data: "-"}, []string{"--data -", "standard input"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(context.Background(), task(t, c.task), c.in)
			assertUsage(t, err, c.want...)
		})
	}
}

func assertUsage(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if clierr.Code(err) != clierr.ExitUsage {
		t.Fatalf("exit code %d for %q, want %d", clierr.Code(err), err, clierr.ExitUsage)
	}
	for _, w := range want {
		if !strings.Contains(named(err), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}
