package tunnel

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedactingLoggerHidesTokenEverywhere(t *testing.T) {
	const token = "tok_SECRET_123"
	var buf bytes.Buffer
	base := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := newRedactingLogger(base, redactor{secret: token}).With("with", "pre "+token)
	l.WithGroup("g").Debug("msg "+token,
		"err", errors.New("Your authtoken: "+token),
		"group", slog.GroupValue(slog.String("inner", token)),
		"any", struct{ Token string }{token},
		"n", 42)
	out := buf.String()
	if strings.Contains(out, token) || strings.Count(out, redactedToken) != 5 || !strings.Contains(out, `"n":42`) {
		t.Fatalf("log line: %s", out)
	}
	if got := (redactor{}).String("abc"); got != "abc" {
		t.Fatalf("an empty secret changed the text: %q", got)
	}
}
