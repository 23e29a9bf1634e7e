package catalog

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/jsonpath"
	"go.yaml.in/yaml/v3"
)

// Parameter types of a spec.
const (
	ParamString  = "string"
	ParamInteger = "integer"
	ParamNumber  = "number"
	ParamBoolean = "boolean"
	ParamEnum    = "enum" // a string from Enum
	ParamArray   = "array"
	ParamObject  = "object"
	ParamFile    = "file" // a file input, encoded as Encoding says
)

// File encodings: how a file input is put in the body.
const (
	EncodingBase64        = "base64"          // raw base64 of the file, no data: prefix
	EncodingDataURI       = "data-uri"        // data:<mime>;base64,...
	EncodingURL           = "url"             // an http(s) URL the API fetches
	EncodingURLOrDataURI  = "url-or-data-uri" // either of the two
	RoleOutputType        = "output-type"     // Param.Role of the field choosing the output format
	responseEncodingHex   = "hex"
	responseEncodingText  = "text"
	responseEncodingBytes = "binary"
)

// Param is one documented body field.
type Param struct {
	Path         string   `yaml:"path"` // dot path; "[]" marks every element of an array: "prompts[].frames"
	Type         string   `yaml:"type"`
	Required     bool     `yaml:"required"`
	Default      any      `yaml:"default"`     // sent when the user gives no value
	APIDefault   any      `yaml:"api_default"` // what the API uses when the field is absent: shown, not sent
	Min          *float64 `yaml:"min"`
	Max          *float64 `yaml:"max"`
	ExclusiveMin bool     `yaml:"exclusive_min"` // Min itself is not allowed (1 < x)
	MinLength    *int     `yaml:"min_length"`
	MaxLength    *int     `yaml:"max_length"`
	Enum         []string `yaml:"enum"` // allowed values, compared as text ("5" matches 5 and "5")
	MinItems     *int     `yaml:"min_items"`
	MaxItems     *int     `yaml:"max_items"`
	Items        *Param   `yaml:"items"` // rules for each element of an array of scalars or files
	Sum          *SumRule `yaml:"sum"`   // arrays of objects: a cap on the total of one field
	Encoding     string   `yaml:"encoding"`
	Description  string   `yaml:"description"`
	Flag         string   `yaml:"flag"`  // typed CLI flag name; "" = no flag (use --set)
	Short        string   `yaml:"short"` // one-letter shorthand
	Role         string   `yaml:"role"`  // RoleOutputType
	Notes        string   `yaml:"notes"`
	// DefaultBy makes the default follow another field: {path: model, values: {SVD: 14, SVD-XT: 25}}.
	// Values absent from the map fall back to Default.
	DefaultBy *DefaultBy `yaml:"default_by"`
}

// DefaultBy is a default that depends on the value of another field.
type DefaultBy struct {
	Path   string         `yaml:"path"`
	Values map[string]any `yaml:"values"` // the other field's value (as text) -> this field's default
}

// WebhookSpec says where the webhook URL goes in a request body, and whether the page documents it.
type WebhookSpec struct {
	Path       string `yaml:"path"`       // "extra.webhook.url" (the default), "callback_url", ...
	Documented bool   `yaml:"documented"` // the endpoint's own page shows the field
}

// DefaultWebhookPath is where the webhook URL goes unless a spec says otherwise (the webhook page's field).
const DefaultWebhookPath = "extra.webhook.url"

// Group constrains a set of fields together: at least one present (Required), at most one (Exclusive).
type Group struct {
	Paths     []string `yaml:"paths"`
	Required  bool     `yaml:"required"`
	Exclusive bool     `yaml:"exclusive"`
	Message   string   `yaml:"message"`
}

// SumRule caps the total of one numeric field over the elements of an array of objects.
type SumRule struct {
	Field string  `yaml:"field"`
	Max   float64 `yaml:"max"`
}

// CrossRule constrains one field by the value of another: when If holds, Then must.
type CrossRule struct {
	If      Cond   `yaml:"if"`
	Then    Cond   `yaml:"then"`
	Message string `yaml:"message"`
}

