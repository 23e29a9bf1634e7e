package sandbox

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/novita"
)

func TestSampleRequestAcceptedAndResultMatchesSampleShape(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	body := string(readSample(t, "request-txt2img.json"))
	// the sample's webhook URL is a placeholder: deliver nowhere but keep the request as is
	s.SetOptions(Options{TaskDuration: 30 * time.Millisecond, WebhookDrop: true})
	id := mustSubmit(t, s, "txt2img", body)
	res := waitFinal(t, s, id)
	if res.Task.Status != novita.StatusSucceed || res.Task.TaskType != "TXT_TO_IMG" || res.Task.TaskID != id {
		t.Fatalf("task = %+v", res.Task)
	}
	if res.Task.ProgressPercent != 100 || res.Task.ETA != 0 {
		t.Errorf("final progress/eta = %d/%d", res.Task.ProgressPercent, res.Task.ETA)
	}
	if len(res.Images) != 1 || res.Images[0].ImageType != "jpeg" || res.Images[0].ImageURLTTL != 3600 {
		t.Fatalf("images = %+v", res.Images)
	}
	if res.Videos == nil || res.Audios == nil || len(res.Videos)+len(res.Audios) != 0 {
		t.Errorf("unused arrays must be []: %s", res.Raw)
	}
	assertSameKeys(t, res.Raw, readSample(t, "task-result-images-number-ttl.json"), "task", "images.0")
	assertSameKeys(t, res.Raw, readSample(t, "task-result-video-succeed.json"), "extra.debug_info")
}

// assertSameKeys checks that got has exactly the field set of want at each dotted path.
func assertSameKeys(t *testing.T, got, want []byte, paths ...string) {
	t.Helper()
	for _, p := range paths {
		g, w := keysAt(t, got, p), keysAt(t, want, p)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("fields at %s = %v, sample has %v", p, g, w)
		}
	}
	if g, w := keysAt(t, got, ""), keysAt(t, want, ""); !reflect.DeepEqual(g, w) {
		t.Errorf("top-level fields = %v, sample has %v", g, w)
	}
}

func keysAt(t *testing.T, b []byte, path string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, part := range splitPath(path) {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			v = x[0]
		}
	}
	m, _ := v.(map[string]any)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := start(t, Options{APIKey: "sk_test_123"})
	body := []byte(txt2img("a cat", "", 128, 128, 1))
	for _, c := range []struct {
		name, auth string
		status     int
		reason     string
	}{
		{"bearer", "Bearer sk_test_123", 200, ""},
		{"bare key like the JS SDK", "sk_test_123", 200, ""},
		{"missing", "", 400, "MISSING_API_KEY"},
		{"wrong", "Bearer sk_nope", 403, "INVALID_API_KEY"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := call(t, http.MethodPost, s.URL()+"/v3/async/txt2img", c.auth, body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			if c.reason != "" {
				if e := r.apiError(t); e.Reason != c.reason || e.Code != c.status || e.Message == "" || e.Metadata == nil {
					t.Errorf("error body = %+v", e)
				}
			}
		})
	}
	// results need the key too
	if r := call(t, http.MethodGet, s.URL()+"/v3/async/task-result?task_id=x", "", nil); r.status != 400 {
		t.Errorf("result without key: %d", r.status)
	}
}

func TestUnknownEndpointAndTask(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	r := submit(t, s, "no-such-model", `{}`)
	if r.status != 404 || r.apiError(t).Reason != "API_NOT_FOUND" {
		t.Errorf("unknown endpoint: %d %s", r.status, r.body)
	}
	_, r = getResult(t, s, "00000000-0000-4000-8000-000000000000")
	if r.status != 404 || r.apiError(t).Reason != "TASK_NOT_FOUND" {
		t.Errorf("unknown task: %d %s", r.status, r.body)
	}
	// the client's error decoder understands the body
	var e apiError
	_ = json.Unmarshal(r.body, &e)
	if e.Code != 404 {
		t.Errorf("code = %d", e.Code)
	}
}

