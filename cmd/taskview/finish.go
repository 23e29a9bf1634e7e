package taskview

import (
	"errors"
	"fmt"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// Finish prints a finished task's data on stdout (the saved paths, or the JSON document) and passes
// err on, with the hint that fetches the files again when the task succeeded but saving failed.
func Finish(io *iostreams.IOStreams, jsonOut bool, doc *lifecycle.Document, err error) error {
	if doc == nil {
		return err
	}
	if jsonOut {
		if werr := iostreams.WriteJSON(io.Out, doc); werr != nil {
			return werr
		}
		if err != nil {
			return clierr.Reported(err)
		}
		return nil
	}
	for _, f := range doc.Files {
		if f.Path != download.StdoutPath { // -o -: stdout carries the output itself, nothing else
			fmt.Fprintln(io.Out, f.Path)
		}
	}
	if err != nil && clierr.KindOf(err) != clierr.KindTaskFailed {
		hint := "the task succeeded; fetch its files again with: novita result " + doc.TaskID + " --download"
		if errors.Is(err, download.ErrPartialKept) {
			hint = "resume the download with: novita result " + doc.TaskID + " --download"
		}
		return clierr.WithHint(clierr.KindOf(err), fmt.Errorf("task %s: %w", doc.TaskID, err), hint)
	}
	return err
}