// Cond holds when the value at Path (or its default when absent) is one of In, compared as text.
type Cond struct {
	Path string   `yaml:"path"`
	In   []string `yaml:"in"`
}

// Response says how a synchronous endpoint answers.
type Response struct {
	TaskID  string          `yaml:"task_id"` // path of a task id in the answer, if any
	Outputs []ResponseField `yaml:"outputs"`
}

// ResponseField is one place outputs come back in a synchronous answer.
type ResponseField struct {
	Field       string `yaml:"field"`        // "image_file", "images[].image_url", "image_urls[]"; "" with binary
	Encoding    string `yaml:"encoding"`     // url, base64, hex, text, binary (the whole answer is the file)
	TypeField   string `yaml:"type_field"`   // answer path of the output's type ("image_type", "images[].image_type")
	TypeParam   string `yaml:"type_param"`   // request path choosing the type when the answer does not say
	DefaultType string `yaml:"default_type"` // type when neither says
	TTLField    string `yaml:"ttl_field"`
	Kind        string `yaml:"kind"` // default: the task's kind
	When        *Cond  `yaml:"when"` // request condition for this field (seedream response_format, ...)
}

// specFile is one spec/<name>.yaml.
type specFile struct {
	Name     string       `yaml:"name"`
	Path     string       `yaml:"path"`
	Mode     string       `yaml:"mode"`
	Shape    string       `yaml:"shape"`
	Kind     string       `yaml:"kind"`
	TaskType string       `yaml:"task_type"`
	Aliases  []string     `yaml:"aliases"`
	Summary  string       `yaml:"summary"`
	Docs     string       `yaml:"docs"`
	Source   string       `yaml:"source"`  // the reference page this spec was checked against
	Checked  string       `yaml:"checked"` // when and against what: "2026-12-06 against the page; JS SDK agrees"
	Webhook  *WebhookSpec `yaml:"webhook"`
	Groups   []Group      `yaml:"groups"`
	Sources  []string     `yaml:"sources"`
	Notes    string       `yaml:"notes"`
	Params   []Param      `yaml:"params"`
	Rules    []CrossRule  `yaml:"rules"`
	Response *Response    `yaml:"response"`
}

// parseSpec decodes and checks one spec file and compiles it into a Task.
func parseSpec(file string, src []byte) (Task, error) {
	var s specFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true) // a typo in a spec key must not pass silently
	if err := dec.Decode(&s); err != nil {
		return Task{}, fmt.Errorf("spec %s: %w", file, err)
	}
	if err := s.check(file); err != nil {
		return Task{}, err
	}
	return s.compile()
}

func (s *specFile) check(file string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("spec %s: %s", file, fmt.Sprintf(format, args...))
	}
	if s.Name+".yaml" != file {
		return bad("name %q does not match the file name", s.Name)
	}
	if !validEndpointName(s.Name) || strings.Contains(s.Name, "/") {
		return bad("invalid name %q", s.Name)
	}
	version, ok := pathVersion(s.Path)
	if !ok {
		return bad("path %q must start with an API version (/v3/, /v3beta/, /v4beta/, /openai/v1/, ...)", s.Path)
	}
	switch Mode(s.Mode) {
	case ModeAsync: // answers a task id; most post under /v3/async/, the unified video API at /v3/video/create
		if s.Response != nil {
			return bad("an async endpoint has no response section")
		}
		if version != "v3" { // task results are polled under /v3/async/task-result: only V3 creates tasks
			return bad("an async endpoint must post under /v3/ (path %q)", s.Path)
		}
	case ModeSync:
		if strings.HasPrefix(s.Path, "/v3/async/") {
			return bad("a sync endpoint cannot post under /v3/async/")
		}
		if s.Response == nil || len(s.Response.Outputs) == 0 {
			return bad("a sync endpoint needs response.outputs")
		}
	case ModeTraining:
		if !strings.HasPrefix(s.Path, "/v3/training/") || s.Response != nil || s.Webhook != nil {
			return bad("a training endpoint posts under /v3/training/ and has no response or webhook section")
		}
		if s.Kind != OutputModel {
			return bad("a training endpoint's kind is model")
		}
	default:
		return bad("mode %q: want async, sync or training", s.Mode)
	}
	if _, ok := shapes[s.Shape]; !ok {
		return bad("shape %q: want A, B or C", s.Shape)
	}
	switch s.Kind {
	case OutputImage, OutputVideo, OutputAudio, OutputText:
	case OutputModel:
		if Mode(s.Mode) != ModeTraining {
			return bad("kind model is for training endpoints")
		}
	default:
		return bad("kind %q: want image, video, audio or text", s.Kind)
	}
	if s.Summary == "" || strings.Contains(s.Summary, "\n") {
		return bad("summary must be one line")
	}
	seenFlag := map[string]bool{}
	for i := range s.Params {
		p := &s.Params[i]
		if err := p.check(); err != nil {
			return bad("param %s: %v", p.Path, err)
		}
		if p.Flag != "" {
			if seenFlag[p.Flag] {
				return bad("flag --%s is used twice", p.Flag)
			}
			seenFlag[p.Flag] = true
		}
	}
	return s.checkLinks(bad)
}

