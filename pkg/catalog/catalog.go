// Package catalog owns the known Novita task types: for each one its endpoint, request body shape,
// output kind, the API's task_type, defaults that make a minimal command a valid request, required
// fields, value rules, and how the CLI's typed flags (--prompt, --width, ...) map onto body fields.
//
// Fields are named by dot paths from the body root ("request.width", "prompts.0.prompt"; "a[0].b" is
// accepted too, see ParsePath). Any task name not in the catalog is still usable: Resolve returns a
// pass-through Task of ShapeUnknown whose body is built only from --data / --set.
//
// The table is rebuilt on every call (no package-level mutable state), so callers may modify what
// they get back.
package catalog

import (
	"sort"
	"strings"

	"github.com/novita-cli/novita/pkg/clierr"
)

// Shape says where a task's parameters live in the request body.
type Shape int

const (
	// ShapeUnknown is a pass-through task: the catalog knows nothing of its body.
	ShapeUnknown Shape = iota
	// ShapeA bodies are {"extra": {...}, "request": {...}} (txt2img, img2img, inpainting, upscale, txt2speech).
	ShapeA
	// ShapeB bodies hold parameters at the top level with "extra" beside them (the video tasks).
	ShapeB
)

func (s Shape) String() string {
	switch s {
	case ShapeA:
		return "extra+request"
	case ShapeB:
		return "top-level"
	}
	return "unknown"
}

// Output kinds of a task.
const (
	OutputImage = "image"
	OutputVideo = "video"
	OutputAudio = "audio"
)

// ValueType says how a typed flag's string value becomes a JSON value.
type ValueType int

const (
	TypeString            ValueType = iota // as is
	TypeInt                                // int64
	TypeFloat                              // float64
	TypeStringList                         // ["value"] (one element per occurrence)
	TypeImageBase64                        // local path or http(s) URL -> raw base64, no data: prefix
	TypeImageURLOrDataURI                  // http(s) URL passed through; local path -> data:<mime>;base64,...
)

// FlagMap maps one typed CLI flag onto a body field of one task.
type FlagMap struct {
	Flag string    // flag name without dashes, e.g. "image-num"
	Path string    // body path, e.g. "request.image_num"
	Type ValueType // conversion of the flag's string value
	// Override flags are applied after --data and --set, so they win over them (the output format flags).
	Override bool
}

// Task is one known (or pass-through) task type.
type Task struct {
	Name        string // what the user types: "txt2img"
	Endpoint    string // name under /v3/async/ (see novita.EndpointPath)
	Description string // one line
	TaskType    string // the API's task.task_type, e.g. "TXT_TO_IMG"; "" when unknown
	OutputKind  string // OutputImage, OutputVideo, OutputAudio; "" when unknown
	Shape       Shape
	Flags       []FlagMap
	Defaults    map[string]any // path -> value (ints as int64, floats as float64)
	Required    []string       // paths that must be present (and not null or an empty array)
	Rules       []Rule         // value checks applied when the field is present
}

// Known reports whether the task is in the catalog (not a pass-through).
func (t Task) Known() bool { return t.Shape != ShapeUnknown }

// Flag returns the mapping of a typed flag for this task.
func (t Task) Flag(name string) (FlagMap, bool) {
	for _, f := range t.Flags {
		if f.Flag == name {
			return f, true
		}
	}
	return FlagMap{}, false
}

// FlagNames lists the typed flags this task takes, in catalog order.
func (t Task) FlagNames() []string {
	out := make([]string, 0, len(t.Flags))
	for _, f := range t.Flags {
		out = append(out, f.Flag)
	}
	return out
}

// FullPath applies the shape-A convenience: a path whose first segment is neither "extra" nor
// "request" is taken under "request." ("prompt" -> "request.prompt"). Other shapes return p unchanged.
func (t Task) FullPath(p string) string {
	if t.Shape != ShapeA {
		return p
	}
	first := p
	if i := strings.IndexAny(p, ".["); i >= 0 {
		first = p[:i]
	}
	if first == "extra" || first == "request" {
		return p
	}
	return "request." + p
}

// All returns the catalog's tasks in a stable order (image, audio, then video tasks).
func All() []Task {
	return append(imageTasks(), videoTasks()...)
}

// Names returns the catalog's task names in the order of All.
func Names() []string {
	all := All()
	out := make([]string, len(all))
	for i, t := range all {
		out[i] = t.Name
	}
	return out
}

// Lookup finds a catalog task by name.
func Lookup(name string) (Task, bool) {
	for _, t := range All() {
		if t.Name == name {
			return t, true
		}
	}
	return Task{}, false
}

// Resolve returns the catalog task of that name, or a pass-through task posting to /v3/async/<name>
// (or to the path itself when name starts with "/"). Names that could not be an endpoint are a usage error.
func Resolve(name string) (Task, error) {
	if t, ok := Lookup(name); ok {
		return t, nil
	}
	if !validEndpointName(name) {
		return Task{}, clierr.Usagef("invalid task name %q: use a catalog name (%s) or an endpoint name under /v3/async/",
			name, strings.Join(Names(), ", "))
	}
	return Task{Name: name, Endpoint: name, Description: "pass-through: body from --data / --set only"}, nil
}

// validEndpointName accepts "name" or "/path/segments" made of letters, digits, '.', '_' and '-', each
// segment starting with a letter or digit (so no "..", no query string, no spaces).
func validEndpointName(name string) bool {
	segs := strings.Split(strings.TrimPrefix(name, "/"), "/")
	for _, s := range segs {
		if s == "" || !isAlnum(s[0]) || strings.Contains(s, "..") {
			return false
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// FlagSpec describes a typed flag for the command layer, which defines each once for all tasks.
type FlagSpec struct {
	Name      string
	Shorthand string
	Usage     string
}

// FlagSpecs describes every typed flag some catalog task takes, sorted by name.
func FlagSpecs() []FlagSpec {
	usage := map[string]string{
		"prompt":          "text prompt",
		"negative-prompt": "what to avoid in the output",
		"model":           "model name (model_name)",
		"width":           "output width in pixels",
		"height":          "output height in pixels",
		"steps":           "denoising steps",
		"seed":            "random seed (-1 = random)",
		"image-num":       "number of images",
		"guidance-scale":  "how closely to follow the prompt",
		"sampler":         "sampler name, e.g. \"Euler a\", \"DPM++ 2M Karras\"",
		"image":           "input image: local path or http(s) URL",
		"mask":            "mask image: local path or http(s) URL",
		"text":            "text to speak (repeatable: one segment each)",
		"voice":           "voice: Emily, James, Olivia, Michael, Sarah, John",
		"language":        "language: en-US, zh-CN, ja-JP",
		"image-type":      "output image format: png, jpeg, webp",
		"video-type":      "output video format: mp4, gif",
		"audio-type":      "output audio format: wav, mp3",
		"duration":        "video length in seconds",
		"frames":          "number of video frames",
	}
	var out []FlagSpec
	for _, name := range FlagsUsed() {
		s := FlagSpec{Name: name, Usage: usage[name]}
		if name == "image-num" {
			s.Shorthand = "n"
		}
		out = append(out, s)
	}
	return out
}

// FlagsUsed returns the union of the typed flag names of all catalog tasks, sorted.
func FlagsUsed() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range All() {
		for _, f := range t.Flags {
			if !seen[f.Flag] {
				seen[f.Flag] = true
				out = append(out, f.Flag)
			}
		}
	}
	sort.Strings(out)
	return out
}
