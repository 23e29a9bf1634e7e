package batch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

func fastSchedule() waiter.Schedule {
	return waiter.Schedule{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond, Growth: 1.5,
		SafetyMin: 100 * time.Millisecond, SafetyMax: 300 * time.Millisecond,
		First: 10 * time.Millisecond, FirstSafe: 300 * time.Millisecond}
}

// fakeAPI is a task-result endpoint: every task ends after dur; it counts reads and the most in flight.
type fakeAPI struct {
	dur      time.Duration
	mu       sync.Mutex
	ends     map[string]time.Time
	reads    map[string]int
	inflight atomic.Int32
	maxIn    atomic.Int32
	submits  map[int]int  // line -> submit calls
	fail429  atomic.Int32 // answer this many submits with 429 first
}

func newFakeAPI(dur time.Duration) *fakeAPI {
	return &fakeAPI{dur: dur, ends: map[string]time.Time{}, reads: map[string]int{}, submits: map[int]int{}}
}

func (f *fakeAPI) start(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ends[id] = time.Now().Add(f.dur)
}

func (f *fakeAPI) read(ctx context.Context, id string) (*novita.TaskResult, error) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxIn.Load()
		if n <= m || f.maxIn.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(2 * time.Millisecond) // a read takes a moment, so overlapping reads would show
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads[id]++
	st := novita.StatusProcessing
	if !time.Now().Before(f.ends[id]) {
		st = novita.StatusSucceed
	}
	return &novita.TaskResult{Task: novita.Task{TaskID: id, Status: st}}, nil
}

func (f *fakeAPI) submit(_ context.Context, it Item) (string, error) {
	f.mu.Lock()
	f.submits[it.Line]++
	f.mu.Unlock()
	if f.fail429.Add(-1) >= 0 {
		return "", &novita.APIError{HTTPStatus: http.StatusTooManyRequests, RetryAfter: 30 * time.Millisecond}
	}
	if strings.Contains(string(it.Body), "bad") {
		return "", &novita.APIError{HTTPStatus: http.StatusBadRequest, Reason: "INVALID_REQUEST_BODY"}
	}
	id := fmt.Sprintf("task-%d", it.Line)
	f.start(id)
	return id, nil
}

// hooks delivers, on one stream as the router does, a final webhook for each task when it ends,
// unless dropped.
type hooks struct {
	api  *fakeAPI
	drop func(id string) bool
	wg   sync.WaitGroup
}

// stream sends the webhooks of items' tasks in the order they end, then closes.
func (h *hooks) stream(items []Item) <-chan *novita.TaskResult {
	ch := make(chan *novita.TaskResult, len(items))
	type end struct {
		id string
		at time.Time
	}
	var ends []end
	h.api.mu.Lock()
	for _, it := range items {
		if h.drop == nil || !h.drop(it.TaskID) {
			ends = append(ends, end{it.TaskID, h.api.ends[it.TaskID]})
		}
	}
	h.api.mu.Unlock()
	slices.SortFunc(ends, func(a, b end) int { return a.at.Compare(b.at) })
	h.wg.Go(func() {
		defer close(ch)
		for _, e := range ends {
			time.Sleep(time.Until(e.at))
			ch <- &novita.TaskResult{Task: novita.Task{TaskID: e.id, Status: novita.StatusSucceed}}
		}
	})
	return ch
}

func TestSharedPollerBoundsReadsAndTrustsWebhooks(t *testing.T) {
	t.Parallel()
	const n, conc = 100, 5
	api := newFakeAPI(150 * time.Millisecond)
	items := make([]Item, n)
	for i := range items {
		id := fmt.Sprintf("t%d", i)
		api.start(id)
		items[i] = Item{Line: i + 1, TaskID: id}
	}
	h := &hooks{api: api}
	var delivered [2]atomic.Int32
	res, err := Run(context.Background(), Config{Concurrency: conc, Wait: true, Read: api.read, Deliveries: h.stream(items),
		Schedule: fastSchedule(), Done: func(r Result) {
			if r.DeliveredBy == waiter.ByWebhook {
				delivered[0].Add(1)
			} else {
				delivered[1].Add(1)
			}
		}}, items)
	h.wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Outcome != Succeeded {
			t.Fatalf("line %d: %s %v", r.Line, r.Outcome, r.Err)
		}
	}
	if m := api.maxIn.Load(); m > conc {
		t.Errorf("%d reads in flight at once, want at most %d", m, conc)
	}
	total := 0
	for _, c := range api.reads {
		total += c
	}
	if per := float64(total) / n; per > 1.5 {
		t.Errorf("%.2f reads per task with every webhook delivered; want about 1", per)
	}
	if delivered[0].Load() < n*9/10 {
		t.Errorf("only %d of %d results came via webhook", delivered[0].Load(), n)
	}
}

