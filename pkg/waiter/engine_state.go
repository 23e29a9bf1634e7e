package waiter

import (
	"container/heap"
	"time"
)

// task is the engine's state for one pending task, kept compact: a batch holds one per task that
// has been submitted and is not over yet.
type task struct {
	id       string
	ref      int
	added    time.Time
	next     time.Time // next read, while the task is scheduled
	deadline time.Time // its own timeout; zero = none
	plan     planState
	twins    []int    // refs of later Adds of the same id, which share this wait (rare)
	heapAt   [2]int32 // index in byNext and byDeadline; -1 when not in it
	reads    int32
	state    taskState
	hooked   bool // a webhook said final: the next (or current) read is on its account
	recheck  bool // a webhook came while a read was in flight: read again at once
}

type taskState uint8

const (
	scheduled taskState = iota // in byNext, waiting for its next read
	ready                      // in the ready queue: read as soon as a reader is free
	reading                    // a read is in flight
	over                       // delivered; left in the ready queue only until popped
)

// loopState is what the engine's loop owns.
type loopState struct {
	tasks      map[string]*task
	byNext     taskHeap            // scheduled tasks by next read
	byDeadline taskHeap            // tasks with their own timeout, by deadline
	readyQ     []*task             // tasks a webhook made due, in arrival order
	early      map[string]struct{} // final webhooks for ids not added yet
	earlyOrder []string            // the same ids, oldest first (a ring of at most maxEarly)
	earlyNext  int                 // the ring's oldest slot once it is full
	inflight   int
}

// maxEarly bounds the webhooks remembered for tasks not added yet: a fast task's webhook can beat
// its submit's answer by milliseconds, but duplicates for ended tasks and foreign ids must not grow
// memory, so the oldest is forgotten first. A forgotten one only costs the poll that finds the task.
const maxEarly = 1024

// rememberEarly keeps a final webhook for an id the engine does not know yet.
func (e *Engine) rememberEarly(id string) {
	if _, ok := e.early[id]; ok {
		return
	}
	if len(e.earlyOrder) < maxEarly {
		e.earlyOrder = append(e.earlyOrder, id)
	} else {
		delete(e.early, e.earlyOrder[e.earlyNext])
		e.earlyOrder[e.earlyNext] = id
		e.earlyNext = (e.earlyNext + 1) % maxEarly
	}
	e.early[id] = struct{}{}
}

func newLoopState() loopState {
	return loopState{tasks: map[string]*task{}, byNext: taskHeap{which: 0}, byDeadline: taskHeap{which: 1},
		early: map[string]struct{}{}}
}

// admit takes a newly added task into the schedule.
func (e *Engine) admit(t *task) {
	if first := e.tasks[t.id]; first != nil {
		first.twins = append(first.twins, t.ref)
		return
	}
	e.tasks[t.id] = t
	if !t.deadline.IsZero() {
		heap.Push(&e.byDeadline, t)
	}
	if _, ok := e.early[t.id]; ok {
		delete(e.early, t.id)
		t.hooked = true
		e.makeReady(t)
		return
	}
	t.next = t.added.Add(e.o.Schedule.first(e.webhook))
	t.state = scheduled
	heap.Push(&e.byNext, t)
}

func (e *Engine) makeReady(t *task) {
	if t.state == scheduled && t.heapAt[0] >= 0 {
		heap.Remove(&e.byNext, int(t.heapAt[0]))
	}
	t.state = ready
	e.readyQ = append(e.readyQ, t)
}

func (e *Engine) schedule(t *task, at time.Time) {
	t.state, t.next = scheduled, at
	heap.Push(&e.byNext, t)
}

