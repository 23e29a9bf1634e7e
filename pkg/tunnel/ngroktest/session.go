package ngroktest

import (
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"golang.ngrok.com/muxado/v2"
)

// session is one agent connection: TLS, then muxado with typed streams.
type session struct {
	edge   *Edge
	raw    net.Conn // the TCP connection, closed to simulate a network drop
	mux    muxado.TypedStreamSession
	authed bool // guarded by edge.mu
	// beats counts heartbeats echoed since the session's last bind (guarded by edge.mu).
	beats int
	// authPending is set when the agent opens an Auth stream and cleared when it opens any later
	// non-heartbeat stream (guarded by edge.mu); see settled.
	authPending bool
}

// settled waits (up to heartbeatHold) until the agent has opened a stream after its Auth: only then
// has its Auth call returned. Why: ngrok-go v2.4.0's rawSession.Auth writes its Logger after the
// answer, unsynchronised, and the heartbeat callback reads it; an echo the edge sends while Auth is
// in flight (a reconnect on a loaded machine can outlast a heartbeat interval) is a data race
// the race detector reports in the library. Holding the echo until the agent's next request orders
// the two, since the agent sends that request after Auth has returned.
func (s *session) settled() {
	deadline := time.Now().Add(heartbeatHold)
	for {
		s.edge.mu.Lock()
		pending := s.authPending
		s.edge.mu.Unlock()
		if !pending || time.Now().After(deadline) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// heartbeatHold bounds settled: an agent that authenticates and then opens nothing (no tunnel to
// bind) still gets its echo well within the CLI's heartbeat tolerance (4 s; 3 s in pkg/tunnel's tests).
const heartbeatHold = 1500 * time.Millisecond

func (e *Edge) acceptAgents() {
	for {
		c, err := e.agentLn.Accept()
		if err != nil {
			return
		}
		if !e.enter() {
			_ = c.Close()
			return
		}
		go func() {
			defer e.wg.Done()
			e.serveAgent(c)
		}()
	}
}

func (e *Edge) serveAgent(raw net.Conn) {
	mux := muxado.NewTypedStreamSession(muxado.Server(tls.Server(raw, e.tlsCfg), &muxado.Config{}))
	s := &session{edge: e, raw: raw, mux: mux}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		_ = mux.Close()
		return
	}
	e.sessions[s] = struct{}{}
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.sessions, s)
		e.mu.Unlock()
		_ = mux.Close()
	}()
	for {
		st, err := mux.AcceptTypedStream()
		if err != nil {
			return
		}
		if !e.enter() {
			_ = st.Close()
			return
		}
		if t := st.StreamType(); t != typeHeartbeat { // in the order the agent opened them
			e.mu.Lock()
			s.authPending = t == typeAuth
			e.mu.Unlock()
		}
		go func() {
			defer e.wg.Done()
			w := &writeWatch{TypedStream: st}
			s.handle(w)
			if !w.failed {
				_ = st.Close()
			}
		}()
	}
}

// writeWatch remembers that a write failed, so that the stream is then left to its session. muxado
// (v2.0.1) returns from a write when its session dies while the session's writer goroutine may still be
// sending that frame; a Close then packs its FIN into the same frame buffer, a data race -race reports
// (stream.go write and CloseWrite) and fails whatever test runs beside. A dead session has closed its
// streams already. Only handle's goroutine writes to an agent's stream, so a plain bool does.
type writeWatch struct {
	muxado.TypedStream
	failed bool
}

func (w *writeWatch) Write(p []byte) (int, error) {
	n, err := w.TypedStream.Write(p)
	if err != nil {
		w.failed = true
	}
	return n, err
}

// handle answers one stream opened by the agent.
func (s *session) handle(st muxado.TypedStream) {
	e := s.edge
	switch st.StreamType() {
	case typeHeartbeat:
		// The agent writes 4-byte ids and expects each one echoed back.
		buf := make([]byte, 4)
		for {
			if _, err := io.ReadFull(st, buf); err != nil {
				return
			}
			s.settled()
			if _, err := st.Write(buf); err != nil {
				return
			}
			e.mu.Lock()
			s.beats++
			e.mu.Unlock()
		}
	case typeAuth:
		var req authReq
		if json.NewDecoder(st).Decode(&req) == nil {
			reply(st, e.auth(s, req))
		}
	case typeBind:
		var req bindReq
		if json.NewDecoder(st).Decode(&req) == nil {
			reply(st, e.bind(s, req))
		}
	case typeUnbind:
		var req unbindReq
		if json.NewDecoder(st).Decode(&req) == nil {
			e.unbind(s, req.ClientID)
			reply(st, errorResp{})
		}
	case typeSrvInfo:
		var req json.RawMessage
		if json.NewDecoder(st).Decode(&req) == nil {
			reply(st, srvInfoResp{Region: "local"})
		}
	case typePatchTunnel, typeLabel:
		var req json.RawMessage
		if json.NewDecoder(st).Decode(&req) == nil {
			reply(st, errorResp{Error: "ngroktest: not supported"})
		}
	}
}

