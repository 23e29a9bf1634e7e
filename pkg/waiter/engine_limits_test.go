package waiter

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

func TestA429PausesEveryReadOnTheEnginesClock(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	gate := NewGate(clk)
	var pauses []time.Duration
	e := Start(context.Background(), Options{Read: api.read, Concurrency: 2, Schedule: testSchedule(), Clock: clk, Gate: gate,
		OnPause: func(d time.Duration, _ error) { pauses = append(pauses, d) }})
	_ = e.Add(Task{ID: "a"})
	_ = e.Add(Task{ID: "b"})
	waitAsleep(t, clk, t0().Add(time.Second))
	clk.Advance(time.Second)
	reads := map[string]call{}
	for range 2 {
		c := api.next(t)
		reads[c.id] = c
	}
	reads["b"].answer(novita.StatusProcessing, 0)
	waitAsleep(t, clk, t0().Add(2*time.Second)) // b is due again at +2s...
	reads["a"].fail(&novita.APIError{HTTPStatus: http.StatusTooManyRequests, RetryAfter: 10 * time.Second})

	reopen := t0().Add(11 * time.Second)
	waitAsleep(t, clk, reopen) // ...but a's 429 closed the gate till +11s
	if !gate.Until().Equal(reopen) {
		t.Fatalf("the gate reopens at %s, want +11s on the fake clock", gate.Until())
	}
	clk.Advance(5 * time.Second)
	api.none(t)
	clk.Advance(5 * time.Second)
	for range 2 {
		if c := api.next(t); !c.at.Equal(reopen) {
			t.Fatalf("%s read at +%s, want +11s", c.id, c.at.Sub(t0()))
		} else {
			c.answer(novita.StatusSucceed, 0)
		}
	}
	e.Close()
	if err := e.Wait(); err != nil || len(pauses) != 1 || pauses[0] != 10*time.Second {
		t.Fatalf("%v, pauses %v", err, pauses)
	}
}

func TestGateWaitsOnItsClock(t *testing.T) {
	clk := clock.NewFake(t0())
	g := NewGate(clk)
	if !g.Pause(3*time.Second) || g.Pause(time.Second) {
		t.Fatal("only the pause that closes an open gate reports it")
	}
	done := make(chan error, 1)
	go func() { done <- g.Wait(context.Background()) }()
	waitAsleep(t, clk, t0().Add(3*time.Second))
	clk.Advance(3 * time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	g.Pause(time.Minute)
	go func() { done <- g.Sleep(context.Background(), time.Second) }()
	waitAsleep(t, clk, t0().Add(4*time.Second))
	g.Stop()
	if err := <-done; !errors.Is(err, ErrStopped) {
		t.Fatalf("a stopped gate: %v", err)
	}
}

func TestTimeoutsEndWaitsWithTheResumeHint(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	got := newOutcomes()
	s := testSchedule()
	s.First = time.Hour // no read gets in the way
	e := Start(context.Background(), Options{Read: api.read, Schedule: s, Clock: clk, Timeout: 30 * time.Second, OnDone: got.add})
	_ = e.Add(Task{ID: "short", Timeout: 5 * time.Second})
	_ = e.Add(Task{ID: "long"})
	e.Close()
	waitAsleep(t, clk, t0().Add(5*time.Second))
	clk.Advance(5 * time.Second)
	out := got.next(t)
	if out.TaskID != "short" || !errors.Is(out.Err, ErrStopped) || clierr.Code(out.Err) != clierr.ExitTimeout ||
		out.Err.Error() != "timed out after 5s waiting for task short; it may still be running" ||
		clierr.SubjectOf(out.Err).TaskID != "short" || clierr.HintOf(out.Err) != "" {
		t.Fatalf("a task's own timeout: %+v", out)
	}
	clk.Advance(25 * time.Second)
	out = got.next(t)
	if out.TaskID != "long" || clierr.Code(out.Err) != clierr.ExitTimeout ||
		out.Err.Error() != "timed out after 30s waiting for task long; it may still be running" {
		t.Fatalf("the run's timeout: %+v", out)
	}
	if err := e.Wait(); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Wait: %v", err)
	}
	api.none(t)
}

