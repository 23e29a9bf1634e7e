package tunnel

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"golang.ngrok.com/ngrok/v2"
)

const (
	// DefaultHeartbeatInterval and DefaultHeartbeatTolerance replace ngrok's 10s/15s defaults. Why:
	// muxado's heartbeat goroutines only notice that their session ended on their next timer tick
	// (a dead session that the library never closes lingers until interval+tolerance), and Close
	// waits for them; shorter timers also detect a dead tunnel sooner.
	DefaultHeartbeatInterval  = time.Second
	DefaultHeartbeatTolerance = 4 * time.Second
)

const (
	// settleMargin absorbs scheduling jitter when waiting for those timers.
	settleMargin = 150 * time.Millisecond
	// librarySettle covers the one backoff sleep (500ms) that the library's reconnect goroutine
	// takes after a failure before it notices the session was closed and returns.
	librarySettle = 600 * time.Millisecond
	// finalWait bounds how long Close waits for the library's session goroutines to end.
	finalWait = 5 * time.Second
	// unbindWait bounds the endpoint's unbind round trip; after it the session is cut instead.
	unbindWait = 3 * time.Second
)

// ngrokTunnel is one ngrok agent with one endpoint, built for a short-lived CLI: it is opened with a
// deadline, reconnects on its own (reporting status), and is torn down completely on Close.
type ngrokTunnel struct {
	cfg     Config
	red     redactor
	logger  *slog.Logger // redacting; also handed to the library
	timeout time.Duration
	dialer  *retryDialer
	agent   ngrok.Agent
	ep      ngrok.EndpointListener
	ln      *pumpListener
	url     string

	// interval and tolerance time the session's heartbeat (Config.NgrokHeartbeat*, defaulted).
	interval, tolerance time.Duration

	// sessCtx is the library's session context: the library ties the whole session's life (and every
	// dial) to the context given to Connect, so it must not carry the connect deadline.
	sessCtx    context.Context
	sessCancel context.CancelFunc
	stopDial   context.CancelFunc

	done      chan struct{}
	doneOnce  sync.Once
	final     chan struct{} // the library's session-handler goroutine has ended
	finalOnce sync.Once

	mu          sync.Mutex
	opened      bool
	closing     bool
	abortErr    error // why opening was abandoned
	fatalErr    error // a permanent error reported by the library
	everUp      bool
	down        bool
	lastErr     string // last (redacted) connect error seen while opening
	cancelledAt time.Time
	lastBeat    time.Time // last sign of the current session's heartbeat timer: dial, connect, heartbeat
	lastDrop    time.Time // last session lost while open; its heartbeat goroutines run until their timeout

	statusMu sync.Mutex
	quiet    bool

	closeOnce sync.Once
}

