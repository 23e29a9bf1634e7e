// Package listen owns the engine of `novita listen`: for each delivery a served webhook receiver
// accepts, it applies the status filter, relays the request to the developer's application (inside
// the receiver's answer, so Novita sees the application's status and retries as in production),
// shapes that answer when fault injection asks (--respond-status, --respond-delay), saves the event
// for replay, and hands succeeded results to a download hook on a bounded pool. It also replays a
// body to the application on request (the web inspector's Replay). It reports every step to a
// Visitor and never writes to a terminal itself.
package listen

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/webhook"
)

// DefaultForwardTimeout is just under Novita's own 5 s delivery timeout.
const DefaultForwardTimeout = 4500 * time.Millisecond

// DefaultWorkers bounds the download hooks running at once.
const DefaultWorkers = 4

// Config is what one listen session does with its deliveries.
type Config struct {
	ForwardTo      string      // optional http(s) URL
	Headers        http.Header // extra headers on forwarded requests (-H)
	ForwardTimeout time.Duration
	HTTPClient     *http.Client
	Statuses       []novita.Status // filter; empty = all
	SaveDir        string          // each shown event as <time>_<task id>.json, byte-for-byte
	MaxEvents      int             // Run returns after N shown events
	// OnSucceeded runs for each new succeeded event (--download), at most Workers at once.
	OnSucceeded func(ctx context.Context, res *novita.TaskResult) error
	// HookFailed runs OnSucceeded for failed results too (it then records them, and saves nothing).
	HookFailed bool
	Workers    int
	// Faults shape the answer each delivery gets (ParseFaults); the zero value injects nothing.
	Faults  Faults
	Visitor Visitor
}

// Visitor is told what happens, from several goroutines; the command decides how it looks.
type Visitor interface {
	// Delivery is an accepted request the filter lets through: an ASYNC_TASK_RESULT event (d.Result
	// set), another event type (d.Ignored) or an undecodable one (d.DecodeErr).
	Delivery(d webhook.Delivery)
	// Answered is the answer the engine gave a delivery itself (d.Response set): the application's
	// relayed answer, and/or one shaped by Faults (then d.Response.Header has InjectedHeader).
	Answered(d webhook.Delivery)
	// Saved reports an event written with SaveDir (or why it could not be).
	Saved(path string, err error)
	// Rejected is a request the receiver refused (wrong path, method, size, not JSON).
	Rejected(p webhook.Problem)
	// HookFailed is a download hook that failed.
	HookFailed(taskID string, err error)
}

// Engine is one listen session.
type Engine struct {
	cfg    Config
	filter map[novita.Status]bool
	fw     *forwarder
	slots  chan struct{}
	// quit ends when Run returns: delayed answers stop waiting.
	quit    context.Context
	quitNow context.CancelFunc
	hooks   sync.WaitGroup
	errMu   sync.Mutex
	errs    []error
}

// ForwardTargetError is a forward target that is not an http(s) URL.
type ForwardTargetError struct{ URL string }

func (e *ForwardTargetError) Error() string {
	return fmt.Sprintf("forward target %q is not an http(s) URL (example: http://localhost:3000/hooks/novita)", e.URL)
}

// ExitKind is usage: the target was given wrong.
func (e *ForwardTargetError) ExitKind() clierr.Kind { return clierr.KindUsage }

// CheckForwardTarget validates a forward target URL.
func CheckForwardTarget(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &ForwardTargetError{URL: raw}
	}
	return nil
}

