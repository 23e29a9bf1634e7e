package waiter

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

func TestAWebhookMakesTheEngineReadAtOnceAndTheReadDecides(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	hooks := make(chan *novita.TaskResult)
	got := newOutcomes()
	e := Start(context.Background(), Options{Read: api.read, Webhooks: hooks, Schedule: testSchedule(), Clock: clk, OnDone: got.add})
	_ = e.Add(Task{ID: "a", Ref: 7})
	_ = e.Add(Task{ID: "b"})
	waitAsleep(t, clk, t0().Add(10*time.Second)) // with a receiver up, the first poll is a late safety net

	hooks <- final("a")
	c := api.next(t)
	if c.id != "a" || !c.at.Equal(t0()) {
		t.Fatalf("the webhook should make the engine read a at once, got a read of %s at +%s", c.id, c.at.Sub(t0()))
	}
	c.answer(novita.StatusSucceed, 0)
	out := got.next(t)
	if out.TaskID != "a" || out.Ref != 7 || out.DeliveredBy != ByWebhook || out.Requests != 1 || out.Err != nil ||
		out.Result.Task.Status != novita.StatusSucceed {
		t.Fatalf("outcome %+v", out)
	}

	// b's webhook is lost: the safety-net poll finds it.
	e.Close()
	clk.Advance(10 * time.Second)
	c = api.next(t)
	c.answer(novita.StatusSucceed, 0)
	if out := got.next(t); out.TaskID != "b" || out.DeliveredBy != ByPoll || out.Elapsed != 10*time.Second {
		t.Fatalf("outcome %+v", out)
	}
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestAForgedWebhookEndsNothingUntilTheAPIAgrees(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	hooks := make(chan *novita.TaskResult)
	got := newOutcomes()
	// One reader: reads happen in the order the engine starts them.
	e := Start(context.Background(), Options{Read: api.read, Webhooks: hooks, Concurrency: 1, Schedule: testSchedule(),
		Clock: clk, OnDone: got.add})
	defer func() { e.Close(); _ = e.Wait() }()
	_ = e.Add(Task{ID: "a"})
	_ = e.Add(Task{ID: "b"})
	waitAsleep(t, clk, t0().Add(10*time.Second))

	hooks <- &novita.TaskResult{Task: novita.Task{TaskID: "a", Status: novita.StatusFailed, Reason: "forged"}}
	api.next(t).answer(novita.StatusProcessing, 0) // the API says a still runs
	waitAsleep(t, clk, t0().Add(5*time.Second))    // back to the safety net: SafetyMin later
	if n := got.count(); n != 0 {
		t.Fatalf("a forged webhook ended %d waits", n)
	}
	// A webhook that is not final is no reason to read; b's final one is.
	hooks <- &novita.TaskResult{Task: novita.Task{TaskID: "a", Status: novita.StatusProcessing}}
	hooks <- final("b")
	if c := api.next(t); c.id != "b" {
		t.Fatalf("a non-final webhook made the engine read %s", c.id)
	} else {
		c.answer(novita.StatusSucceed, 0)
	}
	if out := got.next(t); out.TaskID != "b" || out.DeliveredBy != ByWebhook {
		t.Fatalf("outcome %+v", out)
	}
	clk.Advance(5 * time.Second)
	c := api.next(t)
	c.answer(novita.StatusSucceed, 0)
	out := got.next(t)
	if out.TaskID != "a" || out.DeliveredBy != ByPoll || out.Requests != 2 || out.Result.Task.Reason == "forged" {
		t.Fatalf("a should end by the poll that saw it end, got %+v", out)
	}
}

func TestPollingFollowsTheScheduleOnTheInjectedClockAndReportsProgress(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	got := newOutcomes()
	var progress []Progress
	e := Start(context.Background(), Options{Read: api.read, Schedule: testSchedule(), Clock: clk, OnDone: got.add,
		OnProgress: func(p Progress) { progress = append(progress, p) }})
	_ = e.Add(Task{ID: "a"})
	e.Close()

	var at []time.Duration
	step := func(wake time.Duration, answer func(call)) {
		t.Helper()
		waitAsleep(t, clk, t0().Add(wake))
		clk.Advance(wake - clk.Now().Sub(t0()))
		c := api.next(t)
		at = append(at, c.at.Sub(t0()))
		answer(c)
	}
	step(time.Second, func(c call) { c.answer(novita.StatusProcessing, 10) }) // eta 10 s: sleep most of it (capped at Max)
	step(9*time.Second, func(c call) { c.fail(&novita.APIError{HTTPStatus: 503}) })
	step(10*time.Second, func(c call) { c.answer(novita.StatusProcessing, 1) })
	step(11*time.Second, func(c call) { c.answer(novita.StatusSucceed, 0) })
	out := got.next(t)
	if err := e.Wait(); err != nil {
		t.Fatal(err)
	}
	if out.DeliveredBy != ByPoll || out.Requests != 4 || out.Elapsed != 11*time.Second {
		t.Fatalf("outcome %+v, reads at %v", out, at)
	}
	if len(progress) != 4 || progress[0].ETA != 10 || progress[0].Elapsed != time.Second ||
		progress[1].Err == nil || progress[1].Requests != 2 || progress[3].Status != novita.StatusSucceed {
		t.Fatalf("progress %+v", progress)
	}
}

func TestTasksAddedWhileRunningAreEachDeliveredOnce(t *testing.T) {
	clk := clock.NewFake(t0())
	api := newScriptedAPI(clk)
	hooks := make(chan *novita.TaskResult)
	got := newOutcomes()
	e := Start(context.Background(), Options{Read: api.read, Webhooks: hooks, Schedule: testSchedule(), Clock: clk, OnDone: got.add})

	// A webhook can beat the submit's answer: the engine remembers it for the task that comes.
	hooks <- final("early")
	_ = e.Add(Task{ID: "early"})
	c := api.next(t)
	if c.id != "early" || !c.at.Equal(t0()) {
		t.Fatalf("read %s at +%s", c.id, c.at.Sub(t0()))
	}
	c.answer(novita.StatusSucceed, 0)
	if out := got.next(t); out.DeliveredBy != ByWebhook {
		t.Fatalf("outcome %+v", out)
	}
	select {
	case <-e.Done():
		t.Fatal("the engine ended before Close")
	default:
	}

	// The same id added twice shares one wait; each Add gets its outcome. The engine takes Adds in
	// order, so once it sleeps until the sentinel's deadline, both twins are in.
	_ = e.Add(Task{ID: "twin", Ref: 1})
	_ = e.Add(Task{ID: "twin", Ref: 2})
	_ = e.Add(Task{ID: "sentinel", Timeout: 3 * time.Second})
	waitAsleep(t, clk, t0().Add(3*time.Second))
	hooks <- final("twin")
	api.next(t).answer(novita.StatusSucceed, 0)
	refs := map[int]bool{got.next(t).Ref: true, got.next(t).Ref: true}
	if !refs[1] || !refs[2] {
		t.Fatalf("twins delivered as %v", refs)
	}
	e.Close()
	if err := e.Add(Task{ID: "late"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Add after Close: %v", err)
	}
	clk.Advance(3 * time.Second)
	if out := got.next(t); out.TaskID != "sentinel" || !errors.Is(out.Err, ErrStopped) {
		t.Fatalf("outcome %+v", out)
	}
	if err := e.Wait(); err != nil || got.count() != 4 {
		t.Fatalf("%v, %d outcomes", err, got.count())
	}
	if err := e.Add(Task{ID: "after"}); !errors.Is(err, ErrStopped) {
		t.Fatalf("Add after the end: %v", err)
	}
}
