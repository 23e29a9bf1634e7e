// Package tasks is the `novita tasks` command: the journal of tasks submitted from this machine, searched
// and filtered in the database (never read whole), and `novita tasks show <id>` for everything known of one.
package tasks

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
)

// Options is what `novita tasks` was asked to do.
type Options struct {
	IO    *iostreams.IOStreams
	Clock clock.Clock
	JSON  bool
	// ReadJournal lists (opened read-only); Journal is the journal --db-path creates and the count of
	// gone --sandbox tasks reads.
	ReadJournal, Journal func() *journal.Journal

	Text    string   // full-text search over prompts (the QUERY words)
	Status  []string // as typed: SUCCEED, failed, TASK_STATUS_QUEUED, ...
	Task    string
	Since   string // 2d, 12h, 2026-11-30, ...
	BatchID string
	Pending bool
	Limit   int
	DBPath  bool
}

// NewCmdTasks builds `novita tasks` and its `show` subcommand; runF replaces the run function in tests.
func NewCmdTasks(f *factory.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Clock: f.Clock, ReadJournal: f.ReadJournal, Journal: f.Journal}
	cmd := &cobra.Command{
		Use:   "tasks [QUERY]",
		Short: "List and search the tasks submitted from this machine, newest first",
		Long: `List the journal of tasks submitted from this machine, newest first: id, task, last known
status, submission time, files saved and the start of the prompt.

QUERY searches the prompts (full-text: every word must match, "fox*" matches a prefix).
The filters combine: --status (repeatable or comma-separated: SUCCEED, FAILED, QUEUED,
PROCESSING), --task, --since (30m, 12h, 2d, 1w or a date such as 2026-11-30), --batch and
--pending (tasks never seen to end: resume them with novita wait <id>).

With --json, one JSON object per task and per line (NDJSON), with the fields task_id, task,
endpoint, base_url, submitted_at, ended_at, updated_at, status, reason, task_type, batch_id,
line, output, prompt, seed, elapsed_ms, delivered_by and files (kind, index, path, bytes,
sha256, url_expires_at; a file without a path was not downloaded). No task, no line.

The journal is a SQLite database ($XDG_STATE_HOME/novita/novita.db, or in $NOVITA_STATE_DIR):
--db-path prints its path, for sqlite3 or Datasette.`,
		Example: `  $ novita tasks
  $ novita tasks fox --since 2d
  $ novita tasks --status failed,queued --task txt2img --limit 0
  $ novita tasks --pending
  $ novita tasks --batch b-1a2b3c4d5e --json | jq -r .task_id
  $ sqlite3 "$(novita tasks --db-path)" 'select count(*) from tasks'`,
		Args: cmdutil.UsageArgs(cobra.ArbitraryArgs),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"show\tshow everything known of one task", "rm\tforget tasks", "prune\tforget the tasks a filter selects"},
				cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Text = strings.Join(args, " ")
			if o.DBPath && (len(args) > 0 || anyChanged(cmd, "status", "task", "since", "batch", "pending", "limit")) {
				return clierr.Usagef("--db-path prints the database's path: give it without a query or filters")
			}
			o.JSON = f.Globals.JSON // parsed by now
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			if o.DBPath {
				return runDBPath(cmd.Context(), o)
			}
			return runList(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&o.Status, "status", nil, "only tasks with this last status: SUCCEED, FAILED, QUEUED, PROCESSING (repeatable, or comma-separated)")
	fl.StringVar(&o.Task, "task", "", "only tasks of this catalog task (txt2img, wan-t2v, ...)")
	fl.StringVar(&o.Since, "since", "", "only tasks submitted since: a duration back from now (30m, 12h, 2d, 1w) or a date (2026-11-30)")
	fl.StringVar(&o.BatchID, "batch", "", "only the tasks of this batch")
	fl.BoolVar(&o.Pending, "pending", false, "only tasks never seen to end (resume with: novita wait <id>)")
	fl.IntVar(&o.Limit, "limit", 20, "show at most N tasks (0 = all)")
	fl.BoolVar(&o.DBPath, "db-path", false, "print the path of the journal database (for sqlite3) and exit")
	_ = cmd.RegisterFlagCompletionFunc("status", cmdutil.FixedCompletions("SUCCEED", "FAILED", "QUEUED", "PROCESSING"))
	_ = cmd.RegisterFlagCompletionFunc("task", taskCompletion)
	cmdutil.NoFileCompletions(cmd, "since", "batch", "limit")
	cmd.AddCommand(NewCmdShow(f, nil), NewCmdRm(f, nil), NewCmdPrune(f, nil))
	return cmd
}