// launch ends the tasks whose own timeout passed, starts the due reads there is room for, and
// returns when the loop should next wake up (zero: only an event can make anything due).
func (e *Engine) launch(now time.Time) time.Time {
	for e.byDeadline.Len() > 0 {
		t := e.byDeadline.ts[0]
		if t.deadline.After(now) {
			break
		}
		heap.Pop(&e.byDeadline)
		if t.state != reading { // a read in flight decides when it comes back
			e.end(t, Outcome{Err: stopped(ErrTimeout, t.id, t.deadline.Sub(t.added))})
		}
	}
	var wake time.Time
	if e.byDeadline.Len() > 0 {
		wake = e.byDeadline.ts[0].deadline
	}
	if until := e.o.Gate.Until(); until.After(now) {
		return earliest(wake, until)
	}
	room := e.o.Concurrency
	if e.o.Backlog > 0 && e.out.Load() >= int64(e.o.Backlog) {
		room = 0 // the consumer is behind: read nothing more until it catches up (Release wakes us)
	}
	for e.inflight < room {
		if len(e.readyQ) > 0 {
			t := e.readyQ[0]
			e.readyQ[0] = nil
			e.readyQ = e.readyQ[1:]
			if t.state == ready {
				e.startRead(t)
			}
			continue
		}
		if e.byNext.Len() == 0 || e.byNext.ts[0].next.After(now) {
			break
		}
		e.startRead(heap.Pop(&e.byNext).(*task))
	}
	if len(e.readyQ) == 0 {
		e.readyQ = nil // let a long queue's array go
	}
	if e.inflight < room && e.byNext.Len() > 0 {
		wake = earliest(wake, e.byNext.ts[0].next)
	}
	return wake
}

func (e *Engine) startRead(t *task) {
	t.state = reading
	t.reads++
	e.inflight++
	e.jobs <- readJob{t: t, id: t.id, byHook: t.hooked} // buffered for Concurrency: never blocks
	t.hooked = false
}

// end delivers a task's outcome (and its twins') and forgets it.
func (e *Engine) end(t *task, out Outcome) {
	if t.state == over {
		return
	}
	if t.state == scheduled && t.heapAt[0] >= 0 {
		heap.Remove(&e.byNext, int(t.heapAt[0]))
	}
	if t.heapAt[1] >= 0 {
		heap.Remove(&e.byDeadline, int(t.heapAt[1]))
	}
	t.state = over
	delete(e.tasks, t.id)
	out.TaskID, out.Ref, out.Requests = t.id, t.ref, int(t.reads)
	out.Elapsed = e.clk.Now().Sub(t.added)
	e.deliver(out)
	for _, ref := range t.twins {
		out.Ref = ref
		e.deliver(out)
	}
}

func (e *Engine) deliver(out Outcome) {
	if e.o.Backlog > 0 {
		e.out.Add(1)
	}
	if e.o.OnDone != nil {
		e.o.OnDone(out)
	}
}

// pendingTasks lists the tasks not over yet.
func (e *Engine) pendingTasks() []*task {
	ts := make([]*task, 0, len(e.tasks))
	for _, t := range e.tasks {
		ts = append(ts, t)
	}
	return ts
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// taskHeap orders tasks by their next read (which 0) or their deadline (which 1), keeping each
// task's index up to date so a task can leave the heap in O(log n).
type taskHeap struct {
	ts    []*task
	which int
}

func (h *taskHeap) key(t *task) time.Time {
	if h.which == 0 {
		return t.next
	}
	return t.deadline
}

func (h *taskHeap) Len() int           { return len(h.ts) }
func (h *taskHeap) Less(a, b int) bool { return h.key(h.ts[a]).Before(h.key(h.ts[b])) }
func (h *taskHeap) Swap(a, b int) {
	h.ts[a], h.ts[b] = h.ts[b], h.ts[a]
	h.ts[a].heapAt[h.which], h.ts[b].heapAt[h.which] = int32(a), int32(b)
}

func (h *taskHeap) Push(x any) {
	t := x.(*task)
	t.heapAt[h.which] = int32(len(h.ts))
	h.ts = append(h.ts, t)
}

func (h *taskHeap) Pop() any {
	n := len(h.ts) - 1
	t := h.ts[n]
	h.ts[n] = nil
	h.ts = h.ts[:n]
	t.heapAt[h.which] = -1
	return t
}
