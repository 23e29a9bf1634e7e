// Package body builds the JSON request body of a task from what the user typed.
//
// Layers are applied in this order, each overriding the previous one:
//
//  1. the catalog's defaults for the task;
//  2. typed flags (--prompt, --width, --image, ...), mapped onto body paths by the catalog;
//  3. --data (inline JSON, @file, or - for stdin), a JSON object deep-merged onto the body
//     (objects merge key by key; arrays and scalars replace);
//  4. each --set path=value, in order (value parsed as JSON when it is valid JSON, else a string:
//     --set request.seed=42 is a number, --set 'request.prompt="42"' a string);
//  5. each --set-file path=file, in order (the file's raw base64);
//  6. the output-format flags (--image-type, --video-type, --audio-type), so they always win;
//     webhook settings are added by the caller afterwards with SetWebhook / SetTestMode.
//
// Paths are dot paths from the body root with array indexes: "request.loras.0.model_name" and
// "request.loras[0].model_name" are the same field. For shape-A tasks ({"extra":..., "request":...})
// a path whose first segment is neither "extra" nor "request" is taken under "request." ("prompt" means
// "request.prompt"), and --data keys other than "extra"/"request" likewise move under "request".
//
// Image inputs (--image, --mask) may be a local path, an http(s) URL or a data: URI; they become what
// the field expects: raw base64 (fetching URLs with the injected HTTP client) or, for fields that take
// a URL or data URI, the URL itself or data:<mime>;base64,... built from the file.
//
// Build validates the result with the catalog; every mistake in the user's input is a usage error
// (exit 2) naming the flag, field or file at fault.
package body

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
)

// DefaultMaxFileBytes bounds every input read: image files and URLs, --data files and stdin, --set-file.
const DefaultMaxFileBytes = 30 << 20

// Input is everything the user gave to build one body.
type Input struct {
	Flags map[string]string // typed flags the user set, by flag name ("image-num"), raw values
	// Lists holds repeated flags (--text a --text b) by flag name: for a string-list field each
	// occurrence becomes one element. An entry here wins over the same name in Flags.
	Lists    map[string][]string
	Data     string   // raw --data argument ("" none): JSON text, @file or -
	Sets     []string // "path=value"
	SetFiles []string // "path=file"
	Stdin    io.Reader
	// HTTPClient fetches http(s) image inputs for base64 fields; nil uses a client with a 60 s timeout.
	HTTPClient   *http.Client
	ReadFile     func(string) ([]byte, error) // nil = os.ReadFile with the size bound
	MaxFileBytes int64                        // 0 = DefaultMaxFileBytes
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
		if err := catalog.Set(body, p, b.task.Defaults[p]); err != nil {
			return nil, fmt.Errorf("catalog default %s for %s: %w", p, b.task.Name, err)
		}
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
			if data, err = underRequest(data); err != nil {
				return nil, err
			}
		}
		merge(body, data)
	}
	for _, s := range b.in.Sets {
		path, value, err := ParseAssignment(s)
		if err != nil {
			return nil, clierr.Usagef("--set %s: %v", s, err)
		}
		if err := b.set(body, "--set "+s, path, value); err != nil {
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
	if err := b.task.Validate(body); err != nil {
		return nil, err
	}
	return body, nil
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
		if !b.task.Known() {
			return clierr.Usagef("--%s: %s is not in the catalog, so typed flags do not apply: build the body with --data JSON and --set path=value",
				name, b.task.Name)
		}
		return clierr.Usagef("--%s: task %s does not take this flag (it takes %s); set the field directly with --set path=value",
			name, b.task.Name, "--"+strings.Join(b.task.FlagNames(), ", --"))
	}
	return nil
}

// applyFlags sets the typed flags of one phase (override=false: before --data; true: after --set-file).
func (b *builder) applyFlags(body map[string]any, override bool) error {
	for _, fm := range b.task.Flags {
		if fm.Override != override {
			continue
		}
		raw, isSet := b.in.Flags[fm.Flag]
		list, isList := b.in.Lists[fm.Flag]
		if !isSet && !isList {
			continue
		}
		if !isList {
			list = []string{raw}
		}
		v, err := b.convert(fm, list)
		if err != nil {
			return err
		}
		if err := catalog.Set(body, fm.Path, v); err != nil {
			return clierr.Usagef("--%s: %v", fm.Flag, err)
		}
	}
	return nil
}

func (b *builder) convert(fm catalog.FlagMap, vals []string) (any, error) {
	last := vals[len(vals)-1]
	switch fm.Type {
	case catalog.TypeInt:
		n, err := strconv.ParseInt(strings.TrimSpace(last), 10, 64)
		if err != nil {
			return nil, clierr.Usagef("--%s: %q is not an integer", fm.Flag, last)
		}
		return n, nil
	case catalog.TypeFloat:
		f, err := strconv.ParseFloat(strings.TrimSpace(last), 64)
		if err != nil {
			return nil, clierr.Usagef("--%s: %q is not a number", fm.Flag, last)
		}
		return f, nil
	case catalog.TypeStringList:
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = v
		}
		return out, nil
	case catalog.TypeImageBase64, catalog.TypeImageURLOrDataURI:
		return b.image(fm, last)
	}
	return last, nil
}

// set stores one user-given value, applying the shape-A path convenience.
func (b *builder) set(body map[string]any, what, path string, value any) error {
	full := b.task.FullPath(path)
	if err := catalog.Set(body, full, value); err != nil {
		if full != path {
			return clierr.Usagef("%s: %v (for %s, a path not starting with extra. or request. is taken under request.)",
				what, err, b.task.Name)
		}
		return clierr.Usagef("%s: %v", what, err)
	}
	return nil
}