func TestSharedPollerFindsTasksWhoseWebhookWasDropped(t *testing.T) {
	t.Parallel()
	const n, conc = 60, 4
	api := newFakeAPI(100 * time.Millisecond)
	items := make([]Item, n)
	for i := range items {
		id := fmt.Sprintf("t%d", i)
		api.start(id)
		items[i] = Item{Line: i + 1, TaskID: id}
	}
	h := &hooks{api: api, drop: func(id string) bool { return strings.HasSuffix(id, "0") }}
	res, err := Run(context.Background(), Config{Concurrency: conc, Wait: true, Read: api.read, Deliveries: h.stream(items),
		Schedule: fastSchedule()}, items)
	h.wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		want := waiter.ByWebhook
		if strings.HasSuffix(r.TaskID, "0") {
			want = waiter.ByPoll
		}
		if r.Outcome != Succeeded || r.DeliveredBy != want {
			t.Errorf("%s: %s via %s, want succeeded via %s", r.TaskID, r.Outcome, r.DeliveredBy, want)
		}
	}
	if m := api.maxIn.Load(); m > conc {
		t.Errorf("%d reads in flight, want at most %d", m, conc)
	}
}

func TestPollingAloneBoundsReadsInFlight(t *testing.T) {
	t.Parallel()
	const n, conc = 80, 3
	api := newFakeAPI(80 * time.Millisecond)
	items := make([]Item, n)
	for i := range items {
		id := fmt.Sprintf("t%d", i)
		api.start(id)
		items[i] = Item{Line: i + 1, TaskID: id}
	}
	res, err := Run(context.Background(), Config{Concurrency: conc, Wait: true, Read: api.read, Schedule: fastSchedule()}, items)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Outcome != Succeeded || r.DeliveredBy != waiter.ByPoll {
			t.Fatalf("line %d: %s via %s", r.Line, r.Outcome, r.DeliveredBy)
		}
	}
	if m := api.maxIn.Load(); m > conc {
		t.Errorf("%d reads in flight, want at most %d", m, conc)
	}
}

func TestSubmitsRideOut429sAndNeverSubmitTwice(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(20 * time.Millisecond)
	api.fail429.Store(7)
	items := make([]Item, 30)
	for i := range items {
		items[i] = Item{Line: i + 1, Body: []byte(`{"ok":true}`)}
	}
	items[9].Body = []byte(`{"bad":true}`)
	var pauses atomic.Int32
	var journal sync.Map
	res, err := Run(context.Background(), Config{Concurrency: 4, Wait: true, Submit: api.submit, Read: api.read,
		Schedule: fastSchedule(), OnPause: func(time.Duration, error) { pauses.Add(1) },
		OnSubmitted: func(it Item, id string) {
			if _, dup := journal.LoadOrStore(it.Line, id); dup {
				t.Errorf("line %d journalled twice", it.Line)
			}
		}}, items)
	if err != nil {
		t.Fatal(err)
	}
	if pauses.Load() == 0 {
		t.Error("429s should pause the gate")
	}
	for _, r := range res {
		if r.Line == 10 {
			if r.Outcome != Errored || api.submits[10] != 1 {
				t.Errorf("a rejected body is that line's error, sent once: %s after %d submits", r.Outcome, api.submits[10])
			}
			continue
		}
		if r.Outcome != Succeeded {
			t.Errorf("line %d: %s %v", r.Line, r.Outcome, r.Err)
		}
	}
	n := 0
	journal.Range(func(any, any) bool { n++; return true })
	if n != 29 {
		t.Errorf("%d lines journalled, want 29", n)
	}
}

func TestStopLeavesEveryLineAccountedFor(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(time.Hour)
	items := make([]Item, 40)
	for i := range items {
		items[i] = Item{Line: i + 1, Body: []byte(`{}`)}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var submitted atomic.Int32
	slow := func(ctx context.Context, it Item) (string, error) {
		time.Sleep(5 * time.Millisecond)
		if submitted.Add(1) == 10 {
			cancel()
		}
		return api.submit(ctx, it)
	}
	res, err := Run(ctx, Config{Concurrency: 2, Wait: true, Submit: slow, Read: api.read, Schedule: fastSchedule()}, items)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
	var pending, never int
	for _, r := range res {
		switch r.Outcome {
		case Pending:
			pending++
			if r.TaskID == "" {
				t.Errorf("line %d pending without a task id", r.Line)
			}
		case NotSubmitted:
			never++
		default:
			t.Errorf("line %d: %s", r.Line, r.Outcome)
		}
		if api.submits[r.Line] > 1 {
			t.Errorf("line %d submitted %d times", r.Line, api.submits[r.Line])
		}
	}
	if pending != int(submitted.Load()) || pending+never != len(items) || pending < 10 {
		t.Errorf("pending %d (submitted %d), never sent %d", pending, submitted.Load(), never)
	}
}

func TestTimeoutReportsPending(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(time.Hour)
	items := []Item{{Line: 1, TaskID: "a"}, {Line: 2, TaskID: "b"}}
	api.start("a")
	api.start("b")
	res, err := Run(context.Background(), Config{Wait: true, Read: api.read, Schedule: fastSchedule(), Timeout: 100 * time.Millisecond}, items)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v", err)
	}
	if res[0].Outcome != Pending || res[1].Outcome != Pending {
		t.Fatalf("%+v", res)
	}
}

func TestParseLinesSkipsBlanksAndComments(t *testing.T) {
	t.Parallel()
	lines, err := ParseLines(strings.NewReader("\xef\xbb\xbfa cat\n\n# comment\n  {\"prompt\":\"x\"}  \n\t\n\"quoted\"\r\na dog"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Line{{1, "a cat", false}, {4, `{"prompt":"x"}`, true}, {6, `"quoted"`, true}, {7, "a dog", false}}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", lines, want)
	}
}
