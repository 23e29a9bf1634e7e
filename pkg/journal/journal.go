// Package journal owns the local record of submitted tasks: an append-only JSONL file that is written
// right after a submit answers and before any waiting, so a crash or Ctrl-C never loses a paid task.
// Several CLI processes may append at once; each record is one write of one line under a file lock.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Event names what a record says.
const (
	EventSubmitted = "submitted"
	EventStatus    = "status"
	EventFiles     = "files"
)

// FileRecord is a downloaded file.
type FileRecord struct {
	Kind   string `json:"kind,omitempty"`
	Index  int    `json:"index,omitempty"`
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256,omitempty"`
}

// Record is one line of the journal.
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

// Entry is the latest known state of one task, merged from its records.
type Entry struct {
	TaskID      string       `json:"task_id"`
	Task        string       `json:"task,omitempty"`
	Endpoint    string       `json:"endpoint,omitempty"`
	BaseURL     string       `json:"base_url,omitempty"`
	SubmittedAt time.Time    `json:"submitted_at"`
	Status      string       `json:"status,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	Files       []FileRecord `json:"files,omitempty"`
	BatchID     string       `json:"batch_id,omitempty"`
	Line        int          `json:"line,omitempty"`
	Output      string       `json:"output,omitempty"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// Journal is the file at Path.
type Journal struct {
	Path string
	Now  func() time.Time
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

// Open returns the journal in dir (created on first append).
func Open(dir string) *Journal {
	return &Journal{Path: filepath.Join(dir, "tasks.jsonl"), Now: time.Now}
}

// Append writes one record as a single line.
func (j *Journal) Append(r Record) error {
	if r.At.IsZero() {
		r.At = j.Now().UTC()
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	b = append(b, '\n')
	if err := os.MkdirAll(filepath.Dir(j.Path), 0o700); err != nil {
		return fmt.Errorf("journal: create %s: %w", filepath.Dir(j.Path), err)
	}
	f, err := os.OpenFile(j.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal: open %s: %w", j.Path, err)
	}
	defer f.Close()
	unlock, err := lockFile(f)
	if err != nil {
		return fmt.Errorf("journal: lock %s: %w", j.Path, err)
	}
	defer unlock()
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("journal: write %s: %w", j.Path, err)
	}
	return nil
}

// Read returns every valid record in file order; corrupt lines are reported through warn and skipped.
func (j *Journal) Read(warn func(line int, err error)) ([]Record, error) {
	b, err := os.ReadFile(j.Path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: read %s: %w", j.Path, err)
	}
	var out []Record
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var r Record
		if err := json.Unmarshal(line, &r); err != nil || r.TaskID == "" {
			if err == nil {
				err = fmt.Errorf("no task_id")
			}
			if warn != nil {
				warn(n, err)
			}
			continue
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// Entries merges records per task, newest submission first.
func (j *Journal) Entries(warn func(line int, err error)) ([]Entry, error) {
	recs, err := j.Read(warn)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Entry{}
	var order []*Entry
	for _, r := range recs {
		e, ok := byID[r.TaskID]
		if !ok {
			e = &Entry{TaskID: r.TaskID}
			byID[r.TaskID] = e
			order = append(order, e)
		}
		merge(e, r)
	}
	sort.SliceStable(order, func(a, b int) bool { return order[a].SubmittedAt.After(order[b].SubmittedAt) })
	out := make([]Entry, len(order))
	for i, e := range order {
		out[i] = *e
	}
	return out, nil
}

func merge(e *Entry, r Record) {
	setIf := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	setIf(&e.Task, r.Task)
	setIf(&e.Endpoint, r.Endpoint)
	setIf(&e.BaseURL, r.BaseURL)
	setIf(&e.Status, r.Status)
	setIf(&e.BatchID, r.BatchID)
	setIf(&e.Output, r.Output)
	if r.Reason != "" || r.Status != "" {
		e.Reason = r.Reason
	}
	if !r.SubmittedAt.IsZero() {
		e.SubmittedAt = r.SubmittedAt
	} else if e.SubmittedAt.IsZero() {
		e.SubmittedAt = r.At
	}
	if r.Line != 0 {
		e.Line = r.Line
	}
	if len(r.Files) > 0 {
		e.Files = r.Files
	}
	if r.At.After(e.UpdatedAt) {
		e.UpdatedAt = r.At
	}
}

// Find returns the entry for id.
func (j *Journal) Find(id string) (Entry, bool, error) {
	es, err := j.Entries(nil)
	if err != nil {
		return Entry{}, false, err
	}
	for _, e := range es {
		if e.TaskID == id {
			return e, true, nil
		}
	}
	return Entry{}, false, nil
}
