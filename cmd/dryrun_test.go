package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/sandbox"
)

// taskArgs are the typed flags each catalog task is submitted with; they mirror pkg/body's golden
// inputs, so the command line must produce the same bodies as the library.
func taskArgs(dir string) map[string][]string {
	img := filepath.Join(dir, "pixel.png")
	mask := filepath.Join(dir, "mask.png")
	return map[string][]string{
		"txt2img": {"--prompt", "a lighthouse on a cliff at dusk, oil painting", "--negative-prompt", "blurry, low quality",
			"--image-type", "jpeg", "--width", "1024", "--height", "1024"},
		"img2img":               {"--prompt", "the same scene in winter", "--image", img, "--seed", "42", "--sampler", "DPM++ 2M Karras"},
		"inpainting":            {"--prompt", "a red door", "--image", img, "--mask", mask, "-n", "2"},
		"upscale":               {"--image", img, "--image-type", "png"},
		"txt2speech":            {"--voice", "James", "--audio-type", "mp3", "--text", "Hello there.", "--text", "Second sentence."},
		"txt2video":             {"--prompt", "a paper boat on a river", "--frames", "16", "--guidance-scale", "8", "--video-type", "gif"},
		"img2video":             {"--image", img, "--model", "SVD", "--frames", "14"},
		"hunyuan-video-fast":    {"--prompt", "waves at night", "--width", "720", "--height", "1280"},
		"wan-t2v":               {"--prompt", "a fox in the snow", "--negative-prompt", "text, watermark", "--guidance-scale", "6", "--seed", "7"},
		"kling-v2.1-t2v-master": {"--prompt", "a drone shot over a canyon", "--duration", "10"},
		"minimax-hailuo-02":     {"--prompt", "the picture comes alive", "--image", img},
	}
}

func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back any
	json.Unmarshal(b, &back)
	b, _ = json.Marshal(back)
	return string(b)
}

func TestDryRunMatchesTheGoldenBodyOfEveryTask(t *testing.T) {
	testdata := filepath.Join(repoRoot, "pkg", "body", "testdata")
	args := taskArgs(testdata)
	c := newCLI(t)
	for _, task := range catalog.All() {
		a, ok := args[task.Name]
		if !ok {
			t.Errorf("no command-line case for catalog task %s: add one", task.Name)
			continue
		}
		r := c.run(append(append([]string{"submit", task.Name}, a...), "--dry-run")...)
		if r.code != 0 {
			t.Errorf("%s: exit %d\n%s", task.Name, r.code, r.stderr)
			continue
		}
		var got any
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Errorf("%s: dry run is not JSON: %v", task.Name, err)
			continue
		}
		raw, err := os.ReadFile(filepath.Join(testdata, "golden", task.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var golden map[string]any
		json.Unmarshal(raw, &golden)
		if g, w := canonical(t, got), canonical(t, body.Elide(golden)); g != w {
			t.Errorf("%s: dry run body differs from the golden file\n got %s\nwant %s", task.Name, g, w)
		}
	}
}

// TestEveryCatalogTaskIsAcceptedByTheSandbox submits each task's command line for real: the catalog's
// defaults and the simulator's validation must agree.
func TestEveryCatalogTaskIsAcceptedByTheSandbox(t *testing.T) {
	args := taskArgs(filepath.Join(repoRoot, "pkg", "body", "testdata"))
	c := newCLI(t)
	sb := startSandbox(t, sandbox.Options{})
	c.useSandbox(sb)
	for _, task := range catalog.All() {
		a := args[task.Name]
		for i := range a {
			if (a[i] == "mp3") || (a[i] == "1024" && task.Name == "txt2img") {
				// the sandbox encodes neither mp3 nor big images quickly; keep the request valid and small
				a = append([]string(nil), a...)
				if a[i] == "mp3" {
					a[i] = "wav"
				} else {
					a[i] = "256"
				}
			}
		}
		r := c.run(append([]string{"submit", task.Name}, a...)...)
		if r.code != 0 || len(r.lines()) != 1 {
			t.Errorf("%s: the sandbox refused the CLI's body: exit %d\n%s", task.Name, r.code, r.stderr)
		}
	}
}
