// Package journal owns the local record of submitted tasks and of the webhook deliveries seen: a SQLite
// database (novita.db in the state directory, through the pure-Go modernc.org/sqlite driver) written
// right after a submit answers and before any waiting, so a crash, Ctrl-C or kill -9 never loses a paid
// task. Several CLI processes may write at once on every OS (WAL mode, a busy timeout, immediate write
// transactions). The database is opened on the first call that needs it, its schema migrated in
// versioned steps, and the first release's tasks.jsonl imported once, then kept as tasks.jsonl.imported.
package journal

import (
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DBName is the database file's name in the state directory.
const DBName = "novita.db"

// Event names what a Record says (the first release's record kinds, kept for Append).
const (
	EventSubmitted = "submitted"
	EventStatus    = "status"
	EventFiles     = "files"
)

// FileRecord is one output of a task: a downloaded file (Path set) or an output known only by its URL's
// expiry (Path empty, not yet downloaded).
type FileRecord struct {
	Kind   string `json:"kind,omitempty"`
	Index  int    `json:"index,omitempty"`
	Path   string `json:"path"` // absolute, except paths imported from tasks.jsonl (their directory is unknown)
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256,omitempty"` // of the file as it is now (after embedded metadata)
	// DeliveredSHA256 is the sha256 of the bytes as downloaded, when metadata embedded since changed them.
	DeliveredSHA256 string    `json:"delivered_sha256,omitempty"`
	URLExpiresAt    time.Time `json:"url_expires_at,omitzero"`
}

// Record is one fact about a task, a line of the first release's tasks.jsonl. The import merges it into
// the task: non-empty fields win, a status or reason replaces both, files are upserted by kind and index.
type Record struct {
	At          time.Time    `json:"at"`
	Event       string       `json:"event"`
	TaskID      string       `json:"task_id"`
	Task        string       `json:"task,omitempty"`
	Endpoint    string       `json:"endpoint,omitempty"`
	BaseURL     string       `json:"base_url,omitempty"`
	SubmittedAt time.Time    `json:"submitted_at,omitzero"`
	Status      string       `json:"status,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	Files       []FileRecord `json:"files,omitempty"`
	BatchID     string       `json:"batch_id,omitempty"`
	Line        int          `json:"line,omitempty"`
	Output      string       `json:"output,omitempty"` // the -o template used, so a resume writes where the submit would have
}

// Journal is the database at Path. Its zero cost until used is the point: Open touches nothing.
// The first method that needs the database opens it; it stays open until Close.
type Journal struct {
	Path string // the database file
	Now  func() time.Time
	// OnImport is told about a tasks.jsonl this process imported (at most once per Journal).
	OnImport func(ImportResult)

	mu sync.Mutex
	// writeMu queues this process's write transactions in Go, so only other processes ever meet
	// SQLite's busy handler: it sleeps in growing steps, and sixteen in-process writers contending
	// through it on a loaded machine ran a status write past the busy timeout (the journal then kept
	// QUEUED for a task stdout had reported done).
	writeMu  sync.Mutex
	w        writer        // the connection writes go through, guarded by writeMu
	busy     time.Duration // SQLite's busy timeout; 0 = busyTimeout (tests shorten it)
	readOnly bool          // OpenReadOnly: mode=ro and query_only, nothing created
	db       *sql.DB
	users    int
	keep     bool // stays open after the last release: false once Close was called
}

// Dir resolves the state directory: NOVITA_STATE_DIR, else $XDG_STATE_HOME/novita, else ~/.local/state/novita.
func Dir(env func(string) string) string {
	if d := env("NOVITA_STATE_DIR"); d != "" {
		return d
	}
	if d := env("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "novita")
	}
	home := env("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "state", "novita")
}

// Open returns the journal in dir; nothing is read or created until a method needs the database.
func Open(dir string) *Journal {
	return &Journal{Path: filepath.Join(dir, DBName), Now: time.Now}
}

// Close releases the database; the Journal stays usable (the next call opens it again).
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keep = false
	if j.users > 0 || j.db == nil {
		return nil // the last user closes it
	}
	return j.closeDB()
}

// closeDB closes the database once no call uses it (j.mu held, users == 0, so no write holds a
// cached statement): the statements first, or database/sql would keep SQLite's file open for them.
func (j *Journal) closeDB() error {
	j.w.close()
	err := j.db.Close()
	j.db = nil
	return err
}

func (j *Journal) busyTimeout() time.Duration {
	if j.busy > 0 {
		return j.busy
	}
	return busyTimeout
}

// acquire opens the database when needed and counts the caller as a user until release is called: a
// Close while calls are in flight leaves the closing to the last of them.
func (j *Journal) acquire() (db *sql.DB, release func(), imported *ImportResult, err error) {
	j.mu.Lock()
	if j.db == nil && j.readOnly {
		var needsWrite bool
		j.db, needsWrite, err = openReadOnlyDB(j.Path)
		if err == nil && needsWrite {
			j.db, imported, err = openDB(j.Path, j.now, j.busyTimeout())
		}
		if err != nil {
			j.mu.Unlock()
			return nil, nil, nil, err
		}
	}
	if j.db == nil {
		j.db, imported, err = openDB(j.Path, j.now, j.busyTimeout())
		if err != nil {
			j.mu.Unlock()
			return nil, nil, nil, err
		}
	}
	j.users++
	j.keep = true
	db = j.db
	j.mu.Unlock()
	if imported != nil && j.OnImport != nil {
		j.OnImport(*imported)
	}
	return db, j.release, imported, nil
}

func (j *Journal) release() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.users--
	if j.users == 0 && !j.keep && j.db != nil {
		_ = j.closeDB() // nothing was left unwritten: every write committed before release
	}
}

func (j *Journal) now() time.Time {
	if j.Now != nil {
		return j.Now().UTC()
	}
	return time.Now().UTC()
}
