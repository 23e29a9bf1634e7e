package journal

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"
)

// childEnv makes the test binary act as another CLI process writing the journal (see runChild).
const childEnv = "NOVITA_JOURNAL_TEST_CHILD"

func TestMain(m *testing.M) {
	testmain.SkipRaceExitPause() // children too: each would pay the race runtime's pause
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	// Every database a test opens must be closed with it: database/sql goroutines would show here.
	testmain.Main(m)
}

// runChild is a separate OS process: "write" records JOURNAL_N tasks named JOURNAL_NAME-i (every tenth
// also ends, with a file) and says whether it imported a tasks.jsonl; "hold" records one task, says so, and waits to be killed.
func runChild(mode string) int {
	dir := os.Getenv("JOURNAL_DIR")
	ctx := context.Background()
	j := Open(dir)
	imported := 0
	j.OnImport = func(ImportResult) { imported++ }
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	switch mode {
	case "write":
		n, _ := strconv.Atoi(os.Getenv("JOURNAL_N"))
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("%s-%04d", os.Getenv("JOURNAL_NAME"), i)
			req := fmt.Sprintf(`{"request":{"prompt":"child %s picture %d","seed":%d}}`, os.Getenv("JOURNAL_NAME"), i, i)
			if err := j.RecordSubmitted(ctx, Submitted{TaskID: id, Task: "txt2img", Status: "TASK_STATUS_QUEUED", Request: []byte(req)}); err != nil {
				return fail(err)
			}
			if i%10 != 0 {
				continue // every tenth task also ends, with a file: enough to mix the kinds of write
			}
			if err := j.RecordStatus(ctx, StatusUpdate{TaskID: id, Status: "TASK_STATUS_SUCCEED", Source: SourcePoll}); err != nil {
				return fail(err)
			}
			if err := j.RecordFiles(ctx, id, []FileRecord{{Kind: "image", Index: 1, Path: "/tmp/" + id + ".png", Bytes: 1}}); err != nil {
				return fail(err)
			}
		}
		fmt.Printf("imported=%d\n", imported)
		return exitCode(j.Close())
	case "hold":
		id := os.Getenv("JOURNAL_TASK")
		if err := j.RecordSubmitted(ctx, Submitted{TaskID: id, Task: "txt2img", Status: "TASK_STATUS_QUEUED",
			Request: []byte(`{"request":{"prompt":"paid for, then killed"}}`)}); err != nil {
			return fail(err)
		}
		fmt.Printf("recorded %s\n", id)
		_, _ = os.Stdin.Read(make([]byte, 1)) // the parent never writes: this process ends by SIGKILL
		return 0
	}
	return fail(fmt.Errorf("unknown mode %q", mode))
}

func exitCode(err error) int {
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// openTest opens a journal in a fresh directory with a fixed clock, closed when the test ends.
func openTest(t testing.TB) (*Journal, string) {
	t.Helper()
	dir := t.TempDir()
	j := Open(dir)
	j.Now = func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }
	t.Cleanup(func() {
		if err := j.Close(); err != nil {
			t.Error(err)
		}
	})
	return j, dir
}

// rawDB opens dir's database directly, without migrating or importing, closed when the test ends.
func rawDB(t testing.TB, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, DBName), busyTimeout))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