// checkLinks checks the keys that name other fields: webhook.path, groups and default_by.
func (s *specFile) checkLinks(bad func(string, ...any) error) error {
	known := map[string]*Param{}
	for i := range s.Params {
		known[s.Params[i].Path] = &s.Params[i]
	}
	if s.Webhook != nil {
		if s.Mode == string(ModeSync) {
			return bad("a sync endpoint takes no webhook")
		}
		if _, err := jsonpath.Parse(s.Webhook.Path); err != nil || s.Webhook.Path == "" {
			return bad("webhook.path %q is not a field path", s.Webhook.Path)
		}
	}
	for i, g := range s.Groups {
		if len(g.Paths) < 2 || !(g.Required || g.Exclusive) {
			return bad("groups[%d]: needs two or more paths and required or exclusive", i)
		}
		for _, p := range g.Paths {
			if known[p] == nil {
				return bad("groups[%d]: %s is not a param", i, p)
			}
		}
	}
	for _, p := range s.Params {
		if p.DefaultBy == nil {
			continue
		}
		if known[p.DefaultBy.Path] == nil || p.DefaultBy.Path == p.Path {
			return bad("param %s: default_by.path %q is not another param", p.Path, p.DefaultBy.Path)
		}
		if strings.Contains(p.Path, "[]") {
			return bad("param %s: default_by is for fields outside arrays", p.Path)
		}
		for k, v := range p.DefaultBy.Values {
			if msg := p.checkValue(normalize(v)); msg != nil {
				return bad("param %s: default_by %s=%v: %s", p.Path, k, v, msg.Problem)
			}
		}
		paired := false
		for _, r := range s.Rules {
			paired = paired || (r.Then.Path == p.Path && r.If.Path == p.DefaultBy.Path)
		}
		if !paired {
			return bad("param %s: default_by needs a rules entry (if %s, then %s) so that an explicit conflicting value is refused",
				p.Path, p.DefaultBy.Path, p.Path)
		}
	}
	return nil
}

var shapes = map[string]Shape{"A": ShapeA, "B": ShapeB, "C": ShapeC}

func (p *Param) check() error {
	if p.Path != "" { // items: carry only rules
		if _, err := jsonpath.Parse(concretePath(p.Path)); err != nil {
			return err
		}
	}
	switch p.Type {
	case ParamString, ParamInteger, ParamNumber, ParamBoolean, ParamObject:
	case ParamEnum:
		if len(p.Enum) == 0 {
			return fmt.Errorf("type enum needs enum values")
		}
	case ParamArray:
		if p.Items != nil {
			if err := p.Items.check(); err != nil {
				return fmt.Errorf("items: %w", err)
			}
		}
	case ParamFile:
		switch p.Encoding {
		case EncodingBase64, EncodingDataURI, EncodingURL, EncodingURLOrDataURI:
		default:
			return fmt.Errorf("file encoding %q: want base64, data-uri, url or url-or-data-uri", p.Encoding)
		}
	case "":
		return fmt.Errorf("no type")
	default:
		return fmt.Errorf("unknown type %q", p.Type)
	}
	for _, d := range []any{p.Default, p.APIDefault} {
		if d == nil {
			continue
		}
		if msg := p.checkValue(normalize(d)); msg != nil {
			return fmt.Errorf("default %v: %s", d, msg.Problem)
		}
	}
	return nil
}

