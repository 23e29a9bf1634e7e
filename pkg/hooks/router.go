package hooks

import (
	"crypto/sha256"
	"sync"

	"github.com/novita-cli/novita/pkg/dedup"
	"github.com/novita-cli/novita/pkg/novita"
)

// resultsBuffer is how many results may wait for the engine. The engine reads its stream at once, so
// this only absorbs bursts; beyond it the router waits (and the receiver's own buffer fills), it never
// holds more.
const resultsBuffer = 64

// Router turns what a Server receives into the one stream of task results the wait engine reads: every
// delivery that decoded to a result, minus byte-identical retries. It costs nothing per task, whether
// one task or ten thousand are waited for: the engine itself picks its tasks' results out of the stream.
type Router struct {
	*Server

	results chan *novita.TaskResult
	closing chan struct{} // closed by CloseAsync: the stream's reader is gone or going
	done    chan struct{} // closed when route has returned

	closeOnce sync.Once
	closed    chan struct{}
}

// NewRouter starts routing srv's deliveries. Close it instead of srv.
func NewRouter(srv *Server) *Router {
	r := &Router{Server: srv, results: make(chan *novita.TaskResult, resultsBuffer),
		closing: make(chan struct{}), done: make(chan struct{}), closed: make(chan struct{})}
	go r.route()
	return r
}

// Results is the stream of deduplicated task results, for any task; it is closed once the receiver
// has shut down. Hand it to the wait engine (waiter.Options.Webhooks, lifecycle.Spec.Webhooks,
// lifecycle.Batch.Deliveries).
func (r *Router) Results() <-chan *novita.TaskResult { return r.results }

func (r *Router) route() {
	defer close(r.done)
	defer close(r.results)
	// The receiver flags a repeat of (task, status) as a duplicate, but a forged event could then mask
	// the genuine one. The engine re-reads the result anyway, so only byte-identical retries are
	// skipped, and only the recent ones are remembered: a retry comes within minutes, not a batch later.
	seen := dedup.NewRecent[[32]byte](recentBodies)
	for d := range r.Deliveries() {
		if d.Result == nil || !seen.Add(sha256.Sum256(d.Body)) {
			continue
		}
		select {
		case r.results <- d.Result:
		case <-r.closing: // nobody reads any more: drain the receiver until it closes
		}
	}
}

// recentBodies bounds the bodies remembered for deduplication (32 bytes each, plus the map's share).
const recentBodies = 4096

// CloseAsync starts shutting the receiver and tunnel down without waiting: once the final states are
// known they are not needed, and closing an ngrok session takes a moment that can overlap the
// downloads. Results stop flowing at once. It is safe on a nil router and more than once.
func (r *Router) CloseAsync() {
	if r == nil {
		return
	}
	r.closeOnce.Do(func() {
		close(r.closing)
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