func TestValidationNamesTheField(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	cases := []struct{ endpoint, body, want string }{
		{"txt2img", txt2img("", "", 512, 512, 1), "request.prompt: length must be between 1 and 1024"},
		{"txt2img", txt2img(strings.Repeat("a", 1025), "", 512, 512, 1), "request.prompt: length must be between 1 and 1024"},
		{"txt2img", txt2img("cat", "", 64, 512, 1), "request.width: must be between 128 and 2048"},
		{"txt2img", txt2img("cat", "", 512, 512, 9), "request.image_num: must be between 1 and 8"},
		{"txt2img", `{"request":{"prompt":"cat"}}`, "request.model_name: is required"},
		{"txt2img", `{"extra":{}}`, "request: is required and must be an object"},
		{"txt2img", `not json`, "body must be a JSON object"},
		// the documented enum (issue 12: one spec); the sandbox's own "jpg" spelling is gone
		{"txt2img", txt2img("cat", `{"response_image_type":"bmp"}`, 512, 512, 1), "extra.response_image_type: must be one of png, jpeg, webp"},
		{"txt2img", txt2img("cat", `{"webhook":{"url":"ftp://x"}}`, 512, 512, 1), "extra.webhook.url: must be an http(s) URL"},
		{"img2img", txt2img("cat", "", 512, 512, 1), "request.image_base64: is required"},
		// model_name and scale_factor are required by the reference (the sandbox copy made them optional)
		{"upscale", `{"request":{"model_name":"4x-UltraSharp","scale_factor":2,"image_base64":"data:image/png;base64,AAAA"}}`, "request.image_base64: must be raw base64 without a data: URI prefix"},
		{"upscale", `{"request":{"model_name":"4x-UltraSharp","scale_factor":2,"image_base64":"%%%"}}`, "request.image_base64: is not valid base64"},
		{"txt2speech", `{"request":{"voice_id":"Bob","language":"en-US","texts":["hi"]}}`, "request.voice_id: must be one of Emily, James, Olivia, Michael, Sarah, John"},
		// no source caps the number of segments (the 32 was the sandbox copy's)
		{"txt2speech", `{"request":{"voice_id":"Emily","language":"en-US","texts":[]}}`, "request.texts: must have at least 1 item(s)"},
		{"txt2video", `{"model_name":"m","prompts":[{"frames":16,"prompt":""}]}`, "prompts[0].prompt: length must be between 1 and 1024"},
		{"txt2video", `{"model_name":"m","prompts":[{"prompt":"x"}],"width":"512"}`, "width: must be an integer"},
		{"img2video", `{"model_name":"SVD-XL","image_file":"AAAA"}`, "model_name: must be one of SVD, SVD-XT"},
		{"wan-t2v", `{"negative_prompt":"x"}`, "prompt: is required"},
		{"kling-v2.1-t2v-master", `{"prompt":"x","duration":"7"}`, "duration: must be one of 5, 10"},
		{"minimax-hailuo-02", `{"prompt":"x","image":"/tmp/a.png"}`, "image: must be an http(s) URL or a data: URI"},
		// extra.response_video_type is documented for txt2video, img2video and video-merge-face only
		{"txt2video", `{"extra":{"response_video_type":"webm"},"model_name":"m","width":256,"height":256,"steps":5,"prompts":[{"frames":16,"prompt":"x"}]}`, "extra.response_video_type: must be one of mp4, gif"},
		{"txt2video", `{"model_name":"m","width":256,"height":256,"steps":5,"prompts":[{"frames":100,"prompt":"x"}]}`, "prompts[0].frames: must be between 8 and 64"},
		{"img2video", `{"model_name":"SVD","image_file":"AAAA","frames_num":25,"frames_per_second":6,"steps":5,"image_file_resize_mode":"CROP_TO_ASPECT_RATIO"}`, "frames_num: must be 14 with model SVD"},
		{"minimax-hailuo-02", `{"prompt":"x","duration":10,"resolution":"1080P"}`, "duration: must be 6 with 1080P resolution"},
		{"upscale", `{"request":{"model_name":"4x-UltraSharp","scale_factor":1,"image_base64":"AAAA"}}`, "request.scale_factor: must be greater than 1 and at most 4"},
	}
	for _, c := range cases {
		r := submit(t, s, c.endpoint, c.body)
		if r.status != 400 {
			t.Errorf("%s %s: status %d %s", c.endpoint, c.body, r.status, r.body)
			continue
		}
		if e := r.apiError(t); e.Reason != "INVALID_REQUEST_BODY" || e.Message != c.want {
			t.Errorf("%s: message %q, want %q", c.endpoint, e.Message, c.want)
		}
	}
}

