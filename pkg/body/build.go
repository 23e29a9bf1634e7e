// Package body builds the JSON request body of a task from what the user typed, following the task's
// catalog spec.
//
// Layers are applied in this order, each overriding the previous one:
//
//  1. the spec's defaults for the task (what makes a minimal command a valid request);
//  2. typed flags (--prompt, --width, --image, ...), typed and encoded as the spec says;
//  3. --data (inline JSON, @file, or - for stdin), a JSON object deep-merged onto the body
//     (objects merge key by key; arrays and scalars replace);
//  4. each --set path=value, in order, typed from the spec where the path is known (a string field
//     takes the text as is, so --set prompt=42 is the string "42"; an integer field takes a number);
//     for other paths the value is JSON when it is valid JSON, else a string. --set path:=JSON sets
//     raw JSON, untyped, on any path;
//  5. each --set-file path=file, in order (the file encoded as the field takes it; raw base64 for
//     fields the spec does not know);
//  6. the output-format flags (--image-type, --video-type, --audio-type), so they always win;
//     webhook settings are added by the caller afterwards with SetWebhook / SetTestMode.
//
// Then enum values given in another letter case take the spec's spelling (--sampler "euler a" sends
// "Euler a"), and fields whose default follows another field (spec default_by) get it, before the
// whole body is validated: every problem is reported at once, one per line.
//
// Paths are dot paths from the body root with array indexes: "request.loras.0.model_name" and
// "request.loras[0].model_name" are the same field. For shape-A tasks ({"extra":..., "request":...}) a
// path whose first segment is neither "extra" nor "request" is taken under "request." ("prompt" means
// "request.prompt"), and --data keys other than "extra"/"request" likewise move under "request"; see
// catalog.Task.FullPath for shape C.
//
// File inputs (--image, --mask, ...) may be a local path, an http(s) URL or a data: URI; they become what
// the field takes: raw base64 (fetching URLs with the injected HTTP client, except with NoFetch), a data:
// URI, or the URL itself.
//
// Build validates the result with the catalog; every mistake in the user's input is a usage error
// (exit 2) naming the input (InputError's Source), field (catalog.FieldError) or file at fault, which
// the caller words as its own (the command line by its flags, `novita mcp` by its parameters). An
// unknown task given no body at all is refused (catalog.NoBodyError) rather than posting {}.
package body

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/jsonpath"
)

// fetchedAtSubmit starts what a dry run shows for a URL it did not fetch: "<fetched at submit: URL>".
const fetchedAtSubmit = "<fetched at submit: "

// DefaultMaxFileBytes bounds every input read: image files and URLs, --data files and stdin, --set-file.
const DefaultMaxFileBytes = 30 << 20

// Input is everything the user gave to build one body.
type Input struct {
	Flags map[string]string // typed flags the user set, by flag name ("image-num"), raw values
	// Lists holds repeated flags (--text a --text b) by flag name: for a list field each occurrence
	// becomes one element. An entry here wins over the same name in Flags.
	Lists    map[string][]string
	Data     string   // raw --data argument ("" none): JSON text, @file or -
	Sets     []string // "path=value", typed from the spec; "path:=JSON" raw
	SetFiles []string // "path=file"
	Stdin    io.Reader
	// HTTPClient fetches http(s) file inputs for base64 fields; nil uses a client with a 60 s timeout.
	HTTPClient *http.Client
	ReadFile   func(string) ([]byte, error) // nil = os.ReadFile with the size bound
	// Dir is where relative file names are found ("" = the process's working directory); errors
	// still quote the name the user gave.
	Dir          string
	MaxFileBytes int64 // 0 = DefaultMaxFileBytes
	// NoFetch (--dry-run) never fetches an http(s) input: a base64 field shows "<fetched at submit: URL>"
	// instead of the file's content. Local files are still read and checked.
	NoFetch bool
	// Base is a whole earlier request (`novita rerun`), laid over the defaults and under everything
	// the user gives now, so any flag or --set overrides what was sent before.
	Base map[string]any
}

// Path is where the file the user named is found: name itself, or under Dir when name is relative.
func (in Input) Path(name string) string {
	if in.Dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(in.Dir, name)
}

