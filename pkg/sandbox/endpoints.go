package sandbox

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/gif" // inputs may be GIFs
	_ "image/jpeg"
	_ "image/png"

	"github.com/novita-cli/novita/pkg/novita"
)

// endpoint is one simulated task type. The sandbox keeps its own table (not pkg/catalog) so that a
// catalog bug shows up as a validation error here, as it would against the real API.
type endpoint struct {
	name     string
	taskType string
	nested   bool   // shape A: parameters under "request"; shape B: at the top level
	kind     string // novita.KindImage|KindVideo|KindAudio
	rules    []rule
	// size is the output's width and height, from the parameters or the endpoint's defaults.
	size func(p map[string]any) (int, int)
}

func (e *endpoint) prefix() string {
	if e.nested {
		return "request."
	}
	return ""
}

// endpointTable lists every simulated endpoint by its path name.
func endpointTable() map[string]*endpoint {
	modelName, prompt1k, negPrompt := text(1, 255), text(1, 1024), text(0, 1024)
	seedRange, steps, guidance, dimension := intIn(-1, 4294967295), intIn(1, 100), numIn(1, 30), intIn(128, 2048)
	loraList := listOf(0, 10, fields(req("model_name", modelName), opt("strength", numIn(-10, 10))))
	txt2imgRules := func() []rule {
		return []rule{
			req("model_name", modelName), req("prompt", prompt1k), opt("negative_prompt", negPrompt),
			req("width", dimension), req("height", dimension), req("image_num", intIn(1, 8)),
			req("steps", steps), req("guidance_scale", guidance), req("sampler_name", text(1, 64)),
			opt("seed", seedRange), opt("clip_skip", intIn(1, 12)), opt("sd_vae", text(0, 255)),
			opt("loras", loraList), opt("embeddings", listOf(0, 10, fields(req("model_name", modelName)))),
			opt("hires_fix", object), opt("refiner", object), opt("restore_faces", boolean),
			opt("enable_transparent_background", boolean),
		}
	}
	img2img := append(txt2imgRules(), req("image_base64", rawBase64), opt("strength", numIn(0, 1)), opt("controlnet", object))
	eps := []*endpoint{
		{name: "txt2img", taskType: "TXT_TO_IMG", nested: true, kind: novita.KindImage, rules: txt2imgRules(), size: dims(0, 0)},
		{name: "img2img", taskType: "IMG_TO_IMG", nested: true, kind: novita.KindImage, rules: img2img, size: dims(0, 0)},
		{name: "inpainting", taskType: "INPAINTING", nested: true, kind: novita.KindImage, rules: []rule{
			req("model_name", modelName), req("image_base64", rawBase64), req("mask_image_base64", rawBase64),
			req("prompt", prompt1k), opt("negative_prompt", negPrompt), opt("image_num", intIn(1, 8)),
			opt("steps", steps), opt("guidance_scale", guidance), opt("sampler_name", text(1, 64)),
			opt("seed", seedRange), opt("mask_blur", intIn(0, 64)), opt("strength", numIn(0, 1)),
		}, size: inputSize("image_base64", 1)},
		{name: "upscale", taskType: "UPSCALE", nested: true, kind: novita.KindImage, rules: []rule{
			opt("model_name", modelName), req("image_base64", rawBase64), opt("scale_factor", numIn(1, 4)),
		}, size: upscaleSize},
		{name: "txt2speech", taskType: "TXT_TO_SPEECH", nested: true, kind: novita.KindAudio, rules: []rule{
			req("voice_id", oneOf("Emily", "James", "Olivia", "Michael", "Sarah", "John")),
			req("language", oneOf("en-US", "zh-CN", "ja-JP")),
			req("texts", listOf(1, 32, text(1, 2000))),
			opt("volume", numIn(0, 10)), opt("speed", numIn(0.25, 4)),
		}},
		{name: "txt2video", taskType: "TXT_TO_VIDEO", kind: novita.KindVideo, rules: []rule{
			opt("model_name", modelName), opt("width", dimension), opt("height", dimension), opt("steps", steps),
			req("prompts", listOf(1, 16, fields(req("prompt", prompt1k), opt("frames", intIn(1, 128))))),
			opt("negative_prompt", negPrompt), opt("guidance_scale", guidance), opt("seed", seedRange),
		}, size: dims(512, 512)},
		{name: "img2video", taskType: "IMG_TO_VIDEO", kind: novita.KindVideo, rules: []rule{
			opt("model_name", oneOf("SVD", "SVD-XT")), req("image_file", rawBase64),
			opt("frames_num", intIn(1, 128)), opt("frames_per_second", intIn(1, 60)), opt("steps", steps),
			opt("seed", seedRange),
		}, size: inputSize("image_file", 1)},
		{name: "hunyuan-video-fast", taskType: "HUNYUAN_VIDEO_FAST", kind: novita.KindVideo, rules: []rule{
			opt("model_name", modelName), opt("width", dimension), opt("height", dimension), opt("seed", seedRange),
			opt("steps", steps), req("prompt", text(1, 2000)), opt("frames", intIn(1, 257)),
		}, size: dims(1280, 720)},
		{name: "wan-t2v", taskType: "WAN_TXT_TO_VIDEO", kind: novita.KindVideo, rules: []rule{
			req("prompt", text(1, 2000)), opt("negative_prompt", text(0, 2000)), opt("width", dimension),
			opt("height", dimension), opt("seed", seedRange), opt("steps", steps), opt("guidance_scale", numIn(0, 30)),
			opt("flow_shift", numIn(0, 20)), opt("loras", loraList),
		}, size: dims(832, 480)},
		{name: "kling-v2.1-t2v-master", taskType: "KLING_V2_1_T2V_MASTER", kind: novita.KindVideo, rules: []rule{
			req("prompt", text(1, 2500)), opt("negative_prompt", text(0, 2500)), opt("duration", oneOf("5", "10")),
			opt("aspect_ratio", oneOf("16:9", "9:16", "1:1")), opt("cfg_scale", numIn(0, 1)),
		}, size: aspectSize},
		{name: "minimax-hailuo-02", taskType: "MINIMAX_HAILUO_02", kind: novita.KindVideo, rules: []rule{
			req("prompt", text(1, 2000)), opt("image", urlOrDataURI), opt("end_image", urlOrDataURI),
			opt("duration", oneOf("6", "10")), opt("resolution", oneOf("512P", "768P", "1080P")),
			opt("enable_prompt_expansion", boolean),
		}, size: resolutionSize},
	}
	m := make(map[string]*endpoint, len(eps))
	for _, e := range eps {
		m[e.name] = e
	}
	return m
}

