package catalog

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// The eleven tasks of the first catalog keep their names, kinds and shapes; their task types are the
// confirmed ones only (issue 12: INPAINTING, TXT_TO_SPEECH, HUNYUAN_VIDEO_FAST, WAN_TXT_TO_VIDEO,
// KLING_V2_1_T2V_MASTER and MINIMAX_HAILUO_02 were invented).
func TestCatalogListsEveryKnownTask(t *testing.T) {
	want := map[string]struct {
		taskType, kind string
		shape          Shape
	}{
		"txt2img":               {"TXT_TO_IMG", OutputImage, ShapeA},
		"img2img":               {"IMG_TO_IMG", OutputImage, ShapeA},
		"inpainting":            {"", OutputImage, ShapeA},
		"upscale":               {"UPSCALE", OutputImage, ShapeA},
		"txt2speech":            {"", OutputAudio, ShapeA},
		"txt2video":             {"TXT_TO_VIDEO", OutputVideo, ShapeB},
		"img2video":             {"IMG_TO_VIDEO", OutputVideo, ShapeB},
		"hunyuan-video-fast":    {"", OutputVideo, ShapeB},
		"wan-t2v":               {"", OutputVideo, ShapeB},
		"kling-v2.1-t2v-master": {"", OutputVideo, ShapeB},
		"minimax-hailuo-02":     {"MINIMAX_HAILUO_02_6S_768P", OutputVideo, ShapeB},
	}
	if got := len(Names()); got < len(want) {
		t.Fatalf("Names() has %d tasks, want at least %d: %v", got, len(want), Names())
	}
	for name, w := range want {
		task, ok := Lookup(name)
		if !ok {
			t.Fatalf("Lookup(%q) not found", name)
		}
		if task.Endpoint != name || (w.taskType != "" && task.TaskType != w.taskType) || task.OutputKind != w.kind || task.Shape != w.shape {
			t.Errorf("%s: got endpoint %q type %q kind %q shape %v", name, task.Endpoint, task.TaskType, task.OutputKind, task.Shape)
		}
		if task.Description == "" {
			t.Errorf("%s: no description", name)
		}
		for _, f := range task.Flags {
			if f.Path == "" {
				t.Errorf("%s: flag %s has no path", name, f.Flag)
			}
			if w.shape == ShapeA && !strings.HasPrefix(f.Path, "request.") && !strings.HasPrefix(f.Path, "extra.") {
				t.Errorf("%s: flag %s path %q is outside extra/request", name, f.Flag, f.Path)
			}
		}
	}
}

func TestFlagsUsedCoversTheTypedFlags(t *testing.T) {
	got := map[string]bool{}
	for _, f := range flagsUsed() {
		got[f] = true
	}
	for _, f := range []string{"prompt", "negative-prompt", "model", "width", "height", "steps", "seed", "image-num",
		"guidance-scale", "sampler", "image", "mask", "text", "voice", "image-type", "video-type", "audio-type",
		"language", "duration", "frames"} {
		if !got[f] {
			t.Errorf("flagsUsed() lacks %q", f)
		}
	}
	for _, s := range FlagSpecs() {
		if s.Usage == "" {
			t.Errorf("flag %s has no usage text", s.Name)
		}
		if s.Name == "image-num" && s.Shorthand != "n" {
			t.Errorf("image-num shorthand = %q, want n", s.Shorthand)
		}
	}
}

func TestResolvePassesUnknownNamesThrough(t *testing.T) {
	// flux-1-schnell, today's example of an unknown name, is in the catalog now (issue 12).
	task, err := Resolve("my-private-model")
	if err != nil {
		t.Fatal(err)
	}
	if task.Known() || task.Endpoint != "my-private-model" {
		t.Fatalf("got %+v", task)
	}
	if err := task.Validate(map[string]any{"anything": 1}); err != nil {
		t.Fatalf("pass-through validate: %v", err)
	}
	if _, err := Resolve("/v3beta/flux-1-schnell"); err != nil {
		t.Fatalf("v3beta path: %v", err)
	}
	for _, bad := range []string{"", "../task-result", "a b", "x?y=1", "a//b"} {
		if _, err := Resolve(bad); clierr.Code(err) != 2 {
			t.Errorf("Resolve(%q) = %v, want usage error", bad, err)
		}
	}
}