func openNgrok(ctx context.Context, cfg Config) (Tunnel, error) {
	if strings.TrimSpace(cfg.NgrokAuthtoken) == "" {
		return nil, ErrNoAuthtoken
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open ngrok tunnel: %w", err)
	}
	t := newNgrokTunnel(cfg)
	agent, err := ngrok.NewAgent(t.agentOptions()...)
	if err != nil {
		t.cancelLibrary()
		return nil, fmt.Errorf("could not open ngrok tunnel: %s", t.red.String(err.Error()))
	}
	t.agent = agent
	if err := t.open(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

func newNgrokTunnel(cfg Config) *ngrokTunnel {
	red := redactor{secret: cfg.NgrokAuthtoken}
	logger := newRedactingLogger(cfg.Logger.With("component", "ngrok"), red)
	stopCtx, stopDial := context.WithCancel(context.Background())
	sessCtx, sessCancel := context.WithCancel(context.Background())
	timeout := orDefault(cfg.ConnectTimeout, DefaultConnectTimeout)
	t := &ngrokTunnel{
		cfg:        cfg,
		red:        red,
		logger:     logger,
		timeout:    timeout,
		interval:   orDefault(cfg.NgrokHeartbeatInterval, DefaultHeartbeatInterval),
		tolerance:  orDefault(cfg.NgrokHeartbeatTolerance, DefaultHeartbeatTolerance),
		dialer:     &retryDialer{stop: stopCtx, logger: logger},
		sessCtx:    sessCtx,
		sessCancel: sessCancel,
		stopDial:   stopDial,
		done:       make(chan struct{}),
		final:      make(chan struct{}),
	}
	t.dialer.onDial = t.beat
	t.dialer.giveUp = t.giveUpOpening
	return t
}

func (t *ngrokTunnel) agentOptions() []ngrok.AgentOption {
	opts := []ngrok.AgentOption{
		ngrok.WithAuthtoken(t.cfg.NgrokAuthtoken),
		ngrok.WithAutoConnect(false),
		ngrok.WithLogger(t.logger),
		ngrok.WithDialer(t.dialer),
		ngrok.WithEventHandler(t.onEvent),
		ngrok.WithHeartbeatInterval(t.interval),
		ngrok.WithHeartbeatTolerance(t.tolerance),
	}
	if t.cfg.NgrokConnectURL != "" {
		opts = append(opts, ngrok.WithAgentConnectURL(t.cfg.NgrokConnectURL))
	}
	if t.cfg.NgrokRootCAs != nil {
		opts = append(opts, ngrok.WithAgentConnectCAs(t.cfg.NgrokRootCAs))
	}
	return opts
}

// open connects and binds the endpoint, giving up after the timeout, on ctx, or on a permanent
// error reported through events. Giving up cancels the session context, which is the only way
// to make the library's Connect return.
func (t *ngrokTunnel) open(ctx context.Context) error {
	timer := time.AfterFunc(t.timeout, func() { t.abort(t.timeoutError()) })
	stop := context.AfterFunc(ctx, func() { t.abort(fmt.Errorf("open ngrok tunnel: %w", context.Cause(ctx))) })
	connected, err := t.connectAndListen()
	timer.Stop()
	stop()

	t.mu.Lock()
	if err == nil && t.abortErr == nil {
		t.opened = true
	}
	opened, abortErr := t.opened, t.abortErr
	t.mu.Unlock()
	if opened {
		t.ln = newPumpListener(t.ep, t.endpointDied)
		t.logger.Info("ngrok tunnel open", "url", t.url)
		return nil
	}

	t.teardown(connected)
	if abortErr != nil {
		return abortErr
	}
	if !connected && !strings.Contains(err.Error(), "certificate") {
		if cerr := t.edgeCertificateError(ctx); cerr != nil {
			return fmt.Errorf("could not open ngrok tunnel: the ngrok service's certificate is not trusted: %s (is a proxy intercepting TLS?)",
				t.red.String(cerr.Error()))
		}
	}
	return fmt.Errorf("could not open ngrok tunnel: %s", summarize(t.red.String(err.Error())))
}

func (t *ngrokTunnel) connectAndListen() (connected bool, err error) {
	if err := t.agent.Connect(t.sessCtx); err != nil {
		return false, err
	}
	var opts []ngrok.EndpointOption
	if u := strings.TrimRight(t.cfg.NgrokURL, "/"); u != "" {
		opts = append(opts, ngrok.WithURL(u))
	}
	ep, err := t.agent.Listen(t.sessCtx, opts...)
	if err != nil {
		return true, err
	}
	t.ep = ep
	t.url = strings.TrimRight(ep.URL().String(), "/")
	return true, nil
}

// abort abandons an Open in progress; it is a no-op once the tunnel is open.
func (t *ngrokTunnel) abort(err error) {
	t.mu.Lock()
	if t.opened || t.abortErr != nil {
		t.mu.Unlock()
		return
	}
	t.abortErr = err
	t.mu.Unlock()
	t.cancelLibrary()
}

// cancelLibrary stops dialling and cancels the session context: the library then closes its
// session and stops reconnecting.
func (t *ngrokTunnel) cancelLibrary() {
	t.mu.Lock()
	if t.cancelledAt.IsZero() {
		t.cancelledAt = time.Now()
	}
	t.mu.Unlock()
	t.stopDial()
	t.sessCancel()
}

// orDefault is d, or def when d is zero or negative.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func (t *ngrokTunnel) Listener() net.Listener { return t.ln }
func (t *ngrokTunnel) URL() string            { return t.url }
func (t *ngrokTunnel) Mode() Mode             { return ModeNgrok }
func (t *ngrokTunnel) Done() <-chan struct{}  { return t.done }

func (t *ngrokTunnel) isOpened() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.opened
}

func (t *ngrokTunnel) markDone() { t.doneOnce.Do(func() { close(t.done) }) }

func (t *ngrokTunnel) status(msg string) {
	t.statusMu.Lock()
	defer t.statusMu.Unlock()
	if t.quiet || t.cfg.OnStatus == nil {
		return
	}
	t.cfg.OnStatus(t.red.String(msg))
}
