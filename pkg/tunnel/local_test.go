package tunnel_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/clierr"
	"github.com/novita-cli/novita/pkg/tunnel"
)

func TestLocalServesOnLoopbackURL(t *testing.T) {
	tun, err := tunnel.Open(context.Background(), tunnel.Config{Mode: tunnel.ModeLocal})
	if err != nil {
		t.Fatal(err)
	}
	if tun.Mode() != tunnel.ModeLocal {
		t.Errorf("Mode() = %q", tun.Mode())
	}
	if !strings.HasPrefix(tun.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL() = %q, want a loopback URL", tun.URL())
	}
	serve(t, tun, echoHandler())
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	code, body := post(t, client, tun.URL()+"/webhook/abc", `{"x":1}`)
	if code != 200 || body != `POST /webhook/abc {"x":1}` {
		t.Fatalf("got %d %q", code, body)
	}

	if err := tun.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := tun.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	select {
	case <-tun.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
}

func TestLocalAdvertisesPublicURL(t *testing.T) {
	tun, err := tunnel.Open(context.Background(), tunnel.Config{
		Mode: tunnel.ModeLocal, PublicURL: "https://hooks.example.com/base/",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	if tun.URL() != "https://hooks.example.com/base" {
		t.Fatalf("URL() = %q", tun.URL())
	}
	if got := tun.Listener().Addr().String(); !strings.HasPrefix(got, "127.0.0.1:") {
		t.Fatalf("listening on %s, want loopback by default", got)
	}
}

func TestLocalWildcardListenAddrGivesDialableURL(t *testing.T) {
	tun, err := tunnel.Open(context.Background(), tunnel.Config{Mode: tunnel.ModeLocal, ListenAddr: "0.0.0.0:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	if !strings.HasPrefix(tun.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL() = %q", tun.URL())
	}
}

func TestLocalErrors(t *testing.T) {
	_, err := tunnel.Open(context.Background(), tunnel.Config{Mode: tunnel.ModeLocal, PublicURL: "hooks.example.com"})
	if clierr.KindOf(err) != clierr.KindUsage {
		t.Errorf("relative public URL: %v, want usage error", err)
	}
	_, err = tunnel.Open(context.Background(), tunnel.Config{Mode: tunnel.ModeLocal, ListenAddr: "127.0.0.1:notaport"})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:notaport") {
		t.Errorf("bad listen addr: %v", err)
	}
	for _, m := range []tunnel.Mode{tunnel.ModeNone, tunnel.ModeAuto} {
		if _, err := tunnel.Open(context.Background(), tunnel.Config{Mode: m}); err == nil {
			t.Errorf("Open(%s) succeeded", m)
		}
	}
}
