package preview

import (
	"context"
	"os/exec"
)

// ExecRunner is the real [CommandRunner]: it runs the program found on PATH and returns its stdout.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	return exec.CommandContext(ctx, name, args...).Output()
}
