// Package app owns what each command does once its flags are parsed: submit, wait, result, tasks,
// config, listen, test-event and sandbox. Commands in cmd/ fill an options struct and call a Run
// function here with an Env that carries everything a test may want to replace.
package app

import (
	"context"
	"crypto/x509"
	"log/slog"
	"net/http"
	"time"

	"github.com/novita-cli/novita/pkg/config"
	"github.com/novita-cli/novita/pkg/iostreams"
	"github.com/novita-cli/novita/pkg/journal"
	"github.com/novita-cli/novita/pkg/novita"
	"github.com/novita-cli/novita/pkg/waiter"
)

// Env is the resolved environment of one command run.
type Env struct {
	IO      *iostreams.IOStreams
	Version string
	JSON    bool

	// API access, resolved flag > env > config > default.
	BaseURL string
	APIKey  string
	Client  *novita.Client

	// HTTP is used for downloads, forwarding and probes.
	HTTP *http.Client

	Config  *config.File
	Getenv  func(string) string
	Journal *journal.Journal
	Logger  *slog.Logger // library logs (ngrok); visible with --debug only

	Now      func() time.Time
	After    func(time.Duration) <-chan time.Time
	Schedule waiter.Schedule
	// DownloadSleep overrides the downloader's backoff (tests).
	DownloadSleep func(ctx context.Context, d time.Duration) error

	// Tunnel settings not tied to one command.
	NgrokAuthtoken string
	// NgrokConnectURL and NgrokRootCAs point the ngrok agent at a fake edge in tests.
	NgrokConnectURL      string
	NgrokRootCAs         *x509.CertPool
	TunnelConnectTimeout time.Duration
}

// NeedKey returns the auth error the design asks for when no key is set.
func (e *Env) NeedKey() error {
	if e.APIKey != "" {
		return nil
	}
	return errMissingKey
}