func TestAnInterruptEndsEveryWaitOnce(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	got := newOutcomes()
	ctx, cancel := context.WithCancel(context.Background())
	e := Start(ctx, Options{Read: api.read, Schedule: testSchedule(), Clock: clk, OnDone: got.add})
	_ = e.Add(Task{ID: "a"})
	_ = e.Add(Task{ID: "b"})
	waitAsleep(t, clk, t0().Add(time.Second))
	clk.Advance(time.Second)
	api.next(t) // a read in flight when Ctrl-C comes: it is dropped
	cancel()
	if err := e.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait: %v", err)
	}
	if got.count() != 2 {
		t.Fatalf("%d outcomes, want one per task", got.count())
	}
	for range 2 {
		out := got.next(t)
		if !errors.Is(out.Err, ErrStopped) || clierr.Code(out.Err) != clierr.ExitInterrupted ||
			clierr.SubjectOf(out.Err).TaskID != out.TaskID || !errors.Is(out.Err, context.Canceled) || out.Result != nil {
			t.Fatalf("outcome %+v", out)
		}
	}
}

func TestTaskNotFoundEndsTheWaitOnlyAfterTheGrace(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	got := newOutcomes()
	e := Start(context.Background(), Options{Read: api.read, Schedule: testSchedule(), Clock: clk, NotFoundGrace: 3 * time.Second, OnDone: got.add})
	_ = e.Add(Task{ID: "fresh"})
	e.Close()
	notFound := &novita.APIError{HTTPStatus: http.StatusNotFound, Reason: "TASK_NOT_FOUND"}
	for _, wake := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} { // 1 s, then 1 s, 2 s apart
		waitAsleep(t, clk, t0().Add(wake))
		clk.Advance(wake - clk.Now().Sub(t0()))
		api.next(t).fail(notFound)
	}
	out := got.next(t)
	var ae *novita.APIError
	if !errors.As(out.Err, &ae) || ae.Reason != "TASK_NOT_FOUND" || errors.Is(out.Err, ErrStopped) || out.Requests != 3 {
		t.Fatalf("an unknown task ends its wait for good once the grace is over: %+v", out)
	}
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestARejectedKeyStopsTheRun(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	got := newOutcomes()
	e := Start(context.Background(), Options{Read: api.read, Schedule: testSchedule(), Clock: clk, OnDone: got.add})
	_ = e.Add(Task{ID: "a"})
	_ = e.Add(Task{ID: "b"})
	waitAsleep(t, clk, t0().Add(time.Second))
	clk.Advance(time.Second)
	api.next(t).fail(&novita.APIError{HTTPStatus: http.StatusUnauthorized, Reason: "INVALID_API_KEY"})
	err := e.Wait()
	if clierr.Code(err) != clierr.ExitAuth {
		t.Fatalf("Wait: %v", err)
	}
	for range 2 {
		if out := got.next(t); clierr.Code(out.Err) != clierr.ExitAuth || !errors.Is(out.Err, ErrStopped) {
			t.Fatalf("outcome %+v", out)
		}
	}
}

func TestBacklogHoldsReadsUntilTheConsumerCatchesUp(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	hooks := make(chan *novita.TaskResult)
	got := newOutcomes()
	e := Start(context.Background(), Options{Read: api.read, Webhooks: hooks, Schedule: testSchedule(), Clock: clk,
		OnDone: got.add, Backlog: 1})
	for _, id := range []string{"a", "b", "c"} {
		_ = e.Add(Task{ID: id})
	}
	e.Close()
	waitAsleep(t, clk, t0().Add(10*time.Second))
	hooks <- final("a")
	api.next(t).answer(novita.StatusSucceed, 0)
	got.next(t) // not released yet

	hooks <- final("b")
	// Held, the engine sets no timer at all (not even c's safety poll); a read would have been started
	// before that.
	if !clk.WaitFor(func(armed []time.Time) bool { return len(armed) == 0 }, limit) {
		t.Fatalf("the engine still sleeps until %v", clk.Armed())
	}
	api.none(t)
	e.Release()
	if c := api.next(t); c.id != "b" {
		t.Fatalf("read %s", c.id)
	} else {
		c.answer(novita.StatusSucceed, 0)
	}
	got.next(t)
	e.Release()
	clk.Advance(10 * time.Second)
	api.next(t).answer(novita.StatusSucceed, 0)
	got.next(t)
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}
}
