package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is one simulator instance. Create it with New; use Handler (e.g. with httptest) or Start.
type Server struct {
	mu         sync.Mutex
	raw        Options // as given, returned by Options
	opts       Options // with defaults
	rng        *mrand.Rand
	endpoints  map[string]*endpoint
	counts     map[string]int // requests seen per injection kind ("submit", "result")
	taskFaults map[string]int // rate-drawn faults answered per task's result reads
	tasks      map[string]*task
	files      map[string]*output // "<task>/<file>" -> output, test-mode tasks included
	cutDone    map[string]bool    // outputs already cut by DownloadCutAfter
	expired    map[string]bool    // outputs whose first resume ExpireOnResume answered
	rate       map[string][]rateHit
	requests   []Request
	webhooks   []WebhookAttempt
	secrets    [][]byte // URL signing keys; the last signs, earlier ones mark expired URLs
	train      trainingState
	logMu      sync.Mutex

	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closed    bool
	ownClient *http.Client
	httpSrv   *http.Server
	url       string
}

// New builds a server; nothing runs until Handler is served or Start is called.
func New(opts Options) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		endpoints:  endpointTable(),
		counts:     map[string]int{},
		taskFaults: map[string]int{},
		tasks:      map[string]*task{},
		files:      map[string]*output{},
		cutDone:    map[string]bool{},
		expired:    map[string]bool{},
		rate:       map[string][]rateHit{},
		ctx:        ctx,
		cancel:     cancel,
		ownClient:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second}},
	}
	s.secrets = [][]byte{newSecret()}
	s.SetOptions(opts)
	return s
}

func newSecret() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// SetOptions replaces the knobs (safe while serving); it also restarts the "first N requests" counters
// and the knob RNG so a test can switch behaviour mid-run deterministically.
func (s *Server) SetOptions(opts Options) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw = opts
	s.opts = opts.withDefaults()
	s.rng = mrand.New(mrand.NewPCG(opts.Seed, 0x5eed))
	clear(s.counts)
	clear(s.taskFaults)
}

// Options returns the knobs as last given to New or SetOptions.
func (s *Server) Options() Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw
}

func (s *Server) options() Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts
}

// APIKey is the key the server accepts.
func (s *Server) APIKey() string { return s.options().APIKey }

// Handler serves the API and the output files.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v3/async/task-result", s.handleResult)
	mux.HandleFunc("/v3/async/{name}", s.handleSubmit)
	mux.HandleFunc("/v3/{name}", s.handleSync)
	mux.HandleFunc("/v3beta/{name}", s.handleSync)
	mux.HandleFunc("/outputs/{task}/{file}", s.handleOutput)
	mux.HandleFunc("/v3/model", s.modelsHandler())
	mux.HandleFunc("/openapi/v1/billing/balance/detail", s.handleBalance)
	mux.HandleFunc("/v3/user", s.handleUser)
	s.trainingRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Endpoints at other paths (the unified POST /v3/video/create answers a task id like /v3/async/).
		if ep := s.endpoints[r.URL.Path]; ep != nil {
			if ep.sync {
				s.handleSync(w, r)
			} else {
				s.handleSubmit(w, r)
			}
			return
		}
		s.writeError(w, http.StatusNotFound, "API_NOT_FOUND", "no API at "+r.URL.Path, nil)
	})
	return s.record(mux)
}

// Start listens on addr ("127.0.0.1:0" for a free port) and serves in the background until Close.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	if s.closed || s.httpSrv != nil {
		s.mu.Unlock()
		_ = ln.Close()
		return errors.New("sandbox: already started or closed")
	}
	s.httpSrv, s.url = srv, "http://"+ln.Addr().String()
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		_ = srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return nil
}

// URL is the base URL once started ("http://127.0.0.1:port"), "" before.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Close stops the HTTP server and every webhook goroutine, and waits for them.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.httpSrv
	s.mu.Unlock()
	s.cancel()
	var err error
	if srv != nil {
		err = srv.Close()
	}
	s.wg.Wait()
	s.ownClient.CloseIdleConnections()
	return err
}

// goAsync runs f in a goroutine that Close waits for; it reports false once the server is closed.
func (s *Server) goAsync(f func(ctx context.Context)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f(s.ctx)
	}()
	return true
}
