package submit

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"

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
		if err := body.NotRegular(in.Path(file)); err != nil {
			return nil, clierr.Usagef("--batch: %v (a pipe is read with --batch - < FILE)", err)
		}
		f, err := os.Open(in.Path(file))
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

// buildLine builds and validates the body of one line: the flags' body, the --data object (base, read
// once), then the line: a JSON object merged as --data is (body.MergeLine), or plain text, the prompt.
func buildLine(ctx context.Context, task catalog.Task, in body.Input, base map[string]any, l batch.Line) (map[string]any, error) {
	in.Flags = maps.Clone(in.Flags)
	if in.Flags == nil {
		in.Flags = map[string]string{}
	}
	data := base
	if l.JSON {
		var err error
		if data, err = body.MergeLine(task, base, l.Text); err != nil {
			return nil, err
		}
	} else {
		name := "prompt"
		if _, ok := task.Flag("prompt"); !ok {
			if _, ok := task.Flag("text"); ok {
				name = "text"
			} else if task.Known() {
				return nil, fmt.Errorf("plain text is a prompt, but %s takes no --prompt or --text: write the line as a JSON object", task.Name)
			}
		}
		if !task.Known() {
			return nil, fmt.Errorf("plain text is a prompt, but %s is not in the catalog: write the line as a JSON object", task.Name)
		}
		if _, ok := in.Lists[name]; ok {
			in.Lists = maps.Clone(in.Lists)
			delete(in.Lists, name)
		}
		in.Flags[name] = l.Text
	}
	in.Data = ""
	if data != nil {
		raw, err := body.Marshal(data)
		if err != nil {
			return nil, err
		}
		in.Data = string(raw)
	}
	return body.Build(ctx, task, in)
}
