// Package catalog owns the known Novita endpoints. Each one is a declarative spec file embedded from
// spec/<name>.yaml (see spec/README.md): its path, whether it is synchronous, its body shape, output
// kind, confirmed task_type, aliases, parameters with their types, defaults, ranges, enums and file
// encodings, cross-field rules, CLI flag hints and, for synchronous endpoints, how outputs come back.
// The spec is the single source for validation, typed flags, help, completion, dry-run goldens,
// test-event fixtures and the sandbox's request rules.
//
// Nothing is parsed at process start: Load reads only the file names and a few header lines, and a
// task's spec is parsed the first time it is asked for. Hold one *Catalog per command; the package-level
// helpers (All, Lookup, Resolve, ...) load a fresh one on every call.
//
// Fields are named by dot paths from the body root ("request.width", "prompts.0.prompt"; "a[0].b" is
// accepted too, see jsonpath.Parse). Any name not in the catalog is still usable: Resolve returns a
// pass-through Task of ShapeUnknown whose body is built only from --data / --set.
package catalog

import (
	"strings"

	"github.com/novita-cli/novita/pkg/jsonpath"
)

// Shape says where a task's parameters live in the request body.
type Shape int

const (
	// ShapeUnknown is a pass-through task: the catalog knows nothing of its body.
	ShapeUnknown Shape = iota
	// ShapeA bodies are {"extra": {...}, "request": {...}} (txt2img, img2img, inpainting, upscale, txt2speech).
	ShapeA
	// ShapeB bodies hold parameters at the top level, with "extra" beside them.
	ShapeB
	// ShapeC bodies are {"input": {...}, "parameters": {...}} (wan-2.2-*, wan2.6-*).
	ShapeC
)

func (s Shape) String() string {
	switch s {
	case ShapeA:
		return "extra+request"
	case ShapeB:
		return "top-level"
	case ShapeC:
		return "input+parameters"
	}
	return "unknown"
}

// Mode says how an endpoint answers.
type Mode string

const (
	ModeAsync Mode = "async" // answers {"task_id"}; the result comes by webhook or task-result (any path)
	ModeSync  Mode = "sync"  // answers the outputs inline; no task id, no webhook
	// ModeTraining is a LoRA training endpoint: images uploaded first, then a task id read at its own
	// status endpoint (not task-result), no webhook; run by novita train, never by novita submit.
	ModeTraining Mode = "training"
)

// Output kinds of a task.
const (
	OutputImage = "image"
	OutputVideo = "video"
	OutputAudio = "audio"
	OutputText  = "text"
	OutputModel = "model" // a trained model (LoRA): training endpoints only
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
	TypeBool                               // true|false
	TypeFileDataURI                        // local path or URL -> data:<mime>;base64,...
	TypeFileURL                            // http(s) URL only
	TypeFileList                           // one file per occurrence, each encoded as FlagMap.Encoding says
)

// FlagMap maps one typed CLI flag onto a body field of one task.
type FlagMap struct {
	Flag string    // flag name without dashes, e.g. "image-num"
	Path string    // body path, e.g. "request.image_num" (element fields: "prompts[0].prompt")
	Type ValueType // conversion of the flag's string value
	// Override flags are applied after --data and --set, so they win over them (the output format flags).
	Override bool
	Encoding string // file flags: base64, data-uri, url, url-or-data-uri
	Param    *Param // the parameter the flag sets
}

// Task is one known (or pass-through) endpoint.
type Task struct {
	Name        string // canonical name: "txt2img"
	Endpoint    string // name under /v3/async/, or the full path for other endpoints (see novita.EndpointPath)
	Path        string // full request path: "/v3/async/txt2img", "/v3/remove-background"
	Mode        Mode
	Description string // one line
	TaskType    string // the API's task.task_type where confirmed ("TXT_TO_IMG"); "" when unknown
	OutputKind  string // OutputImage, OutputVideo, OutputAudio, OutputText; "" when unknown
	Shape       Shape
	Aliases     []string // other names that resolve to this task
	Docs        string   // reference page
	Notes       string   // where sources disagree, and what the spec accepts
	Params      []Param  // every documented parameter, in spec order
	Rules       []CrossRule
	Response    *Response // synchronous endpoints: how outputs come back
	Flags       []FlagMap
	Defaults    map[string]any // path -> value sent when unset (ints as int64, floats as float64)
	Required    []string       // top-level required paths (element fields are checked per element)
	Suggestions []string       // pass-through tasks: close known names, for "did you mean"
	Source      string         // the reference page the spec was checked against
	Checked     string         // when and against what it was checked
	Webhook     WebhookSpec    // async tasks: where the webhook URL goes (Path "" for sync tasks)
	Groups      []Group        // fields constrained together (at least one, at most one)
	Following   []string       // paths whose default follows another field (Param.DefaultBy)
}

