package batch

import (
	"sort"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// poller is the one loop that reads task results for the whole batch. It keeps every pending task with
// the time of its next check, starts the reads that are due (at most Concurrency at once, none while the
// gate is closed), and moves a task to the front when a webhook says it is final: the webhook is only a
// signal, the result that counts is the one read back from the API.
type poller struct {
	r          *run
	adds       chan *ptask
	addsDone   chan struct{}
	signals    chan string
	reads      chan readDone
	exited     chan struct{}
	forwarders sync.WaitGroup
	once       sync.Once

	tasks    map[string]*ptask // owned by loop
	inflight int
}

type ptask struct {
	index     int
	id        string
	start     time.Time
	next      time.Time
	reads     int
	signalled bool // a webhook said final: the next read is on its account
	recheck   bool // a webhook came while a read was in flight
	inflight  bool
	plan      *waiter.Planner
	done      chan struct{} // closed when the task leaves the poller; ends its webhook forwarder
}

type readDone struct {
	t      *ptask
	res    *novita.TaskResult
	err    error
	byHook bool
}

func newPoller(r *run) *poller {
	return &poller{r: r, adds: make(chan *ptask), addsDone: make(chan struct{}), signals: make(chan string),
		reads: make(chan readDone, r.cfg.Concurrency), exited: make(chan struct{}), tasks: map[string]*ptask{}}
}

// add hands a submitted task to the poller; after the poller has stopped, the task stays Pending.
func (p *poller) add(i int, id string) {
	t := &ptask{index: i, id: id, start: p.r.cfg.Now(), done: make(chan struct{}),
		plan: waiter.NewPlanner(p.r.cfg.Schedule, p.r.cfg.Webhooks != nil)}
	select {
	case p.adds <- t:
	case <-p.exited:
	}
}

func (p *poller) noMoreAdds() { p.once.Do(func() { close(p.addsDone) }) }

func (p *poller) loop() {
	defer close(p.exited)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	addsDone := p.addsDone
	for {
		if p.r.ctx.Err() != nil {
			p.drain()
			return
		}
		if addsDone == nil && len(p.tasks) == 0 && p.inflight == 0 {
			if p.r.cfg.AfterWait != nil {
				p.r.cfg.AfterWait()
			}
			return
		}
		resetTimer(timer, p.launch(), p.r.cfg.Now())
		select {
		case t := <-p.adds:
			t.next = p.r.cfg.Now().Add(t.plan.First())
			p.tasks[t.id] = t
			if p.r.cfg.Webhooks != nil {
				p.forwarders.Add(1)
				go p.forward(t, p.r.cfg.Webhooks(t.id))
			}
		case <-addsDone:
			addsDone = nil
		case id := <-p.signals:
			if t := p.tasks[id]; t != nil {
				if t.inflight {
					t.recheck = true
				} else {
					t.signalled, t.next = true, p.r.cfg.Now()
				}
			}
		case d := <-p.reads:
			p.inflight--
			d.t.inflight = false
			p.handle(d)
		case <-timer.C:
		case <-p.r.ctx.Done():
		}
	}
}

// drain waits for the reads in flight once the run has stopped; what is left stays Pending.
func (p *poller) drain() {
	for p.inflight > 0 {
		<-p.reads
		p.inflight--
	}
	for id, t := range p.tasks {
		close(t.done)
		delete(p.tasks, id)
	}
}

// launch starts the due reads there is room for and returns when the loop should next wake up
// (zero: only an event can make anything due).
func (p *poller) launch() time.Time {
	if until := p.r.cfg.Gate.Until(); until.After(time.Now()) {
		return p.r.cfg.Now().Add(time.Until(until))
	}
	now := p.r.cfg.Now()
	var due []*ptask
	var wake time.Time
	for _, t := range p.tasks {
		switch {
		case t.inflight:
		case !t.next.After(now):
			due = append(due, t)
		case wake.IsZero() || t.next.Before(wake):
			wake = t.next
		}
	}
	free := p.r.cfg.Concurrency - p.inflight
	if len(due) > free {
		// Webhook-signalled tasks first (their result is ready), then the longest overdue.
		sort.Slice(due, func(a, b int) bool {
			if due[a].signalled != due[b].signalled {
				return due[a].signalled
			}
			return due[a].next.Before(due[b].next)
		})
		due = due[:max(free, 0)]
	}
	for _, t := range due {
		p.start(t)
	}
	return wake
}

func (p *poller) start(t *ptask) {
	t.inflight = true
	t.reads++
	p.inflight++
	byHook := t.signalled
	t.signalled = false
	go func() {
		res, err := p.r.cfg.Read(p.r.ctx, t.id)
		p.reads <- readDone{t: t, res: res, err: err, byHook: byHook}
	}()
}

func (p *poller) handle(d readDone) {
	t, now := d.t, p.r.cfg.Now()
	if d.err != nil {
		switch ra, limited := rateLimited(d.err); {
		case p.r.ctx.Err() != nil:
		case limited:
			p.r.pause(ra, d.err)
			t.next, t.signalled = now, t.signalled || d.byHook
		case isAuth(d.err):
			p.r.cancel(d.err)
		case permanentRead(d.err, now.Sub(t.start), p.r.cfg.NotFoundGrace):
			p.remove(t)
			p.r.over(&Result{Line: p.r.items[t.index].Line, TaskID: t.id, Outcome: Errored, Err: d.err,
				Reads: t.reads, Elapsed: now.Sub(t.start)}, t.index)
		default:
			t.next = now.Add(t.plan.Next(now))
		}
		return
	}
	if d.res.Task.Status.Final() {
		p.remove(t)
		by := waiter.ByPoll
		if d.byHook {
			by = waiter.ByWebhook
		}
		out := Succeeded
		if d.res.Task.Status == novita.StatusFailed {
			out = Failed
		}
		p.r.finish <- &finished{index: t.index, Result: Result{Line: p.r.items[t.index].Line, TaskID: t.id,
			Outcome: out, Result: d.res, DeliveredBy: by, Reads: t.reads, Elapsed: now.Sub(t.start)}}
		return
	}
	t.plan.Observe(now, int64(d.res.Task.ETA))
	if t.recheck {
		t.recheck, t.signalled, t.next = false, true, now
		return
	}
	t.next = now.Add(t.plan.Next(now))
}

func (p *poller) remove(t *ptask) {
	delete(p.tasks, t.id)
	close(t.done)
}

// forward turns a task's webhook deliveries into signals for the loop.
func (p *poller) forward(t *ptask, ch <-chan *novita.TaskResult) {
	defer p.forwarders.Done()
	for {
		select {
		case res, ok := <-ch:
			if !ok {
				return // receiver gone: polling carries on alone
			}
			if res == nil || res.Task.TaskID != t.id || !res.Task.Status.Final() {
				continue
			}
			select {
			case p.signals <- t.id:
			case <-t.done:
				return
			case <-p.exited:
				return
			}
		case <-t.done:
			return
		case <-p.exited:
			return
		}
	}
}

func resetTimer(t *time.Timer, at, now time.Time) {
	d := time.Hour
	if !at.IsZero() {
		d = max(at.Sub(now), 0)
	}
	t.Reset(d)
}
