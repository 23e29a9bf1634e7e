// Package listen owns the engine of `novita listen`: a webhook receiver behind a caller-supplied
// listener (a tunnel's or a loopback one), a line per event, NDJSON output, optional relay to the
// developer's application, saving events for replay and an optional download hook.
package listen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
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

// Config is everything `novita listen` needs; cmd/ fills it from flags.
type Config struct {
	Listener       net.Listener
	PublicURL      string      // base URL of the tunnel; the hook URL is PublicURL + receiver path
	Path           string      // optional fixed path
	ForwardTo      string      // optional URL
	Headers        http.Header // extra headers on forwarded requests (-H)
	ForwardTimeout time.Duration
	HTTPClient     *http.Client
	Statuses       []novita.Status // filter; empty = all
	SaveDir        string          // each printed event as <time>_<task id>.json, byte-for-byte
	MaxEvents      int             // return nil after N printed events
	JSON           bool            // NDJSON raw bodies on Out, nothing else on Out
	PrintURL       bool            // the hook URL alone on Out first
	Out, ErrOut    io.Writer
	Color          bool
	Quiet          bool
	OnSucceeded    func(ctx context.Context, res *novita.TaskResult) error // --download hook
	TunnelDone     <-chan struct{}                                         // closed = tunnel lost: Run fails
	Now            func() time.Time
	Ready          chan<- string // receives the hook URL once serving (tests)
}

// Run serves until ctx ends (nil), MaxEvents events were printed (nil), the tunnel is lost or the
// receiver fails (error).
func Run(ctx context.Context, cfg Config) error {
	if cfg.Listener == nil {
		return errors.New("listen: no listener")
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.ErrOut == nil {
		cfg.ErrOut = io.Discard
	}
	if cfg.ForwardTimeout <= 0 {
		cfg.ForwardTimeout = DefaultForwardTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ForwardTo != "" {
		u, err := url.Parse(cfg.ForwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return clierr.Usagef("--forward-to %q: want an http:// or https:// URL", cfg.ForwardTo)
		}
	}
	if cfg.SaveDir != "" {
		if err := ensureDir(cfg.SaveDir); err != nil {
			return err
		}
	}
	s := &session{cfg: cfg, pal: newPalette(cfg.Color), filter: map[novita.Status]bool{}}
	s.out = &lockedWriter{mu: &s.mu, w: cfg.Out}
	s.errOut = &lockedWriter{mu: &s.mu, w: cfg.ErrOut}
	for _, st := range cfg.Statuses {
		s.filter[st] = true
	}
	return s.run(ctx)
}

type session struct {
	cfg         Config
	pal         palette
	filter      map[novita.Status]bool
	mu          sync.Mutex // one lock for both streams keeps lines whole and ordered
	out, errOut *lockedWriter
	fw          *forwarder
	hooks       sync.WaitGroup
	hookErrMu   sync.Mutex
	hookErrs    []error
}

func (s *session) run(ctx context.Context) error {
	opts := webhook.Options{Path: s.cfg.Path, Now: s.cfg.Now, OnProblem: s.problem}
	if s.cfg.ForwardTo != "" {
		s.fw = newForwarder(s.cfg)
		opts.Respond = s.respond
	}
	rcv, err := webhook.New(opts)
	if err != nil {
		return err
	}
	base := s.cfg.PublicURL
	if base == "" {
		base = "http://" + s.cfg.Listener.Addr().String()
	}
	hookURL := rcv.URL(base)

	served := make(chan error, 1)
	go func() { served <- rcv.Serve(s.cfg.Listener) }()
	<-rcv.Ready()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = rcv.Shutdown(sctx)
		for range rcv.Deliveries() { // unblock nothing, just release what is buffered
		}
		<-served
		s.hooks.Wait()
	}()

	if s.cfg.PrintURL {
		s.out.printf("%s\n", hookURL)
	}
	if !s.cfg.Quiet {
		s.errOut.printf("Ready! Your webhook URL is %s\n", hookURL)
		if s.fw != nil {
			s.errOut.printf("Forwarding events to %s\n", s.cfg.ForwardTo)
		}
		s.errOut.printf("(^C to quit)\n")
	}
	if s.fw != nil {
		if err := s.fw.probe(ctx); err != nil && ctx.Err() == nil {
			s.warnf("forward target %s does not answer (%v); events will get 502 until it does", s.cfg.ForwardTo, err)
		}
	}
	if s.cfg.Ready != nil {
		select {
		case s.cfg.Ready <- hookURL:
		case <-ctx.Done():
		}
	}

	printed := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.cfg.TunnelDone:
			return errors.New("listen: the tunnel was lost; the webhook URL no longer reaches this machine")
		case err := <-served:
			served <- err // for the deferred cleanup
			if err == nil {
				err = errors.New("stopped serving")
			}
			return fmt.Errorf("listen: receiver: %w", err)
		case d, ok := <-rcv.Deliveries():
			if !ok {
				return nil
			}
			if s.handle(ctx, d) {
				printed++
				if s.cfg.MaxEvents > 0 && printed >= s.cfg.MaxEvents {
					s.hooks.Wait()
					return s.hookErr()
				}
			}
		}
	}
}

