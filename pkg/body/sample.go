package body

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
)

// SampleInput is the input every catalog task is built from in the project's golden bodies
// (testdata/golden) and in the command line's dry-run and sandbox acceptance tests, so an endpoint
// added to the catalog is covered everywhere without a hand-written case. The first endpoints get
// hand-picked values that exercise more than the minimum (repeated flags, masks, output formats);
// every other task gets MinimalInput. dir holds the sample files: pixel.png (any image or file input)
// and mask.png.
func SampleInput(task catalog.Task, dir string) Input {
	img, mask := filepath.Join(dir, "pixel.png"), filepath.Join(dir, "mask.png")
	flags := func(kv ...string) map[string]string {
		m := make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	switch task.Name {
	case "txt2img":
		return Input{Flags: flags("prompt", "a lighthouse on a cliff at dusk, oil painting", "negative-prompt", "blurry, low quality",
			"image-type", "jpeg", "width", "1024", "height", "1024")}
	case "img2img":
		return Input{Flags: flags("prompt", "the same scene in winter", "image", img, "seed", "42", "sampler", "DPM++ 2M Karras")}
	case "inpainting":
		return Input{Flags: flags("prompt", "a red door", "image", img, "mask", mask, "image-num", "2")}
	case "upscale":
		return Input{Flags: flags("image", img, "image-type", "png")}
	case "txt2speech":
		return Input{Flags: flags("voice", "James", "audio-type", "mp3"),
			Lists: map[string][]string{"text": {"Hello there.", "Second sentence."}}}
	case "txt2video":
		return Input{Flags: flags("prompt", "a paper boat on a river", "frames", "16", "guidance-scale", "8", "video-type", "gif")}
	case "img2video":
		return Input{Flags: flags("image", img, "model", "SVD", "frames", "14")}
	case "hunyuan-video-fast":
		return Input{Flags: flags("prompt", "waves at night", "width", "720", "height", "1280")}
	case "wan-t2v":
		return Input{Flags: flags("prompt", "a fox in the snow", "negative-prompt", "text, watermark", "guidance-scale", "6", "seed", "7")}
	case "kling-v2.1-t2v-master":
		return Input{Flags: flags("prompt", "a drone shot over a canyon", "duration", "10")}
	case "minimax-hailuo-02":
		return Input{Flags: flags("prompt", "the picture comes alive", "image", img)}
	}
	return MinimalInput(task, img)
}

// MinimalInput is the least a user must give for task: every required field without a default gets a
// plain valid value, by its typed flag where it has one, else with --set. File inputs name the local
// file image, or an https URL for fields that take only URLs (a URL is never fetched with NoFetch).
func MinimalInput(task catalog.Task, image string) Input {
	in := Input{Flags: map[string]string{}, Lists: map[string][]string{}}
	for i := range task.Params {
		p := &task.Params[i]
		if !p.Required || p.Default != nil || !containerRequired(task, p.Path) || hasElements(task, p.Path) {
			continue
		}
		flag := ""
		for _, f := range task.Flags {
			if f.Param == p {
				flag = f.Flag
			}
		}
		value, list := sampleValue(p, image)
		switch {
		case flag != "" && list:
			in.Lists[flag] = []string{value}
		case flag != "":
			in.Flags[flag] = value
		case p.Type == catalog.ParamArray:
			in.Sets = append(in.Sets, strings.ReplaceAll(p.Path, "[]", "[0]")+":=[]")
		default:
			in.Sets = append(in.Sets, strings.ReplaceAll(p.Path, "[]", "[0]")+"="+value)
		}
	}
	return in
}

// containerRequired reports whether the array holding an element field ("prompts[].prompt") is itself
// required: element fields of optional lists (loras[].model_name) need no value.
func containerRequired(task catalog.Task, path string) bool {
	i := strings.LastIndex(path, "[]")
	if i < 0 {
		return true
	}
	p, ok := task.Param(path[:i])
	return ok && p.Required
}

// hasElements reports whether a list field has element fields, which fill it.
func hasElements(task catalog.Task, path string) bool {
	for _, p := range task.Params {
		if strings.HasPrefix(p.Path, path+"[]") {
			return true
		}
	}
	return false
}

// sampleValue is a plain valid value for a parameter, as flag text; list reports a repeatable flag.
func sampleValue(p *catalog.Param, image string) (value string, list bool) {
	enc := p.Encoding
	if p.Type == catalog.ParamArray && p.Items != nil {
		list, enc = true, p.Items.Encoding
		if p.Items.Type != catalog.ParamFile {
			return "Hello there.", true
		}
	}
	switch {
	case enc == catalog.EncodingBase64 || enc == catalog.EncodingDataURI:
		return image, list
	case enc != "":
		return "https://example.com/input.png", list
	case len(p.Enum) > 0:
		return p.Enum[0], false
	}
	switch p.Type {
	case catalog.ParamInteger, catalog.ParamNumber:
		if p.Min != nil {
			return strconv.FormatFloat(*p.Min+1, 'f', -1, 64), false
		}
		return "1", false
	case catalog.ParamBoolean:
		return "false", false
	}
	if strings.Contains(p.Path, "prompt") || strings.Contains(p.Path, "text") || strings.HasSuffix(p.Path, "input") {
		return "a lighthouse on a cliff at dusk", false
	}
	return "example", false
}
