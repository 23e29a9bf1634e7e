// Package ngroktest is a fake ngrok edge for tests: it speaks the agent side of the ngrok tunnel
// protocol (muxado typed streams over TLS: heartbeat, Auth, Bind, Unbind, server-opened Proxy
// streams) well enough for the real golang.ngrok.com/ngrok/v2 agent to connect, bind an endpoint,
// receive HTTP requests and reconnect. Everything listens on 127.0.0.1 only.
//
// Point an agent at it with tunnel.Config{NgrokConnectURL: e.ConnectAddr(), NgrokRootCAs:
// e.CertPool()}. The edge's public side is a plain HTTP listener on PublicAddr(): every request
// sent there is carried over a Proxy stream to the agent's endpoint. By default the URL reported
// to the agent is that listener's own "http://127.0.0.1:port", so any HTTP client can POST to the
// tunnel URL; HTTPClient() also reaches the edge for any other host name.
package ngroktest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures a fake edge.
type Options struct {
	// URL is reported for binds that do not ask for a URL. Default: "http://" + PublicAddr().
	URL string
	// RejectAuth answers every Auth the way ngrok answers an invalid authtoken (ERR_NGROK_107),
	// quoting the presented token back in the message, as ngrok does.
	RejectAuth bool
	// AuthError, when set, is the error of every Auth answer (it wins over RejectAuth), e.g.
	// "Your account is limited to 1 simultaneous ngrok agent sessions.\n\nERR_NGROK_108".
	AuthError string
}

// Edge is a running fake ngrok edge.
type Edge struct {
	opts      Options
	tlsCfg    *tls.Config
	pool      *x509.CertPool
	agentLn   net.Listener
	publicLn  net.Listener
	srv       *http.Server
	transport *http.Transport
	wg        sync.WaitGroup

	mu         sync.Mutex
	closed     bool
	rejectAuth bool
	authError  string
	sessions   map[*session]struct{}
	binds      map[string]*bind
	seq        int
	auths      int
	lastToken  string
	lastBeat   [2]time.Duration // heartbeat interval and tolerance announced by the latest Auth
}

// bind is one endpoint bound by an agent; a reconnecting agent rebinds with the same id.
type bind struct {
	id, url, proto string
	sess           *session
	seq            int
}

// New starts a fake edge. Call Close when done.
func New(opts Options) (*Edge, error) {
	cert, pool, err := selfSigned()
	if err != nil {
		return nil, fmt.Errorf("ngroktest: %w", err)
	}
	agentLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("ngroktest: listen: %w", err)
	}
	publicLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = agentLn.Close()
		return nil, fmt.Errorf("ngroktest: listen: %w", err)
	}
	e := &Edge{
		opts:       opts,
		tlsCfg:     &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		pool:       pool,
		agentLn:    agentLn,
		publicLn:   publicLn,
		rejectAuth: opts.RejectAuth,
		authError:  opts.AuthError,
		sessions:   make(map[*session]struct{}),
		binds:      make(map[string]*bind),
	}
	e.srv = &http.Server{
		Handler:           http.HandlerFunc(e.servePublic),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	e.transport = &http.Transport{DialContext: e.dialPublic, MaxIdleConnsPerHost: 4}
	e.wg.Add(2)
	go func() {
		defer e.wg.Done()
		e.acceptAgents()
	}()
	go func() {
		defer e.wg.Done()
		_ = e.srv.Serve(publicLn)
	}()
	return e, nil
}

// Start is New for tests: it fails t on error and closes the edge in t.Cleanup.
func Start(t testing.TB, opts Options) *Edge {
	t.Helper()
	e, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// ConnectAddr is the host:port agents connect to (tunnel.Config.NgrokConnectURL).
func (e *Edge) ConnectAddr() string { return e.agentLn.Addr().String() }

// CertPool trusts the edge's self-signed certificate (tunnel.Config.NgrokRootCAs).
func (e *Edge) CertPool() *x509.CertPool { return e.pool }

// PublicAddr is the host:port of the public HTTP side.
func (e *Edge) PublicAddr() string { return e.publicLn.Addr().String() }

// PublicURL is the URL reported to agents whose bind does not ask for a URL.
func (e *Edge) PublicURL() string {
	if e.opts.URL != "" {
		return strings.TrimRight(e.opts.URL, "/")
	}
	return "http://" + e.PublicAddr()
}

// SetRejectAuth changes Options.RejectAuth for later Auth requests (including reconnects).
func (e *Edge) SetRejectAuth(reject bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rejectAuth = reject
}

// Sessions is the number of successful Auths so far; a reconnect adds one.
func (e *Edge) Sessions() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.auths
}

// LiveSessions is the number of agent connections currently open.
func (e *Edge) LiveSessions() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.sessions)
}

// LastAuthtoken is the authtoken presented by the latest Auth request.
func (e *Edge) LastAuthtoken() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lastToken
}

// LastHeartbeat is the heartbeat interval and tolerance announced by the latest Auth request.
func (e *Edge) LastHeartbeat() (interval, tolerance time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lastBeat[0], e.lastBeat[1]
}

// DropSessions cuts every agent connection at the TCP level, like a network failure; the agent
// is expected to reconnect and rebind. It returns how many were cut.
//
// It first waits (up to dropWait) until each authenticated session has exchanged a heartbeat
// since its last bind. Why: ngrok-go v2.4.0 writes rawSession.Logger in Auth and reads it in
// the heartbeat-timeout path without synchronisation; the race detector reports that when a
// session dies before any heartbeat established an ordering between the two goroutines.
func (e *Edge) DropSessions() int {
	deadline := time.Now().Add(dropWait)
	for !e.heartbeatsSeen() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the agent take in the echo
	e.mu.Lock()
	defer e.mu.Unlock()
	for s := range e.sessions {
		_ = s.raw.Close()
	}
	return len(e.sessions)
}

// dropWait bounds DropSessions' wait for heartbeats (ngrok's default interval is 10s).
const dropWait = 15 * time.Second

func (e *Edge) heartbeatsSeen() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for s := range e.sessions {
		if s.authed && s.beats == 0 {
			return false
		}
	}
	return true
}

// Close stops the edge, cuts all agent sessions and waits for its goroutines.
func (e *Edge) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	sessions := make([]*session, 0, len(e.sessions))
	for s := range e.sessions {
		sessions = append(sessions, s)
	}
	e.mu.Unlock()

	_ = e.agentLn.Close()
	_ = e.srv.Close()
	for _, s := range sessions {
		_ = s.raw.Close()
		_ = s.mux.Close()
	}
	e.transport.CloseIdleConnections()
	e.wg.Wait()
}

// enter registers a goroutine that must finish before Close returns; false once closed.
func (e *Edge) enter() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.wg.Add(1)
	return true
}

func (e *Edge) nextID(prefix string) string {
	e.seq++
	return fmt.Sprintf("%s_%d", prefix, e.seq)
}
