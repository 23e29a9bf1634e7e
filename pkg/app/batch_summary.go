package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
)

// outcomeInvalid marks a line left out with --skip-invalid.
const outcomeInvalid batch.Outcome = "invalid"

// batchRow is one line of the end-of-batch summary.
type batchRow struct {
	line    int
	id      string
	outcome batch.Outcome
	detail  string // files, or the reason it did not succeed
}

func (rn *batchRun) rows(results []batch.Result) []batchRow {
	rows := append([]batchRow(nil), rn.earlier...)
	for _, iv := range rn.skipped {
		rows = append(rows, batchRow{line: iv.line, outcome: outcomeInvalid, detail: iv.err.Error()})
	}
	for _, r := range results {
		row := batchRow{line: r.Line, id: r.TaskID, outcome: r.Outcome}
		doc, _ := r.Data.(*Document)
		switch {
		case r.Outcome == batch.Pending && r.Err != nil:
			row.detail = "ended, outputs not downloaded: " + r.Err.Error()
		case r.Err != nil:
			row.detail = r.Err.Error()
		case doc != nil && r.Outcome == batch.Failed:
			row.detail = orUnknown(doc.Reason)
		case doc != nil:
			paths := make([]string, len(doc.Files))
			for i, f := range doc.Files {
				paths[i] = f.Path
			}
			row.detail = strings.Join(paths, ", ")
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].line < rows[b].line })
	return rows
}

func statusWord(o batch.Outcome) string {
	switch o {
	case batch.Succeeded:
		return "SUCCEED"
	case batch.Failed:
		return "FAILED"
	case batch.Errored:
		return "ERROR"
	}
	return strings.ToUpper(string(o))
}

// summaryFullRows is how many lines a batch may have before the summary lists only the lines that
// did not succeed: a thousand-row table on stderr hides what needs attention.
const summaryFullRows = 50

// writeSummary prints the table of the lines (all of them, or the ones that did not succeed in a big
// batch) and a count line.
func writeSummary(w io.Writer, id string, rows []batchRow) {
	shown, hidden := rows, 0
	if len(rows) > summaryFullRows {
		shown = nil
		for _, r := range rows {
			if r.outcome == batch.Succeeded {
				hidden++
				continue
			}
			shown = append(shown, r)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(shown) > 0 {
		fmt.Fprintln(tw, "LINE\tTASK ID\tSTATUS\tFILES / REASON")
	}
	for _, r := range shown {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", r.line, dash(r.id), statusWord(r.outcome), r.detail)
	}
	_ = tw.Flush()
	if hidden > 0 {
		fmt.Fprintf(w, "(%d succeeded lines not listed; --json prints a document for every line)\n", hidden)
	}
	fmt.Fprintf(w, "batch %s: %s\n", id, countWords(rows))
}

func countWords(rows []batchRow) string {
	n := map[batch.Outcome]int{}
	for _, r := range rows {
		n[r.outcome]++
	}
	parts := []string{fmt.Sprintf("%d lines", len(rows))}
	for _, o := range []batch.Outcome{batch.Succeeded, batch.Failed, batch.Errored, batch.Submitted, batch.Pending, batch.NotSubmitted, outcomeInvalid} {
		if n[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[o], o))
		}
	}
	return strings.Join(parts, ", ")
}

// exitError turns the batch's outcome into the exit code: 130 interrupted, 5 timed out (both with the
// resume command), the stop cause (a rejected key: 4), 1 when a line hit an error, 3 when a task failed.
// Lines skipped with --skip-invalid were warned about and do not change it.
func (rn *batchRun) exitError(ctx context.Context, rows []batchRow, runErr error) error {
	var failed, errored, notSent []int
	var pending []string
	for _, r := range rows {
		switch r.outcome {
		case batch.Failed:
			failed = append(failed, r.line)
		case batch.Errored:
			errored = append(errored, r.line)
		case batch.NotSubmitted:
			notSent = append(notSent, r.line)
		case batch.Pending:
			pending = append(pending, r.id)
		}
	}
	hint := "resume with: novita wait --batch " + rn.id
	stopped := func(what string) string {
		msg := fmt.Sprintf("batch %s %s: %d tasks still pending", rn.id, what, len(pending))
		if len(pending) > 0 {
			msg += " (" + idList(pending) + "); they may still be running"
		}
		if len(notSent) > 0 {
			msg += fmt.Sprintf("; lines %s were not submitted (submit them again)", lineList(notSent))
		}
		return msg
	}
	switch {
	case runErr != nil && (ctx.Err() != nil || errors.Is(runErr, context.Canceled)):
		return clierr.WithHint(clierr.KindInterrupted, errors.New(stopped("interrupted")), hint)
	case errors.Is(runErr, batch.ErrTimeout):
		return clierr.WithHint(clierr.KindTimeout, errors.New(stopped(fmt.Sprintf("timed out after %s", rn.timeout))), hint)
	case runErr != nil:
		return clierr.WithHint(clierr.KindOf(runErr), fmt.Errorf("batch %s stopped: %w", rn.id, runErr), hint)
	}
	var err error
	switch {
	case len(errored) > 0:
		msg := fmt.Sprintf("batch %s: %d of %d lines did not complete (lines %s)", rn.id, len(errored), len(rows), lineList(errored))
		if len(failed) > 0 {
			msg += fmt.Sprintf("; %d tasks failed (lines %s)", len(failed), lineList(failed))
		}
		err = clierr.New(clierr.KindGeneric, errors.New(msg))
	case len(failed) > 0:
		err = clierr.New(clierr.KindTaskFailed, fmt.Errorf("batch %s: %d of %d tasks failed (lines %s)", rn.id, len(failed), len(rows), lineList(failed)))
	default:
		return nil
	}
	if rn.e.JSON {
		err = clierr.Reported(err) // every line has its document on stdout already
	}
	return err
}

func idList(ids []string) string {
	const show = 10
	if len(ids) <= show {
		return strings.Join(ids, " ")
	}
	return strings.Join(ids[:show], " ") + fmt.Sprintf(" and %d more", len(ids)-show)
}
