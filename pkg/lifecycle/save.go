package lifecycle

import (
	"context"

	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/novita"
)

// SaveSpec is one finished task whose outputs are to be saved.
type SaveSpec struct {
	TaskID, Task string
	Line         int
	Result       *novita.TaskResult
	Outputs      Outputs
	Quiet        bool // no download progress (a batch has its own)
}

// Save downloads a result's outputs through the template and journals the files that were saved,
// also when others failed. An expired URL is refreshed once through the task-result API; outputs the
// journal says were saved, and that are still on disk unchanged, are not fetched again.
func (r *Runner) Save(ctx context.Context, s SaveSpec) ([]download.File, error) {
	outs := s.Result.Outputs()
	if len(outs) == 0 {
		return []download.File{}, nil
	}
	opts := download.Options{
		HTTPClient: r.HTTP, Overwrite: s.Outputs.Overwrite, UserAgent: r.UserAgent, Stdout: r.Stdout, Buffers: r.Buffers,
		Refresh:       func(ctx context.Context) (*novita.TaskResult, error) { return r.Client.TaskResult(ctx, s.TaskID) },
		Earlier:       func() []download.Saved { return r.savedEarlier(s.TaskID) },
		SavedAnywhere: s.Outputs.AnySaved,
	}
	if !s.Quiet {
		opts.Progress = r.Progress
	}
	files, err := download.Download(ctx, opts, s.Outputs.Template, download.Vars{TaskID: s.TaskID, Task: s.Task, Line: s.Line}, outs)
	if s.Outputs.Template == nil || s.Outputs.Template.WritesFiles() { // not standard output, not /dev/null
		r.addProvenance(s.TaskID, s.Task, s.Outputs.Metadata, files)
		r.recordFiles(s.TaskID, files, outs)
	} else {
		r.noProvenance(s.Outputs.Metadata, s.Outputs.Template)
	}
	if files == nil {
		files = []download.File{}
	}
	return files, err
}
