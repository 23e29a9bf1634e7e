package tasks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/novita-cli/novita/cmd/cmdutil"
	"github.com/novita-cli/novita/cmd/factory"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/provenance"
)

// ShowOptions is what `novita tasks show` was asked to do.
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Finder *cmdutil.TaskFinder // over the read-only journal: show only looks, never creates or migrates
	Clock  clock.Clock
	JSON   bool
	Ref    string // an id, a unique prefix, or an output file
}

// NewCmdShow builds `novita tasks show <id>`; runF replaces the run function in tests.
func NewCmdShow(f *factory.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	finder := cmdutil.NewTaskFinder(f)
	finder.Journal = f.ReadJournal
	o := &ShowOptions{IO: f.IOStreams, Finder: finder, Clock: f.Clock}
	return &cobra.Command{
		Use:   "show <task-id|prefix|file>",
		Short: "Show everything the journal knows of one task",
		Long: `Show one task from the journal: the request as sent (large base64 inputs were not kept: their
sha256 and size stand in their place), the status history and who reported each status, the
files with whether each is still on disk and whether its download URL has expired, and the
webhook deliveries seen for it.

The task is named by its id, a unique prefix of it (6+ characters), or one of its output files:
found by its sha256 in the journal, or, for a file this journal never saw (from a colleague), by
the provenance embedded in it (--metadata embed) or in its <file>.json sidecar.

With --json, one document: the task's fields as in novita tasks --json, plus request,
history, events, elided_inputs, and per file exists, changed and url_expired.`,
		Example: `  $ novita tasks show 0b6e3f2a-8d9f-4c3e-9a51-7f2d1c9e4b10
  $ novita tasks show 0b6e3f
  $ novita tasks show cats/1.png
  $ novita tasks show "$(novita tasks --limit 1 --json | jq -r .task_id)" --json`,
		Args:              cmdutil.TaskIDArg(),
		ValidArgsFunction: cmdutil.TaskIDCompletion(f.Journal),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ref = strings.TrimSpace(args[0])
			if o.Ref == "" {
				return clierr.Usagef("empty task id: give one from novita tasks")
			}
			o.JSON = f.Globals.JSON
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runShow(cmd.Context(), o)
		},
	}
}

// Document is the --json output of `novita tasks show`.
type Document struct {
	journal.Detail
	ElidedInputs []journal.Elided `json:"elided_inputs,omitempty"`
	Files        []FileState      `json:"files"`
	// FoundBy says how the reference named the task: id, prefix, sha256 or metadata.
	FoundBy string `json:"found_by"`
	// Provenance is the record embedded in the file named, when the journal never saw its task.
	Provenance *provenance.Record `json:"provenance,omitempty"`
}

// FileState is a journalled output and what is true of it now.
type FileState struct {
	journal.FileRecord
	Exists     bool `json:"exists"`      // the file is at its path
	Changed    bool `json:"changed"`     // it exists with another size than was downloaded
	URLExpired bool `json:"url_expired"` // its download URL's expiry has passed (false when unknown)
}

func runShow(ctx context.Context, o *ShowOptions) error {
	ref, err := o.Finder.Find(ctx, o.Ref)
	if err != nil {
		return err
	}
	d, fromFile, err := o.Finder.Detail(ctx, ref)
	if err != nil {
		return err
	}
	doc := Document{Detail: d, Files: fileStates(d.Files, o.Clock.Now()), FoundBy: ref.Via}
	if fromFile {
		doc.Provenance = ref.Record
		o.IO.Statusf("this journal has never seen task %s: shown from the metadata in %s", iostreams.Safe(d.ID), iostreams.Safe(ref.Path))
	}
	doc.ElidedInputs, _ = journal.ElidedPaths(d.Request) // a stored request is JSON; nothing else is shown as elided
	if o.JSON {
		return iostreams.WriteJSON(o.IO.Out, doc)
	}
	return writeDetail(o.IO.Out, doc, o.Clock.Now())
}

func fileStates(files []journal.FileRecord, now time.Time) []FileState {
	out := make([]FileState, len(files))
	for i, fr := range files {
		s := FileState{FileRecord: fr}
		if fr.Path != "" {
			if info, err := os.Stat(fr.Path); err == nil && info.Mode().IsRegular() {
				s.Exists = true
				s.Changed = fr.Bytes > 0 && info.Size() != fr.Bytes
			}
		}
		s.URLExpired = !fr.URLExpiresAt.IsZero() && !now.Before(fr.URLExpiresAt)
		out[i] = s
	}
	return out
}

// fileLine is one file in words: where it is, whether it is still there, and how long its URL lasts.
func fileLine(s FileState, now time.Time) string {
	where := "not downloaded"
	if s.Path != "" {
		where = iostreams.Safe(s.Path)
		switch _, err := os.Stat(s.Path); {
		case s.Changed:
			where += "  (changed on disk since the download)"
		case s.Exists:
			where += fmt.Sprintf("  (on disk, %d bytes)", s.Bytes)
		case errors.Is(err, fs.ErrNotExist):
			where += "  (missing: moved or deleted)"
		default:
			where += "  (not a readable file)"
		}
	}
	return fmt.Sprintf("%s %d  %s  %s", iostreams.Safe(s.Kind), s.Index, where, urlState(s, now))
}

func urlState(s FileState, now time.Time) string {
	switch {
	case s.URLExpiresAt.IsZero():
		return "URL expiry unknown"
	case s.URLExpired:
		return "URL expired " + stamp(s.URLExpiresAt)
	}
	left := s.URLExpiresAt.Sub(now).Round(time.Minute)
	if left < time.Minute {
		return "URL expires in less than a minute"
	}
	return fmt.Sprintf("URL expires in %s", strings.TrimSuffix(left.String(), "0s"))
}
