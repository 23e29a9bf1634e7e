// Package journaltest reads a state directory's journal in one call, for tests that check what a
// command recorded: each call opens the journal, reads, and closes it again, so nothing stays open
// behind a test (goleak) and a write by the command under test is always seen.
package journaltest

import (
	"context"

	"github.com/novita-cli/novita/pkg/journal"
)

// Tasks returns every task of the journal in dir, newest first.
func Tasks(dir string) ([]journal.Task, error) {
	j := journal.Open(dir)
	defer j.Close()
	return j.List(context.Background(), journal.Query{})
}

// Task returns the task id of the journal in dir.
func Task(dir, id string) (journal.Detail, bool, error) {
	j := journal.Open(dir)
	defer j.Close()
	return j.Get(context.Background(), id)
}