func reply(w io.Writer, v any) { _ = json.NewEncoder(w).Encode(v) }

func (e *Edge) auth(s *session, req authReq) authResp {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lastToken = req.Extra.Authtoken
	e.lastBeat = [2]time.Duration{time.Duration(req.Extra.HeartbeatInterval), time.Duration(req.Extra.HeartbeatTolerance)}
	msg := e.authError
	if msg == "" && e.rejectAuth {
		msg = "The authtoken you specified is properly formed, but it is invalid.\n" +
			"Your authtoken: " + req.Extra.Authtoken + "\n" +
			"This usually happens when the authtoken was revoked or reset.\n\nERR_NGROK_107\n"
	}
	if msg != "" {
		return authResp{Version: protoVersionReply, Error: msg}
	}
	e.auths++
	s.authed = true
	id := req.ClientID
	if id == "" {
		id = e.nextID("client")
	}
	return authResp{Version: protoVersionReply, ClientID: id, Extra: authRespExtra{
		Version: "ngroktest", Region: "local", Cookie: "cookie-" + id,
		AccountName: "ngroktest", PlanName: "test", AgentSessionID: e.nextID("sess"),
	}}
}

func (e *Edge) bind(s *session, req bindReq) bindResp {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !s.authed {
		return bindResp{Error: "ngroktest: bind before a successful auth"}
	}
	var opts bindOpts
	_ = json.Unmarshal(req.Opts, &opts)
	id := req.ClientID
	if id == "" {
		id = e.nextID("tun")
	}
	b, ok := e.binds[id]
	if !ok {
		b = &bind{id: id, url: e.bindURL(req.Proto, opts), proto: req.Proto}
		e.binds[id] = b
	}
	b.sess = s
	s.beats = 0
	e.seq++
	b.seq = e.seq
	return bindResp{ClientID: id, URL: b.url, Proto: req.Proto, Opts: req.Opts,
		Extra: bindRespExtra{Token: "bindtoken-" + id, TunnelID: "tn_" + id}}
}

// bindURL echoes the URL the agent asked for (a reserved domain), else the edge's default.
func (e *Edge) bindURL(proto string, o bindOpts) string {
	switch {
	case o.URL != "" && strings.Contains(o.URL, "://"):
		return strings.TrimRight(o.URL, "/")
	case o.URL != "":
		return proto + "://" + strings.TrimRight(o.URL, "/")
	case o.Hostname != "":
		return proto + "://" + o.Hostname
	case o.Domain != "":
		return proto + "://" + o.Domain
	}
	return e.PublicURL()
}

func (e *Edge) unbind(s *session, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if b, ok := e.binds[id]; ok && b.sess == s {
		delete(e.binds, id)
	}
}

// route picks the live bind for a public request: the one whose URL host matches, else the
// most recently bound one.
func (e *Edge) route(host string) (s *session, id, proto string, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var best *bind
	for _, b := range e.binds {
		if _, live := e.sessions[b.sess]; !live {
			continue
		}
		if u, err := url.Parse(b.url); err == nil && u.Host == host {
			return b.sess, b.id, b.proto, true
		}
		if best == nil || b.seq > best.seq {
			best = b
		}
	}
	if best == nil {
		return nil, "", "", false
	}
	return best.sess, best.id, best.proto, true
}

// openProxy opens a Proxy stream to the agent for bind id and writes its header.
func (s *session) openProxy(id, clientAddr, proto string) (muxado.Stream, error) {
	st, err := s.mux.OpenTypedStream(typeProxy)
	if err != nil {
		return nil, err
	}
	hdr, err := json.Marshal(proxyHeader{ID: id, ClientAddr: clientAddr, Proto: proto})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	buf := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	if _, err := st.Write(append(buf, hdr...)); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}
