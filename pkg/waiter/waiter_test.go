package waiter

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
)

func TestMain(m *testing.M) { testmain.Main(m) }

func fast() Schedule {
	return Schedule{Min: time.Millisecond, Max: 5 * time.Millisecond, Growth: 1.5,
		SafetyMin: time.Millisecond, SafetyMax: 5 * time.Millisecond, First: time.Millisecond, FirstSafe: time.Millisecond}
}

func result(id string, st novita.Status) *novita.TaskResult {
	return &novita.TaskResult{Task: novita.Task{TaskID: id, Status: st}}
}

// reader answers PROCESSING until the n-th read, then SUCCEED.
func reader(n int32) (func(context.Context, string) (*novita.TaskResult, error), *atomic.Int32) {
	var count atomic.Int32
	return func(_ context.Context, id string) (*novita.TaskResult, error) {
		if count.Add(1) >= n {
			return result(id, novita.StatusSucceed), nil
		}
		return result(id, novita.StatusProcessing), nil
	}, &count
}

func TestPollingReachesTheFinalState(t *testing.T) {
	read, count := reader(4)
	out, err := Wait(context.Background(), Config{TaskID: "t1", Read: read, Schedule: fast()})
	if err != nil || out.DeliveredBy != ByPoll || out.Result.Task.Status != novita.StatusSucceed || count.Load() != 4 || out.Requests != 4 {
		t.Fatalf("%+v %v reads=%d", out, err, count.Load())
	}
}

func TestWebhookSignalWinsAndIsReRead(t *testing.T) {
	var reads atomic.Int32
	read := func(_ context.Context, id string) (*novita.TaskResult, error) {
		reads.Add(1)
		return result(id, novita.StatusSucceed), nil
	}
	hooks := make(chan *novita.TaskResult, 2)
	hooks <- result("other-task", novita.StatusSucceed) // not ours: ignored, no read
	hooks <- result("t1", novita.StatusSucceed)
	s := fast()
	s.FirstSafe = time.Hour
	out, err := Wait(context.Background(), Config{TaskID: "t1", Read: read, Webhooks: hooks, Schedule: s})
	if err != nil || out.DeliveredBy != ByWebhook || reads.Load() != 1 {
		t.Fatalf("%+v %v reads=%d", out, err, reads.Load())
	}
}

func TestWebhookTheAPIDoesNotConfirmKeepsWaiting(t *testing.T) {
	read, count := reader(3)
	hooks := make(chan *novita.TaskResult, 1)
	hooks <- result("t1", novita.StatusFailed) // forged or early: the API still says PROCESSING
	out, err := Wait(context.Background(), Config{TaskID: "t1", Read: read, Webhooks: hooks, Schedule: fast()})
	if err != nil || out.Result.Task.Status != novita.StatusSucceed || out.DeliveredBy != ByPoll || count.Load() != 3 {
		t.Fatalf("%+v %v", out, err)
	}
}

// A wait cut short says which task it was about as data (the command words how to resume it) and
// names no command itself.
func TestTimeoutAndInterruptCarryTheTaskID(t *testing.T) {
	read, _ := reader(1 << 30)
	_, err := Wait(context.Background(), Config{TaskID: "t9", Read: read, Schedule: fast(), Timeout: 20 * time.Millisecond})
	var se *StopError
	if clierr.Code(err) != clierr.ExitTimeout || clierr.SubjectOf(err).TaskID != "t9" || !errors.As(err, &se) ||
		se.TaskID != "t9" || !errors.Is(err, ErrTimeout) {
		t.Fatalf("timeout: %v (%d) subject %+v", err, clierr.Code(err), clierr.SubjectOf(err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err = Wait(ctx, Config{TaskID: "t9", Read: read, Schedule: fast()})
	if clierr.Code(err) != clierr.ExitInterrupted || clierr.SubjectOf(err).TaskID != "t9" || !errors.Is(err, ErrStopped) {
		t.Fatalf("interrupt: %v", err)
	}
	for _, e := range []error{err, se} {
		if strings.Contains(e.Error(), "novita") || clierr.HintOf(e) != "" {
			t.Errorf("the engine words commands: %q, hint %q", e.Error(), clierr.HintOf(e))
		}
	}
}

func TestTransientErrorsAreRiddenOutButAuthIsFatal(t *testing.T) {
	var n atomic.Int32
	read := func(_ context.Context, id string) (*novita.TaskResult, error) {
		switch n.Add(1) {
		case 1:
			return nil, &novita.APIError{HTTPStatus: 503}
		case 2:
			return nil, errors.New("connection reset by peer")
		case 3:
			return nil, &novita.APIError{HTTPStatus: 429}
		}
		return result(id, novita.StatusSucceed), nil
	}
	var reported int
	out, err := Wait(context.Background(), Config{TaskID: "t", Read: read, Schedule: fast(), OnProgress: func(p Progress) {
		if p.Err != nil {
			reported++
		}
	}})
	if err != nil || out.Result == nil || reported != 3 {
		t.Fatalf("%v, %d errors reported", err, reported)
	}
	auth := func(context.Context, string) (*novita.TaskResult, error) {
		return nil, &novita.APIError{HTTPStatus: 403, Reason: "INVALID_API_KEY"}
	}
	if _, err := Wait(context.Background(), Config{TaskID: "t", Read: auth, Schedule: fast()}); clierr.Code(err) != clierr.ExitAuth {
		t.Fatalf("auth: %v", err)
	}
}

func TestTaskNotFoundIsToleratedOnlyDuringTheGrace(t *testing.T) {
	var n atomic.Int32
	read := func(_ context.Context, id string) (*novita.TaskResult, error) {
		if n.Add(1) <= 2 {
			return nil, &novita.APIError{HTTPStatus: http.StatusNotFound, Reason: "TASK_NOT_FOUND"}
		}
		return result(id, novita.StatusSucceed), nil
	}
	if _, err := Wait(context.Background(), Config{TaskID: "t", Read: read, Schedule: fast(), NotFoundGrace: time.Minute}); err != nil {
		t.Fatalf("a fresh task may briefly be unknown: %v", err)
	}
	n.Store(0)
	_, err := Wait(context.Background(), Config{TaskID: "t", Read: read, Schedule: fast()})
	var ae *novita.APIError
	if !errors.As(err, &ae) || ae.Reason != "TASK_NOT_FOUND" {
		t.Fatalf("an unknown task id must end the wait: %v", err)
	}
}

func TestAWaitOnAnEndedContextIsAnInterrupt(t *testing.T) {
	read, count := reader(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Wait(ctx, Config{TaskID: "t3", Read: read, Schedule: fast()})
	if clierr.Code(err) != clierr.ExitInterrupted || clierr.SubjectOf(err).TaskID != "t3" || count.Load() != 0 {
		t.Fatalf("%v after %d reads", err, count.Load())
	}
}
