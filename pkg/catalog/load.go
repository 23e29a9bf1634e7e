package catalog

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/novita-cli/novita/pkg/clierr"
)

// specFS holds the endpoint specs (spec/) and the LoRA training endpoints (training/), which are not
// tasks of novita submit; read-only, so it is no mutable state.
//
//go:embed spec/*.yaml training/*.yaml
var specFS embed.FS

// Catalog is the set of known endpoints. Load builds it from the file names and a few header lines of
// each spec; a task's full spec is parsed the first time it is asked for, and kept.
type Catalog struct {
	entries []*entry          // display order: by kind (image, video, audio, text), then name
	index   map[string]*entry // lower-cased names, aliases and paths
	// training holds the LoRA training endpoints (mode training, novita train), apart from the
	// tasks so that nothing that iterates or resolves tasks (submit, the sandbox's task endpoints,
	// mcp) mistakes one for a task; trainIndex finds them by name, alias or path.
	training   []*entry
	trainIndex map[string]*entry
}

// entry is one spec: its header, read at Load, and its task, parsed on first use.
type entry struct {
	Header
	file   string // "spec/<name>.yaml" or "training/<name>.yaml"
	once   sync.Once
	task   Task
	err    error
	parsed atomic.Bool // for the test that start-up parses no spec
}

// Header is what a listing needs, read without parsing the spec.
type Header struct {
	Name    string
	Path    string
	Mode    Mode
	Kind    string
	Summary string
	Aliases []string
}

// Load returns the catalog. It does not parse the specs (see Catalog); its error means a spec file
// header is unreadable, which the catalog's tests rule out. The catalog is built once per process and
// shared: its specs are embedded and read-only, and a process that runs many command lines (novita
// mcp, the sandbox, the tests) need not index and parse them again for each.
func Load() (*Catalog, error) { return embedded() }

// embedded is the one catalog of this process (Load); nothing changes it once built, so it is no
// mutable state.
var embedded = sync.OnceValues(build)

// build indexes the embedded specs' headers.
func build() (*Catalog, error) {
	c := &Catalog{index: map[string]*entry{}, trainIndex: map[string]*entry{}}
	var err error
	if c.entries, err = loadDir("spec", c.index); err != nil {
		return nil, err
	}
	if c.training, err = loadDir("training", c.trainIndex); err != nil {
		return nil, err
	}
	for k, e := range c.trainIndex {
		if prev, dup := c.index[k]; dup {
			return nil, fmt.Errorf("catalog: %q names both %s and %s", k, prev.Name, e.Name)
		}
	}
	sort.SliceStable(c.entries, func(i, j int) bool {
		a, b := c.entries[i], c.entries[j]
		if kindOrder(a.Kind) != kindOrder(b.Kind) {
			return kindOrder(a.Kind) < kindOrder(b.Kind)
		}
		return a.Name < b.Name
	})
	return c, nil
}

// loadDir reads the headers of one folder's specs into entries, indexing their names, aliases and paths.
func loadDir(dir string, index map[string]*entry) ([]*entry, error) {
	files, err := fs.ReadDir(specFS, dir)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	var out []*entry
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".yaml") {
			continue
		}
		file := dir + "/" + f.Name()
		src, err := readHead(file)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		h, err := scanHeader(src)
		if err != nil {
			return nil, fmt.Errorf("catalog: spec %s: %w", f.Name(), err)
		}
		e := &entry{Header: h, file: file}
		out = append(out, e)
		for _, key := range append([]string{h.Name, h.Path}, h.Aliases...) {
			k := strings.ToLower(key)
			if prev, dup := index[k]; dup && prev != e {
				return nil, fmt.Errorf("catalog: %q names both %s and %s", key, prev.Name, h.Name)
			}
			index[k] = e
		}
	}
	return out, nil
}

func kindOrder(k string) int {
	switch k {
	case OutputImage:
		return 0
	case OutputVideo:
		return 1
	case OutputAudio:
		return 2
	}
	return 3
}

// headBytes is how much of a spec file Load reads: the header keys come first (spec/README.md).
const headBytes = 1024

