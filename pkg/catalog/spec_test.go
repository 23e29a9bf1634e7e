package catalog

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

func mustLoad(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every spec parses, its header lines say what the full parse says, and its flags are usable.
func TestEverySpecIsWellFormed(t *testing.T) {
	c := mustLoad(t)
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(specFS, "spec/*.yaml")
	if len(files) != len(c.Names()) || len(c.All()) != len(files) {
		t.Fatalf("%d spec files, %d names, %d tasks", len(files), len(c.Names()), len(c.All()))
	}
	for _, h := range c.Headers() {
		task, ok := c.Lookup(h.Name)
		if !ok {
			t.Fatalf("%s: not found", h.Name)
		}
		if h.Path != task.Path || h.Mode != task.Mode || h.Kind != task.OutputKind || h.Summary != task.Description ||
			!reflect.DeepEqual(append([]string(nil), h.Aliases...), append([]string(nil), task.Aliases...)) {
			t.Errorf("%s: header %+v differs from the spec", h.Name, h)
		}
		short := map[string]bool{}
		for _, f := range task.FlagSpecs() {
			if f.Shorthand != "" && (short[f.Shorthand] || f.Shorthand == "o" || f.Shorthand == "w") {
				t.Errorf("%s: shorthand -%s taken", task.Name, f.Shorthand)
			}
			short[f.Shorthand] = true
			if f.Usage == "" {
				t.Errorf("%s: --%s has no usage", task.Name, f.Name)
			}
		}
		if task.Sync() && strings.HasPrefix(task.Path, "/v3/async/") {
			t.Errorf("%s: mode %s with path %s", task.Name, task.Mode, task.Path)
		}
	}
}

// The endpoints of novita-api.md's table and its synchronous neighbours, by path.
func TestEveryDocumentedEndpointIsInTheCatalog(t *testing.T) {
	c := mustLoad(t)
	async := []string{"txt2img", "img2img", "inpainting", "upscale", "txt2speech", "video-merge-face", "txt2video",
		"img2video", "hunyuan-video-fast", "wan-t2v", "wan-i2v", "wan-2.2-t2v", "wan-2.2-i2v", "wan2.6-t2v", "wan2.6-i2v",
		"wan2.7-t2v", "kling-v2.1-t2v-master", "kling-v2.1-i2v", "kling-v2.1-i2v-master", "kling-v1.6-t2v",
		"kling-2.5-turbo-t2v", "kling-v2.6-pro-t2v", "kling-v3.0-pro-t2v", "kling-v3.0-std-t2v", "minimax-hailuo-02",
		"minimax-video-01", "minimax-hailuo-2.3-fast-i2v", "seedance-v1-pro-t2v", "seedance-v1-lite-t2v",
		"seedance-v1-pro-i2v", "seedance-v1-lite-i2v", "seedance-v1.5-pro-i2v", "vidu-q1-text2video",
		"vidu-q1-reference2video", "vidu-q3-pro-t2v", "vidu-q3-turbo-t2v", "pixverse-v4.5-i2v",
		"flux-1-kontext-dev", "flux-1-kontext-pro", "flux-1-kontext-max", "flux-2-dev", "flux-2-flex", "flux-2-pro",
		"qwen-image-txt2img", "qwen-image-edit", "hunyuan-image-3", "glm-image", "z-image-turbo", "z-image-turbo-lora",
		"image-upscaler", "image-remove-background", "image-eraser", "replace-background", "minimax-speech-02-hd",
		"minimax-speech-02-turbo", "minimax-speech-2.5-hd-preview", "minimax-speech-2.6-hd", "minimax-speech-2.8-hd"}
	for _, n := range async {
		task, ok := c.Lookup("/v3/async/" + n)
		if !ok || task.Mode != ModeAsync {
			t.Errorf("/v3/async/%s: not in the catalog as async (%+v)", n, task.Name)
		}
	}
	for _, p := range []string{"/v3/video/create", "/v3/async/viduq2-pro-fast"} { // the unified API; the reference-to-video page
		if task, ok := c.Lookup(p); !ok || task.Mode != ModeAsync {
			t.Errorf("%s: not in the catalog as async", p)
		}
	}
	sync := []string{"/v3/merge-face", "/v3/remove-background", "/v3/replace-background", "/v3/reimagine",
		"/v3/cleanup", "/v3/remove-text", "/v3/outpainting", "/v3/img2prompt", "/v3beta/flux-1-schnell",
		"/v3/seedream-3-0-txt2img", "/v3/seedream-4.0", "/v3/seedream-4.5", "/v3/minimax-speech-02-hd",
		"/v3/minimax-speech-2.8-hd", "/v3/glm-tts", "/v3/glm-asr"}
	for _, p := range sync {
		task, ok := c.Lookup(p)
		if !ok || !task.Sync() || task.Response == nil {
			t.Errorf("%s: not in the catalog as sync", p)
		}
	}
	for _, name := range []string{"remove-background", "merge-face", "flux-1-schnell", "seedream-4.0", "img2prompt"} {
		if task, _ := c.Lookup(name); !task.Sync() || strings.HasPrefix(task.Path, "/v3/async/") {
			t.Errorf("%s: %s %s", name, task.Mode, task.Path)
		}
	}
}

// A task_type comes from the spec's reference page (spec/README.md): upper snake case, in a spec that
// names its source. Without one the simulators use a stand-in that is never shown as the API's.
func TestTaskTypesComeFromThePages(t *testing.T) {
	for _, task := range All() {
		if task.TaskType == "" {
			if task.SimulatedTaskType() == "" {
				t.Errorf("%s: no stand-in task type", task.Name)
			}
			continue
		}
		if strings.Trim(task.TaskType, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" || task.Source == "" {
			t.Errorf("%s: task_type %q: want the page's upper-case value in a spec with a source", task.Name, task.TaskType)
		}
	}
	demo, err := ParseSpec("demo", []byte(testSpec))
	if err != nil || demo.TaskType != "" || demo.SimulatedTaskType() != "DEMO" {
		t.Errorf("stand-in: %q / %q (%v)", demo.TaskType, demo.SimulatedTaskType(), err)
	}
}

func TestResolutionAliasesCaseAndPaths(t *testing.T) {
	c := mustLoad(t)
	for in, want := range map[string]string{
		"txt2img": "txt2img", "Txt2Img": "txt2img", "TXT2IMAGE": "txt2img", "txt2image": "txt2img", "text2img": "txt2img",
		"t2i": "txt2img", "image2image": "img2img", "txt2vid": "txt2video", "text2video": "txt2video", "img2vid": "img2video",
		"i2v": "img2video", "tts": "txt2speech", "text2speech": "txt2speech", "hailuo-02": "minimax-hailuo-02",
		"hunyuan": "hunyuan-video-fast", "wan2.1-t2v": "wan-t2v", "/v3/async/txt2img": "txt2img",
		"/v3beta/flux-1-schnell": "flux-1-schnell", " remove-background ": "remove-background",
	} {
		task, err := c.Resolve(in)
		if err != nil || task.Name != want || !task.Known() {
			t.Errorf("Resolve(%q) = %q %v, want %s", in, task.Name, err, want)
		}
		if n, ok := c.Canonical(in); !ok || n != want {
			t.Errorf("Canonical(%q) = %q", in, n)
		}
	}
}

func TestSuggestions(t *testing.T) {
	c := mustLoad(t)
	cases := map[string]string{
		"txt2imh":               "txt2img",
		"txt2mig":               "txt2img",
		"text2image":            "txt2img", // an alias: found, not suggested
		"kling-v2.1-t2v-mastr":  "kling-v2.1-t2v-master",
		"minimax-hailuo02":      "minimax-hailuo-02",
		"remove-backgroud":      "remove-background",
		"/v3/async/img2vidoe":   "img2video",
		"seedream":              "seedream-3-0-txt2img",
		"hunyuan-video-fastt":   "hunyuan-video-fast",
		"Kling-V2.1-T2V-Mastre": "kling-v2.1-t2v-master",
	}
	for in, want := range cases {
		if _, ok := c.Lookup(in); ok {
			continue
		}
		got := c.Suggest(in)
		if len(got) == 0 || got[0] != want {
			t.Errorf("Suggest(%q) = %v, want %s first", in, got, want)
		}
	}
	if got := c.Suggest("completely-different"); len(got) != 0 {
		t.Errorf("far name got suggestions %v", got)
	}
	task, err := c.Resolve("txt2imh")
	if err != nil || task.Known() || task.Path != "/v3/async/txt2imh" || len(task.Suggestions) == 0 {
		t.Fatalf("Resolve(txt2imh) = %+v %v", task, err)
	}
	msg := PassThroughError(task).Error()
	for _, w := range []string{"txt2imh", "did you mean txt2img", "whole body as JSON"} {
		if !strings.Contains(msg, w) {
			t.Errorf("pass-through error %q lacks %q", msg, w)
		}
	}
	if err := PassThroughError(Task{Name: "x-model"}); !strings.Contains(err.Error(), "no body was given") || clierr.KindOf(err) != clierr.KindUsage {
		t.Errorf("unknown task, no body: %v", err)
	}
}

// The per-task typed flags: only the task's own, typed, with defaults and enums.
func TestTaskFlagSpecs(t *testing.T) {
	kling, _ := Lookup("kling-v2.1-t2v-master")
	got := map[string]FlagSpec{}
	for _, f := range kling.FlagSpecs() {
		got[f.Name] = f
	}
	for _, absent := range []string{"mask", "voice", "video-type", "image", "width"} {
		if _, ok := got[absent]; ok {
			t.Errorf("kling-v2.1-t2v-master offers --%s", absent)
		}
	}
	if d := got["duration"]; d.Kind != FlagString || d.Default != "5" || !reflect.DeepEqual(d.Enum, []string{"5", "10"}) {
		t.Errorf("--duration = %+v", d)
	}
	if g := got["guidance-scale"]; g.Kind != FlagFloat || !strings.Contains(g.Usage, "between 0 and 1") {
		t.Errorf("--guidance-scale = %+v", g)
	}
	if p := got["prompt"]; p.Kind != FlagString || !p.Required || !strings.Contains(p.Usage, "2500") {
		t.Errorf("--prompt = %+v", p)
	}
	txt, _ := Lookup("txt2img")
	for _, f := range txt.FlagSpecs() {
		switch f.Name {
		case "width":
			if f.Kind != FlagInt || f.Default != "1024" || f.Required {
				t.Errorf("--width = %+v", f)
			}
		case "image-num":
			if f.Shorthand != "n" || f.Kind != FlagInt {
				t.Errorf("--image-num = %+v", f)
			}
		case "image-type":
			if !f.Override || f.Default != "png" || len(f.Enum) != 3 {
				t.Errorf("--image-type = %+v", f)
			}
		}
	}
	speech, _ := Lookup("txt2speech")
	for _, f := range speech.FlagSpecs() {
		if f.Name == "text" && (f.Kind != FlagStringList || !f.Repeatable) {
			t.Errorf("--text = %+v", f)
		}
	}
	kontext, _ := Lookup("flux-1-kontext-pro")
	for _, f := range kontext.FlagSpecs() {
		if f.Name == "image" && (f.Kind != FlagFileList || f.Encoding != EncodingURLOrDataURI) {
			t.Errorf("kontext --image = %+v", f)
		}
	}
	hailuo, _ := Lookup("minimax-hailuo-02")
	for _, f := range hailuo.FlagSpecs() {
		if f.Name == "duration" && (f.Kind != FlagInt || f.Default != "6") {
			t.Errorf("hailuo --duration = %+v", f)
		}
		if f.Name == "prompt-expansion" && (f.Kind != FlagBool || f.Default != "true") {
			t.Errorf("hailuo --prompt-expansion = %+v", f)
		}
	}
}

// BenchmarkLoad is what a command pays to resolve a name: the header index, no spec parsed (build: the
// first Load of a process).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := build(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAndLookup adds parsing the one spec a submit needs.
func BenchmarkLoadAndLookup(b *testing.B) {
	for b.Loop() {
		c, _ := build()
		if _, ok := c.Lookup("txt2img"); !ok {
			b.Fatal("txt2img")
		}
	}
}

// BenchmarkLoadAll parses every spec (catalog listings with parameters).
func BenchmarkLoadAll(b *testing.B) {
	for b.Loop() {
		c, _ := build()
		_ = c.All()
	}
}

// Every spec says which reference page it was checked against, and when (issue 20): a spec without
// them is our guess, not Novita's page.
func TestEverySpecHasASource(t *testing.T) {
	for _, task := range mustLoad(t).All() {
		if !strings.HasPrefix(task.Source, "https://") {
			t.Errorf("%s: source %q: want the reference page's URL (spec/README.md)", task.Name, task.Source)
		}
		if task.Checked == "" {
			t.Errorf("%s: no checked: line (when and against what)", task.Name)
		}
	}
}

// Start-up stays cheap with any number of specs: listing, completing, resolving a name and suggesting
// parse no spec; naming a task parses that one only.
func TestOnlyTheNamedSpecIsParsed(t *testing.T) {
	c, err := build() // a process's first catalog: Load's is shared with the other tests
	if err != nil {
		t.Fatal(err)
	}
	parsed := func() (n int) {
		for _, e := range c.entries {
			if e.parsed.Load() {
				n++
			}
		}
		return n
	}
	_ = c.Headers()
	_ = c.Names()
	_ = c.Suggest("txt2imgg")
	if _, ok := c.Canonical("T2I"); !ok || parsed() != 0 {
		t.Fatalf("%d specs parsed before any task was named", parsed())
	}
	if _, ok := c.Lookup("t2i"); !ok || parsed() != 1 {
		t.Errorf("%d specs parsed for one task", parsed())
	}
}
