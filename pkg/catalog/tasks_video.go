package catalog

// Shape-B tasks: parameters at the top level, "extra" beside them. Defaults and ranges follow Novita's
// API reference pages for each endpoint.

func videoTypeFlag() FlagMap {
	return FlagMap{Flag: "video-type", Path: "extra.response_video_type", Override: true}
}

func videoTypeRule() Rule { return OneOf("extra.response_video_type", "mp4", "gif") }

func videoTasks() []Task {
	return []Task{
		{
			Name: "txt2video", Endpoint: "txt2video", TaskType: "TXT_TO_VIDEO", OutputKind: OutputVideo, Shape: ShapeB,
			Description: "generate a short video from a text prompt (AnimateDiff on SD 1.5 checkpoints)",
			Flags: []FlagMap{
				{Flag: "prompt", Path: "prompts.0.prompt"},
				{Flag: "frames", Path: "prompts.0.frames", Type: TypeInt},
				{Flag: "negative-prompt", Path: "negative_prompt"},
				{Flag: "model", Path: "model_name"},
				{Flag: "width", Path: "width", Type: TypeInt},
				{Flag: "height", Path: "height", Type: TypeInt},
				{Flag: "steps", Path: "steps", Type: TypeInt},
				{Flag: "seed", Path: "seed", Type: TypeInt},
				{Flag: "guidance-scale", Path: "guidance_scale", Type: TypeFloat},
				videoTypeFlag(),
			},
			Defaults: map[string]any{
				"model_name":       "dreamshaper_8_93211.safetensors",
				"width":            int64(512),
				"height":           int64(512),
				"steps":            int64(20),
				"guidance_scale":   7.5,
				"seed":             int64(-1),
				"prompts.0.frames": int64(32),
			},
			Required: []string{"model_name", "width", "height", "steps", "prompts.0.prompt", "prompts.0.frames"},
			Rules: []Rule{
				Length("prompts.0.prompt", 1, 0),
				Range("prompts.0.frames", 8, 128),
				Range("width", 256, 1024),
				Range("height", 256, 1024),
				Range("steps", 1, 50),
				Range("guidance_scale", 1, 30),
				videoTypeRule(),
			},
		},
		{
			Name: "img2video", Endpoint: "img2video", TaskType: "IMG_TO_VIDEO", OutputKind: OutputVideo, Shape: ShapeB,
			Description: "animate an input image (--image) with Stable Video Diffusion",
			Flags: []FlagMap{
				{Flag: "image", Path: "image_file", Type: TypeImageBase64},
				{Flag: "model", Path: "model_name"},
				{Flag: "frames", Path: "frames_num", Type: TypeInt},
				{Flag: "steps", Path: "steps", Type: TypeInt},
				{Flag: "seed", Path: "seed", Type: TypeInt},
				videoTypeFlag(),
			},
			Defaults: map[string]any{
				"model_name":             "SVD-XT",
				"frames_num":             int64(25),
				"frames_per_second":      int64(6),
				"image_file_resize_mode": "CROP_TO_ASPECT_RATIO",
				"steps":                  int64(20),
				"seed":                   int64(-1),
			},
			Required: []string{"model_name", "image_file", "frames_num", "frames_per_second", "steps"},
			Rules: []Rule{
				OneOf("model_name", "SVD", "SVD-XT"),
				Range("steps", 1, 50),
				videoTypeRule(),
			},
		},
		{
			Name: "hunyuan-video-fast", Endpoint: "hunyuan-video-fast", TaskType: "HUNYUAN_VIDEO_FAST",
			OutputKind: OutputVideo, Shape: ShapeB,
			Description: "text to video with accelerated HunyuanVideo",
			Flags: []FlagMap{
				{Flag: "prompt", Path: "prompt"},
				{Flag: "model", Path: "model_name"},
				{Flag: "width", Path: "width", Type: TypeInt},
				{Flag: "height", Path: "height", Type: TypeInt},
				{Flag: "steps", Path: "steps", Type: TypeInt},
				{Flag: "seed", Path: "seed", Type: TypeInt},
				{Flag: "frames", Path: "frames", Type: TypeInt},
				videoTypeFlag(),
			},
			Defaults: map[string]any{
				"model_name": "hunyuan-video-fast",
				"width":      int64(1280),
				"height":     int64(720),
				"seed":       int64(-1),
				"steps":      int64(20),
				"frames":     int64(85),
			},
			Required: []string{"model_name", "width", "height", "seed", "steps", "prompt", "frames"},
			Rules: []Rule{
				Length("prompt", 1, 2000),
				Range("steps", 2, 30),
				Range("frames", 85, 129),
				Range("seed", -1, 9999999999),
				videoTypeRule(),
			},
		},
		{
			Name: "wan-t2v", Endpoint: "wan-t2v", TaskType: "WAN_TXT_TO_VIDEO", OutputKind: OutputVideo, Shape: ShapeB,
			Description: "text to video with Wan 2.1 14B (5 s)",
			Flags: []FlagMap{
				{Flag: "prompt", Path: "prompt"},
				{Flag: "negative-prompt", Path: "negative_prompt"},
				{Flag: "model", Path: "model_name"},
				{Flag: "width", Path: "width", Type: TypeInt},
				{Flag: "height", Path: "height", Type: TypeInt},
				{Flag: "steps", Path: "steps", Type: TypeInt},
				{Flag: "seed", Path: "seed", Type: TypeInt},
				{Flag: "guidance-scale", Path: "guidance_scale", Type: TypeFloat},
				videoTypeFlag(),
			},
			Defaults: map[string]any{
				"model_name":     "wan2.1-t2v",
				"width":          int64(832),
				"height":         int64(480),
				"seed":           int64(-1),
				"steps":          int64(30),
				"guidance_scale": 5.0,
				"flow_shift":     5.0,
			},
			Required: []string{"model_name", "width", "height", "seed", "prompt"},
			Rules: []Rule{
				Length("prompt", 1, 2000),
				OneOf("width", "480", "720", "832", "1280"),
				OneOf("height", "480", "720", "832", "1280"),
				Range("seed", -1, 9999999999),
				videoTypeRule(),
			},
		},
		{
			Name: "kling-v2.1-t2v-master", Endpoint: "kling-v2.1-t2v-master", TaskType: "KLING_V2_1_T2V_MASTER",
			OutputKind: OutputVideo, Shape: ShapeB,
			Description: "text to video with Kling V2.1 Master (5 or 10 s)",
			Flags: []FlagMap{
				{Flag: "prompt", Path: "prompt"},
				{Flag: "negative-prompt", Path: "negative_prompt"},
				{Flag: "duration", Path: "duration"}, // a string in this API: "5" | "10"
				{Flag: "guidance-scale", Path: "guidance_scale", Type: TypeFloat},
				videoTypeFlag(),
			},
			Defaults: map[string]any{
				"duration":     "5",
				"aspect_ratio": "16:9",
			},
			Required: []string{"prompt"},
			Rules: []Rule{
				Length("prompt", 1, 2500),
				Length("negative_prompt", 0, 2500),
				OneOf("duration", "5", "10"),
				OneOf("aspect_ratio", "16:9", "9:16", "1:1"),
				Range("guidance_scale", 0, 1),
				videoTypeRule(),
			},
		},
		{
			Name: "minimax-hailuo-02", Endpoint: "minimax-hailuo-02", TaskType: "MINIMAX_HAILUO_02",
			OutputKind: OutputVideo, Shape: ShapeB,
			Description: "text or image (--image, first frame) to video with MiniMax Hailuo-02",
			Flags: []FlagMap{
				{Flag: "prompt", Path: "prompt"},
				{Flag: "image", Path: "image", Type: TypeImageURLOrDataURI},
				{Flag: "duration", Path: "duration", Type: TypeInt},
				videoTypeFlag(),
			},
			Defaults: map[string]any{
				"duration":   int64(6),
				"resolution": "768P",
			},
			Required: []string{"prompt"},
			Rules: []Rule{
				Length("prompt", 1, 2000),
				OneOf("duration", "6", "10"),
				OneOf("resolution", "768P", "1080P"),
				videoTypeRule(),
			},
		},
	}
}