// readHead returns the start of a spec file ("spec/<name>.yaml"), up to its "docs:" line when that is
// within headBytes.
func readHead(name string) ([]byte, error) {
	f, err := specFS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, headBytes)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	buf = buf[:n]
	if i := bytes.Index(buf, []byte("\ndocs:")); i >= 0 {
		return buf[:i+1], nil
	}
	return specFS.ReadFile(name) // a long header: read it all
}

// scanHeader reads the top-level one-line keys name, path, mode, kind, summary and aliases (a flow list).
// Spec files keep these on one line each, before docs: (spec/README.md); a test compares them with the
// full parse.
func scanHeader(src []byte) (Header, error) {
	var h Header
	for line := range bytes.Lines(src) {
		if !isHeaderLine(line) {
			continue
		}
		key, val, _ := strings.Cut(strings.TrimRight(string(line), "\r\n"), ":")
		val = strings.TrimSpace(val)
		switch key {
		case "name":
			h.Name = scalar(val)
		case "path":
			h.Path = scalar(val)
		case "mode":
			h.Mode = Mode(scalar(val))
		case "kind":
			h.Kind = scalar(val)
		case "summary":
			h.Summary = scalar(val)
		case "aliases":
			list := strings.TrimSpace(val)
			if !strings.HasPrefix(list, "[") || !strings.HasSuffix(list, "]") {
				return h, fmt.Errorf("aliases must be a one-line list: [a, b]")
			}
			for _, a := range strings.Split(list[1:len(list)-1], ",") {
				if a = scalar(strings.TrimSpace(a)); a != "" {
					h.Aliases = append(h.Aliases, a)
				}
			}
		}
	}
	if h.Name == "" || h.Path == "" {
		return h, fmt.Errorf("no name or path line")
	}
	return h, nil
}

// isHeaderLine reports whether a line holds one of the top-level keys Load reads without parsing.
func isHeaderLine(line []byte) bool {
	for _, k := range [...]string{"name:", "path:", "mode:", "kind:", "summary:", "aliases:"} {
		if bytes.HasPrefix(line, []byte(k)) {
			return true
		}
	}
	return false
}

