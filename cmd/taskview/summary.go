package taskview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/novita-cli/novita/pkg/batch"
	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/lifecycle"
)

// OutcomeInvalid marks a line left out with --skip-invalid.
const OutcomeInvalid batch.Outcome = "invalid"

// Row is one line of the end-of-batch summary.
type Row struct {
	Line    int
	ID      string
	Outcome batch.Outcome
	Detail  string // files, or the reason it did not succeed
	// Doc, for a line over before this run, is its --json document as the journal knows it.
	Doc *lifecycle.Document
}

func (v *BatchView) rows(results []batch.Result) []Row {
	rows := append([]Row(nil), v.Earlier...)
	for _, iv := range v.Skipped {
		rows = append(rows, Row{Line: iv.Line, Outcome: OutcomeInvalid, Detail: strings.Join(Problems(iv.Err), "; ")})
	}
	for _, r := range results {
		row := Row{Line: r.Line, ID: r.TaskID, Outcome: r.Outcome}
		doc, _ := r.Data.(*lifecycle.Document)
		switch {
		case r.Outcome == batch.Pending && r.Err != nil:
			row.Detail = "ended, outputs not downloaded: " + r.Err.Error()
		case r.Err != nil:
			row.Detail = r.Err.Error()
		case doc != nil && r.Outcome == batch.Failed:
			row.Detail = lifecycle.OrUnknown(doc.Reason)
		case doc != nil:
			paths := make([]string, len(doc.Files))
			for i, f := range doc.Files {
				paths[i] = f.Path
			}
			row.Detail = strings.Join(paths, ", ")
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].Line < rows[b].Line })
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
// batch) and a count line, under the run's name.
func writeSummary(w io.Writer, name string, rows []Row) {
	shown, hidden := rows, 0
	var unsent []int // in a big batch, one line for them all: a stop can leave thousands
	if len(rows) > summaryFullRows {
		shown = nil
		for _, r := range rows {
			switch r.Outcome {
			case batch.Succeeded:
				hidden++
			case batch.NotSubmitted:
				unsent = append(unsent, r.Line)
			default:
				shown = append(shown, r)
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	lines := hasLines(rows)
	if len(shown) > 0 && lines {
		fmt.Fprintln(tw, "LINE\tTASK ID\tSTATUS\tFILES / REASON")
	} else if len(shown) > 0 {
		fmt.Fprintln(tw, "TASK ID\tSTATUS\tFILES / REASON")
	}
	for _, r := range shown {
		if lines {
			fmt.Fprintf(tw, "%s\t", lineCell(r.Line))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", iostreams.Safe(dash(r.ID)), statusWord(r.Outcome), iostreams.Safe(r.Detail))
	}
	_ = tw.Flush()
	if hidden > 0 {
		unit := "line"
		if !lines {
			unit = "task"
		}
		fmt.Fprintf(w, "(%s not listed; --json prints a document for every %s)\n", iostreams.Count(hidden, "succeeded "+unit), unit)
	}
	if len(unsent) > 0 {
		fmt.Fprintf(w, "(%s not submitted: %s)\n", iostreams.Count(len(unsent), "line"), linesWord(unsent))
	}
	fmt.Fprintf(w, "%s: %s\n", name, countWords(rows))
}

// lineCell is a row's line number; a task that came from no batch file has none.
func lineCell(line int) string {
	if line <= 0 {
		return "-"
	}
	return strconv.Itoa(line)
}

func countWords(rows []Row) string {
	n := map[batch.Outcome]int{}
	for _, r := range rows {
		n[r.Outcome]++
	}
	unit := "task"
	if hasLines(rows) {
		unit = "line"
	}
	parts := []string{iostreams.Count(len(rows), unit)}
	for _, o := range []batch.Outcome{batch.Succeeded, batch.Failed, batch.Errored, batch.Submitted, batch.Pending, batch.NotSubmitted, OutcomeInvalid} {
		if n[o] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[o], o))
		}
	}
	return strings.Join(parts, ", ")
}

// exitError turns the batch's outcome into the exit code: 130 interrupted, 5 timed out (both with the
// resume command), the stop cause (a rejected key: 4), 1 when a line hit an error, 3 when a task failed.
// Lines skipped with --skip-invalid were warned about and do not change it; nor do lines a resume
// found never submitted (the resume warned about them). Counts of tasks count tasks, not lines.
func (v *BatchView) exitError(ctx context.Context, rows []Row, runErr error) error {
	var failed, errored []Row
	var notSent, invalid []int
	var pending []string
	tasks := 0
	for _, r := range rows {
		if r.ID != "" {
			tasks++
		}
		switch r.Outcome {
		case batch.Failed:
			failed = append(failed, r)
		case batch.Errored:
			errored = append(errored, r)
		case batch.NotSubmitted:
			notSent = append(notSent, r.Line)
		case OutcomeInvalid:
			invalid = append(invalid, r.Line)
		case batch.Pending:
			pending = append(pending, r.ID)
		}
	}
	name := v.name()
	about := func(err error) error { return clierr.About(err, clierr.Subject{BatchID: v.ID}) }
	hint := v.Advice.resume(v.resumeCommand())
	unsent := ""
	if len(notSent) > 0 {
		verb := "were"
		if len(notSent) == 1 {
			verb = "was"
		}
		unsent = fmt.Sprintf("; %s %s not submitted (submit them again)", linesWord(notSent), verb)
	}
	stopped := func(what string) string {
		msg := fmt.Sprintf("%s %s: %s still pending", name, what, iostreams.Count(len(pending), "task"))
		if len(pending) > 0 {
			msg += " (" + idList(pending) + "); they may still be running"
		}
		return msg + unsent
	}
	switch {
	case runErr != nil && (ctx.Err() != nil || errors.Is(runErr, context.Canceled)):
		return about(clierr.WithHint(clierr.KindInterrupted, errors.New(stopped("interrupted")), hint))
	case errors.Is(runErr, batch.ErrTimeout):
		return about(clierr.WithHint(clierr.KindTimeout, errors.New(stopped(fmt.Sprintf("timed out after %s", v.Timeout))), hint))
	case runErr != nil:
		return about(clierr.WithHint(clierr.KindOf(runErr), fmt.Errorf("%s stopped: %w", name, runErr), hint))
	}
	if len(invalid) > 0 {
		unsent += fmt.Sprintf("; %s skipped (%s)", iostreams.Count(len(invalid), "invalid line"), linesWord(invalid))
	}
	var err error
	switch {
	case len(errored) > 0:
		msg := fmt.Sprintf("%s: %d of %s did not complete (%s)", name, len(errored), iostreams.Count(len(rows)-len(invalid), v.unit()), v.which(errored))
		if len(failed) > 0 {
			msg += fmt.Sprintf("; %d of %s failed (%s)", len(failed), iostreams.Count(tasks, "task"), v.which(failed))
		}
		err = clierr.New(clierr.KindGeneric, errors.New(msg+unsent))
	case len(failed) > 0:
		err = clierr.New(clierr.KindTaskFailed, fmt.Errorf("%s: %d of %s failed (%s)%s", name, len(failed), iostreams.Count(tasks, "task"), v.which(failed), unsent))
	default:
		return nil
	}
	err = about(err)
	if v.JSON {
		err = clierr.Reported(err) // every line has its document on stdout already
	}
	return err
}

// unit is what the rows are: the lines of one batch file, or tasks from anywhere (wait --pending).
func (v *BatchView) unit() string {
	if v.ID == "" {
		return "task"
	}
	return "line"
}

// which names rows in a message: "lines 3, 7-9" in a batch, else their task ids.
func (v *BatchView) which(rows []Row) string {
	if v.ID == "" {
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		return idList(ids)
	}
	lines := make([]int, len(rows))
	for i, r := range rows {
		lines[i] = r.Line
	}
	return linesWord(lines)
}

// linesWord names batch lines: "line 3", "lines 3, 7-9".
func linesWord(lines []int) string {
	return iostreams.Plural(len(lines), "line") + " " + LineList(lines)
}

// hasLines tells rows of a batch file (they have line numbers) from tasks gathered elsewhere
// (wait --pending), where batch words (LINE, lines) mean nothing.
func hasLines(rows []Row) bool {
	for _, r := range rows {
		if r.Line > 0 {
			return true
		}
	}
	return false
}

func idList(ids []string) string {
	const show = 10
	if len(ids) <= show {
		return strings.Join(ids, " ")
	}
	return strings.Join(ids[:show], " ") + fmt.Sprintf(" and %d more", len(ids)-show)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// lineOrder prints task ids in line order as soon as every line before them is settled.
type lineOrder struct {
	lines []int // ascending
	ids   map[int]string
	seen  map[int]bool
	next  int
}

func newLineOrder(lines []int) *lineOrder {
	sort.Ints(lines)
	return &lineOrder{lines: lines, ids: map[int]string{}, seen: map[int]bool{}}
}

func (o *lineOrder) done(w io.Writer, line int, id string) {
	o.seen[line], o.ids[line] = true, id
	for o.next < len(o.lines) && o.seen[o.lines[o.next]] {
		if id := o.ids[o.lines[o.next]]; id != "" {
			fmt.Fprintln(w, iostreams.Safe(id))
		}
		o.next++
	}
}

// flush prints what is left after a stop (lines after one that was never sent).
func (o *lineOrder) flush(w io.Writer) {
	for ; o.next < len(o.lines); o.next++ {
		if id := o.ids[o.lines[o.next]]; id != "" {
			fmt.Fprintln(w, iostreams.Safe(id))
		}
	}
}

// LineList renders line numbers compactly: "3, 7, 10-15".
func LineList(lines []int) string {
	sort.Ints(lines)
	var parts []string
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.Itoa(lines[i])+"-"+strconv.Itoa(lines[j]))
		} else {
			parts = append(parts, strconv.Itoa(lines[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
