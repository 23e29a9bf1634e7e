package journal

import (
	"context"
	"database/sql"
	"strings"
)

// IDsWithPrefix returns up to limit ids that start with prefix, in id order (the unique index on id
// serves the range).
func (j *Journal) IDsWithPrefix(ctx context.Context, prefix string, limit int) ([]string, error) {
	var out []string
	err := j.read(func(db *sql.DB) error {
		var err error
		out, err = scanStrings(ctx, db, `SELECT id FROM tasks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?`,
			prefix, prefix+"\U0010FFFF", limit)
		return err
	})
	return out, err
}

// IDsWithFile returns the tasks with a file whose sha256, as delivered or as it is now, is sum.
func (j *Journal) IDsWithFile(ctx context.Context, sum string) ([]string, error) {
	sum = strings.ToLower(strings.TrimSpace(sum))
	var out []string
	err := j.read(func(db *sql.DB) error {
		var err error
		out, err = scanStrings(ctx, db, `SELECT DISTINCT t.id FROM files f JOIN tasks t ON t.seq = f.task
			WHERE (f.sha256 = ?1 AND f.sha256 != '') OR (f.delivered_sha256 = ?1 AND f.delivered_sha256 != '')
			ORDER BY t.seq DESC`, sum)
		return err
	})
	return out, err
}

// CountSandboxUnended is how many tasks of in-process sandboxes were never seen to end: they are not
// pending, since their simulator is gone.
func (j *Journal) CountSandboxUnended(ctx context.Context) (int, error) {
	var n int
	err := j.read(func(db *sql.DB) error {
		return db.QueryRowContext(ctx, `SELECT count(*) FROM tasks WHERE ended_at IS NULL AND sandbox = 1`).Scan(&n)
	})
	return n, err
}

// Remove forgets the tasks ids (their status history, files and webhook events with them) in one
// transaction, and says how many it found.
func (j *Journal) Remove(ctx context.Context, ids []string) (int, error) {
	n := 0
	err := j.write(ctx, "forget tasks in", func(w *wtx) error {
		n = 0
		for _, id := range ids {
			var seq int64
			switch err := w.scan(`DELETE FROM tasks WHERE id = ? RETURNING seq`, []any{id}, &seq); err {
			case nil:
				n++
			case sql.ErrNoRows:
				continue
			default:
				return err
			}
			if err := w.exec(`DELETE FROM events WHERE task_id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func scanStrings(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
