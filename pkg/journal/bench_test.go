package journal

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkList100k measures the queries `novita tasks` makes against a journal of 100k realistic
// tasks (built once per run, in one transaction). Each must stay well under 50 ms:
//
//	go test -run '^$' -bench List100k -benchtime 200x ./pkg/journal/
func BenchmarkList100k(b *testing.B) {
	j, dir := openTest(b)
	const n = 100_000
	start := time.Now()
	fillDB(b, j, n, 500)
	b.Logf("built %d tasks in %v", n, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(n * 30 * time.Second / 2)
	for _, c := range []struct {
		name string
		q    Query
	}{
		{"newest20", Query{Limit: 20}},
		{"status_failed20", Query{Status: []string{"failed"}, Limit: 20}},
		{"status_none", Query{Status: []string{"unknown"}, Limit: 20}},
		{"task_since20", Query{Task: "txt2img", Since: since, Limit: 20}},
		{"batch", Query{BatchID: "batch-500"}},
		{"pending_all", Query{Pending: true}},
		{"fts_common20", Query{Text: "portrait", Limit: 20}},
		{"fts_rare20", Query{Text: "glacier", Limit: 20}},
		{"fts_two_words20", Query{Text: "fox portrait", Limit: 20}},
		{"fts_prefix_status20", Query{Text: "light*", Status: []string{"succeed"}, Limit: 20}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var got int
			for b.Loop() {
				ts, err := j.List(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				got = len(ts)
			}
			b.ReportMetric(float64(got), "tasks")
		})
	}
	// What one `novita tasks` process pays: open the database, list, close.
	b.Run("open_newest20_close", func(b *testing.B) {
		for b.Loop() {
			fresh := Open(dir)
			if ts, err := fresh.List(ctx, Query{Limit: 20}); err != nil || len(ts) != 20 {
				b.Fatal(len(ts), err)
			}
			if err := fresh.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("get", func(b *testing.B) {
		newest, _, err := j.Newest(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, ok, err := j.Get(ctx, newest.ID); err != nil || !ok {
				b.Fatal(fmt.Errorf("get: %v %v", ok, err))
			}
		}
	})
}

// BenchmarkRecordSubmitted is the cost a submit pays before it may wait: one durable transaction
// (an fsync of the WAL).
func BenchmarkRecordSubmitted(b *testing.B) {
	j, _ := openTest(b)
	ctx := context.Background()
	req := []byte(`{"extra":{"response_image_type":"png"},"request":{"prompt":"a lighthouse on a cliff at dusk","seed":-1}}`)
	i := 0
	for b.Loop() {
		i++
		if err := j.RecordSubmitted(ctx, Submitted{TaskID: fmt.Sprint("t", i), Task: "txt2img", Status: "TASK_STATUS_QUEUED", Request: req}); err != nil {
			b.Fatal(err)
		}
	}
}
