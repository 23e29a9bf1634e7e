// Package webhook owns the local receiver for Novita webhooks: a secret path, strict request checks
// (404/405/413/400), an immediate 2xx answer (Novita gives up after 5 s), duplicate detection for
// Novita's retries, and a buffered stream of deliveries that the caller consumes at its own pace.
// Novita signs nothing, so the random path is the only credential.
package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/novita-cli/novita/pkg/dedup"
)

// Defaults for Options.
const (
	DefaultMaxBody  = 4 << 20
	DefaultBuffer   = 1024
	DefaultFullWait = 2 * time.Second
)

// Response is what a synchronous responder (Options.Respond) answered. The receiver relays it to the
// sender as is; Err, when set, explains why Status is an error the responder made up (e.g. 502).
type Response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Err     error
	Latency time.Duration // measured by the receiver
}

// Problem is a rejected request, reported so that a caller such as `listen` can warn about it.
type Problem struct {
	Status int
	Method string
	Path   string
	Remote string
	Detail string
}

// Options configures a Receiver. Zero values mean the defaults.
type Options struct {
	Path    string // "" = /webhook/<128-bit random hex>
	MaxBody int64  // default 4 MiB
	Buffer  int    // channel capacity, default 1024
	// Respond, when set, answers each valid request synchronously instead of the immediate 200
	// (listen --forward-to), so Novita's retries behave as against the real application.
	Respond   func(r *http.Request, body []byte) Response
	OnProblem func(Problem)
	Now       func() time.Time
	// FullWait is how long a request waits for room in a full delivery buffer before it is answered
	// 503 (so that Novita retries). Default 2 s.
	FullWait time.Duration
}

// Receiver is an HTTP handler plus the stream of what it accepted.
type Receiver struct {
	opts                          Options
	path                          string
	srv                           *http.Server
	ch                            chan Delivery
	ready                         chan struct{}
	stop                          chan struct{} // closed at Shutdown: handlers waiting for buffer room give up
	dedup                         *dedup.Recent[string]
	ctr                           counters
	mu                            sync.Mutex // guards closed and the inflight Add
	closed                        bool
	inflight                      sync.WaitGroup
	readyOnce, stopOnce, shutOnce sync.Once
	shutErr                       error
}

type counters struct {
	accepted, dropped, rejected atomic.Int64
}

// New prepares a receiver; it does not listen yet.
func New(opts Options) (*Receiver, error) {
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.FullWait <= 0 {
		opts.FullWait = DefaultFullWait
	}
	path := opts.Path
	if path == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("webhook: random path: %w", err)
		}
		path = "/webhook/" + hex.EncodeToString(b[:])
	} else if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	r := &Receiver{
		opts:  opts,
		path:  path,
		ch:    make(chan Delivery, opts.Buffer),
		ready: make(chan struct{}),
		stop:  make(chan struct{}),
		dedup: dedup.NewRecent[string](4096),
	}
	r.srv = &http.Server{
		Handler:           r,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          discardLogger(),
	}
	return r, nil
}

// Path is the secret path, e.g. /webhook/9f86d0....
func (r *Receiver) Path() string { return r.path }

// URL joins a public base URL (a tunnel's) and the secret path.
func (r *Receiver) URL(publicBase string) string { return strings.TrimRight(publicBase, "/") + r.path }

// Handler is the receiver as an http.Handler, for callers that run their own server.
func (r *Receiver) Handler() http.Handler { return r }

// Ready is closed once Serve has started.
func (r *Receiver) Ready() <-chan struct{} { return r.ready }

// Deliveries is the stream of accepted requests. It is closed by Shutdown once no handler can send.
func (r *Receiver) Deliveries() <-chan Delivery { return r.ch }

// Stats counts accepted deliveries, deliveries dropped because the buffer stayed full, and rejected requests.
func (r *Receiver) Stats() (accepted, dropped, rejected int64) {
	return r.ctr.accepted.Load(), r.ctr.dropped.Load(), r.ctr.rejected.Load()
}

// Serve serves on l until Shutdown, then returns nil.
func (r *Receiver) Serve(l net.Listener) error {
	r.readyOnce.Do(func() { close(r.ready) })
	err := r.srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("webhook receiver: %w", err)
	}
	return nil
}

// Shutdown stops accepting, lets in-flight requests finish (bounded by ctx), then closes Deliveries.
// It is safe to call more than once.
func (r *Receiver) Shutdown(ctx context.Context) error {
	r.shutOnce.Do(func() {
		r.stopOnce.Do(func() { close(r.stop) })
		err := r.srv.Shutdown(ctx)
		if err != nil {
			_ = r.srv.Close() // ctx ended: cut the remaining connections
		}
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		r.inflight.Wait()
		close(r.ch)
		if err != nil {
			r.shutErr = fmt.Errorf("webhook receiver shutdown: %w", err)
		}
	})
	return r.shutErr
}
