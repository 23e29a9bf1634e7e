package ngroktest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/testmain"

	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

func TestMain(m *testing.M) { testmain.Main(m) }

func TestOfflineEndpointAnswersLikeNgrok(t *testing.T) {
	e, err := ngroktest.New(ngroktest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if !strings.HasPrefix(e.PublicURL(), "http://127.0.0.1:") || e.ConnectAddr() == e.PublicAddr() {
		t.Fatalf("addresses: public %q connect %q", e.PublicURL(), e.ConnectAddr())
	}
	c := e.HTTPClient()
	resp, err := c.Post("https://nobody.ngrok.test/hook", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "ERR_NGROK_3200") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if e.Sessions() != 0 || e.LiveSessions() != 0 || e.DropSessions() != 0 {
		t.Fatal("a fresh edge reports sessions")
	}
	e.Close()
	e.Close() // idempotent
}

func TestCustomURLOption(t *testing.T) {
	e := ngroktest.Start(t, ngroktest.Options{URL: "https://fake-1.ngrok.test/"})
	if e.PublicURL() != "https://fake-1.ngrok.test" {
		t.Fatalf("PublicURL() = %q", e.PublicURL())
	}
	if e.CertPool() == nil {
		t.Fatal("no cert pool")
	}
}
