package catalog

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// bodyOf is a task's defaults plus the given fields (paths from the root), as a command would build it.
func bodyOf(t *testing.T, name string, fields map[string]any) (Task, map[string]any) {
	t.Helper()
	task, ok := Lookup(name)
	if !ok {
		t.Fatalf("no task %s", name)
	}
	body := map[string]any{}
	for p, v := range task.Defaults {
		if err := jsonpath.Set(body, p, v); err != nil {
			t.Fatal(err)
		}
	}
	for p, v := range fields {
		if v == nil {
			parent, key := "", p
			if i := strings.LastIndex(p, "."); i >= 0 {
				parent, key = p[:i], p[i+1:]
			}
			m := body
			if parent != "" {
				pv, _ := jsonpath.Get(body, parent)
				m, _ = pv.(map[string]any)
			}
			delete(m, key)
			continue
		}
		if err := jsonpath.Set(body, p, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := task.FillFollowedDefaults(body); err != nil {
		t.Fatal(err)
	}
	return task, body
}

// One violation per endpoint class: each exits 2 naming the field, the flag and the allowed values.
func TestConstraintViolations(t *testing.T) {
	png := "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
	cases := []struct {
		name, task string
		fields     map[string]any
		want       []string
	}{
		{"sd range", "txt2img", map[string]any{"request.prompt": "p", "request.steps": int64(101)}, []string{"request.steps", "between 1 and 100", "--steps"}},
		{"sd enum", "txt2img", map[string]any{"request.prompt": "p", "request.sampler_name": "Fast"}, []string{"request.sampler_name", "Euler a", "DDIM", "--sampler"}},
		{"sd missing", "img2img", map[string]any{"request.prompt": "p"}, []string{"missing required field request.image_base64", "--image"}},
		{"base64 field given a data URI", "img2img", map[string]any{"request.prompt": "p", "request.image_base64": "data:image/png;base64," + png}, []string{"request.image_base64", "raw base64"}},
		{"base64 field given a URL", "inpainting", map[string]any{"request.prompt": "p", "request.image_base64": "https://x/a.png", "request.mask_image_base64": png}, []string{"request.image_base64", "not a URL"}},
		{"upscale scale 1", "upscale", map[string]any{"request.image_base64": png, "request.scale_factor": int64(1)}, []string{"request.scale_factor", "greater than 1 and at most 4", "--scale-factor"}},
		{"upscale model", "upscale", map[string]any{"request.image_base64": png, "request.model_name": "x"}, []string{"request.model_name", "4x-UltraSharp"}},
		{"speech segment too long", "txt2speech", map[string]any{"request.texts": []any{"ok", strings.Repeat("x", 513)}}, []string{"request.texts[1]", "1-512", "--text"}},
		{"speech empty segment", "txt2speech", map[string]any{"request.texts": []any{""}}, []string{"request.texts[0]", "got 0"}},
		{"speech voice", "txt2speech", map[string]any{"request.texts": []any{"hi"}, "request.voice_id": "Bob"}, []string{"request.voice_id", "Emily, James", "--voice"}},
		{"txt2video frames per element", "txt2video", map[string]any{"prompts[0].prompt": "p", "prompts[0].frames": int64(100)}, []string{"prompts[0].frames", "between 8 and 64", "--frames"}},
		{"txt2video total frames", "txt2video", map[string]any{"prompts": []any{
			map[string]any{"prompt": "a", "frames": int64(64)}, map[string]any{"prompt": "b", "frames": int64(64)},
			map[string]any{"prompt": "c", "frames": int64(8)}}}, []string{"prompts", "at most 128 frames in all, got 136"}},
		{"txt2video second element", "txt2video", map[string]any{"prompts": []any{
			map[string]any{"prompt": "a", "frames": int64(16)}, map[string]any{"prompt": "b"}}}, []string{"missing required field prompts[1].frames"}},
		{"img2video SVD frames", "img2video", map[string]any{"image_file": png, "model_name": "SVD", "frames_num": int64(25)}, []string{"frames_num", "must be 14 with model SVD, got 25", "--frames"}},
		{"img2video fps", "img2video", map[string]any{"image_file": png, "frames_per_second": int64(8)}, []string{"frames_per_second", "one of 6", "--fps"}},
		{"hunyuan width", "hunyuan-video-fast", map[string]any{"prompt": "p", "width": int64(1000)}, []string{"width", "720, 1280", "--width"}},
		{"kling duration", "kling-v2.1-t2v-master", map[string]any{"prompt": "p", "duration": "7"}, []string{"duration", "one of 5, 10", "--duration"}},
		{"kling prompt length", "kling-v2.1-t2v-master", map[string]any{"prompt": strings.Repeat("x", 2501)}, []string{"prompt", "1-2500"}},
		{"hailuo 1080P needs 6 s", "minimax-hailuo-02", map[string]any{"prompt": "p", "resolution": "1080P", "duration": int64(10)}, []string{"duration", "must be 6 with 1080P resolution, got 10", "--duration"}},
		{"hailuo 512P", "minimax-hailuo-02", map[string]any{"prompt": "p", "resolution": "512P"}, []string{"resolution", "768P, 1080P"}},
		{"url or data URI", "minimax-hailuo-02", map[string]any{"prompt": "p", "image": "/tmp/a.png"}, []string{"image", "http(s) URL or a data: URI"}},
		{"url only", "image-upscaler", map[string]any{"image": "data:image/png;base64," + png}, []string{"image", "http(s) URL"}},
		{"array items", "flux-1-kontext-pro", map[string]any{"prompt": "p", "images": []any{"https://a", "https://b", "https://c", "https://d", "https://e"}}, []string{"images", "at most 4 items, got 5"}},
		{"shape C required", "wan-2.2-i2v", map[string]any{"input.prompt": "p"}, []string{"missing required field input.img_url", "--image"}},
		{"sync seed range", "flux-1-schnell", map[string]any{"prompt": "p", "seed": int64(-1)}, []string{"seed", "between 0 and 4294967295", "--seed"}},
		{"sync enum", "seedream-3-0-txt2img", map[string]any{"prompt": "p", "response_format": "png"}, []string{"response_format", "url, b64_json"}},
		{"boolean", "seedream-4.0", map[string]any{"prompt": "p", "watermark": "yes"}, []string{"watermark", "true or false"}},
		{"speech text length", "minimax-speech-02-hd-sync", map[string]any{"text": strings.Repeat("x", 10001)}, []string{"text", "characters long", "--text"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			task, body := bodyOf(t, c.task, c.fields)
			err := task.Validate(body)
			if clierr.Code(err) != 2 {
				raw, _ := json.Marshal(body)
				t.Fatalf("Validate = %v, want a usage error (body %s)", err, raw)
			}
			for _, w := range c.want {
				if !strings.Contains(withFlags(err), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// The "Known wrong today" list, item by item (each of these failed on the hand-written catalog).
func TestKnownWrongToday(t *testing.T) {
	valid := func(name string, fields map[string]any) {
		t.Helper()
		task, body := bodyOf(t, name, fields)
		if err := task.Validate(body); err != nil {
			t.Errorf("%s %v: %v", name, fields, err)
		}
	}
	png := "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
	// txt2video: each prompts[].frames is 8-64; only the total is capped at 128.
	valid("txt2video", map[string]any{"prompts": []any{map[string]any{"prompt": "a", "frames": int64(64)}, map[string]any{"prompt": "b", "frames": int64(64)}}})
	if p, _ := Lookup("txt2video"); p.Validate(mustSet(t, p, "prompts[0].prompt", "a", "prompts[0].frames", int64(100))) == nil {
		t.Error("txt2video: 100 frames in one prompt accepted")
	}
	// hunyuan-video-fast: frames optional; width/height 720 or 1280.
	valid("hunyuan-video-fast", map[string]any{"prompt": "p", "frames": nil})
	valid("hunyuan-video-fast", map[string]any{"prompt": "p", "width": int64(720), "height": int64(1280)})
	// --video-type only where documented.
	for _, task := range All() {
		_, has := task.Flag("video-type")
		want := task.Name == "txt2video" || task.Name == "img2video" || task.Name == "video-merge-face"
		if has != want {
			t.Errorf("%s: --video-type offered = %v", task.Name, has)
		}
		if _, ok := task.Param("extra.response_video_type"); ok != want {
			t.Errorf("%s: extra.response_video_type documented = %v", task.Name, ok)
		}
	}
	// img2video: SVD 14 frames, SVD-XT 25, 6 fps.
	valid("img2video", map[string]any{"image_file": png, "model_name": "SVD", "frames_num": int64(14)})
	valid("img2video", map[string]any{"image_file": png, "model_name": "SVD-XT", "frames_num": int64(25)})
	// upscale: scale_factor is a number with 1 < x <= 4.
	valid("upscale", map[string]any{"request.image_base64": png, "request.scale_factor": 2.5})
	up, _ := Lookup("upscale")
	if p, _ := up.Param("request.scale_factor"); p.Type != ParamNumber || !p.ExclusiveMin {
		t.Errorf("scale_factor = %+v", p)
	}
	// inpainting has no width/height.
	in, _ := Lookup("inpainting")
	if _, ok := in.Param("request.width"); ok {
		t.Error("inpainting documents width")
	}
	if _, ok := in.Flag("height"); ok {
		t.Error("inpainting offers --height")
	}
	// No invented task types: see TestTaskTypesComeFromThePages. The kling copy's cfg_scale and the
	// sandbox's 512P are gone with the copies: there is one spec (each spec's own limits are checked by
	// pkg/body's TestEverySpecConforms).
	kling, _ := Lookup("kling-v2.1-t2v-master")
	if _, ok := kling.Param("guidance_scale"); !ok {
		t.Error("kling-v2.1-t2v-master: guidance_scale not documented")
	}
}

func mustSet(t *testing.T, task Task, kv ...any) map[string]any {
	t.Helper()
	_, body := bodyOf(t, task.Name, nil)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := jsonpath.Set(body, kv[i].(string), kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	return body
}
