package tunnel

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"
)

// defaultConnectAddr is where ngrok-go connects unless told otherwise.
const defaultConnectAddr = "connect.ngrok-agent.com:443"

// edgeCertificateError is why the edge's certificate fails verification, or nil when it passes or the
// edge cannot be asked. Why: ngrok-go reports an untrusted edge (a proxy intercepting TLS, a wrong CA)
// either as the handshake's x509 error or, when its session's writer meets the failed handshake first,
// as "failed to send authentication request: session closed"; one handshake of our own tells which.
// It runs only after Open has failed before the session came up.
func (t *ngrokTunnel) edgeCertificateError(ctx context.Context) error {
	addr := cmp.Or(t.cfg.NgrokConnectURL, defaultConnectAddr)
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{RootCAs: t.cfg.NgrokRootCAs, ServerName: host, MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err == nil {
		_ = conn.Close()
		return nil
	}
	var verify *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var hostname x509.HostnameError
	if errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &hostname) {
		return err
	}
	return nil
}