// New checks cfg and prepares a session; it serves nothing yet.
func New(cfg Config) (*Engine, error) {
	if cfg.Visitor == nil {
		return nil, errors.New("listen: no visitor")
	}
	if cfg.ForwardTimeout <= 0 {
		cfg.ForwardTimeout = DefaultForwardTimeout
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	e := &Engine{cfg: cfg, filter: map[novita.Status]bool{}, slots: make(chan struct{}, cfg.Workers)}
	e.quit, e.quitNow = context.WithCancel(context.Background())
	for _, st := range cfg.Statuses {
		e.filter[st] = true
	}
	if cfg.ForwardTo != "" {
		if err := CheckForwardTarget(cfg.ForwardTo); err != nil {
			return nil, err
		}
		e.fw = newForwarder(cfg)
	}
	if cfg.SaveDir != "" {
		if err := ensureDir(cfg.SaveDir); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// ReceiverOptions are the receiver settings the session needs: the relay and the fault injection
// as the synchronous responder, and rejected requests reported to the visitor.
func (e *Engine) ReceiverOptions() webhook.Options {
	opts := webhook.Options{OnProblem: e.cfg.Visitor.Rejected}
	if e.fw != nil || e.cfg.Faults.Active() {
		opts.Respond = e.respond
	}
	return opts
}

// ErrNoForwardTarget is Replay's error in a session without a forward target.
var ErrNoForwardTarget = errors.New("listen: no forward target: replays need one")

// ForwardTarget is the forward target URL ("" without one).
func (e *Engine) ForwardTarget() string { return e.cfg.ForwardTo }

// Replay sends body to the forward target with method and header as a delivery is relayed (hop-by-hop
// headers dropped, -H headers added, the same timeout). Fault injection does not apply: it shapes
// what the sender sees, and a replay has no sender. The answer's Latency is measured here; a target
// that could not be reached gives a 502 with Err set, as in a relay.
func (e *Engine) Replay(ctx context.Context, method string, header http.Header, body []byte) (webhook.Response, error) {
	if e.fw == nil {
		return webhook.Response{}, ErrNoForwardTarget
	}
	if method == "" {
		method = http.MethodPost
	}
	start := time.Now()
	resp := e.fw.forward(ctx, method, header, body)
	resp.Latency = time.Since(start)
	return resp, nil
}

// Probe tells whether the forward target answers at all (nil without --forward-to).
func (e *Engine) Probe(ctx context.Context) error {
	if e.fw == nil {
		return nil
	}
	return e.fw.probe(ctx)
}

// Run handles deliveries until ctx ends (nil), MaxEvents events were shown (the download hooks'
// errors, if any), the tunnel is lost or the receiver stops (an error).
func (e *Engine) Run(ctx context.Context, deliveries <-chan webhook.Delivery, stopped <-chan error, tunnelDone <-chan struct{}) error {
	defer e.hooks.Wait()
	defer e.quitNow()
	shown := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tunnelDone:
			return errors.New("listen: the tunnel was lost; the webhook URL no longer reaches this machine")
		case err := <-stopped:
			if err == nil {
				err = errors.New("stopped serving")
			}
			return fmt.Errorf("listen: receiver: %w", err)
		case d, ok := <-deliveries:
			if !ok {
				return nil
			}
			if e.handle(ctx, d) {
				shown++
				if e.cfg.MaxEvents > 0 && shown >= e.cfg.MaxEvents {
					e.hooks.Wait()
					return e.hookErr()
				}
			}
		}
	}
}

// filtered reports whether the status filter hides this delivery.
func (e *Engine) filtered(d webhook.Delivery) bool {
	return len(e.filter) > 0 && d.Result != nil && !e.filter[d.Result.Task.Status]
}

// respond forwards what the filter lets through and acknowledges the rest locally, then applies
// the fault rules (to every delivery: the filter only decides what is shown).
func (e *Engine) respond(r *http.Request, body []byte) webhook.Response {
	d := webhook.NewDelivery(time.Time{}, r.Method, r.Header, body)
	forwarded := e.fw != nil && !e.filtered(d)
	resp := webhook.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"ok":true}`)}
	if forwarded {
		resp = e.fw.forward(r.Context(), r.Method, r.Header, body)
	}
	if !e.cfg.Faults.Active() {
		return resp
	}
	return e.inject(r.Context(), d, resp, forwarded)
}

// handle shows, saves and hands over one delivery; it reports whether the event counted as shown.
func (e *Engine) handle(ctx context.Context, d webhook.Delivery) bool {
	if e.filtered(d) {
		return false
	}
	v := e.cfg.Visitor
	v.Delivery(d)
	if d.Response != nil && (e.fw != nil || d.Response.Header.Get(InjectedHeader) != "") { // not the plain acknowledgement
		v.Answered(d)
	}
	if d.Ignored || d.Result == nil {
		return false
	}
	if e.cfg.SaveDir != "" {
		v.Saved(saveEvent(e.cfg.SaveDir, d))
	}
	if st := d.Result.Task.Status; e.cfg.OnSucceeded != nil && !d.Duplicate &&
		(st == novita.StatusSucceed || e.cfg.HookFailed && st == novita.StatusFailed) {
		e.startHook(ctx, d.Result)
	}
	return true
}

// startHook runs the download hook on the bounded pool: a burst of events waits for a free slot
// instead of starting a goroutine each.
func (e *Engine) startHook(ctx context.Context, res *novita.TaskResult) {
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return
	}
	e.hooks.Add(1)
	go func() {
		defer func() { <-e.slots; e.hooks.Done() }()
		if err := e.cfg.OnSucceeded(ctx, res); err != nil {
			e.cfg.Visitor.HookFailed(res.Task.TaskID, err)
			e.errMu.Lock()
			e.errs = append(e.errs, err)
			e.errMu.Unlock()
		}
	}()
}

func (e *Engine) hookErr() error {
	e.errMu.Lock()
	defer e.errMu.Unlock()
	if len(e.errs) == 0 {
		return nil
	}
	return fmt.Errorf("listen: %w", errors.Join(e.errs...))
}
