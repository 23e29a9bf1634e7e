package journal

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A read-only journal refuses writes (query_only), and one that does not exist reads as empty
// without being created.
func TestOpenReadOnlyNeverWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ro := OpenReadOnly(filepath.Join(dir, "missing"))
	if tasks, err := ro.List(ctx, Query{}); err != nil || len(tasks) != 0 {
		t.Fatalf("List of a missing journal: %v %v", tasks, err)
	}
	_ = ro.Close()
	if _, err := os.Stat(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Fatalf("the missing journal's directory was created: %v", err)
	}

	w := Open(dir)
	if err := w.RecordSubmitted(ctx, Submitted{TaskID: "t1", Task: "txt2img", SubmittedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	ro = OpenReadOnly(dir)
	defer ro.Close()
	if tasks, err := ro.List(ctx, Query{}); err != nil || len(tasks) != 1 {
		t.Fatalf("List: %v %v", tasks, err)
	}
	if err := ro.RecordSubmitted(ctx, Submitted{TaskID: "t2", Task: "txt2img", SubmittedAt: time.Now()}); err == nil {
		t.Error("a read-only journal accepted a write")
	}
}