func TestEveryEndpointSucceedsWithItsTaskType(t *testing.T) {
	t.Parallel()
	s := start(t, Options{MaxMediaSide: 256}) // task types and kinds are the point; sizes are TestMaxMediaSide's
	png := pngBase64(t, 64, 48)
	// Bodies complete per the specs (the sandbox copy left documented required fields optional); task
	// types are the confirmed ones, else the catalog's stand-in (issue 12: several were invented).
	cases := []struct{ endpoint, body, taskType, kind string }{
		{"txt2img", txt2img("a cat", "", 128, 128, 2), "TXT_TO_IMG", "image"},
		{"img2img", `{"request":{"model_name":"m","prompt":"p","width":128,"height":128,"image_num":1,"steps":5,"guidance_scale":7,"sampler_name":"Euler a","image_base64":"` + png + `"}}`, "IMG_TO_IMG", "image"},
		{"inpainting", `{"request":{"model_name":"m","prompt":"p","image_num":1,"steps":5,"guidance_scale":7,"sampler_name":"Euler a","image_base64":"` + png + `","mask_image_base64":"` + png + `"}}`, "INPAINTING", "image"},
		{"upscale", `{"request":{"model_name":"RealESRGAN_x4plus_anime_6B","image_base64":"` + png + `","scale_factor":2}}`, "UPSCALE", "image"},
		{"txt2speech", `{"request":{"voice_id":"Emily","language":"en-US","texts":["Hello from the sandbox."]}}`, "TXT2SPEECH", "audio"},
		{"txt2video", `{"model_name":"m","width":256,"height":256,"steps":5,"prompts":[{"frames":16,"prompt":"a boat"}]}`, "TXT_TO_VIDEO", "video"},
		{"img2video", `{"model_name":"SVD","image_file":"` + png + `","frames_num":14,"frames_per_second":6,"steps":5,"image_file_resize_mode":"CROP_TO_ASPECT_RATIO"}`, "IMG_TO_VIDEO", "video"},
		{"hunyuan-video-fast", `{"model_name":"hunyuan-video-fast","prompt":"x","width":720,"height":1280,"seed":-1,"steps":20}`, "HUNYUAN_VIDEO_FAST", "video"},
		{"wan-t2v", `{"prompt":"x","width":832,"height":480}`, "WAN_T2V", "video"},
		{"kling-v2.1-t2v-master", `{"prompt":"x","duration":5,"aspect_ratio":"1:1"}`, "KLING_V2_1_T2V_MASTER", "video"},
		{"minimax-hailuo-02", `{"prompt":"x","duration":"6","resolution":"768P","extra":{"response_video_type":"gif"}}`, "MINIMAX_HAILUO_02_6S_768P", "video"},
	}
	for _, c := range cases {
		t.Run(c.endpoint, func(t *testing.T) {
			t.Parallel()
			res := waitFinal(t, s, mustSubmit(t, s, c.endpoint, c.body))
			spec, _ := catalog.Lookup(c.endpoint)
			if spec.TaskType != "" { // the page's value wins over the stand-in this table expected
				c.taskType = spec.TaskType
			}
			if res.Task.Status != novita.StatusSucceed || res.Task.TaskType != c.taskType {
				t.Fatalf("task = %+v, want task_type %s", res.Task, c.taskType)
			}
			outs := res.Outputs()
			if len(outs) == 0 {
				t.Fatal("no outputs")
			}
			for _, o := range outs {
				if o.Kind != c.kind || o.Type == "" {
					t.Errorf("output %+v", o)
				}
				if r := download(t, o.URL); r.status != 200 || len(r.body) == 0 {
					t.Errorf("download %s: %d", o.URL, r.status)
				}
			}
		})
	}
}

func TestLifecycleFollowsTheClock(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := start(t, Options{TaskDuration: 10 * time.Second, Now: clk.Now})
	id := mustSubmit(t, s, "txt2video", `{"model_name":"m","prompts":[{"prompt":"waves","frames":16}],"width":256,"height":256,"steps":5}`)
	res, _ := getResult(t, s, id)
	if res.Task.Status != novita.StatusQueued || res.Task.ETA != 10 || len(res.Videos) != 0 {
		t.Fatalf("at 0s: %+v", res.Task)
	}
	var lastProgress, lastETA int64 = 0, 11
	for _, step := range []time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second} {
		clk.Advance(step)
		res, _ = getResult(t, s, id)
		if res.Task.Status != novita.StatusProcessing {
			t.Fatalf("status %s", res.Task.Status)
		}
		p, e := int64(res.Task.ProgressPercent), int64(res.Task.ETA)
		if p <= lastProgress || e >= lastETA || p >= 100 {
			t.Errorf("progress %d (was %d), eta %d (was %d)", p, lastProgress, e, lastETA)
		}
		lastProgress, lastETA = p, e
	}
	clk.Advance(time.Second)
	res, _ = getResult(t, s, id)
	if res.Task.Status != novita.StatusSucceed || len(res.Videos) != 1 || res.Videos[0].VideoType != "mp4" {
		t.Fatalf("final: %s", res.Raw)
	}
	assertSameKeys(t, res.Raw, readSample(t, "task-result-video-succeed.json"), "task", "videos.0", "extra.debug_info")
}
