package ui

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Server is the inspector's HTTP server, bound by New and run by Serve.
type Server struct {
	opts       Options
	log        *slog.Logger
	ln         net.Listener
	port       string
	hosts      map[string]bool // Host header values accepted, lower case
	anyIPHost  bool            // bound to a wildcard address (allow-remote): any IP literal with our port
	cookieName string
	prefix     string // "/ui-<random>/": every route lives under it, and so does the cookie's Path
	assets     assets
	srv        *http.Server
	baseCtx    context.Context // request contexts derive from it; cancelled first at shutdown, ending streams
	cancelBase context.CancelFunc
	serving    atomic.Bool
}

// New validates opts and binds the listener, so that a bad address or a port in use is reported
// before anything is printed. Call Serve to serve, or Close to give the address back.
func New(opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("ui: listen on %s: %w (is another novita ui running? choose another port with %s)", opts.Addr, err, opts.AddrFlag)
	}
	s := &Server{opts: opts, log: opts.Logger, ln: ln, assets: as, prefix: randomPrefix()}
	s.initHosts(ln.Addr().(*net.TCPAddr))
	if !isLoopbackHost(hostOf(opts.Addr)) {
		s.log.Warn("the inspector is reachable from the network; anyone who has its URL sees your webhooks and files",
			"addr", ln.Addr().String())
	}
	s.baseCtx, s.cancelBase = context.WithCancel(context.Background())
	s.srv = &http.Server{
		Handler:           s.guard(s.routes()),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return s.baseCtx },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	return s, nil
}

func hostOf(addr string) string {
	h, _, _ := net.SplitHostPort(addr)
	return h
}

// initHosts lists the Host values a browser sends for this server: anything else is a DNS-rebinding
// attempt (a name the attacker controls, resolved to 127.0.0.1).
func (s *Server) initHosts(a *net.TCPAddr) {
	s.port = fmt.Sprint(a.Port)
	s.cookieName = "novita_ui_" + s.port // cookies ignore ports: one name per port keeps two servers apart
	s.hosts = map[string]bool{}
	names := []string{"127.0.0.1", "localhost", "[::1]"}
	if a.IP.IsUnspecified() {
		s.anyIPHost = true
	} else {
		names = append(names, strings.ToLower(bracket(a.IP.String())))
	}
	for _, n := range names {
		s.hosts[n+":"+s.port] = true
		if s.port == "80" {
			s.hosts[n] = true
		}
	}
}

func bracket(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]"
	}
	return ip
}

// Addr is the bound address, e.g. 127.0.0.1:4949.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Token is the access token (part of URL).
func (s *Server) Token() string { return s.opts.Token }

// URL is the address to open, token included (a wildcard bind is shown as loopback).
func (s *Server) URL() string {
	a := s.ln.Addr().(*net.TCPAddr)
	host := bracket(a.IP.String())
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + host + ":" + s.port + s.prefix + "?token=" + s.opts.Token
}

// randomPrefix is this run's path prefix. Cookies ignore ports, so a cookie with Path=/ would reach
// every other service on 127.0.0.1; scoped to a path no one else serves, it reaches only this server.
func randomPrefix() string {
	return "/ui-" + rand.Text()[:16] + "/"
}

// Serve serves until ctx ends, then stops gracefully (open event streams are closed) and returns nil.
// It returns an error when serving fails. Serve may be called once.
func (s *Server) Serve(ctx context.Context) error {
	if !s.serving.CompareAndSwap(false, true) {
		return errors.New("ui: Serve called twice")
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	if s.opts.OpenBrowser != nil {
		if err := s.opts.OpenBrowser(s.URL()); err != nil {
			s.log.Warn("could not open a browser; open the URL yourself", "err", err)
		}
	}
	select {
	case err := <-errc:
		s.cancelBase()
		return fmt.Errorf("ui: serve: %w", err)
	case <-ctx.Done():
	}
	s.cancelBase()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	<-errc
	if err != nil {
		return fmt.Errorf("ui: shutdown: %w", err)
	}
	return nil
}

// Close gives the address back when Serve was never called (Serve closes it itself).
func (s *Server) Close() error {
	if s.serving.Load() {
		return nil
	}
	s.cancelBase()
	return s.ln.Close()
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /static/{name}", s.static)
	mux.HandleFunc("GET /api/info", s.info)
	mux.HandleFunc("GET /api/events", s.listEvents)
	mux.HandleFunc("GET /api/events/stream", s.stream)
	mux.HandleFunc("GET /api/events/export", s.export)
	mux.HandleFunc("GET /api/events/{id}", s.getEvent)
	mux.HandleFunc("POST /api/events/{id}/replay", s.replay)
	mux.HandleFunc("POST /api/events/{id}/replay-edited", s.replayEdited)
	mux.HandleFunc("POST /api/test-event", s.testEvent)
	mux.HandleFunc("GET /api/tasks", s.listTasks)
	mux.HandleFunc("GET /api/tasks/{id}", s.getTask)
	mux.HandleFunc("POST /api/tasks/{id}/download", s.downloadAgain)
	mux.HandleFunc("GET /files/{task}/{n}", s.file)
	mux.HandleFunc("GET /api/files/by-sha256/{sum}", s.taskBySHA256)
	mux.HandleFunc("POST /api/files/lookup", s.taskOfUpload)
	return mux
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]bool{
		"live":    s.opts.Events != nil,
		"store":   s.opts.Store != nil,
		"actions": s.opts.Actions != nil,
	})
}
