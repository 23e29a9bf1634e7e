package hooks

import (
	"crypto/sha256"
	"sync"

	"github.com/novita-cli/novita/pkg/novita"
)

// Router hands the task results a Server receives to the waiters that asked for them. Results that
// arrive before anyone asked (a fast task, a test event) are kept until claimed.
type Router struct {
	*Server

	mu      sync.Mutex
	subs    map[string]chan *novita.TaskResult
	pending map[string]*novita.TaskResult
	done    chan struct{}

	closeOnce sync.Once
	closed    chan struct{}
}

// NewRouter starts routing srv's deliveries. Close it instead of srv.
func NewRouter(srv *Server) *Router {
	r := &Router{Server: srv, subs: map[string]chan *novita.TaskResult{}, pending: map[string]*novita.TaskResult{},
		done: make(chan struct{}), closed: make(chan struct{})}
	go r.route()
	return r
}

func (r *Router) route() {
	defer close(r.done)
	// The receiver flags a repeat of (task, status) as a duplicate, but a forged event could then mask
	// the genuine one. Waiters re-read the result anyway, so only byte-identical retries are skipped.
	seen := map[[32]byte]bool{}
	for d := range r.Deliveries() {
		sum := sha256.Sum256(d.Body)
		if d.Result == nil || seen[sum] {
			continue
		}
		seen[sum] = true
		id := d.Result.Task.TaskID
		r.mu.Lock()
		if ch, ok := r.subs[id]; ok {
			select {
			case ch <- d.Result:
			default: // the waiter already has a signal queued; one is enough
			}
		} else {
			r.pending[id] = d.Result
		}
		r.mu.Unlock()
	}
}

// Subscribe returns the channel on which results for id arrive.
func (r *Router) Subscribe(id string) <-chan *novita.TaskResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch := make(chan *novita.TaskResult, 1)
	r.subs[id] = ch
	if res, ok := r.pending[id]; ok {
		ch <- res
		delete(r.pending, id)
	}
	return ch
}

// Unsubscribe forgets a waiter that has its answer, so a long batch keeps no state for finished tasks.
func (r *Router) Unsubscribe(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.subs, id)
	delete(r.pending, id)
}

// CloseAsync starts shutting the receiver and tunnel down without waiting: once the final states are
// known they are not needed, and closing an ngrok session takes a moment that can overlap the
// downloads. It is safe on a nil router and more than once.
func (r *Router) CloseAsync() {
	if r == nil {
		return
	}
	r.closeOnce.Do(func() {
		go func() {
			defer close(r.closed)
			r.Server.Close(0)
			<-r.done
		}()
	})
}

// Close shuts the receiver and tunnel down and waits until they are gone. Safe on a nil router.
func (r *Router) Close() {
	if r == nil {
		return
	}
	r.CloseAsync()
	<-r.closed
}
