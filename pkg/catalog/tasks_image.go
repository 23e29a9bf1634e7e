package catalog

// Shape-A tasks: {"extra": {...}, "request": {...}}. Defaults follow Novita's API reference examples
// (see /work/shared/samples/request-txt2img.json) so that a prompt alone is a valid request.

const defaultSDModel = "sd_xl_base_1.0.safetensors"

// sdFlags are the typed flags of the Stable Diffusion style tasks.
func sdFlags() []FlagMap {
	return []FlagMap{
		{Flag: "prompt", Path: "request.prompt"},
		{Flag: "negative-prompt", Path: "request.negative_prompt"},
		{Flag: "model", Path: "request.model_name"},
		{Flag: "width", Path: "request.width", Type: TypeInt},
		{Flag: "height", Path: "request.height", Type: TypeInt},
		{Flag: "steps", Path: "request.steps", Type: TypeInt},
		{Flag: "seed", Path: "request.seed", Type: TypeInt},
		{Flag: "image-num", Path: "request.image_num", Type: TypeInt},
		{Flag: "guidance-scale", Path: "request.guidance_scale", Type: TypeFloat},
		{Flag: "sampler", Path: "request.sampler_name"},
		imageTypeFlag(),
	}
}

func imageTypeFlag() FlagMap {
	return FlagMap{Flag: "image-type", Path: "extra.response_image_type", Override: true}
}

func sdDefaults() map[string]any {
	return map[string]any{
		"request.model_name":     defaultSDModel,
		"request.width":          int64(1024),
		"request.height":         int64(1024),
		"request.image_num":      int64(1),
		"request.steps":          int64(20),
		"request.seed":           int64(-1),
		"request.clip_skip":      int64(1),
		"request.sampler_name":   "Euler a",
		"request.guidance_scale": 7.5,
	}
}

func sdRequired() []string {
	return []string{"request.model_name", "request.prompt", "request.width", "request.height",
		"request.image_num", "request.steps", "request.guidance_scale", "request.sampler_name"}
}

func sdRules() []Rule {
	return []Rule{
		Length("request.prompt", 1, 1024),
		Length("request.negative_prompt", 0, 1024),
		Range("request.width", 128, 2048),
		Range("request.height", 128, 2048),
		Range("request.image_num", 1, 8),
		Range("request.steps", 1, 100),
		Range("request.guidance_scale", 1, 30),
		Range("request.seed", -1, 4294967295),
		OneOf("extra.response_image_type", "png", "jpeg", "webp"),
	}
}

func imageTasks() []Task {
	img2imgFlags := append(sdFlags(), FlagMap{Flag: "image", Path: "request.image_base64", Type: TypeImageBase64})

	inpaintFlags := append(sdFlags(),
		FlagMap{Flag: "image", Path: "request.image_base64", Type: TypeImageBase64},
		FlagMap{Flag: "mask", Path: "request.mask_image_base64", Type: TypeImageBase64})
	inpaintDefaults := sdDefaults()
	inpaintDefaults["request.model_name"] = "realisticVisionV40_v40VAE-inpainting_81543.safetensors"
	delete(inpaintDefaults, "request.width") // the output follows the input image
	delete(inpaintDefaults, "request.height")

	return []Task{
		{
			Name: "txt2img", Endpoint: "txt2img", TaskType: "TXT_TO_IMG", OutputKind: OutputImage, Shape: ShapeA,
			Description: "generate images from a text prompt (Stable Diffusion checkpoints)",
			Flags:       sdFlags(), Defaults: sdDefaults(), Required: sdRequired(), Rules: sdRules(),
		},
		{
			Name: "img2img", Endpoint: "img2img", TaskType: "IMG_TO_IMG", OutputKind: OutputImage, Shape: ShapeA,
			Description: "transform an input image (--image) guided by a prompt",
			Flags:       img2imgFlags, Defaults: sdDefaults(),
			Required: append(sdRequired(), "request.image_base64"),
			Rules:    append(sdRules(), Range("request.strength", 0, 1)),
		},
		{
			Name: "inpainting", Endpoint: "inpainting", TaskType: "INPAINTING", OutputKind: OutputImage, Shape: ShapeA,
			Description: "repaint the masked area (--mask) of an image (--image) from a prompt",
			Flags:       inpaintFlags, Defaults: inpaintDefaults,
			Required: []string{"request.model_name", "request.image_base64", "request.mask_image_base64",
				"request.prompt", "request.image_num", "request.steps", "request.guidance_scale", "request.sampler_name"},
			Rules: append(sdRules(), Range("request.strength", 0, 1)),
		},
		{
			Name: "upscale", Endpoint: "upscale", TaskType: "UPSCALE", OutputKind: OutputImage, Shape: ShapeA,
			Description: "upscale an image (--image) with an ESRGAN model",
			Flags: []FlagMap{
				{Flag: "model", Path: "request.model_name"},
				{Flag: "image", Path: "request.image_base64", Type: TypeImageBase64},
				imageTypeFlag(),
			},
			Defaults: map[string]any{
				"request.model_name":   "RealESRGAN_x4plus_anime_6B",
				"request.scale_factor": int64(2),
			},
			Required: []string{"request.model_name", "request.image_base64", "request.scale_factor"},
			Rules: []Rule{
				Range("request.scale_factor", 1, 4),
				OneOf("extra.response_image_type", "png", "jpeg", "webp"),
			},
		},
		{
			Name: "txt2speech", Endpoint: "txt2speech", TaskType: "TXT_TO_SPEECH", OutputKind: OutputAudio, Shape: ShapeA,
			Description: "synthesize speech from text (--text) with a stock voice (--voice)",
			Flags: []FlagMap{
				{Flag: "text", Path: "request.texts", Type: TypeStringList},
				{Flag: "voice", Path: "request.voice_id"},
				{Flag: "language", Path: "request.language"},
				{Flag: "audio-type", Path: "extra.response_audio_type", Override: true},
			},
			Defaults: map[string]any{
				"request.voice_id": "Emily",
				"request.language": "en-US",
			},
			Required: []string{"request.voice_id", "request.language", "request.texts"},
			Rules: []Rule{
				OneOf("request.voice_id", "Emily", "James", "Olivia", "Michael", "Sarah", "John"),
				OneOf("request.language", "en-US", "zh-CN", "ja-JP"),
				OneOf("extra.response_audio_type", "wav", "mp3"),
			},
		},
	}
}