func TestFullPathPrefixesShapeA(t *testing.T) {
	a, _ := Lookup("txt2img")
	b, _ := Lookup("wan-t2v")
	cases := []struct {
		task Task
		in   string
		want string
	}{
		{a, "prompt", "request.prompt"},
		{a, "loras[0].model_name", "request.loras[0].model_name"},
		{a, "extra.response_image_type", "extra.response_image_type"},
		{a, "request.seed", "request.seed"},
		{b, "prompt", "prompt"},
	}
	for _, c := range cases {
		if got := c.task.FullPath(c.in); got != c.want {
			t.Errorf("FullPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func validTxt2img() map[string]any {
	body := map[string]any{}
	task, _ := Lookup("txt2img")
	for p, v := range task.Defaults {
		_ = jsonpath.Set(body, p, v)
	}
	_ = jsonpath.Set(body, "request.prompt", "a cat")
	return body
}

func TestValidate(t *testing.T) {
	task, _ := Lookup("txt2img")
	if err := task.Validate(validTxt2img()); err != nil {
		t.Fatalf("defaults + prompt should be valid: %v", err)
	}
	cases := []struct {
		name    string
		path    string
		value   any
		delete  bool
		wantMsg []string
	}{
		{"missing prompt", "request.prompt", nil, true, []string{"request.prompt", "--prompt"}},
		{"width too big", "request.width", int64(4000), false, []string{"request.width must be between 128 and 2048, got 4000", "--width"}},
		{"json.Number out of range", "request.steps", json.Number("101"), false, []string{"request.steps", "got 101"}},
		{"float64 out of range", "request.guidance_scale", 31.5, false, []string{"request.guidance_scale", "31.5"}},
		{"prompt too long", "request.prompt", strings.Repeat("x", 1025), false, []string{"request.prompt", "1-1024", "1025"}},
		{"empty prompt", "request.prompt", "", false, []string{"request.prompt", "got 0"}},
		{"not a number", "request.image_num", "two", false, []string{"request.image_num", "must be a number"}},
		{"bad image type", "extra.response_image_type", "gif", false, []string{"extra.response_image_type", "png, jpeg, webp"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := validTxt2img()
			if c.delete {
				delete(body["request"].(map[string]any), "prompt")
			} else if err := jsonpath.Set(body, c.path, c.value); err != nil {
				t.Fatal(err)
			}
			err := task.Validate(body)
			if clierr.Code(err) != 2 {
				t.Fatalf("Validate = %v, want a usage error", err)
			}
			for _, m := range c.wantMsg {
				if !strings.Contains(withFlags(err), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestValidateEnumMatchesNumbersAndStrings(t *testing.T) {
	task, _ := Lookup("minimax-hailuo-02")
	for _, d := range []any{int64(10), json.Number("6"), 6.0} {
		if err := task.Validate(map[string]any{"prompt": "p", "duration": d}); err != nil {
			t.Errorf("duration %v: %v", d, err)
		}
	}
	if err := task.Validate(map[string]any{"prompt": "p", "duration": int64(7)}); clierr.Code(err) != 2 ||
		!strings.Contains(err.Error(), "duration") {
		t.Errorf("duration 7: %v", err)
	}
}

// withFlags is err's message with, after each line, the flags its FieldError carries ("... [--steps]"):
// the data the command line words its fixes with (cmd/internal/words).
func withFlags(err error) string {
	if err == nil {
		return ""
	}
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) && err.Error() == j.(error).Error() {
		lines := make([]string, 0, len(j.Unwrap()))
		for _, e := range j.Unwrap() {
			lines = append(lines, withFlags(e))
		}
		return strings.Join(lines, "\n")
	}
	var fe *FieldError
	if !errors.As(err, &fe) || len(fe.Flags) == 0 {
		return err.Error()
	}
	var flags []string
	for _, f := range fe.Flags {
		flags = append(flags, "--"+f)
	}
	sort.Strings(flags)
	return err.Error() + " [" + strings.Join(flags, " ") + "]"
}