// filtered reports whether a status filter hides this delivery.
func (s *session) filtered(d webhook.Delivery) bool {
	return len(s.filter) > 0 && d.Result != nil && !s.filter[d.Result.Task.Status]
}

// respond forwards what the filter lets through and acknowledges the rest locally.
func (s *session) respond(r *http.Request, body []byte) webhook.Response {
	if s.filtered(webhook.NewDelivery(time.Time{}, r.Method, r.Header, body)) {
		return webhook.Response{Status: http.StatusOK, Body: []byte(`{"ok":true}`)}
	}
	return s.fw.respond(r, body)
}

// handle prints, saves and hands over one delivery; it reports whether the event counted as printed.
func (s *session) handle(ctx context.Context, d webhook.Delivery) bool {
	if s.filtered(d) {
		return false
	}
	switch {
	case d.Ignored:
		s.warnf("event type %q is not %s: acknowledged, not processed", d.Event.EventType, novita.EventAsyncTaskResult)
	case d.Result == nil:
		s.warnf("%s event with an undecodable payload: %v", novita.EventAsyncTaskResult, d.DecodeErr)
	default:
		if s.cfg.JSON {
			s.out.writeJSONLine(d.Body)
		} else {
			s.out.printf("%s\n", FormatLine(d, s.cfg.Color))
		}
	}
	s.forwardLine(d)
	if d.Ignored || d.Result == nil {
		return false
	}
	if s.cfg.SaveDir != "" {
		if path, err := saveEvent(s.cfg.SaveDir, d); err != nil {
			s.errorf("save event: %v", err)
		} else if !s.cfg.Quiet {
			s.errOut.printf("saved %s\n", path)
		}
	}
	if s.cfg.OnSucceeded != nil && !d.Duplicate && d.Result.Task.Status == novita.StatusSucceed {
		s.hooks.Add(1)
		go func(res *novita.TaskResult) {
			defer s.hooks.Done()
			if err := s.cfg.OnSucceeded(ctx, res); err != nil {
				s.errorf("task %s: %v", res.Task.TaskID, err)
				s.hookErrMu.Lock()
				s.hookErrs = append(s.hookErrs, err)
				s.hookErrMu.Unlock()
			}
		}(d.Result)
	}
	return true
}

func (s *session) forwardLine(d webhook.Delivery) {
	if d.Response == nil {
		return
	}
	w := s.out
	if s.cfg.JSON {
		w = s.errOut
	}
	line := fmt.Sprintf("<-- [%d] %s %s (%d ms)", d.Response.Status, d.Method, s.cfg.ForwardTo, d.Response.Latency.Milliseconds())
	if d.Response.Err != nil {
		s.errorf("%s: %v", line, d.Response.Err)
		return
	}
	w.printf("%s\n", line)
}

func (s *session) hookErr() error {
	s.hookErrMu.Lock()
	defer s.hookErrMu.Unlock()
	if len(s.hookErrs) == 0 {
		return nil
	}
	return fmt.Errorf("listen: %w", errors.Join(s.hookErrs...))
}

func (s *session) problem(p webhook.Problem) {
	s.warnf("%d %s %s from %s: %s", p.Status, p.Method, p.Path, p.Remote, p.Detail)
}

func (s *session) warnf(format string, args ...any) {
	s.errOut.printf("%s %s\n", s.pal.warn.Sprint("warning:"), fmt.Sprintf(format, args...))
}

func (s *session) errorf(format string, args ...any) {
	s.errOut.printf("%s %s\n", s.pal.bad.Sprint("error:"), fmt.Sprintf(format, args...))
}
