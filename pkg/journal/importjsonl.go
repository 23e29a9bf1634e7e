package journal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// JSONLName is the first release's journal file, imported once into the database.
const JSONLName = "tasks.jsonl"

// ImportResult says what importing a tasks.jsonl did.
type ImportResult struct {
	From      string        // the file imported
	KeptAs    string        // its name now (tasks.jsonl.imported); "" when renaming failed
	RenameErr error         // why it could not be renamed (it is then skipped, already imported, next time)
	Records   int           // records imported
	Tasks     int           // distinct tasks among them
	Skipped   []SkippedLine // broken lines (a torn write), of which only the broken part was dropped
}

// SkippedLine is a line of tasks.jsonl that held no complete record, or a broken fragment before one.
type SkippedLine struct {
	Line int
	Err  error
}

// importJSONL imports dir's tasks.jsonl, if there is one, under the database's write lock, so of two
// processes starting at once only one imports. The file's hash is recorded with the data: a crash
// between the commit and the rename never imports the same file twice.
func importJSONL(ctx context.Context, db *sql.DB, dir string, now func() time.Time) (*ImportResult, error) {
	src := filepath.Join(dir, JSONLName)
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // the common case costs one stat
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	data, err := os.ReadFile(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // another process imported and renamed it while this one waited for the lock
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	key := "imported " + JSONLName + " sha256:" + hex.EncodeToString(sum[:])
	var seen string
	err = tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&seen)
	var res *ImportResult
	switch {
	case err == nil: // imported before; only the rename is left to do
	case errors.Is(err, sql.ErrNoRows):
		if res, err = importRecords(&wtx{ctx: ctx, q: tx}, data, now); err != nil {
			return nil, err
		}
		res.From = src
		value := fmt.Sprintf(`{"at":%q,"records":%d,"tasks":%d,"skipped":%d}`,
			now().UTC().Format(time.RFC3339), res.Records, res.Tasks, len(res.Skipped))
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, key, value); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	kept, err := keepImported(src)
	if res != nil {
		res.KeptAs, res.RenameErr = kept, err
	}
	return res, nil
}

// keepImported renames src to src.imported (or .imported.2, ... when an earlier one is there).
func keepImported(src string) (string, error) {
	for n := 1; n < 1000; n++ {
		dst := src + ".imported"
		if n > 1 {
			dst = fmt.Sprintf("%s.imported.%d", src, n)
		}
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		err := os.Rename(src, dst)
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil // another process renamed it first
		}
		if err != nil {
			return "", fmt.Errorf("rename %s to %s: %w", src, dst, err)
		}
		return dst, nil
	}
	return "", fmt.Errorf("rename %s: too many earlier imported copies beside it", src)
}

func importRecords(w *wtx, data []byte, now func() time.Time) (*ImportResult, error) {
	recs, skipped := parseJSONL(data)
	res := &ImportResult{Records: len(recs), Skipped: skipped}
	tasks := map[string]bool{}
	for _, r := range recs {
		tasks[r.TaskID] = true
		at := r.At
		if at.IsZero() {
			at = now()
		}
		source := SourceImport
		if r.Event == EventSubmitted {
			source = SourceSubmit
		}
		row := &taskRow{id: r.TaskID, task: r.Task, endpoint: r.Endpoint, baseURL: r.BaseURL, at: at,
			submittedAt: r.SubmittedAt, batchID: r.BatchID, line: r.Line, output: r.Output}
		// Paths stay as recorded: the directory a relative one was relative to is not known.
		if err := appendRecord(w, row, r.Status, r.Reason, source, r.Files); err != nil {
			return nil, fmt.Errorf("task %s: %w", r.TaskID, err)
		}
	}
	res.Tasks = len(tasks)
	return res, nil
}

// maxRecoveryTries bounds the search for a record glued after a broken fragment on one line.
const maxRecoveryTries = 64

// parseJSONL reads the records of a JSONL journal. A line that is not a record is skipped, except that
// a complete record glued after a torn fragment (an append after a crash mid-line) is kept.
func parseJSONL(data []byte) ([]Record, []SkippedLine) {
	var recs []Record
	var skipped []SkippedLine
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		r, err := parseRecord(line)
		if err == nil {
			recs = append(recs, r)
			continue
		}
		skipped = append(skipped, SkippedLine{Line: i + 1, Err: err})
		tries := 0
		for off := 1; off < len(line)-1 && tries < maxRecoveryTries; off++ {
			if line[off] != '{' || line[off+1] != '"' {
				continue
			}
			tries++
			if r, err := parseRecord(line[off:]); err == nil {
				recs = append(recs, r)
				skipped[len(skipped)-1].Err = fmt.Errorf("a broken fragment of %d bytes was dropped before a record", off)
				break
			}
		}
	}
	return recs, skipped
}

func parseRecord(line []byte) (Record, error) {
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return r, err
	}
	if r.TaskID == "" {
		return r, errors.New("no task_id")
	}
	return r, nil
}

// appendRecord merges one imported record into its task: non-empty fields win, a status or reason
// replaces both (with the rules of RecordStatus), files are upserted by kind and index.
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
