package journal

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// schemaOf is everything the migrations define, for comparing two databases.
func schemaOf(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	must(t, err)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, stmt string
		must(t, rows.Scan(&typ, &name, &stmt))
		fmt.Fprintf(&b, "%s %s: %s\n", typ, name, stmt)
	}
	must(t, rows.Err())
	return b.String()
}

// seedAt writes, with plain SQL, the data a database at schema version v can hold.
func seedAt(t *testing.T, db *sql.DB, v int) {
	t.Helper()
	exec := func(q string, args ...any) {
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("version %d: %s: %v", v, q, err)
		}
	}
	if v >= 1 {
		exec(`INSERT INTO tasks (id, task, submitted_at, updated_at, status, prompt, request, seed)
			VALUES ('old-1', 'txt2img', 1000, 2000, 'TASK_STATUS_SUCCEED', 'a red fox in the snow', '{"request":{"seed":7}}', 7)`)
	}
	if v >= 2 {
		exec(`INSERT INTO status_history (task, at, status, source) VALUES (1, 2000, 'TASK_STATUS_SUCCEED', 'poll')`)
		exec(`INSERT INTO files (task, kind, idx, path, bytes) VALUES (1, 'image', 1, '/p/fox.png', 9)`)
	}
	if v >= 3 {
		exec(`INSERT INTO events (received_at, task_id, status, body, body_bytes) VALUES (2000, 'old-1', 'TASK_STATUS_SUCCEED', X'7B7D', 2)`)
	}
}

// From an empty database and from every earlier version, opening the journal brings the schema to
// exactly what a fresh database has, keeps the data, and indexes older prompts for search.
func TestMigrationsFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	fresh, freshDir := openTest(t)
	_, err := fresh.List(ctx, Query{})
	must(t, err)
	want := schemaOf(t, rawDB(t, freshDir))
	last := len(migrations())
	for v := 0; v <= last; v++ {
		t.Run(fmt.Sprintf("from_v%d", v), func(t *testing.T) {
			j, dir := openTest(t)
			db := rawDB(t, dir)
			must(t, migrate(ctx, db, v))
			if got, _ := userVersion(ctx, db); got != v {
				t.Fatalf("set up at version %d, got %d", v, got)
			}
			seedAt(t, db, v)
			must(t, db.Close())

			found, err := j.List(ctx, Query{Text: "fox"})
			must(t, err)
			if got := schemaOf(t, rawDB(t, dir)); got != want {
				t.Errorf("schema after upgrade from %d differs from a fresh one:\n%s\nwant:\n%s", v, got, want)
			}
			if got, _ := userVersion(ctx, rawDB(t, dir)); got != last {
				t.Errorf("user_version %d, want %d", got, last)
			}
			if v == 0 {
				if len(found) != 0 {
					t.Errorf("empty database found %+v", found)
				}
				return
			}
			if len(found) != 1 || found[0].ID != "old-1" || *found[0].Seed != 7 {
				t.Fatalf("the task written at version %d is not found by its prompt: %+v", v, found)
			}
			d, ok, err := j.Get(ctx, "old-1")
			must(t, err)
			if !ok || (v >= 2 && (len(d.Files) != 1 || len(d.History) != 1)) || (v >= 3 && len(d.Events) != 1) {
				t.Errorf("data written at version %d after the upgrade: %+v", v, d)
			}
			// The triggers work on the upgraded database too.
			must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "new-1", Request: []byte(`{"prompt":"a fox kit"}`)}))
			if found, _ := j.List(ctx, Query{Text: "fox"}); len(found) != 2 {
				t.Errorf("after a new task, fox finds %d tasks, want 2", len(found))
			}
		})
	}
}

// A database a newer novita migrated further is refused with a message that says what to do, and left
// untouched.
func TestNewerSchemaIsRefused(t *testing.T) {
	j, dir := openTest(t)
	must(t, j.RecordSubmitted(context.Background(), Submitted{TaskID: "t"}))
	must(t, j.Close()) // the next call opens the database again, and finds the newer schema
	db := rawDB(t, dir)
	future := len(migrations()) + 1
	_, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", future))
	must(t, err)
	must(t, db.Close())
	_, err = j.List(context.Background(), Query{})
	if err == nil || !strings.Contains(err.Error(), "upgrade novita") || !strings.Contains(err.Error(), DBName) {
		t.Fatalf("err = %v, want a refusal naming the file and the fix", err)
	}
	if got, _ := userVersion(context.Background(), rawDB(t, dir)); got != future {
		t.Errorf("user_version changed to %d", got)
	}
}
