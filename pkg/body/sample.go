package body

import (
	"encoding/json"
	"path/filepath"
	"slices"
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

// MinimalInput is the least a user must give for task (catalog.Task.MinimalFields): every required
// field without a default gets a plain valid value (as many elements as a list needs), by its typed
// flag where it has one, else with --set; a required field group gets its first field. File inputs name
// the local file image, or an https URL for fields that take only URLs (never fetched with NoFetch).
func MinimalInput(task catalog.Task, image string) Input {
	in := Input{Flags: map[string]string{}, Lists: map[string][]string{}}
	for _, f := range task.MinimalFields() {
		p := f.Param
		if p.Type == catalog.ParamObject {
			in.Sets = append(in.Sets, f.Path+":={}")
			continue
		}
		value, list := sampleValue(p, image)
		switch {
		case f.Flag != "" && list:
			in.Lists[f.Flag] = slices.Repeat([]string{value}, f.Count)
		case f.Flag != "":
			in.Flags[f.Flag] = value
		case list:
			raw, _ := json.Marshal(slices.Repeat([]any{sampleElement(p.Items, value)}, f.Count))
			in.Sets = append(in.Sets, f.Path+":="+string(raw))
		default:
			in.Sets = append(in.Sets, f.Path+"="+value)
		}
	}
	return in
}

// sampleElement is a list element's sample as JSON: a file element given by --set cannot be a path,
// so base64 fields get a one-pixel PNG.
func sampleElement(items *catalog.Param, value string) any {
	switch items.Encoding {
	case catalog.EncodingBase64:
		return onePixelPNG
	case catalog.EncodingDataURI, catalog.EncodingURLOrDataURI:
		if !strings.HasPrefix(value, "https://") {
			return "data:image/png;base64," + onePixelPNG
		}
	}
	return value
}

// onePixelPNG is a valid PNG, base64-encoded.
const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"

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
