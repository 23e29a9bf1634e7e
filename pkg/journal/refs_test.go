package journal

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestPrefixSHA256AndRemove(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	submitPrompt(t, j, "abcdef01-aaaa", "a fox", t0)
	submitPrompt(t, j, "abcdef02-bbbb", "a fox in snow", t0.Add(time.Minute))
	submitPrompt(t, j, "99999999-cccc", "a cat", t0.Add(2*time.Minute))
	must(t, j.RecordFiles(ctx, "99999999-cccc", []FileRecord{{Kind: "image", Index: 1, Path: "/x/a.png", Bytes: 3,
		SHA256: "final", DeliveredSHA256: "delivered"}}))

	for prefix, want := range map[string]string{"abcdef": "abcdef01-aaaa abcdef02-bbbb", "abcdef02": "abcdef02-bbbb", "zzz": ""} {
		got, err := j.IDsWithPrefix(ctx, prefix, 10)
		must(t, err)
		if strings.Join(got, " ") != want {
			t.Errorf("prefix %q: %v, want %q", prefix, got, want)
		}
	}
	for _, sum := range []string{"final", "delivered", "FINAL"} {
		got, err := j.IDsWithFile(ctx, sum)
		must(t, err)
		if strings.Join(got, " ") != "99999999-cccc" {
			t.Errorf("sha %q: %v", sum, got)
		}
	}
	d, _, err := j.Get(ctx, "99999999-cccc")
	must(t, err)
	if d.Files[0].DeliveredSHA256 != "delivered" || d.Files[0].SHA256 != "final" {
		t.Fatalf("files %+v", d.Files)
	}

	n, err := j.Remove(ctx, []string{"99999999-cccc", "nope"})
	must(t, err)
	if n != 1 {
		t.Fatalf("removed %d", n)
	}
	if got, _ := j.IDsWithFile(ctx, "final"); len(got) != 0 {
		t.Fatal("the files of a removed task still find it")
	}
	if ts, _ := j.List(ctx, Query{Text: "cat"}); len(ts) != 0 {
		t.Fatal("a removed task is still found by its prompt")
	}
}

// A task of an in-process sandbox is never pending: its simulator ended with its command.
func TestSandboxTasksAreNotPending(t *testing.T) {
	j, _ := openTest(t)
	ctx := context.Background()
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "sbx", Task: "txt2img", Status: "TASK_STATUS_QUEUED", Sandbox: true}))
	must(t, j.RecordSubmitted(ctx, Submitted{TaskID: "real", Task: "txt2img", Status: "TASK_STATUS_QUEUED"}))
	ts, err := j.List(ctx, Query{Pending: true})
	must(t, err)
	if ids(ts) != "real" {
		t.Fatalf("pending %q", ids(ts))
	}
	if n, _ := j.CountSandboxUnended(ctx); n != 1 {
		t.Fatalf("sandbox unended %d", n)
	}
	ts, _ = j.List(ctx, Query{Sandbox: true})
	if ids(ts) != "sbx" || !ts[0].Sandbox {
		t.Fatalf("sandbox tasks %q", ids(ts))
	}
}
