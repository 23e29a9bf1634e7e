package clierr

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

type apiAuth struct{}

func (apiAuth) Error() string  { return "rejected key" }
func (apiAuth) ExitKind() Kind { return KindAuth }

func TestExitCodesFollowTheDesignTable(t *testing.T) {
	cases := []struct {
		err  error
		code int
	}{
		{nil, 0},
		{errors.New("boom"), 1},
		{Usagef("bad flag"), 2},
		{New(KindTaskFailed, errors.New("failed")), 3},
		{fmt.Errorf("submit: %w", apiAuth{}), 4},
		{New(KindTimeout, errors.New("slow")), 5},
		{fmt.Errorf("read: %w", context.Canceled), 130},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), 5},
		{Reported(New(KindTaskFailed, errors.New("x"))), 3},
		// The outermost kind wins: a caller can reclassify.
		{New(KindUsage, fmt.Errorf("wrapped: %w", apiAuth{})), 2},
	}
	for _, c := range cases {
		if got := Code(c.err); got != c.code {
			t.Errorf("%v: exit %d, want %d", c.err, got, c.code)
		}
	}
}

func TestHintsAndReported(t *testing.T) {
	err := fmt.Errorf("outer: %w", WithHint(KindTimeout, errors.New("slow"), "resume with: novita wait x"))
	if HintOf(err) != "resume with: novita wait x" || ReasonOf(err) != "TIMEOUT" {
		t.Fatalf("hint %q reason %q", HintOf(err), ReasonOf(err))
	}
	if IsReported(err) || !IsReported(Reported(err)) {
		t.Fatal("Reported marks only what it wraps")
	}
}
