package listen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/novita-cli/novita/pkg/webhook"
)

func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save directory: %w", err)
	}
	return nil
}

// saveEvent writes the body exactly as received, through a temporary file and a rename, so that a
// replay (`test-event --from-file`) never reads a half-written event.
func saveEvent(dir string, d webhook.Delivery) (string, error) {
	id := "event"
	if d.Result != nil && d.Result.Task.TaskID != "" {
		id = safeName(d.Result.Task.TaskID)
	}
	name := d.Received.UTC().Format("20060102T150405.000000000Z") + "_" + id + ".json"
	final := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, ".novita-event-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(d.Body); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", err
	}
	return final, nil
}

// safeName keeps a task id usable as a file name: the id comes from an unauthenticated body.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
