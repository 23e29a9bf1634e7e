package tunnel_test

import (
	"context"
	"log"
	"log/slog"
	"os"
	"testing"

	"github.com/novita-cli/novita/pkg/tunnel"
	"github.com/novita-cli/novita/pkg/tunnel/ngroktest"
)

// TestNgrokLibraryNeverWritesToTerminal runs a whole tunnel life (open, request, reconnect,
// close) and a rejected token, with os.Stdout, os.Stderr and the default loggers captured:
// the library's logs must only ever reach Config.Logger.
//
// It runs in parallel with the other tests, so what it captures is the whole process's output while
// it runs: theirs too, which is only ever the same bug (nothing in these tests writes to the
// terminal or the default loggers, and testing writes through its own *os.File, not os.Stdout).
// Swapping os.Stdout races with no one: nothing else in the test binary reads those variables.
func TestNgrokLibraryNeverWritesToTerminal(t *testing.T) {
	t.Parallel()
	stdout, stderr := captureFile(t, &os.Stdout), captureFile(t, &os.Stderr)
	var defaultLogs syncBuffer // both default loggers write here, each under its own lock
	prevSlog, prevLog := slog.Default(), log.Writer()
	slog.SetDefault(slog.New(slog.NewTextHandler(&defaultLogs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.SetOutput(&defaultLogs)
	defer func() {
		slog.SetDefault(prevSlog)
		log.SetOutput(prevLog)
	}()

	edge := ngroktest.Start(t, ngroktest.Options{})
	for _, logger := range []*slog.Logger{nil, debugLogger(&syncBuffer{})} {
		cfg := ngrokConfig(edge, nil, nil)
		cfg.Logger = logger
		tun, err := tunnel.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		serve(t, tun, echoHandler())
		post(t, edge.HTTPClient(), tun.URL()+"/x", "{}")
		if err := tun.Close(); err != nil {
			t.Fatal(err)
		}
	}
	edge.SetRejectAuth(true)
	if _, err := tunnel.Open(context.Background(), ngrokConfig(edge, nil, nil)); err == nil {
		t.Fatal("Open succeeded with a rejected token")
	}

	for name, got := range map[string]string{"stdout": stdout(), "stderr": stderr(), "default loggers": defaultLogs.String()} {
		if got != "" {
			t.Errorf("%s received output:\n%s", name, got)
		}
	}
}

// captureFile points *f at a temporary file until the test ends; the result reads what was written.
func captureFile(t *testing.T, f **os.File) func() string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	prev := *f
	*f = tmp
	t.Cleanup(func() {
		*f = prev
		tmp.Close()
	})
	return func() string {
		b, err := os.ReadFile(tmp.Name())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}
