package ui

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
)

func TestNonLoopbackAddressNeedsAllowRemote(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.10:4949", "inspector.example:4949"} {
		_, err := New(Options{Addr: addr})
		if err == nil || clierr.KindOf(err) != clierr.KindUsage || !strings.Contains(err.Error(), "--allow-remote") {
			t.Errorf("Addr %q: err = %v, want a usage error naming --allow-remote", addr, err)
		}
	}
}

func TestBadOptionsAreUsageErrors(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Options{
		"no port":         {Addr: "127.0.0.1"},
		"short token":     {Addr: "127.0.0.1:0", Token: "abc"},
		"token with '&'":  {Addr: "127.0.0.1:0", Token: strings.Repeat("a", 40) + "&x"},
		"token with ' '":  {Addr: "127.0.0.1:0", Token: strings.Repeat("a", 40) + " "},
		"garbage address": {Addr: "not an address"},
	} {
		if _, err := New(o); clierr.KindOf(err) != clierr.KindUsage {
			t.Errorf("%s: err = %v, want a usage error", name, err)
		}
	}
}

func TestPortInUseSaysWhatToDo(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = New(Options{Addr: ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("err = %v, want one suggesting --addr", err)
	}
}

func TestURLCarriesARandomToken(t *testing.T) {
	t.Parallel()
	a, err := New(Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(Options{Addr: "localhost:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if len(a.Token()) < 32 || a.Token() == b.Token() {
		t.Errorf("tokens %q and %q: want two different tokens of at least 128 bits", a.Token(), b.Token())
	}
	if want := "http://" + a.Addr() + a.prefix + "?token=" + a.Token(); a.URL() != want || a.prefix == b.prefix {
		t.Errorf("URL = %q, want %q", a.URL(), want)
	}
}

func TestAllowRemoteAcceptsIPHostsButNotNames(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.Addr, o.AllowRemote = "0.0.0.0:0", true })
	if !strings.HasPrefix(f.srv.URL(), "http://127.0.0.1:") {
		t.Errorf("URL of a wildcard bind = %q, want a loopback URL", f.srv.URL())
	}
	f.base = "http://127.0.0.1:" + f.srv.port
	for host, want := range map[string]int{
		"127.0.0.1:" + f.srv.port:        200,
		"192.0.2.10:" + f.srv.port:       200, // the machine's LAN address as the user typed it
		"attacker.example:" + f.srv.port: 403,
	} {
		if code, _ := read(t, f.do(t, "GET", "/api/info", "", "Host", host)); code != want {
			t.Errorf("Host %q: %d, want %d", host, code, want)
		}
	}
}

func TestOpenBrowserGetsTheURL(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	s, err := New(Options{Addr: "127.0.0.1:0", OpenBrowser: func(u string) error { got <- u; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	if u := <-got; u != s.URL() {
		t.Errorf("OpenBrowser got %q, want %q", u, s.URL())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
