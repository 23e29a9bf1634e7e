package tunnel

import (
	"context"
	"strings"
	"testing"

	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

// The diagnosis behind an Open that failed before its session came up: an edge whose certificate is
// not trusted is named as such (whichever way the library reported it), and a trusted one is not.
func TestEdgeCertificateError(t *testing.T) {
	t.Parallel()
	edge := ngroktest.Start(t, ngroktest.Options{})
	untrusted := &ngrokTunnel{cfg: Config{NgrokConnectURL: edge.ConnectAddr()}}
	err := untrusted.edgeCertificateError(context.Background())
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("an edge signed by an unknown CA: %v, want a certificate error", err)
	}
	trusted := &ngrokTunnel{cfg: Config{NgrokConnectURL: edge.ConnectAddr(), NgrokRootCAs: edge.CertPool()}}
	if err := trusted.edgeCertificateError(context.Background()); err != nil {
		t.Fatalf("a trusted edge: %v", err)
	}
	closed := &ngrokTunnel{cfg: Config{NgrokConnectURL: "127.0.0.1:1"}}
	if err := closed.edgeCertificateError(context.Background()); err != nil {
		t.Fatalf("nothing listening is not a certificate problem: %v", err)
	}
}
