package submit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/body"
	"github.com/novita-cli/novita/pkg/catalog"
	"github.com/novita-cli/novita/pkg/clierr"
)

// readBatchLines reads the batch file (or stdin) into task lines.
func readBatchLines(in body.Input, file string) ([]batch.Line, error) {
	var r io.Reader
	if file == "-" {
		if in.Data == "-" {
			return nil, clierr.Usagef("--batch - and --data - both want stdin: give one of them as a file")
		}
		if in.Stdin == nil {
			return nil, clierr.Usagef("--batch -: no standard input")
		}
		r = in.Stdin
	} else {
		f, err := os.Open(file)
		if err != nil {
			return nil, clierr.Usagef("--batch: %v", err)
		}
		defer f.Close()
		r = f
	}
	lines, err := batch.ParseLines(r)
	if err != nil {
		return nil, clierr.Usagef("--batch %s: %v", file, err)
	}
	return lines, nil
}

// baseData reads the user's --data once (a file or stdin cannot be read again per line) and returns it
// as an object every JSON line is merged onto; in.Data is cleared so the builder does not read it again.
func baseData(task catalog.Task, in *body.Input) (map[string]any, error) {
	src := in.Data
	in.Data = ""
	if src == "" {
		return nil, nil
	}
	raw := []byte(src)
	switch {
	case src == "-":
		if in.Stdin == nil {
			return nil, clierr.Usagef("--data -: no standard input")
		}
		b, err := io.ReadAll(io.LimitReader(in.Stdin, body.DefaultMaxFileBytes))
		if err != nil {
			return nil, clierr.Usagef("--data -: %v", err)
		}
		raw = b
	case strings.HasPrefix(src, "@"):
		b, err := os.ReadFile(src[1:])
		if err != nil {
			return nil, clierr.Usagef("--data %s: %v", src, err)
		}
		raw = b
	}
	obj, err := decodeObject(raw)
	if err != nil {
		return nil, clierr.Usagef("--data: %v", err)
	}
	return shapeA(task, obj), nil
}

// buildLine builds and validates the body of one line: the flags' body, the --data object, then the
// line (a JSON object deep-merged, as --data is; or plain text, the prompt).
func buildLine(ctx context.Context, task catalog.Task, in body.Input, base map[string]any, l batch.Line) (map[string]any, error) {
	flags := make(map[string]string, len(in.Flags)+1)
	for k, v := range in.Flags {
		flags[k] = v
	}
	in.Flags = flags
	data := base
	if l.JSON {
		obj, err := decodeObject([]byte(l.Text))
		if err != nil {
			return nil, err
		}
		data = mergeObjects(deepCopy(base), shapeA(task, obj))
	} else {
		name := "prompt"
		if _, ok := task.Flag("prompt"); !ok {
			if _, ok := task.Flag("text"); ok {
				name = "text"
			} else if task.Known() {
				return nil, fmt.Errorf("plain text is a prompt, but %s takes no --prompt or --text: write the line as a JSON object", task.Name)
			}
		}
		if _, ok := in.Lists[name]; ok {
			lists := make(map[string][]string, len(in.Lists))
			for k, v := range in.Lists {
				lists[k] = v
			}
			delete(lists, name)
			in.Lists = lists
		}
		in.Flags[name] = l.Text
		if !task.Known() {
			return nil, fmt.Errorf("plain text is a prompt, but %s is not in the catalog: write the line as a JSON object", task.Name)
		}
	}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return nil, err
		}
		in.Data = string(b)
	}
	return body.Build(ctx, task, in)
}

// decodeObject parses one JSON object, keeping numbers exact.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid JSON: unexpected data after the object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a JSON object ({...}) or a plain-text prompt")
	}
	return obj, nil
}

// shapeA moves the loose top-level keys of an extra+request body under "request", as --data does, so
// that merging two objects merges what the user meant.
func shapeA(task catalog.Task, obj map[string]any) map[string]any {
	if task.Shape != catalog.ShapeA {
		return obj
	}
	req, _ := obj["request"].(map[string]any)
	for k, v := range obj {
		if k == "extra" || k == "request" {
			continue
		}
		if req == nil {
			if obj["request"] != nil {
				return obj // "request" is not an object: let the builder say so
			}
			req = map[string]any{}
		}
		req[k] = v
		delete(obj, k)
	}
	if req != nil {
		obj["request"] = req
	}
	return obj
}

// mergeObjects deep-merges src onto dst (objects key by key; everything else replaces).
func mergeObjects(dst, src map[string]any) map[string]any {
	if dst == nil {
		return src
	}
	for k, sv := range src {
		sm, sIs := sv.(map[string]any)
		dm, dIs := dst[k].(map[string]any)
		if sIs && dIs {
			mergeObjects(dm, sm)
			continue
		}
		dst[k] = sv
	}
	return dst
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = deepCopy(sub)
		}
		out[k] = v
	}
	return out
}
