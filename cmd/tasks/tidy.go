package tasks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/download"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/provenance"
)

// TidyOptions is what `novita tasks rm` and `novita tasks prune` were asked to do.
type TidyOptions struct {
	IO      *iostreams.IOStreams
	Journal func() *journal.Journal
	Finder  *cmdutil.TaskFinder // rm: the references
	Clock   clock.Clock         // prune: --older-than counts from now
	JSON    bool

	Refs      []string // rm: the tasks
	Files     bool     // also delete the outputs still as downloaded
	OlderThan string   // prune: submitted longer ago than this
	Status    []string // prune: with this last status
	Sandbox   bool     // prune: tasks of an in-process sandbox (gone with its command)
	DryRun    bool
}

// TidyDocument is the --json output of rm and prune.
type TidyDocument struct {
	Removed      []string `json:"removed"`
	DryRun       bool     `json:"dry_run,omitempty"`
	FilesDeleted []string `json:"files_deleted"`
	FilesKept    []string `json:"files_kept"` // changed since the download: not ours to delete
}

// NewCmdRm builds `novita tasks rm REF...`.
func NewCmdRm(f *factory.Factory, runF func(context.Context, *TidyOptions) error) *cobra.Command {
	o := &TidyOptions{IO: f.IOStreams, Journal: f.Journal, Finder: cmdutil.NewTaskFinder(f), Clock: f.Clock}
	cmd := &cobra.Command{
		Use:   "rm <task-id|prefix|file>...",
		Short: "Forget tasks: remove them from the journal (their outputs stay unless --files)",
		Long: `Remove tasks from the journal: the task, its status history, its files' records and the
webhook deliveries seen for it. A task is named by its id, a unique prefix (6+ characters) or one
of its output files. The outputs stay on disk; with --files, each output that is still exactly
as downloaded (same size and sha256) is deleted too, with its metadata sidecar; a file changed
since is kept and named.`,
		Example: `  $ novita tasks rm 0b6e3f2a
  $ novita tasks rm cats/1.png --files`,
		Args:              cmdutil.UsageArgs(cobra.MinimumNArgs(1)),
		ValidArgsFunction: cmdutil.TaskIDCompletion(f.Journal),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Refs = args
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runRm(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Files, "files", false, "also delete the outputs that are still as downloaded")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "show what would be forgotten and deleted, change nothing")
	return cmd
}

// NewCmdPrune builds `novita tasks prune`.
func NewCmdPrune(f *factory.Factory, runF func(context.Context, *TidyOptions) error) *cobra.Command {
	o := &TidyOptions{IO: f.IOStreams, Journal: f.Journal, Finder: cmdutil.NewTaskFinder(f), Clock: f.Clock}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Forget the tasks a filter selects (--older-than, --status, --sandbox)",
		Long: `Remove from the journal every task the filters select (they combine): --older-than
(submitted longer ago than 30d, 12h, 1w, ...), --status (SUCCEED, FAILED, QUEUED, PROCESSING),
--sandbox (tasks of an in-process --sandbox simulator, which ended with its command). --dry-run
lists what would go. Outputs stay unless --files (only files still as downloaded).`,
		Example: `  $ novita tasks prune --sandbox
  $ novita tasks prune --older-than 30d --status failed --dry-run
  $ novita tasks prune --older-than 90d --files`,
		Args: cmdutil.UsageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.OlderThan == "" && len(o.Status) == 0 && !o.Sandbox {
				return clierr.Usagef("tasks prune needs a filter: --older-than DUR, --status STATUS or --sandbox (to forget one task: novita tasks rm <id>)")
			}
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runPrune(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.OlderThan, "older-than", "", "only tasks submitted longer ago than this (30m, 12h, 2d, 1w)")
	fl.StringSliceVar(&o.Status, "status", nil, "only tasks with this last status: SUCCEED, FAILED, QUEUED, PROCESSING")
	fl.BoolVar(&o.Sandbox, "sandbox", false, "only tasks of an in-process --sandbox simulator (gone with their command)")
	fl.BoolVar(&o.Files, "files", false, "also delete the outputs that are still as downloaded")
	fl.BoolVar(&o.DryRun, "dry-run", false, "list what would be forgotten, change nothing")
	_ = cmd.RegisterFlagCompletionFunc("status", cmdutil.FixedCompletions("SUCCEED", "FAILED", "QUEUED", "PROCESSING"))
	cmdutil.NoFileCompletions(cmd, "older-than")
	return cmd
}

