package journal

import (
	"context"
	"testing"
)

// A command's writes (the check before paying, the task, its statuses) go through one connection
// with statements prepared on it once: preparing on the pool during a transaction opened a second
// connection, read the schema into it and compiled every statement twice.
func TestWritesGoThroughOneConnectionWithStatementsPreparedOnce(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	must(t, j.CheckWritable(ctx))
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "t-1", Task: "txt2img", Status: "TASK_STATUS_QUEUED",
		Request: []byte(`{"prompt":"a cat"}`)}))
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "t-1", Status: "TASK_STATUS_PROCESSING"}))
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "t-1", Status: "TASK_STATUS_SUCCEED"}))
	prepared := len(j.w.stmts)
	// A second task's life runs the same statements: none is prepared again.
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "t-4", Task: "txt2img", Status: "TASK_STATUS_QUEUED",
		Request: []byte(`{"prompt":"a dog"}`)}))
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "t-4", Status: "TASK_STATUS_PROCESSING"}))
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "t-4", Status: "TASK_STATUS_SUCCEED"}))
	if n := len(j.w.stmts); n != prepared {
		t.Errorf("the same writes again prepared %d more statements", n-prepared)
	}
	if n := j.db.Stats().OpenConnections; n != 1 {
		t.Errorf("the writes opened %d connections, want 1", n)
	}
	task, found, err := j.Get(ctx, "t-1")
	must(t, err)
	if !found || task.Status != "TASK_STATUS_SUCCEED" {
		t.Errorf("found %v, status %q", found, task.Status)
	}

	// A failed write leaves no transaction open on the connection: the next one commits.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := j.RecordStatus(cancelled, StatusUpdate{TaskID: "t-2", Status: "TASK_STATUS_QUEUED"}); err == nil {
		t.Fatal("a write with a cancelled context succeeded")
	}
	must(t, j.RecordStatus(ctx, StatusUpdate{TaskID: "t-3", Status: "TASK_STATUS_QUEUED"}))
	if _, found, err := j.Get(ctx, "t-3"); err != nil || !found {
		t.Errorf("the write after a failed one was lost: %v %v", found, err)
	}
}