// scalar unquotes a one-line YAML scalar.
func scalar(v string) string {
	switch {
	case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
	case len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'':
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v
}

func (e *entry) load() (Task, error) {
	e.once.Do(func() {
		src, err := specFS.ReadFile(e.file)
		if err != nil {
			e.err = fmt.Errorf("catalog: %w", err)
			return
		}
		e.task, e.err = parseSpec(path.Base(e.file), src)
		if e.err == nil && (e.task.Mode == ModeTraining) != strings.HasPrefix(e.file, "training/") {
			e.err = fmt.Errorf("catalog: spec %s: mode training belongs in training/, and only it", e.file)
		}
		e.parsed.Store(true)
	})
	return e.task, e.err
}

// Headers lists every endpoint's header in display order, without parsing any spec.
func (c *Catalog) Headers() []Header {
	out := make([]Header, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.Header
	}
	return out
}

// All returns every task in display order (by kind, then name), parsing each spec. A spec that does not
// parse is left out (the catalog's tests make sure none does); Err reports it.
func (c *Catalog) All() []Task {
	out := make([]Task, 0, len(c.entries))
	for _, e := range c.entries {
		if t, err := e.load(); err == nil {
			out = append(out, t)
		}
	}
	return out
}

// Err parses every spec and returns the first error (the catalog's tests require none).
func (c *Catalog) Err() error {
	for _, e := range c.entries {
		if _, err := e.load(); err != nil {
			return err
		}
	}
	return nil
}

// Names returns the canonical task names in display order.
func (c *Catalog) Names() []string {
	out := make([]string, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.Name
	}
	return out
}

// Lookup finds a task by canonical name, alias or path ("/v3/async/txt2img"), case-insensitively.
func (c *Catalog) Lookup(name string) (Task, bool) {
	e, ok := c.index[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Task{}, false
	}
	t, err := e.load()
	return t, err == nil
}

// Canonical returns the canonical name for a name, alias or path, without parsing the spec.
func (c *Catalog) Canonical(name string) (string, bool) {
	e, ok := c.index[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return "", false
	}
	return e.Name, true
}

// Resolve returns the task of that name, alias or path, or a pass-through task posting to
// /v3/async/<name> (or to the path itself when name starts with "/"), whose Suggestions lists the close
// known names. Names that could not be an endpoint are a usage error.
func (c *Catalog) Resolve(name string) (Task, error) {
	if t, ok := c.Lookup(name); ok {
		return t, nil
	}
	if e, ok := c.index[strings.ToLower(strings.TrimSpace(name))]; ok {
		_, err := e.load()
		return Task{}, err // a broken spec: only a build that skipped the catalog's tests gets here
	}
	if e, ok := c.trainIndex[strings.ToLower(strings.TrimSpace(name))]; ok {
		return Task{}, &TrainingEndpointError{Name: e.Name, Path: e.Path}
	}
	if !validEndpointName(name) {
		return Task{}, &TaskNameError{Name: name, Suggestions: c.Suggest(name)}
	}
	path := name
	if !strings.HasPrefix(name, "/") {
		path = "/v3/async/" + name
	}
	return Task{Name: name, Endpoint: name, Path: path, Mode: ModeAsync, Suggestions: c.Suggest(name),
		Description: "pass-through: the body as given, unchecked"}, nil
}

// TrainingEndpointError is a training endpoint named where a task was expected: it is started by
// uploading its images first, not by posting a body.
type TrainingEndpointError struct{ Name, Path string }

func (e *TrainingEndpointError) Error() string {
	return e.Name + " is a LoRA training endpoint, not a task: upload the images and start it as a training"
}

// ExitKind is usage: the name was given in the wrong place.
func (e *TrainingEndpointError) ExitKind() clierr.Kind { return clierr.KindUsage }

// TaskNameError is a name that is neither in the catalog nor could be an endpoint's.
type TaskNameError struct {
	Name        string
	Suggestions []string // the close catalog names
}

func (e *TaskNameError) Error() string {
	msg := fmt.Sprintf("invalid task name %q: use a catalog name or an endpoint name under /v3/async/", e.Name)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + strings.Join(e.Suggestions, " or ") + "?"
	}
	return msg
}

// ExitKind is usage: the name was given wrong.
func (e *TaskNameError) ExitKind() clierr.Kind { return clierr.KindUsage }

// NoBodyError is an unknown task given no body: refused with the close known names, so a typo is
// caught before any key check or request.
type NoBodyError struct {
	Task        string
	Suggestions []string
}

func (e *NoBodyError) Error() string {
	if len(e.Suggestions) > 0 {
		return fmt.Sprintf("%s is not in the catalog: did you mean %s? (an unknown endpoint needs its whole body as JSON)",
			e.Task, strings.Join(e.Suggestions, " or "))
	}
	return e.Task + " is not in the catalog and no body was given: give its whole body as JSON, or use a known task"
}

// ExitKind is usage: the request was given wrong.
func (e *NoBodyError) ExitKind() clierr.Kind { return clierr.KindUsage }

// PassThroughError is the NoBodyError of an unknown task t.
func PassThroughError(t Task) error { return &NoBodyError{Task: t.Name, Suggestions: t.Suggestions} }

// TrainingHeaders lists the LoRA training endpoints' headers (mode training), by name, without parsing.
func (c *Catalog) TrainingHeaders() []Header {
	out := make([]Header, len(c.training))
	for i, e := range c.training {
		out[i] = e.Header
	}
	return out
}

// Training finds a LoRA training endpoint by name, alias or path ("/v3/training/subject"), case-insensitively.
func (c *Catalog) Training(name string) (Task, bool) {
	e, ok := c.trainIndex[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Task{}, false
	}
	t, err := e.load()
	return t, err == nil
}

// TrainingErr parses every training spec and returns the first error (the catalog's tests require none).
func (c *Catalog) TrainingErr() error {
	for _, e := range c.training {
		if _, err := e.load(); err != nil {
			return err
		}
	}
	return nil
}

// TrainKind is the training type of a training endpoint's path: "/v3/training/subject" -> "subject".
func TrainKind(path string) string { return path[strings.LastIndex(path, "/")+1:] }