func runRm(ctx context.Context, o *TidyOptions) error {
	refs, err := o.Finder.FindAll(ctx, o.Refs)
	if err != nil {
		return err
	}
	j := o.Journal()
	var tasks []journal.Task
	for _, r := range refs {
		d, ok, err := j.Get(ctx, r.ID)
		if err != nil {
			return err
		}
		if !ok {
			return cmdutil.NotInJournal(r.ID)
		}
		tasks = append(tasks, d.Task)
	}
	return forget(ctx, o, tasks)
}

func runPrune(ctx context.Context, o *TidyOptions) error {
	q := journal.Query{Sandbox: o.Sandbox}
	if o.OlderThan != "" {
		before, err := ParseSince(o.OlderThan, o.Clock.Now())
		if err != nil {
			return clierr.Usagef("--older-than %q: give a duration (30m, 12h, 2d, 1w) or a date (2026-11-30)", o.OlderThan)
		}
		q.Before = before
	}
	for _, s := range o.Status {
		st, err := novita.ParseStatus(s)
		if err != nil {
			return clierr.Usagef("--status %q: use SUCCEED, FAILED, QUEUED or PROCESSING", s)
		}
		q.Status = append(q.Status, string(st))
	}
	tasks, err := o.Journal().List(ctx, q)
	if err != nil {
		return err
	}
	return forget(ctx, o, tasks)
}

// forget deletes the outputs asked for (only those still as downloaded), then the tasks.
func forget(ctx context.Context, o *TidyOptions, tasks []journal.Task) error {
	io := o.IO
	doc := TidyDocument{Removed: []string{}, DryRun: o.DryRun, FilesDeleted: []string{}, FilesKept: []string{}}
	ids := make([]string, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
		if !o.Files {
			continue
		}
		for _, f := range t.Files {
			if f.Path == "" {
				continue
			}
			saved := download.Saved{Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256}
			switch _, err := os.Lstat(f.Path); {
			case errors.Is(err, fs.ErrNotExist):
				continue
			case f.SHA256 == "" || !saved.Intact(f.Path):
				doc.FilesKept = append(doc.FilesKept, f.Path)
				io.Warnf("kept %s: it changed since the download", iostreams.Safe(f.Path))
				continue
			}
			if !o.DryRun {
				if err := os.Remove(f.Path); err != nil {
					return fmt.Errorf("delete %s: %w", f.Path, err)
				}
				removeOwnSidecar(f.Path, t.ID)
			}
			doc.FilesDeleted = append(doc.FilesDeleted, f.Path)
		}
	}
	if o.DryRun {
		doc.Removed = ids
	} else if len(ids) > 0 {
		if _, err := o.Journal().Remove(ctx, ids); err != nil {
			return err
		}
		doc.Removed = ids
	}
	if o.JSON {
		return iostreams.WriteJSON(io.Out, doc)
	}
	verb, fverb := "forgot", "deleted"
	if o.DryRun {
		verb, fverb = "would forget", "would delete"
		if len(tasks) > 0 {
			if err := writeTable(io, tasks); err != nil {
				return err
			}
		}
	}
	switch {
	case len(ids) == 0:
		io.Statusf("no task matches: nothing to forget")
	case len(doc.FilesDeleted) > 0:
		io.Statusf("%s %s; %s %s", verb, plural(len(ids), "task"), fverb, plural(len(doc.FilesDeleted), "file"))
	default:
		io.Statusf("%s %s (their outputs stay on disk%s)", verb, plural(len(ids), "task"), filesHint(o.Files))
	}
	return nil
}

func filesHint(files bool) string {
	if files {
		return ""
	}
	return "; --files deletes those still as downloaded"
}

// removeOwnSidecar deletes path's <file>.json when it is the provenance of this task.
func removeOwnSidecar(path, taskID string) {
	side := provenance.SidecarPath(path)
	b, err := os.ReadFile(side)
	if err != nil || !strings.Contains(string(b), `"task_id": "`+taskID+`"`) {
		return
	}
	_ = os.Remove(side)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
