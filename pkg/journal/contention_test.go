package journal

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestInProcessWritersNeverWaitInSQLite: a batch's submitters and wait engine write through one
// Journal at once. With SQLite's busy timeout cut to 1 ms, any writer that met another inside SQLite
// would fail with "database is locked"; they must queue in the process instead, so every write lands.
func TestInProcessWritersNeverWaitInSQLite(t *testing.T) {
	j, _ := openTestIn(t, t.TempDir())
	j.busy = time.Millisecond
	ctx := context.Background()
	const writers, per = 16, 8 // 16 writers at once is the point; more writes each only add time
	var wg sync.WaitGroup
	errs := make(chan error, writers*per*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				id := fmt.Sprintf("w%02d-%02d", w, i)
				errs <- j.RecordSubmitted(ctx, Submitted{TaskID: id, Task: "txt2img", Status: "TASK_STATUS_QUEUED"})
				errs <- j.RecordStatus(ctx, StatusUpdate{TaskID: id, Status: "TASK_STATUS_SUCCEED"})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a concurrent write failed: %v", err)
		}
	}
	all, err := j.List(ctx, Query{})
	must(t, err)
	if len(all) != writers*per {
		t.Fatalf("journal has %d tasks, want %d", len(all), writers*per)
	}
	for _, task := range all {
		if task.Status != "TASK_STATUS_SUCCEED" {
			t.Fatalf("task %s: status %s, want the final one", task.ID, task.Status)
		}
	}
}
