package batch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Not parallel: it counts the process's goroutines (the parallel tests run after it).
func TestOneDeliveryStreamNeedsNoGoroutinePerTask(t *testing.T) {
	const n, conc = 2000, 4
	api := newFakeAPI(0) // every task has ended: only a webhook or a poll is needed
	items := make([]Item, n)
	for i := range items {
		id := fmt.Sprintf("t%d", i)
		api.start(id)
		items[i] = Item{Line: i + 1, TaskID: id}
	}
	deliveries := make(chan *novita.TaskResult)
	before := runtime.NumGoroutine()
	var most atomic.Int64
	var byHook atomic.Int32
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range n {
			deliveries <- &novita.TaskResult{Task: novita.Task{TaskID: fmt.Sprintf("t%d", i), Status: novita.StatusSucceed}}
			if g := int64(runtime.NumGoroutine()); g > most.Load() {
				most.Store(g)
			}
		}
	}()
	s := fastSchedule()
	s.FirstSafe = time.Hour // only the webhooks can end these waits
	res, err := Run(context.Background(), Config{Concurrency: conc, Wait: true, Read: api.read, Deliveries: deliveries,
		Schedule: s, Done: func(r Result) {
			if r.DeliveredBy == waiter.ByWebhook {
				byHook.Add(1)
			}
		}}, items)
	<-sent
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Outcome != Succeeded {
			t.Fatalf("line %d: %s %v", r.Line, r.Outcome, r.Err)
		}
	}
	// The engine's loop and readers, the finishers, the sender: a constant, whatever n is.
	if extra := most.Load() - int64(before); extra > 2*conc+4 {
		t.Errorf("%d goroutines for %d pending tasks", extra, n)
	}
	if byHook.Load() != n {
		t.Errorf("%d of %d by webhook", byHook.Load(), n)
	}
}

func TestRunForgetsBodiesOnceSentAndRawResultsOnceHandedOver(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(5 * time.Millisecond)
	items := make([]Item, 20)
	for i := range items {
		items[i] = Item{Line: i + 1, Body: []byte(`{"prompt":"a cat"}`)}
	}
	var withResult atomic.Int32
	res, err := Run(context.Background(), Config{Concurrency: 3, Wait: true, Submit: api.submit, Read: api.read,
		Schedule: fastSchedule(),
		Finish: func(_ context.Context, r *Result) error {
			r.Data = r.Result.Task.TaskID // what the caller keeps for its summary
			return nil
		},
		Done: func(r Result) {
			if r.Result != nil {
				withResult.Add(1)
			}
		}}, items)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if items[i].Body != nil || r.Result != nil || r.Outcome != Succeeded || r.Data != r.TaskID {
			t.Fatalf("line %d: body kept %v, result kept %v, %s, data %v", r.Line, items[i].Body != nil, r.Result != nil, r.Outcome, r.Data)
		}
	}
	if withResult.Load() != 20 {
		t.Fatalf("Done got the result for %d lines, want all", withResult.Load())
	}
}

func TestSlowFinishersHoldBackTheReads(t *testing.T) {
	t.Parallel()
	const n, conc = 60, 2
	api := newFakeAPI(0)
	items := make([]Item, n)
	for i := range items {
		id := fmt.Sprintf("t%d", i)
		api.start(id)
		items[i] = Item{Line: i + 1, TaskID: id}
	}
	var finals, finished, worst atomic.Int64
	read := func(ctx context.Context, id string) (*novita.TaskResult, error) {
		r, err := api.read(ctx, id)
		if err == nil && r.Task.Status.Final() {
			if held := finals.Add(1) - finished.Load(); held > worst.Load() {
				worst.Store(held)
			}
		}
		return r, err
	}
	_, err := Run(context.Background(), Config{Concurrency: conc, Wait: true, Read: read, Schedule: fastSchedule(),
		Finish: func(context.Context, *Result) error {
			time.Sleep(3 * time.Millisecond) // a download
			finished.Add(1)
			return nil
		}}, items)
	if err != nil {
		t.Fatal(err)
	}
	// Final results waiting for a finisher: the backlog (2 per finisher), those being finished, and
	// the reads that were in flight when the backlog filled.
	if w := worst.Load(); w > 4*conc {
		t.Errorf("%d final results held at once; the reads should wait for the downloads", w)
	}
}

func TestAReadThatFindsTheKeyRejectedStopsTheSubmits(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(time.Hour)
	items := make([]Item, 50)
	for i := range items {
		items[i] = Item{Line: i + 1, Body: []byte(`{}`)}
	}
	rejected := &novita.APIError{HTTPStatus: http.StatusUnauthorized, Reason: "INVALID_API_KEY"}
	gate := NewGate() // stopped when the run stops
	var once sync.Once
	reads := make(chan struct{})
	submit := func(ctx context.Context, it Item) (string, error) {
		if it.Line > 1 {
			// Line 2 is on the wire when line 1's first read finds the key rejected: it completes (a
			// created task is never forgotten), but no line after it may be sent.
			<-reads
			for limit := time.Now().Add(5 * time.Second); gate.Wait(context.Background()) == nil && time.Now().Before(limit); {
				runtime.Gosched()
			}
		}
		return api.submit(ctx, it)
	}
	res, err := Run(context.Background(), Config{Concurrency: 1, Wait: true, Submit: submit, Schedule: fastSchedule(), Gate: gate,
		Read: func(context.Context, string) (*novita.TaskResult, error) {
			once.Do(func() { close(reads) })
			return nil, rejected
		}}, items)
	if clierr.Code(err) != clierr.ExitAuth {
		t.Fatalf("err = %v", err)
	}
	for _, r := range res {
		want := NotSubmitted
		if r.Line <= 2 {
			want = Pending
		}
		if r.Outcome != want {
			t.Fatalf("line %d: %s, want %s", r.Line, r.Outcome, want)
		}
	}
}

func TestTheRunTimeoutUsesTheInjectedClock(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	api := newFakeAPI(time.Hour)
	api.start("a")
	done := make(chan error, 1)
	var res []Result
	go func() {
		var err error
		res, err = Run(context.Background(), Config{Wait: true, Read: api.read, Schedule: fastSchedule(), Clock: clk,
			Timeout: time.Minute}, []Item{{Line: 1, TaskID: "a"}})
		done <- err
	}()
	if !clk.WaitArmed(clk.Now().Add(time.Minute), 5*time.Second) {
		t.Fatal("the timeout is not on the injected clock")
	}
	clk.Advance(time.Minute)
	if err := <-done; !errors.Is(err, ErrTimeout) || res[0].Outcome != Pending {
		t.Fatalf("%v, %+v", err, res)
	}
}
