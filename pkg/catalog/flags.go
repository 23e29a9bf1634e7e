package catalog

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// FlagKind is the Go type a typed flag is declared with.
type FlagKind string

const (
	FlagString     FlagKind = "string"
	FlagInt        FlagKind = "int"
	FlagFloat      FlagKind = "float"
	FlagBool       FlagKind = "bool"
	FlagStringList FlagKind = "string-list" // repeatable: one element per occurrence
	FlagFile       FlagKind = "file"        // a local path or URL, encoded as the field takes it
	FlagFileList   FlagKind = "file-list"   // repeatable file
)

// FlagSpec describes one typed flag for the command layer: everything a cobra flag, its help line and
// its completion need. Values the user gives go to body.Input.Flags (or Lists for repeatable kinds) as
// text, by Name; only flags the user changed should be passed, so that unset ones keep the spec default.
type FlagSpec struct {
	Name       string
	Shorthand  string
	Usage      string
	Kind       FlagKind
	Default    string   // shown as the flag's default ("" none): the value sent when unset, else the API's
	Enum       []string // completion values (also enforced by validation)
	Path       string   // the body field it sets
	Required   bool     // the field is required and has no default: the flag (or --data/--set) must give it
	Repeatable bool     // string-list and file-list
	Override   bool     // applied after --data and --set (output format flags)
	Encoding   string   // file kinds: base64, data-uri, url, url-or-data-uri
}

// FlagSpecs describes this task's typed flags, in spec order.
func (t Task) FlagSpecs() []FlagSpec {
	out := make([]FlagSpec, 0, len(t.Flags))
	for _, f := range t.Flags {
		p := f.Param
		s := FlagSpec{Name: f.Flag, Shorthand: p.Short, Kind: flagKind(f.Type), Default: p.DefaultText(),
			Enum: p.Enum, Path: f.Path, Required: p.Required && p.Default == nil, Override: f.Override,
			Encoding: f.Encoding}
		if s.Enum == nil && p.Items != nil {
			s.Enum = p.Items.Enum
		}
		s.Repeatable = s.Kind == FlagStringList || s.Kind == FlagFileList
		s.Usage = p.usage(s)
		out = append(out, s)
	}
	return out
}

func flagKind(v ValueType) FlagKind {
	switch v {
	case TypeInt:
		return FlagInt
	case TypeFloat:
		return FlagFloat
	case TypeBool:
		return FlagBool
	case TypeStringList:
		return FlagStringList
	case TypeFileList:
		return FlagFileList
	case TypeImageBase64, TypeImageURLOrDataURI, TypeFileDataURI, TypeFileURL:
		return FlagFile
	}
	return FlagString
}

// usage is the help line: the description's first sentence, then what values are allowed.
func (p *Param) usage(s FlagSpec) string {
	d := strings.TrimSuffix(FirstSentence(p.Description), ".")
	var hints []string
	switch {
	case len(s.Enum) > 0:
		hints = append(hints, "one of "+strings.Join(s.Enum, ", "))
	case p.Min != nil || p.Max != nil:
		hints = append(hints, rangeText(p.Min, p.Max, p.ExclusiveMin))
	}
	if p.MaxLength != nil {
		hints = append(hints, fmt.Sprintf("at most %d characters", *p.MaxLength))
	}
	if p.DefaultBy != nil {
		hints = append(hints, "default "+p.DefaultBy.Text())
	}
	switch s.Encoding {
	case EncodingBase64, EncodingDataURI:
		hints = append(hints, "a local file or http(s) URL")
	case EncodingURL:
		hints = append(hints, "an http(s) URL")
	case EncodingURLOrDataURI:
		hints = append(hints, "a local file (sent as a data: URI) or an http(s) URL")
	}
	if s.Repeatable {
		hints = append(hints, "repeatable")
	}
	if s.Required {
		hints = append(hints, "required")
	}
	if len(hints) > 0 {
		d += " (" + strings.Join(hints, "; ") + ")"
	}
	return d
}

