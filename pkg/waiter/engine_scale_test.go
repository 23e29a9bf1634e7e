package waiter

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

// endedAPI answers at once: a task has ended once the test says so. It counts reads and the most in
// flight at once.
type endedAPI struct {
	ended    sync.Map // id -> true
	reads    atomic.Int64
	inflight atomic.Int32
	maxIn    atomic.Int32
}

func (a *endedAPI) read(_ context.Context, id string) (*novita.TaskResult, error) {
	n := a.inflight.Add(1)
	defer a.inflight.Add(-1)
	for m := a.maxIn.Load(); n > m && !a.maxIn.CompareAndSwap(m, n); m = a.maxIn.Load() {
	}
	a.reads.Add(1)
	runtime.Gosched() // let other reads overlap, so a missing bound would show
	st := novita.StatusProcessing
	if _, ok := a.ended.Load(id); ok {
		st = novita.StatusSucceed
	}
	return &novita.TaskResult{Task: novita.Task{TaskID: id, Status: st}}, nil
}

func TestTenThousandTasksShareOneLoopAndABoundedPoolOfReads(t *testing.T) {
	const n, conc = 10_000, 8
	clk := clock.NewFake(t0())
	api := &endedAPI{}
	hooks := make(chan *novita.TaskResult, 64)
	got := newOutcomes()
	before := runtime.NumGoroutine()
	e := Start(context.Background(), Options{Read: api.read, Webhooks: hooks, Concurrency: conc, Schedule: testSchedule(),
		Clock: clk, OnDone: got.add})
	id := func(i int) string { return fmt.Sprintf("task-%05d", i) }
	for i := range n {
		_ = e.Add(Task{ID: id(i), Ref: i})
	}
	e.Close()
	waitAsleep(t, clk, t0().Add(10*time.Second)) // every task is in, waiting for its webhook or poll
	if g := runtime.NumGoroutine() - before; g > conc+1 {
		t.Fatalf("%d goroutines for %d tasks; want the loop and %d readers", g, n, conc)
	}

	// Nine webhooks in ten arrive; every tenth task's is lost and the safety-net poll must find it.
	for i := range n {
		api.ended.Store(id(i), true)
		if i%10 != 0 {
			hooks <- final(id(i))
		}
	}
	for got.count() < n*9/10 {
		got.next(t)
	}
	if g := runtime.NumGoroutine() - before; g > conc+1 {
		t.Fatalf("%d goroutines while webhooks flow", g)
	}
	clk.Advance(10 * time.Second)
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}

	seen := make([]int, n)
	var byHook int
	for _, out := range got.got {
		seen[out.Ref]++
		if out.TaskID != id(out.Ref) || out.Result == nil || out.Err != nil {
			t.Fatalf("outcome %+v", out)
		}
		if out.DeliveredBy == ByWebhook {
			byHook++
		}
	}
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("task %d delivered %d times", i, c)
		}
	}
	if byHook != n*9/10 || api.reads.Load() != n {
		t.Errorf("%d by webhook, %d reads; want %d and one read per task", byHook, api.reads.Load(), n*9/10)
	}
	if m := api.maxIn.Load(); m > conc {
		t.Errorf("%d reads in flight at once, want at most %d", m, conc)
	}
}

func TestEarlyWebhooksAreBoundedAndTheNewestKept(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	hooks := make(chan *novita.TaskResult)
	got := newOutcomes()
	e := Start(context.Background(), Options{Read: api.read, Webhooks: hooks, Schedule: testSchedule(), Clock: clk, OnDone: got.add})
	for i := range 3 * maxEarly { // duplicates for tasks long over, foreign ids...
		hooks <- final(fmt.Sprintf("stale-%d", i))
	}
	hooks <- final("fresh") // ...must not crowd out the webhook that beat its submit's answer
	_ = e.Add(Task{ID: "fresh"})
	e.Close()
	c := api.next(t)
	if c.id != "fresh" || !c.at.Equal(t0()) {
		t.Fatalf("read %s at +%s", c.id, c.at.Sub(t0()))
	}
	c.answer(novita.StatusSucceed, 0)
	if out := got.next(t); out.DeliveredBy != ByWebhook {
		t.Fatalf("outcome %+v", out)
	}
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(e.early) > maxEarly {
		t.Fatalf("%d early webhooks remembered", len(e.early))
	}
}

// Tasks given at Start (a resume of thousands) are all known before the first webhook is looked at:
// a stream of their webhooks, more than the early ones remembered, ends every one of them.
func TestTasksGivenAtStartCatchEveryWebhook(t *testing.T) {
	const n = 3 * maxEarly
	clk := clock.NewFake(t0())
	hooks := make(chan *novita.TaskResult, n)
	tasks := make([]Task, n)
	for i := range tasks {
		id := fmt.Sprintf("r-%d", i)
		tasks[i] = Task{ID: id, Ref: i}
		hooks <- final(id)
	}
	read := func(_ context.Context, id string) (*novita.TaskResult, error) { return final(id), nil }
	got := newOutcomes()
	e := Start(context.Background(), Options{Read: read, Webhooks: hooks, Schedule: testSchedule(), Clock: clk,
		OnDone: got.add, Tasks: tasks})
	e.Close()
	if err := e.Wait(); err != nil { // no time passes: only the webhooks can end these waits
		t.Fatal(err)
	}
	if got.count() != n {
		t.Fatalf("%d of %d tasks ended", got.count(), n)
	}
	for range n {
		if out := got.next(t); out.DeliveredBy != ByWebhook || out.Result == nil {
			t.Fatalf("outcome %+v", out)
		}
	}
}