func anyChanged(cmd *cobra.Command, names ...string) bool {
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			return true
		}
	}
	return false
}

// runList prints the tasks the filters select: a table, or NDJSON with --json.
func runList(ctx context.Context, o *Options) error {
	io := o.IO
	q, err := o.query()
	if err != nil {
		return err
	}
	limit := q.Limit
	if limit > 0 {
		q.Limit = limit + 1 // one more says whether there are more
	}
	tasks, err := o.ReadJournal().List(ctx, q)
	if err != nil {
		return err
	}
	more := limit > 0 && len(tasks) > limit
	if more {
		tasks = tasks[:limit]
	}
	if o.JSON {
		for _, t := range tasks {
			if err := iostreams.WriteJSONLine(io.Out, t); err != nil {
				return err
			}
		}
		return nil
	}
	if o.Pending {
		defer cmdutil.SayGoneSandbox(ctx, o.Journal(), io)
	}
	if len(tasks) == 0 {
		io.Statusf("%s", o.nothingFound())
		return nil
	}
	if err := writeTable(io, tasks); err != nil {
		return err
	}
	if more {
		io.Statusf("showing the newest %d; --limit 0 shows all, --limit N more", limit)
	}
	if o.Pending {
		io.Statusf("resume a task with: novita wait <id> (see its details with: novita tasks show <id>)")
	}
	return nil
}

// nothingFound says why the list is empty in words that point at the next step.
func (o *Options) nothingFound() string {
	if o.Text == "" && len(o.Status) == 0 && o.Task == "" && o.Since == "" && o.BatchID == "" && !o.Pending {
		return "no tasks yet (submit one with: novita submit txt2img --prompt \"...\")"
	}
	if o.Pending {
		return "no pending tasks: every task submitted from this machine was seen to end"
	}
	return "no task matches"
}

// promptWidth is how much of a prompt the table shows.
const promptWidth = 48

func writeTable(io *iostreams.IOStreams, tasks []journal.Task) error {
	cs := io.ColorScheme()
	tb := iostreams.NewTable(iostreams.Column{Header: "TASK ID", Keep: true}, iostreams.Column{Header: "TASK"},
		iostreams.Column{Header: "STATUS", Keep: true}, iostreams.Column{Header: "SUBMITTED", Keep: true},
		iostreams.Column{Header: "FILES"}, iostreams.Column{Header: "PROMPT"})
	for _, t := range tasks {
		status := ShortStatus(t.Status)
		switch {
		case strings.HasSuffix(t.Status, "SUCCEED"):
			status = cs.Green(status)
		case strings.HasSuffix(t.Status, "FAILED"):
			status = cs.Red(status)
		}
		tb.Row(iostreams.Safe(t.ID), dash(iostreams.Safe(t.Name)), status,
			stamp(t.SubmittedAt), filesCell(t.Files), Excerpt(t.Prompt, promptWidth))
	}
	return tb.Render(io.Out, io.TableWidth())
}

// ShortStatus is a status without its TASK_STATUS_ prefix, escaped; SUBMITTED when none was seen.
func ShortStatus(s string) string {
	if s == "" {
		return "SUBMITTED"
	}
	return iostreams.Safe(strings.TrimPrefix(s, "TASK_STATUS_"))
}

// filesCell counts the files saved; "1/2" when the journal knows of outputs that were not downloaded.
func filesCell(files []journal.FileRecord) string {
	saved := 0
	for _, f := range files {
		if f.Path != "" {
			saved++
		}
	}
	if saved == len(files) {
		return fmt.Sprint(saved)
	}
	return fmt.Sprintf("%d/%d", saved, len(files))
}

// Excerpt is the start of a prompt on one line: runs of white space become one space, at most width
// characters are kept (an ellipsis says so), and control characters are escaped.
func Excerpt(s string, width int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > width {
		r := []rune(s)
		s = strings.TrimRight(string(r[:width-1]), " ") + "…"
	}
	return dash(iostreams.Safe(s))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// runDBPath prints the database's absolute path, creating the database (and importing an old
// tasks.jsonl) first, so that sqlite3 opens the journal rather than a new empty file.
func runDBPath(ctx context.Context, o *Options) error {
	io := o.IO
	j := o.Journal()
	if _, err := j.List(ctx, journal.Query{Limit: 1}); err != nil {
		return err
	}
	path, err := filepath.Abs(j.Path)
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.Path, err)
	}
	if o.JSON {
		return iostreams.WriteJSON(io.Out, map[string]string{"db_path": path})
	}
	_, err = fmt.Fprintln(io.Out, path)
	return err
}