// FlagSpecs describes every typed flag some catalog task takes, sorted by name: the first task's
// description wins where several tasks share a flag, and it is Repeatable when any task repeats it.
// It parses every spec; per-task commands should use Task.FlagSpecs instead.
func FlagSpecs() []FlagSpec {
	at := map[string]int{}
	var out []FlagSpec
	for _, t := range All() {
		for _, s := range t.FlagSpecs() {
			if i, ok := at[s.Name]; ok {
				out[i].Repeatable = out[i].Repeatable || s.Repeatable
				continue
			}
			at[s.Name] = len(out)
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// flagsUsed returns the union of the typed flag names of all catalog tasks, sorted.
func flagsUsed() []string {
	specs := FlagSpecs()
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.Name
	}
	return out
}

// The package-level helpers below use the process's catalog (Load).

// All returns every catalog task in display order.
func All() []Task { return load().All() }

// Names returns the canonical task names in display order.
func Names() []string { return load().Names() }

// Lookup finds a catalog task by name, alias or path, case-insensitively.
func Lookup(name string) (Task, bool) { return load().Lookup(name) }

// Resolve is Catalog.Resolve on the process's catalog.
func Resolve(name string) (Task, error) { return load().Resolve(name) }

// load never fails in a tested build; an empty catalog stands in for a broken one.
func load() *Catalog {
	c, err := Load()
	if err != nil {
		return &Catalog{index: map[string]*entry{}}
	}
	return c
}

// ExampleForm is how an example input without a flag gives its value by path.
type ExampleForm int

const (
	FormText ExampleForm = iota // path=value, typed from the spec
	FormJSON                    // path:=JSON
	FormFile                    // path=file, the file encoded as the field takes it
)

// ExampleInput is one input of a task's example request: a placeholder for a field of its least valid
// request (MinimalFields), quoted for a shell where it needs it ("'a lighthouse at dusk'"). The
// command line words it as a flag or an assignment.
type ExampleInput struct {
	Flag  string // the spec flag that sets it ("" none: it is given by its path)
	Path  string
	Value string
	Form  ExampleForm // without a flag
}

// ExampleInputs are the inputs of a ready-to-run example request, in MinimalFields order; a list
// field set by a repeatable flag is given once per element.
func (t Task) ExampleInputs() []ExampleInput {
	var out []ExampleInput
	specs := t.FlagSpecs()
	for _, f := range t.MinimalFields() {
		if f.Flag != "" {
			i := slices.IndexFunc(specs, func(s FlagSpec) bool { return s.Name == f.Flag })
			for range f.Count {
				out = append(out, ExampleInput{Flag: f.Flag, Path: f.Path, Value: exampleValue(specs[i])})
			}
			continue
		}
		out = append(out, exampleByPath(f))
	}
	return out
}

// exampleByPath is the placeholder of an example field without a flag.
func exampleByPath(f MinimalField) ExampleInput {
	p := f.Param
	in := ExampleInput{Path: f.Path}
	switch {
	case p.Type == ParamFile && p.Encoding != EncodingURL:
		in.Value, in.Form = "photo.png", FormFile
	case p.Type == ParamObject:
		in.Value, in.Form = "{}", FormJSON
	case p.Type == ParamArray:
		elem := `"a lighthouse at dusk"`
		if p.Items != nil && p.Items.Type == ParamFile {
			elem = `"https://example.com/photo.png"`
		} else if p.Items != nil && len(p.Items.Enum) > 0 {
			elem = strconv.Quote(p.Items.Enum[0])
		}
		in.Value, in.Form = "["+strings.TrimSuffix(strings.Repeat(elem+",", f.Count), ",")+"]", FormJSON
	default:
		in.Value = exampleValue(FlagSpec{Name: p.Path[strings.LastIndexAny(p.Path, ".]")+1:], Kind: flagKind(p.valueType()),
			Enum: p.Enum, Encoding: p.fileEncoding()})
	}
	return in
}

func exampleValue(f FlagSpec) string {
	switch {
	case len(f.Enum) > 0 && strings.ContainsAny(f.Enum[0], " *&|;<>()$`\\\"'"):
		return "'" + strings.ReplaceAll(f.Enum[0], "'", "") + "'"
	case len(f.Enum) > 0:
		return f.Enum[0]
	case f.Kind == FlagFile || f.Kind == FlagFileList:
		if f.Encoding == EncodingURL {
			return "https://example.com/photo.png"
		}
		return "photo.png"
	case f.Kind == FlagInt || f.Kind == FlagFloat:
		return "1"
	case f.Kind == FlagBool:
		return "true"
	case strings.Contains(f.Name, "prompt") || f.Name == "text":
		return "'a lighthouse at dusk'"
	}
	return "VALUE"
}

// FirstSentence is a description's first sentence, on one line. "e.g. " and "i.e. " do not end it:
// a sentence cut there loses the example it was giving.
func FirstSentence(d string) string {
	d = strings.Join(strings.Fields(d), " ")
	for from := 0; ; {
		i := strings.Index(d[from:], ". ")
		if i < 0 {
			return d
		}
		end := from + i + 1
		if w := d[:end]; !strings.HasSuffix(w, "e.g.") && !strings.HasSuffix(w, "i.e.") {
			return w
		}
		from = end
	}
}
