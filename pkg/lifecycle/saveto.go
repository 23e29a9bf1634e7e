package lifecycle

import (
	"context"
	"fmt"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/novita"
)

// SaveTo downloads each output of a result to the path the journal recorded for it (kind and index
// match; paths are absolute), as the inspector's "Download again" does: a file there with the same
// bytes is success without writing, a different one is refused (nothing is overwritten), and the
// journal is not rewritten (the record already names that path). An output with no recorded path is
// refused with a NeverSavedError (the caller names the command that saves it).
func (r *Runner) SaveTo(ctx context.Context, taskID string, res *novita.TaskResult, recorded []download.Saved) ([]download.File, error) {
	var out []download.File
	for _, o := range res.Outputs() {
		var path string
		for _, s := range recorded {
			if s.Kind == o.Kind && s.Index == o.Index {
				path = s.Path
			}
		}
		if path == "" {
			return out, &NeverSavedError{TaskID: taskID, Kind: o.Kind, Index: o.Index}
		}
		tmpl, err := download.ExactPath(path)
		if err != nil {
			return out, err
		}
		opts := download.Options{HTTPClient: r.HTTP, UserAgent: r.UserAgent, Buffers: r.Buffers,
			Refresh: func(ctx context.Context) (*novita.TaskResult, error) { return r.Client.TaskResult(ctx, taskID) }}
		files, err := download.Download(ctx, opts, tmpl, download.Vars{TaskID: taskID}, []novita.Output{o})
		out = append(out, files...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// NeverSavedError is an output the journal has no path for: nothing to save again. The caller words
// the remedy (saving it for the first time), since engines name no commands.
type NeverSavedError struct {
	TaskID string
	Kind   string
	Index  int
}

func (e *NeverSavedError) Error() string {
	return fmt.Sprintf("%s %d of task %s was never saved, so it has no path to save it to again", e.Kind, e.Index, e.TaskID)
}
