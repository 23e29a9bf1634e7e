package waiter

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/clock"
	"github.com/novita-cli/novita/pkg/novita"
)

// t0 is when every fake clock starts.
func t0() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// limit bounds how long a test waits (in real time) for something that should happen at once.
const limit = 5 * time.Second

// call is one task-result read the engine made, waiting for the test's answer.
type call struct {
	id    string
	at    time.Time // fake time of the read
	reply chan answer
}

type answer struct {
	res *novita.TaskResult
	err error
}

// scriptedAPI hands every read to the test, which answers it: the test decides what the API says and
// sees when the engine asks.
type scriptedAPI struct {
	clk   *clock.Fake
	calls chan call
}

func newScriptedAPI(clk *clock.Fake) *scriptedAPI {
	return &scriptedAPI{clk: clk, calls: make(chan call, 64)}
}

func (a *scriptedAPI) read(ctx context.Context, id string) (*novita.TaskResult, error) {
	c := call{id: id, at: a.clk.Now(), reply: make(chan answer, 1)}
	a.calls <- c
	select {
	case r := <-c.reply:
		return r.res, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// next returns the next read, failing the test when none comes.
func (a *scriptedAPI) next(t *testing.T) call {
	t.Helper()
	select {
	case c := <-a.calls:
		return c
	case <-time.After(limit):
		t.Fatalf("the engine made no read (now +%s, armed %v)", a.clk.Now().Sub(t0()), a.clk.Armed())
		return call{}
	}
}

// none asserts that no read was started; call it only while the engine is known to be asleep.
func (a *scriptedAPI) none(t *testing.T) {
	t.Helper()
	select {
	case c := <-a.calls:
		t.Fatalf("unexpected read of %s at %s", c.id, c.at.Sub(t0()))
	default:
	}
}

func (c call) answer(st novita.Status, eta int) {
	c.reply <- answer{res: &novita.TaskResult{Task: novita.Task{TaskID: c.id, Status: st, ETA: novita.FlexInt(eta)}}}
}

func (c call) fail(err error) { c.reply <- answer{err: err} }

// outcomes collects what OnDone delivered.
type outcomes struct {
	mu  sync.Mutex
	got []Outcome
	ch  chan Outcome
}

func newOutcomes() *outcomes { return &outcomes{ch: make(chan Outcome, 1<<15)} }

func (o *outcomes) add(out Outcome) {
	o.mu.Lock()
	o.got = append(o.got, out)
	o.mu.Unlock()
	o.ch <- out
}

func (o *outcomes) next(t *testing.T) Outcome {
	t.Helper()
	select {
	case out := <-o.ch:
		return out
	case <-time.After(limit):
		t.Fatal("no outcome was delivered")
		return Outcome{}
	}
}

func (o *outcomes) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.got)
}

// testSchedule is slow enough to tell the reads apart: polling alone reads at 1 s, then every 1 s, 2 s,
// 4 s...; with a receiver up, the first read is at 10 s and then every 5 s.
func testSchedule() Schedule {
	return Schedule{Min: time.Second, Max: 8 * time.Second, Growth: 2,
		SafetyMin: 5 * time.Second, SafetyMax: 20 * time.Second, First: time.Second, FirstSafe: 10 * time.Second}
}

// waitAsleep waits until the engine has gone to sleep until at, failing the test otherwise.
func waitAsleep(t *testing.T, clk *clock.Fake, at time.Time) {
	t.Helper()
	if !clk.WaitArmed(at, limit) {
		t.Fatalf("the engine is not asleep until +%s (armed: %v)", at.Sub(t0()), clk.Armed())
	}
}

func final(id string) *novita.TaskResult {
	return &novita.TaskResult{Task: novita.Task{TaskID: id, Status: novita.StatusSucceed}}
}
