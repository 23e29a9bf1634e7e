package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/taskref"
)

// TaskFinder resolves task references (an id, a unique prefix, an output file) through the one
// resolver, for the commands that name tasks: gh's shared.PRFinder shape, built once in NewCmd
// (NewTaskFinder) so a command's options hold it rather than the factory.
type TaskFinder struct {
	IO      *iostreams.IOStreams
	Journal func() *journal.Journal
	WorkDir string // where a relative file reference is found
}

// NewTaskFinder is the finder of this command line, over its read-write journal; a command that only
// looks replaces Journal with the read-only one.
func NewTaskFinder(f *factory.Factory) *TaskFinder {
	return &TaskFinder{IO: f.IOStreams, Journal: f.Journal, WorkDir: f.WorkDir}
}

// Find resolves one reference. A journal that cannot be read is a warning: the reference is used as
// the id it may be. A reference that was not the id itself is said on stderr, so the user sees which
// task it named.
func (tf *TaskFinder) Find(ctx context.Context, ref string) (taskref.Ref, error) {
	r, err := taskref.ResolveIn(ctx, tf.Journal(), tf.WorkDir, ref)
	if err != nil {
		return r, err
	}
	if r.Warning != nil {
		tf.IO.Warnf("%v", r.Warning)
	}
	switch r.Via {
	case taskref.ViaPrefix:
		tf.IO.Statusf("%s is task %s", iostreams.Safe(r.Input), iostreams.Safe(r.ID))
	case taskref.ViaSHA256:
		tf.IO.Statusf("%s is an output of task %s", iostreams.Safe(r.Path), iostreams.Safe(r.ID))
	case taskref.ViaMetadata:
		tf.IO.Statusf("%s says it is an output of task %s (from its embedded metadata)", iostreams.Safe(r.Path), iostreams.Safe(r.ID))
	}
	return r, nil
}

// FindAll resolves several references, keeping the first of each task named twice.
func (tf *TaskFinder) FindAll(ctx context.Context, refs []string) ([]taskref.Ref, error) {
	seen := map[string]bool{}
	var out []taskref.Ref
	for _, ref := range refs {
		r, err := tf.Find(ctx, ref)
		if err != nil {
			return nil, err
		}
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// Detail is what is known of a referenced task: the journal's record, or, for a file whose task
// this journal never saw, one rebuilt from the provenance the file carries (fromFile set).
func (tf *TaskFinder) Detail(ctx context.Context, r taskref.Ref) (d journal.Detail, fromFile bool, err error) {
	if r.Known {
		d, ok, err := tf.Journal().Get(ctx, r.ID)
		if err != nil || ok {
			return d, false, err
		}
	}
	if r.Record == nil {
		return d, false, NotInJournal(r.ID)
	}
	rec := r.Record
	d.Task = journal.Task{ID: rec.TaskID, Name: rec.Task, Endpoint: rec.Endpoint, SubmittedAt: rec.CreatedAt,
		Prompt: rec.Prompt, Seed: rec.Seed, Request: rec.Request}
	d.Request = rec.Request
	d.History = []journal.StatusChange{}
	if sum, err := download.SHA256File(r.Path); err == nil {
		fr := journal.FileRecord{Kind: rec.Kind, Index: rec.Index, Path: r.Path, SHA256: sum}
		if fr.Path, err = absPath(r.Path); err == nil {
			if b, err := fileSize(r.Path); err == nil {
				fr.Bytes = b
			}
			d.Files = []journal.FileRecord{fr}
		}
	}
	return d, true, nil
}

func absPath(p string) (string, error) { return filepath.Abs(p) }

func fileSize(p string) (int64, error) {
	info, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// SayGoneSandbox tells about the tasks left out of "pending" because they ran in an in-process
// --sandbox simulator, which stopped with its command: they will never end.
func SayGoneSandbox(ctx context.Context, j *journal.Journal, io *iostreams.IOStreams) {
	n, err := j.CountSandboxUnended(ctx)
	if err != nil || n == 0 {
		return
	}
	what := fmt.Sprintf("%d tasks", n)
	if n == 1 {
		what = "1 task"
	}
	io.Statusf("%s of an in-process --sandbox never ended and will not: not pending, since their simulator "+
		"stopped with its command (forget them with: novita tasks prune --sandbox)", what)
}

// NotInJournal is the error of a task reference the journal does not know, worded once for every
// command that names a task; a reference too short to be a prefix says how long one must be.
func NotInJournal(ref string) error {
	msg := fmt.Sprintf("task %s is not in the journal", iostreams.Safe(ref))
	if len(ref) < taskref.MinPrefix {
		msg += fmt.Sprintf(" (a prefix of an id needs at least %d characters)", taskref.MinPrefix)
	}
	return clierr.WithHint(clierr.KindUsage, errors.New(msg),
		"list the tasks submitted from this machine with: novita tasks (or read any task's result with: novita result <id>)")
}
