package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// ErrNoJournal is Check's answer for a journal that does not exist yet (nothing was submitted).
var ErrNoJournal = errors.New("no journal yet")

// Health is what Check found in a readable journal.
type Health struct {
	Tasks   int // tasks recorded
	Version int // schema version (PRAGMA user_version)
}

// Check reads the journal at path without changing it (read-only, no migration, no import): SQLite's
// integrity check, and a schema this version can use. It backs `novita doctor`.
func Check(ctx context.Context, path string) (Health, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Health{}, err
	}
	if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
		return Health{}, ErrNoJournal
	} else if err != nil {
		return Health{}, fmt.Errorf("journal %s: %w", abs, err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	db, err := sql.Open("sqlite", u.String()+"?mode=ro&_busy_timeout=2000")
	if err != nil {
		return Health{}, fmt.Errorf("journal %s: %w", abs, err)
	}
	defer db.Close()
	var h Health
	var verdict string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&verdict); err != nil {
		return h, fmt.Errorf("journal %s cannot be read: %w", abs, err)
	}
	if verdict != "ok" {
		return h, fmt.Errorf("journal %s is damaged: %s", abs, verdict)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&h.Version); err != nil {
		return h, fmt.Errorf("journal %s: %w", abs, err)
	}
	if n := len(migrations()); h.Version > n {
		return h, fmt.Errorf("journal %s has schema %d, newer than this novita knows (%d): it was written by a newer version", abs, h.Version, n)
	}
	if h.Version > 0 {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM tasks").Scan(&h.Tasks); err != nil {
			return h, fmt.Errorf("journal %s: %w", abs, err)
		}
	}
	return h, nil
}
