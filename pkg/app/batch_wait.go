package app

import (
	"context"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
)

// WaitBatchOptions is what `novita wait --batch <id>` was asked to do.
type WaitBatchOptions struct {
	BatchID     string
	Timeout     time.Duration
	Download    DownloadFlags
	Concurrency int // reads and downloads in flight; 0 = 4
	// ProgressEvery is the period of the plain progress lines; 0 = 5s.
	ProgressEvery time.Duration
}

// RunWaitBatch resumes a batch from the journal: it waits (by polling) for its tasks with no final
// status and downloads the outputs of succeeded tasks that have no files yet. The summary and the exit
// code cover every journalled line of the batch, including those that were over before.
func RunWaitBatch(ctx context.Context, e *Env, o WaitBatchOptions) error {
	id := strings.TrimSpace(o.BatchID)
	var entries []journal.Entry
	for _, en := range e.journalEntries() {
		if en.BatchID == id {
			entries = append(entries, en)
		}
	}
	if len(entries) == 0 {
		return clierr.Usagef("the journal has no tasks of batch %q (batch ids are printed when a batch starts; see: novita tasks)", id)
	}
	if err := e.NeedKey(); err != nil {
		return err
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	rn := e.newBatchRun(id, o.Download, o.Timeout, o.Concurrency, o.ProgressEvery, true)
	tmpl, err := e.template(o.Download.Output)
	if err != nil {
		return err
	}
	rn.defaultTask("task", tmpl)
	var items []batch.Item
	warned := false
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		en := entries[i]
		if row, over := journalRow(en, o.Download.NoDownload); over {
			rn.earlier = append(rn.earlier, row)
			continue
		}
		if en.Task != "" {
			rn.perTask[en.TaskID] = en.Task
		}
		if o.Download.Output == "" && en.Output != "" {
			t, err := e.template(en.Output)
			if err != nil {
				return err
			}
			rn.perTmpl[en.TaskID] = t
		}
		if en.BaseURL != "" && en.BaseURL != e.BaseURL && !warned {
			e.IO.Warnf("batch %s was submitted to %s, but the API base URL is now %s", id, en.BaseURL, e.BaseURL)
			warned = true
		}
		items = append(items, batch.Item{Line: en.Line, TaskID: en.TaskID})
	}
	e.IO.Statusf("batch %s: %d of %d tasks to wait for or download (%d already over)", id, len(items), len(entries), len(rn.earlier))
	return rn.run(ctx, rn.config(), items)
}

// journalRow tells whether a journalled task needs nothing more, and its summary row.
func journalRow(en journal.Entry, noDownload bool) (batchRow, bool) {
	row := batchRow{line: en.Line, id: en.TaskID}
	switch novita.Status(en.Status) {
	case novita.StatusFailed:
		row.outcome, row.detail = batch.Failed, orUnknown(en.Reason)
		return row, true
	case novita.StatusSucceed:
		if len(en.Files) == 0 && !noDownload {
			return row, false
		}
		paths := make([]string, len(en.Files))
		for i, f := range en.Files {
			paths[i] = f.Path
		}
		row.outcome, row.detail = batch.Succeeded, strings.Join(paths, ", ")
		return row, true
	}
	return row, false
}
