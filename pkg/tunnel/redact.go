package tunnel

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// redactedToken replaces the authtoken wherever the ngrok service or library echoes it
// (ngrok's "invalid authtoken" errors quote the token back).
const redactedToken = "[REDACTED]"

// redactor removes one secret from strings.
type redactor struct{ secret string }

func (r redactor) String(s string) string {
	if r.secret == "" {
		return s
	}
	return strings.ReplaceAll(s, r.secret, redactedToken)
}

// redactHandler is a slog.Handler that removes the secret from messages and attribute values
// before passing records on; the library's debug logs include whole protocol messages.
type redactHandler struct {
	next slog.Handler
	r    redactor
}

func newRedactingLogger(l *slog.Logger, r redactor) *slog.Logger {
	return slog.New(&redactHandler{next: l.Handler(), r: r})
}

func (h *redactHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), r: h.r}
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.String(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if h.r.secret != "" {
			if s := fmt.Sprintf("%+v", v.Any()); strings.Contains(s, h.r.secret) {
				return slog.String(a.Key, h.r.String(s))
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
