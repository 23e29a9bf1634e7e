package mcp

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/mcpserver"
)

// checkLoopback refuses an --http address other machines could reach: the server spends the user's
// money, so it only listens on loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return clierr.Usagef("--http %q is not host:port (example: 127.0.0.1:8765)", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return clierr.Usagef("--http %s: listen on a loopback address (127.0.0.1:PORT or [::1]:PORT); the server spends your balance", addr)
	}
	return nil
}

// serveHTTP serves streamable HTTP at /mcp; every request must carry the bearer token printed on
// stderr when the server starts.
func serveHTTP(ctx context.Context, o *Options, srv *mcpserver.Server) error {
	ln, err := net.Listen("tcp", o.HTTP)
	if err != nil {
		return clierr.Usagef("--http %s: %v", o.HTTP, err)
	}
	token := newToken()
	h := sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return srv.MCP() }, nil)
	mux := http.NewServeMux()
	mux.Handle("/mcp", requireToken(token, h))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + "/mcp"
	o.IO.Statusf("novita mcp: streamable HTTP at %s; send the header Authorization: Bearer %s", url, token)
	if o.Ready != nil {
		o.Ready <- [2]string{url, token}
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		return nil
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

func requireToken(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", "Bearer")
			http.Error(w, "missing or wrong bearer token (printed on stderr when novita mcp started)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
