package taskview

import (
	"errors"
	"fmt"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// TaskDoc is a finished task's --json document: the lifecycle's, plus, when the command does not
// succeed (the task failed, or saving its outputs did), the error in the shape of the top-level error
// document. The files saved are listed either way.
type TaskDoc struct {
	*lifecycle.Document
	Error *ErrorDoc `json:"error,omitempty"`
}

// Finish prints a finished task's data on stdout (the saved paths, or the JSON document) and passes
// err on, with the advice that fetches the files again when the task succeeded but saving failed.
// Without a document (the wait itself failed) err goes on as it is, to be reported by the caller.
func Finish(io *iostreams.IOStreams, jsonOut bool, doc *lifecycle.Document, err error, a Advice) error {
	if doc == nil {
		return err
	}
	if err != nil && clierr.KindOf(err) != clierr.KindTaskFailed && clierr.HintOf(err) == "" {
		hint := "the task succeeded; " + a.resume("novita result "+doc.TaskID+" --download")
		if errors.Is(err, download.ErrPartialKept) {
			hint = a.resume("novita result " + doc.TaskID + " --download")
		}
		err = clierr.WithHint(clierr.KindOf(err), fmt.Errorf("task %s: %w", doc.TaskID, err), hint)
	}
	if err != nil {
		err = clierr.About(err, clierr.Subject{TaskID: doc.TaskID, BatchID: doc.BatchID})
	}
	if jsonOut {
		out := TaskDoc{Document: doc}
		if err != nil {
			e := NewErrorDoc(err, clierr.HintOf(err), a.Scrub)
			out.Error = &e
		}
		if werr := iostreams.WriteJSON(io.Out, out); werr != nil {
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
	return err
}