// compile turns the file into the Task the rest of the program uses.
func (s *specFile) compile() (Task, error) {
	t := Task{
		Name: s.Name, Path: s.Path, Mode: Mode(s.Mode), Description: s.Summary, TaskType: s.TaskType,
		OutputKind: s.Kind, Shape: shapes[s.Shape], Aliases: s.Aliases, Docs: s.Docs, Notes: strings.TrimSpace(s.Notes),
		Params: s.Params, Rules: s.Rules, Response: s.Response, Defaults: map[string]any{},
		Source: s.Source, Checked: strings.TrimSpace(s.Checked), Groups: s.Groups,
	}
	if t.Mode == ModeAsync {
		t.Webhook = WebhookSpec{Path: DefaultWebhookPath, Documented: true}
		if s.Webhook != nil {
			t.Webhook = *s.Webhook
		}
	}
	t.Endpoint = s.Path
	if rest, ok := strings.CutPrefix(s.Path, "/v3/async/"); ok && !strings.Contains(rest, "/") {
		t.Endpoint = rest
	}
	for i := range t.Params {
		p := &t.Params[i]
		p.Default, p.APIDefault = normalize(p.Default), normalize(p.APIDefault)
		if p.DefaultBy != nil { // set after the user's layers, when the field it follows is known
			t.Following = append(t.Following, p.Path)
		} else if p.Default != nil {
			t.Defaults[concretePath(p.Path)] = p.Default
		}
		if p.Required && !strings.Contains(p.Path, "[]") {
			t.Required = append(t.Required, p.Path)
		}
		if p.Flag != "" {
			t.Flags = append(t.Flags, FlagMap{Flag: p.Flag, Path: concretePath(p.Path), Type: p.valueType(),
				Override: p.Role == RoleOutputType, Encoding: p.fileEncoding(), Param: p})
		}
	}
	return t, nil
}

// concretePath addresses the first element of every "[]" in a spec path.
func concretePath(p string) string { return strings.ReplaceAll(p, "[]", "[0]") }

func (p *Param) fileEncoding() string {
	if p.Type == ParamFile {
		return p.Encoding
	}
	if p.Type == ParamArray && p.Items != nil && p.Items.Type == ParamFile {
		return p.Items.Encoding
	}
	return ""
}

func (p *Param) valueType() ValueType {
	switch p.Type {
	case ParamInteger:
		return TypeInt
	case ParamNumber:
		return TypeFloat
	case ParamBoolean:
		return TypeBool
	case ParamArray:
		if p.Items != nil && p.Items.Type == ParamFile {
			return TypeFileList
		}
		return TypeStringList
	case ParamFile:
		switch p.Encoding {
		case EncodingBase64:
			return TypeImageBase64
		case EncodingDataURI:
			return TypeFileDataURI
		case EncodingURL:
			return TypeFileURL
		}
		return TypeImageURLOrDataURI
	}
	return TypeString
}

// normalize makes YAML values body values: ints as int64, floats as float64, nested maps and lists kept.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float64:
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}

// DefaultText is the default shown in help: the value sent when unset, else the API's own default.
func (p *Param) DefaultText() string {
	d := p.Default
	if d == nil {
		d = p.APIDefault
	}
	switch x := d.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return fmtNum(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(d)
}

// ParseSpec parses one spec file's content as if it were spec/<name>.yaml: for tests of behaviour that
// no embedded spec shows yet, and for tools that check a spec before it is added.
func ParseSpec(name string, src []byte) (Task, error) { return parseSpec(name+".yaml", src) }