// intParam reads an integer parameter, def when absent.
func intParam(p map[string]any, name string, def int) int {
	if n, ok := p[name].(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return int(i)
		}
		if f, err := n.Float64(); err == nil {
			return int(f)
		}
	}
	return def
}

// dims reads width/height, defaulting to (w, h).
func dims(w, h int) func(map[string]any) (int, int) {
	return func(p map[string]any) (int, int) { return intParam(p, "width", w), intParam(p, "height", h) }
}

// inputSize is the size of the base64 image in field, times scale; 512×512 when it does not decode
// (the sandbox does not insist on real pixels, only on valid base64).
func inputSize(field string, scale float64) func(map[string]any) (int, int) {
	return func(p map[string]any) (int, int) {
		w, h := 512, 512
		if s, ok := p[field].(string); ok {
			if b, err := decodeBase64(s); err == nil {
				if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil && cfg.Width > 0 && cfg.Height > 0 {
					w, h = cfg.Width, cfg.Height
				}
			}
		}
		return min(int(float64(w)*scale), 4096), min(int(float64(h)*scale), 4096)
	}
}

func upscaleSize(p map[string]any) (int, int) {
	scale := 2.0
	if n, ok := p["scale_factor"].(json.Number); ok {
		if f, err := n.Float64(); err == nil {
			scale = f
		}
	}
	return inputSize("image_base64", scale)(p)
}

func aspectSize(p map[string]any) (int, int) {
	switch p["aspect_ratio"] {
	case "9:16":
		return 720, 1280
	case "1:1":
		return 720, 720
	}
	return 1280, 720
}

func resolutionSize(p map[string]any) (int, int) {
	switch p["resolution"] {
	case "512P":
		return 912, 512
	case "1080P":
		return 1920, 1080
	}
	return 1366, 768
}
