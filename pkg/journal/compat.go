package journal

import (
	"context"
	"database/sql"
	"fmt"
)

// Append merges one record into its task, the first release's way of writing: non-empty fields win, a
// status or reason replaces both (with the rules of RecordStatus), files are upserted by kind and index
// with relative paths made absolute. It is durable when it returns, and leaves the database closed
// unless something else holds it open.
func (j *Journal) Append(r Record) error {
	if r.TaskID == "" {
		return fmt.Errorf("journal: a record without a task id")
	}
	files, err := absolute(r.Files)
	if err != nil {
		return err
	}
	row := taskRow{id: r.TaskID, task: r.Task, endpoint: r.Endpoint, baseURL: r.BaseURL, at: r.At,
		submittedAt: r.SubmittedAt, batchID: r.BatchID, line: r.Line, output: r.Output}
	return j.write(context.Background(), false, "record task "+r.TaskID+" in", func(w *wtx) error {
		return appendRecord(w, j.fill(&row), r.Status, r.Reason, sourceOf(r.Event), files)
	})
}

func appendRecord(w *wtx, row *taskRow, status, reason, source string, files []FileRecord) error {
	seq, err := upsertTask(w, row)
	if err != nil {
		return err
	}
	if err := applyStatus(w, seq, StatusUpdate{At: row.at, Status: status, Reason: reason, Source: source}); err != nil {
		return err
	}
	return upsertFiles(w, seq, files)
}

// sourceOf says who a first-release record's status came from: the submit, or a wait (poll or webhook,
// which those records did not tell apart).
func sourceOf(event string) string {
	if event == EventSubmitted {
		return SourceSubmit
	}
	return ""
}

// Entries returns every task, newest first (see Query), in the first release's shape: only downloaded
// files are listed. warn hears about the broken lines of a tasks.jsonl this call imported (unless
// OnImport is set); it is never called otherwise.
func (j *Journal) Entries(warn func(line int, err error)) ([]Entry, error) {
	var ts []Task
	err := j.compatRead(warn, func(db *sql.DB) (err error) {
		ts, err = listTasks(context.Background(), db, Query{})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(ts))
	for i, t := range ts {
		out[i] = entryOf(t)
	}
	return out, nil
}

// Find returns the entry for id.
func (j *Journal) Find(id string) (Entry, bool, error) {
	var ts []Task
	err := j.compatRead(nil, func(db *sql.DB) (err error) {
		ts, err = queryTasks(context.Background(), db, "SELECT "+taskColumns+" FROM tasks t WHERE t.id = ?", id)
		return err
	})
	if err != nil || len(ts) == 0 {
		return Entry{}, false, err
	}
	return entryOf(ts[0]), true, nil
}

func (j *Journal) compatRead(warn func(int, error), fn func(*sql.DB) error) error {
	db, release, imported, err := j.acquire(false)
	if err != nil {
		return err
	}
	defer release()
	if imported != nil && j.OnImport == nil && warn != nil {
		for _, s := range imported.Skipped {
			warn(s.Line, s.Err)
		}
	}
	if err := fn(db); err != nil {
		return wrapErr(j.Path, "read", err)
	}
	return nil
}

func entryOf(t Task) Entry {
	e := Entry{TaskID: t.ID, Task: t.Name, Endpoint: t.Endpoint, BaseURL: t.BaseURL, SubmittedAt: t.SubmittedAt,
		Status: t.Status, Reason: t.Reason, BatchID: t.BatchID, Line: t.Line, Output: t.Output, UpdatedAt: t.UpdatedAt}
	for _, f := range t.Files {
		if f.Path != "" {
			e.Files = append(e.Files, f)
		}
	}
	return e
}
