package ui

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/novita-cli/novita/pkg/clierr"
)

// DefaultAddr is where `novita ui` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:4949"

// Defaults for Options.
const (
	DefaultStreamBuffer       = 256
	DefaultHeartbeat          = 15 * time.Second
	DefaultStreamWriteTimeout = 10 * time.Second
	minTokenLen               = 32
)

// Options configures a Server. Only Addr, AllowRemote, Token, OpenBrowser, Logger and the three data
// sources are meant for commands; the rest exist for tests.
type Options struct {
	Addr        string // host:port; default DefaultAddr; port 0 picks a free port
	AddrFlag    string // the flag that set Addr, named in errors (default "--addr"; listen has --ui-addr)
	AllowRemote bool   // required for an address that is not loopback
	Token       string // "" = a random 192-bit token; else at least 32 URL-safe characters
	// OpenBrowser, when set, is called once with URL() after the server starts serving (--open).
	// An error is logged as a warning; serving goes on.
	OpenBrowser func(url string) error
	Logger      *slog.Logger // nil = discard

	Events  EventSource // nil = no live events (novita ui without a receiver)
	Store   Store       // nil = empty history and gallery
	Actions Actions     // nil = buttons answer that the action is unavailable

	Now                func() time.Time
	StreamBuffer       int           // events buffered per SSE client before it is dropped (default 256)
	Heartbeat          time.Duration // SSE keep-alive comment interval (default 15 s)
	StreamWriteTimeout time.Duration // a write to an SSE client that takes longer drops it (default 10 s)
}

// withDefaults validates o and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.AddrFlag == "" {
		o.AddrFlag = "--addr"
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return o, clierr.Usagef("%s %q: want host:port, e.g. %s", o.AddrFlag, o.Addr, DefaultAddr)
	}
	if !isLoopbackHost(host) && !o.AllowRemote {
		return o, clierr.Usagef("%s %s is not a loopback address: the inspector shows your webhooks, requests and files, "+
			"so it listens on 127.0.0.1 by default; add --allow-remote to serve it on the network anyway", o.AddrFlag, o.Addr)
	}
	if o.Token == "" {
		o.Token = newToken()
	} else if !validToken(o.Token) {
		return o, clierr.Usagef("the UI token must be at least %d characters of A-Z a-z 0-9 - _ . ~ (128 bits or more); "+
			"leave it empty for a random one", minTokenLen)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.StreamBuffer <= 0 {
		o.StreamBuffer = DefaultStreamBuffer
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.StreamWriteTimeout <= 0 {
		o.StreamWriteTimeout = DefaultStreamWriteTimeout
	}
	return o, nil
}

// IsLoopbackAddr reports whether host:port names this machine only: "localhost" or a loopback IP.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && isLoopbackHost(host)
}

// isLoopbackHost accepts "localhost" and loopback IP literals; any other name could resolve anywhere.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func newToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// validToken wants a token that needs no escaping in a URL or a cookie.
func validToken(t string) bool {
	if len(t) < minTokenLen {
		return false
	}
	for _, c := range t {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.~", c)
		if !ok {
			return false
		}
	}
	return true
}