// Build returns the validated request body for task.
func Build(ctx context.Context, task catalog.Task, in Input) (map[string]any, error) {
	b := &builder{ctx: ctx, task: task, in: in}
	return b.build()
}

type builder struct {
	ctx  context.Context
	task catalog.Task
	in   Input
	// deferred holds the base64 fields left unfetched by NoFetch: path -> URL, shown after validation.
	deferred map[string]string
	// problems are the typed flags whose values could not be read, reported with the validation's;
	// failed are their body paths, whose own violations would only repeat them.
	problems []error
	failed   []string
}

func (b *builder) build() (map[string]any, error) {
	body := map[string]any{}
	if err := b.checkFlags(); err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(b.task.Defaults))
	for p := range b.task.Defaults {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := jsonpath.Set(body, p, copyValue(b.task.Defaults[p])); err != nil {
			return nil, fmt.Errorf("catalog default %s for %s: %w", p, b.task.Name, err)
		}
	}
	if b.in.Base != nil {
		merge(body, copyValue(b.in.Base).(map[string]any))
	}
	if err := b.applyFlags(body, false); err != nil {
		return nil, err
	}
	if b.in.Data != "" {
		data, err := b.readData()
		if err != nil {
			return nil, err
		}
		if b.task.Shape == catalog.ShapeA {
			if data, err = underRequest(data, Source{Kind: FromData}); err != nil {
				return nil, err
			}
		}
		merge(body, data)
	}
	for _, s := range b.in.Sets {
		if err := b.applySet(body, s); err != nil {
			return nil, err
		}
	}
	for _, s := range b.in.SetFiles {
		if err := b.setFile(body, s); err != nil {
			return nil, err
		}
	}
	if err := b.applyFlags(body, true); err != nil {
		return nil, err
	}
	if !b.task.Known() && len(body) == 0 {
		return nil, catalog.PassThroughError(b.task)
	}
	b.task.CanonicalEnums(body)
	if err := b.task.FillFollowedDefaults(body); err != nil {
		return nil, fmt.Errorf("catalog default for %s: %w", b.task.Name, err)
	}
	if err := b.validate(body); err != nil {
		return nil, err
	}
	for path, url := range b.deferred {
		_ = jsonpath.Set(body, path, fetchedAtSubmit+url+">")
	}
	return body, nil
}

// validate checks the whole body and reports every problem at once: the flag values that could not
// be read, then the spec's violations of the other fields.
func (b *builder) validate(body map[string]any) error {
	if len(b.problems) == 0 {
		return b.task.Validate(body)
	}
	errs := slices.Clone(b.problems)
	for _, v := range b.task.Violations(body) {
		if !slices.ContainsFunc(b.failed, func(p string) bool { return v.Path == p || strings.HasPrefix(v.Path, p+"[") }) {
			errs = append(errs, b.task.ViolationError(v))
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return clierr.New(clierr.KindUsage, errors.Join(errs...))
}

// checkFlags rejects typed flags the task does not take before any work (file reads, fetches) is done.
func (b *builder) checkFlags() error {
	var names []string
	for name := range b.in.Flags {
		names = append(names, name)
	}
	for name := range b.in.Lists {
		if _, dup := b.in.Flags[name]; !dup {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := b.task.Flag(name); ok {
			continue
		}
		return inputErr(Source{Kind: FromFlag, Name: name},
			clierr.New(clierr.KindUsage, &FlagError{Task: b.task.Name, Known: b.task.Known(), Takes: b.task.FlagNames()}))
	}
	return nil
}

// set stores one user-given value, applying the task's path convenience (catalog.Task.FullPath).
func (b *builder) set(body map[string]any, what Source, path string, value any) error {
	full := b.task.FullPath(path)
	if err := jsonpath.Set(body, full, value); err != nil {
		if full != path {
			return inputErr(what, clierr.Usagef("%v (for %s, %s means %s)", err, b.task.Name, path, full))
		}
		return inputErr(what, clierr.Usagef("%v", err))
	}
	return nil
}

// copyValue copies spec defaults and a rerun's base that are maps or lists, so a body never aliases them.
func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = copyValue(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = copyValue(e)
		}
		return a
	}
	return v
}