// WebhookPath is where a webhook URL goes in this task's body: the spec's webhook.path, else
// extra.webhook.url (pass-through tasks too).
func (t Task) WebhookPath() string {
	if t.Webhook.Path != "" {
		return t.Webhook.Path
	}
	return DefaultWebhookPath
}

// Known reports whether the task is in the catalog (not a pass-through).
func (t Task) Known() bool { return t.Shape != ShapeUnknown }

// Sync reports whether the endpoint answers inline (never post it under /v3/async/).
func (t Task) Sync() bool { return t.Mode == ModeSync }

// SimulatedTaskType is the task_type the simulators (sandbox, test-event fixtures) report: the confirmed
// value where there is one, else a stand-in derived from the name (FLUX_1_SCHNELL). The stand-in is never
// presented as the API's value: TaskType stays "" for it.
func (t Task) SimulatedTaskType() string {
	if t.TaskType != "" {
		return t.TaskType
	}
	return strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToUpper(t.Name))
}

// Flag returns the mapping of a typed flag for this task.
func (t Task) Flag(name string) (FlagMap, bool) {
	for _, f := range t.Flags {
		if f.Flag == name {
			return f, true
		}
	}
	return FlagMap{}, false
}

// FlagNames lists the typed flags this task takes, in spec order.
func (t Task) FlagNames() []string {
	out := make([]string, 0, len(t.Flags))
	for _, f := range t.Flags {
		out = append(out, f.Flag)
	}
	return out
}

// Param returns the parameter at a path ("request.width", "prompts[].frames"; concrete indexes such as
// "prompts[0].frames" or "prompts.0.frames" find the element parameter too).
func (t Task) Param(path string) (*Param, bool) {
	want := jsonpath.Element(path)
	for i := range t.Params {
		if t.Params[i].Path == want {
			return &t.Params[i], true
		}
	}
	return nil, false
}

// OutputTypeParam is the parameter that chooses the output format (role: output-type), if any.
func (t Task) OutputTypeParam() (*Param, bool) {
	for i := range t.Params {
		if t.Params[i].Role == RoleOutputType {
			return &t.Params[i], true
		}
	}
	return nil, false
}

// FullPath applies the path convenience for --set and --set-file: for shape A, a path whose first
// segment is neither "extra" nor "request" is taken under "request." ("prompt" -> "request.prompt"); for
// shape C, one that is neither "input", "parameters" nor "extra" goes where the spec has a parameter of
// that name, else under "parameters.". Other shapes return p unchanged.
func (t Task) FullPath(p string) string {
	first := p
	if i := strings.IndexAny(p, ".["); i >= 0 {
		first = p[:i]
	}
	switch t.Shape {
	case ShapeA:
		if first == "extra" || first == "request" {
			return p
		}
		return "request." + p
	case ShapeC:
		if first == "extra" || first == "input" || first == "parameters" {
			return p
		}
		for _, prm := range t.Params {
			if strings.HasSuffix(prm.Path, "."+jsonpath.Element(p)) && strings.Count(prm.Path, ".") == 1 {
				return strings.SplitN(prm.Path, ".", 2)[0] + "." + p
			}
		}
		return "parameters." + p
	}
	return p
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

// pathVersion returns the API version a request path starts with ("v3", "v3beta", "v4beta") and whether
// it starts with one followed by at least one valid segment. Novita documents most endpoints under /v3/,
// some under a beta version (Fish Audio under /v4beta/): any "v<digits>" optionally followed by
// "alpha" or "beta" counts. Its OpenAI-compatible APIs sit under /openai/ (Ming Image posts to
// /openai/v1/images/generations): the version is the segment after it.
func pathVersion(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return "", false
	}
	rest = strings.TrimPrefix(rest, "openai/")
	version, tail, ok := strings.Cut(rest, "/")
	if !ok || tail == "" || !validEndpointName(path) {
		return "", false
	}
	digits := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(version, "v"), "beta"), "alpha")
	if len(version) < 2 || version[0] != 'v' || digits == "" {
		return "", false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false
		}
	}
	return version, true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
