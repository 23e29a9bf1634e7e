package body

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/catalog"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.json from the current output")

// goldenInputs are the typed flags each catalog task is built from in its golden file.
func goldenInputs() map[string]Input {
	return map[string]Input{
		"txt2img": {Flags: map[string]string{
			"prompt": "a lighthouse on a cliff at dusk, oil painting", "negative-prompt": "blurry, low quality",
			"image-type": "jpeg", "width": "1024", "height": "1024",
		}},
		"img2img": {Flags: map[string]string{
			"prompt": "the same scene in winter", "image": "testdata/pixel.png", "seed": "42", "sampler": "DPM++ 2M Karras",
		}},
		"inpainting": {Flags: map[string]string{
			"prompt": "a red door", "image": "testdata/pixel.png", "mask": "testdata/mask.png", "image-num": "2",
		}},
		"upscale":    {Flags: map[string]string{"image": "testdata/pixel.png", "image-type": "png"}},
		"txt2speech": {Flags: map[string]string{"voice": "James", "audio-type": "mp3"}, Lists: map[string][]string{"text": {"Hello there.", "Second sentence."}}},
		"txt2video": {Flags: map[string]string{
			"prompt": "a paper boat on a river", "frames": "16", "guidance-scale": "8", "video-type": "gif",
		}},
		"img2video":          {Flags: map[string]string{"image": "testdata/pixel.png", "model": "SVD", "frames": "14"}},
		"hunyuan-video-fast": {Flags: map[string]string{"prompt": "waves at night", "width": "720", "height": "1280"}},
		"wan-t2v": {Flags: map[string]string{
			"prompt": "a fox in the snow", "negative-prompt": "text, watermark", "guidance-scale": "6", "seed": "7",
		}},
		"kling-v2.1-t2v-master": {Flags: map[string]string{"prompt": "a drone shot over a canyon", "duration": "10"}},
		"minimax-hailuo-02":     {Flags: map[string]string{"prompt": "the picture comes alive", "image": "testdata/pixel.png"}},
	}
}

// goldenInput is a task's golden input: the hand-written one above, else the minimum the spec requires.
func goldenInput(task catalog.Task) Input {
	if in, ok := goldenInputs()[task.Name]; ok {
		return in
	}
	return minimalInput(task)
}

// minimalInput gives every required field without a default a plain value, by its flag when it has one.
func minimalInput(task catalog.Task) Input {
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
		value, list := sampleValue(p)
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
func sampleValue(p *catalog.Param) (value string, list bool) {
	enc := p.Encoding
	if p.Type == catalog.ParamArray && p.Items != nil {
		list, enc = true, p.Items.Encoding
		if p.Items.Type != catalog.ParamFile {
			return "Hello there.", true
		}
	}
	switch {
	case enc == catalog.EncodingBase64 || enc == catalog.EncodingDataURI:
		return "testdata/pixel.png", list
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

func TestGoldenBodies(t *testing.T) {
	for _, task := range catalog.All() {
		t.Run(task.Name, func(t *testing.T) {
			in := goldenInput(task)
			in.NoFetch = true // goldens never touch the network
			body, err := Build(context.Background(), task, in)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			got := indent(t, body)
			file := filepath.Join("testdata", "golden", task.Name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./pkg/body -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("body differs from %s (run with -update if the change is intended)\ngot:\n%s\nwant:\n%s", file, got, want)
			}
		})
	}
}

func indent(t *testing.T, body map[string]any) []byte {
	t.Helper()
	raw, err := Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// The documented txt2img example is exactly what the typed flags produce (its webhook aside, which the
// caller adds with SetWebhook).
func TestTxt2imgMatchesPublishedSample(t *testing.T) {
	sampleRaw, err := os.ReadFile(filepath.Join("testdata", "request-txt2img.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sample map[string]any
	if err := json.Unmarshal(sampleRaw, &sample); err != nil {
		t.Fatal(err)
	}
	webhook := sample["extra"].(map[string]any)["webhook"].(map[string]any)
	delete(sample["extra"].(map[string]any), "webhook")

	task, _ := catalog.Lookup("txt2img")
	body, err := Build(context.Background(), task, goldenInputs()["txt2img"])
	if err != nil {
		t.Fatal(err)
	}
	if got := roundTrip(t, body); !reflect.DeepEqual(got, sample) {
		t.Fatalf("txt2img body differs from the sample\ngot:  %v\nwant: %v", got, sample)
	}

	SetWebhook(body, webhook["url"].(string))
	sample["extra"].(map[string]any)["webhook"] = webhook
	if got := roundTrip(t, body); !reflect.DeepEqual(got, sample) {
		t.Fatalf("with SetWebhook, body differs from the sample\ngot:  %v\nwant: %v", got, sample)
	}
}

// roundTrip marshals and parses a body, for comparing as parsed JSON.
func roundTrip(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	raw, err := Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
